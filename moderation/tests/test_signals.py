"""Each kind of blog comment the spam signals must tell apart, with examples of our own.

The judge here is the shipping one over plain values (policy defaults, no block rules, the
starter corpus in memory), given the post each comment is on, as ``classify_comments`` is.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from comments.models import Comment
from moderation import corpus, langid, pipeline
from moderation.models import Policy
from moderation.signals.context import Context
from moderation.signals.promotion import Promotion
from moderation.signals.repeats import SpamMemory
from moderation.tests.helpers import make_moderator, submit
from posts.tests.factories import make_post, make_user

SERVER = {
    "title": "Moving my home server to ZFS",
    "language": "en",
    "text": "I moved the old RAID of my home server to a ZFS mirror of two 4 TB disks, with "
    "lz4 compression, weekly scrubs and hourly snapshots; the ARC took half the memory "
    "until I capped it.",
}
BAKING = {
    "title": "Rye bread without a mixer",
    "language": "en",
    "text": "Rye dough is sticky, so I mix it with a wet spoon, let it rest overnight in the "
    "fridge and bake it in a tin at 230 degrees for an hour.",
}
PI_DE = {
    "title": "Ein Raspberry Pi als Backup-Server",
    "language": "de",
    "text": "Mein Raspberry Pi sichert jede Nacht die Laptops der Familie auf eine "
    "USB-Platte. Die Einrichtung mit rsync und einem Timer dauert zehn Minuten.",
}


@pytest.fixture(scope="module")
def starter():
    return corpus.starter_counts()


def judge(counts, text, post=SERVER, author="Anonymous", url="", email="", **kw):
    j = pipeline.Judge(
        Policy(), pipeline.RuleSet([]), counts, pipeline.RecentIndex(), lambda e: False, **kw
    )
    sub = pipeline.Submission(
        text=text, author=author, url=url, email=email, post_title=post["title"],
        post_text=post["text"], post_language=post["language"],
    )  # fmt: skip
    return j.judge(sub).verdict


@pytest.mark.parametrize(
    "text",
    ["Thanks!", "Very helpful, thank you!", "Great post, thank you.", "🙏", "Nice one 👍",
     "Thanks for sharing!", "Danke!", "Merci beaucoup !"],
)  # fmt: skip
def test_short_thanks_from_anonymous_passes(starter, text):
    v = judge(starter, text)
    assert (v.action, v.reasons) == ("approve", []), v


def test_cyrillic_diploma_mill_on_an_english_post_says_so(starter):
    v = judge(
        starter,
        "Дипломы любых вузов России недорого, с печатями и доставкой. Пишите +7 911 222 33 44",
        author="Диплом",
    )
    assert v.action in ("hold", "spam")
    assert "in Russian on an English post" in v.reasons
    assert "with a phone number" in v.reasons


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("代写论文，包过，价格便宜，加微信 wx55667788", "in Chinese on an English post"),
        ("최고의 온라인 카지노 보너스 지금 가입하세요", "in Korean on an English post"),
        ("أفضل عروض الشحن إلى كل المدن اتصل الآن", "in Arabic on an English post"),
    ],
)
def test_spam_in_another_script_is_held_with_the_reason(starter, text, said):
    v = judge(starter, text, author="x")
    assert v.action in ("hold", "spam") and said in v.reasons, v


def test_a_comment_in_the_posts_own_script_is_not_foreign(starter):
    post = {"title": "Отпуск на Байкале", "language": "ru", "text": "Мы провели неделю на Байкале."}
    v = judge(starter, "Спасибо, очень красивые фотографии Байкала!", post=post)
    assert v.action == "approve", v


def test_latin_spam_in_a_language_the_blog_does_not_use(starter):
    v = judge(
        starter,
        "Jual obat herbal murah dan asli, kirim ke seluruh kota, pesan sekarang juga",
        author="Toko Herbal",
    )
    assert v.action in ("hold", "spam")
    assert "in Indonesian on an English post" in v.reasons


@pytest.mark.parametrize(
    ("text", "post"),
    [
        ("Wie viel Strom braucht der Server im Leerlauf?", SERVER),
        ("Danke für die Anleitung! Klappt das auch mit einem Pi 3?", PI_DE),
        ("Est-ce que la compression lz4 ralentit beaucoup les disques ?", SERVER),
        ("Muito bom, vou testar com os meus discos de 4 TB.", SERVER),
    ],
)
def test_honest_comments_in_other_languages_pass(starter, text, post):
    assert judge(starter, text, post=post).action == "approve"


def test_honest_links_to_references_pass(starter):
    v = judge(
        starter,
        "The OpenZFS documentation explains how to cap the ARC: "
        "https://openzfs.github.io/openzfs-docs/Performance%20and%20Tuning/",
        author="Ben",
    )
    assert v.action == "approve", v
    v = judge(
        starter,
        "Our university's guide to backups covers scrubs too: https://it.example.edu/backups",
    )
    assert v.action == "approve", v


def test_honest_mentions_of_spammy_topics_pass(starter):
    post = {"title": "Explaining blockchains to my parents", "language": "en",
            "text": "My parents asked what a blockchain is after a neighbour lost money on a "
            "coin that promised guaranteed returns."}  # fmt: skip
    for text in (
        "Crypto bros keep telling me to trade bitcoin. Sending this to my family.",
        "My uncle lost money to a forex scheme with 'guaranteed returns' too.",
    ):
        assert judge(starter, text, post=post).action == "approve", text


def test_fluent_flattery_with_a_link_is_held(starter):
    v = judge(
        starter,
        "You're a really skilled blogger. I have joined your feed and look forward to "
        "reading more of your great posts. Also shared your website in my social networks!",
        author="Kelly Brown",
        url="https://kellys-cheap-flowers.example",
    )
    assert v.action in ("hold", "spam")
    assert "praise that says nothing about the post, first comment, with a link" in v.reasons


def test_llm_style_praise_without_a_link_is_held(starter):
    v = judge(
        starter,
        "What an insightful and well-structured article! You have explained everything in "
        "a clear and engaging way, and I truly appreciate the valuable information you share.",
        author="Sophie Lane",
    )
    assert v.action in ("hold", "spam")
    assert "praise that says nothing about the post, first comment" in v.reasons


def test_praise_that_talks_about_the_post_passes(starter):
    v = judge(
        starter,
        "Great write-up! Capping the ARC fixed the same memory problem on my own ZFS mirror.",
        author="Ben",
    )
    assert v.action == "approve", v


def test_an_unrelated_business_name_is_held_without_a_link(starter):
    v = judge(starter, "nice post, thanks for sharing. Sunshine Packers and Movers Pune")
    assert v.action in ("hold", "spam")
    assert (
        "names a business or school the post does not mention ('sunshine packers and movers')"
        in v.reasons
    )


def test_seo_keywords_as_name_and_link_text_are_held(starter):
    v = judge(
        starter,
        'Nice. <a href="https://cheap-disks-outlet.example">cheap hard drives online</a>',
        author="cheap hard drives",
    )
    assert v.action in ("hold", "spam")
    assert any(r.startswith("keywords as the name") for r in v.reasons), v.reasons
    assert any(r.startswith("link to a site that sells") for r in v.reasons), v.reasons


def test_a_paraphrase_of_moderator_marked_spam_is_held_on_another_post(starter):
    memory = SpamMemory(
        [(7, pipeline.textfeatures.tokens(
            "Get fast cash loans approved within one hour, no credit checks, apply online today"
        ))]
    )  # fmt: skip
    v = judge(
        starter,
        "Need money? Fast cash loans with no credit checks, approved in one hour: apply today",
        post=BAKING,
        author="Lisa",
        spam_memory=memory,
    )
    assert v.action in ("hold", "spam")
    assert any(r.endswith("of its words with comment 7, marked spam") for r in v.reasons)


def test_language_detection_on_short_texts():
    assert langid.detect("Thanks, very helpful!") == ("Latin", "en")
    assert langid.detect("Wie sieht es mit dem Energieverbrauch aus?")[1] == "de"
    assert langid.detect("Купить диплом")[0] == "Cyrillic"
    assert langid.detect("ok") == ("Latin", None)
    assert langid.detect("🙂") == (None, None)


# --- through the database: owner, staff, learning --------------------------------------------


def test_the_post_authors_comment_is_the_owners(db):
    owner = make_user("owner")
    post = make_post(author=owner, title="Setting up a ZFS mirror", body=SERVER["text"])
    # As an import builds it: tied to the owner's account, HTML, in German, with a link.
    reply = Comment(
        post=post, user=owner, name="Owner", body_format="html",
        body='Den messe ich noch. <a href="http://forum.example.de/t/123">Hier</a> gibt es '
        "mehr dazu, und http://other.example.de/x auch.",
        created_at=datetime(2014, 3, 26, tzinfo=UTC),
    )  # fmt: skip
    verdict = pipeline.evaluate(reply)
    assert (verdict.action, verdict.reasons) == ("approve", ["the post's author"])


def test_a_staff_comment_is_approved_with_its_badge(db, client):
    editor = make_user("editor", staff=True)
    post = make_post(title="Setting up a ZFS mirror", body=SERVER["text"])
    comment = submit(post=post, user=editor, name="Editor",
                     body="Thanks! Have a look at https://shop.example.com and www.b.example")  # fmt: skip
    assert comment.status == "approved"
    page = client.get(post.get_absolute_url())
    assert 'class="comment-badge">Staff<' in page.content.decode()


def test_one_spam_click_holds_the_next_variant_on_another_post(db):
    moderator = make_moderator()
    first = submit(
        post=make_post(title="Rye bread", body=BAKING["text"]),
        name="Lisa", body="Fast cash loans approved within one hour, no credit checks needed, "
        "apply online today and get the money tomorrow",
    )  # fmt: skip
    from moderation import operations

    operations.moderate([first], "spam", moderator)
    variant = submit(
        post=make_post(title="ZFS", body=SERVER["text"]), name="Mary",
        body="Need money tomorrow? Apply online today: cash loans approved in one hour with "
        "no credit checks",
    )  # fmt: skip
    assert variant.status in ("pending", "spam")
    said = f"of its words with comment {first.pk}, marked spam"
    assert any(r.endswith(said) for r in variant.reasons), variant.reasons


def test_the_commenters_name_is_never_a_learned_word(starter):
    """A site whose spam was often signed "Reader" must not hold the next honest reader who
    signs so, nor cite the name: a reason names the comment's words or links."""
    counts = corpus.starter_counts()
    for i in range(40):
        corpus.train(counts, [
            {"text": f"Cheap backlinks and followers {i}, order now", "author": "Reader",
             "email": "r@mail.example", "url": "", "label": "spam"},
            {"text": f"The scrub on disk {i} finished overnight", "author": f"Person{i}",
             "email": "", "url": "", "label": "ham"},
        ])  # fmt: skip
    text = "I capped the ARC too and the mirror scrubs faster now, thanks."
    as_reader = judge(counts, text, author="Reader", email="r@mail.example")
    as_nobody = judge(counts, text, author="Anonymous")
    assert as_reader.score == as_nobody.score
    assert not any("name" in r or "email" in r for r in as_reader.reasons), as_reader.reasons
    spam = judge(counts, "Cheap backlinks and followers here, order now", author="Reader")
    assert spam.action in ("hold", "spam")
    assert not any("reader" in r.lower() for r in spam.reasons), spam.reasons


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Check out my channel, I post a new cover every week", "promotes the writer's own site"),
        ("Please subscribe to my channel for more drive tests", "asks readers to subscribe"),
        ("sub 4 sub, anyone?", "asks readers to subscribe"),
        ("Like this comment if you are reading this in 2026", "asks for likes"),
        ("pls suscribe, I am almost at 100", "asks readers to subscribe"),
        ("It would mean a lot if you could subscribe", "asks readers to subscribe"),
        ("Be my first follower on the new page", "asks readers to subscribe"),
        ("Help me reach 1,000 subscribers by Friday", "asks readers to subscribe"),
        ("give it a thumbs up so more people see it", "asks for likes"),
        ("Have a look at my weekend drone videos", "promotes the writer's own site"),
    ],
)
def test_asking_readers_to_subscribe_follow_or_like_is_said(text, said):
    ctx = Context(pipeline.Submission(text=text, author="Kai"))
    assert [e.reason.startswith(said) for e in Promotion().check(ctx)] == [True]


def test_asking_for_subscribers_is_held(starter):
    v = judge(starter, "Please subscribe to my channel, new videos every week!", post=BAKING)
    assert v.action in ("hold", "spam")
    assert "asks readers to subscribe or follow ('please subscribe to my channel')" in v.reasons


@pytest.mark.parametrize(
    "text",
    ["I subscribed to your feed after the scrub post.", "I'll share this with my students.",
     "I wrote about my own mirror on my blog last year.", "I would like it if you covered RAID-Z.",
     "I subscribed back in 2019, when the first post came out."],
)  # fmt: skip
def test_telling_what_one_did_is_no_promotion(starter, text):
    assert Promotion().check(Context(pipeline.Submission(text=text))) == []
    assert judge(starter, text).action == "approve"


def test_a_short_honest_comment_written_twice_is_not_held(starter):
    j = pipeline.Judge(
        Policy(), pipeline.RuleSet([]), starter, pipeline.RecentIndex(), lambda e: False
    )
    for i, name in enumerate(("Ana", "Ben")):
        sub = pipeline.Submission(
            text="I love this song so much, it is my favourite", author=name,
            post_title=BAKING["title"], post_text=BAKING["text"], post_language="en",
        )  # fmt: skip
        result = j.judge(sub)
        j.recent.add(i, result.shingles)
    assert result.verdict.action == "approve", result.verdict
    assert any(e.reason.startswith("near-duplicate of comment 0") for e in result.evidence)


def test_a_spun_template_without_a_link_is_held(starter):
    v = judge(
        starter,
        "Truly consider that which you stated. Your favourite reason seemed to be on the "
        "internet the simplest thing to keep in mind. You managed to hit the nail upon the top.",
        author="Maria",
    )
    assert v.action in ("hold", "spam"), v
    assert "praise that says nothing about the post, first comment" in v.reasons


def test_an_advert_as_the_name_is_its_own_signal_not_a_learned_word(starter):
    v = judge(starter, "Nice article, thanks.", author="Best SEO Services")
    assert any(r.endswith("as the name ('Best SEO Services')") for r in v.reasons), v
    assert not any(r.startswith("words often in spam") and "seo" in r.lower() for r in v.reasons), v


def test_common_honest_words_do_not_acquit_a_named_sign_of_spam():
    """A well-trained filter has seen "love this song" in many honest comments; that says
    nothing against an explicit ask for likes."""
    counts = corpus.starter_counts()
    for i in range(1000):
        corpus.train(counts, [
            {"text": f"I love this song, watching it again {i} times", "label": "ham"},
            {"text": f"Cheap followers and backlinks {i}, order at our store", "label": "spam"},
        ])  # fmt: skip
    v = judge(counts, "Like this comment if you love this song and are watching it again")
    assert v.action in ("hold", "spam"), v
    assert v.reasons[0] == "asks for likes ('like this comment if')", v


def test_learned_words_alone_do_not_hold_a_comment_that_asks_nothing():
    """A new video's or post's readers use words the filter saw in spam elsewhere ("views",
    "youtube"); an advert needs a link, an address or an ask of the reader, so without any
    the learned words are only a hint. The same words with an ask are held on them."""
    counts = corpus.starter_counts()
    for i in range(300):
        corpus.train(counts, [
            {"text": f"Watch my new video {i} on youtube, a million views already", "label": "spam"},
            {"text": f"The scrub found {i} checksum errors on one disk", "label": "ham"},
        ])  # fmt: skip
    text = "how many views does this video have on youtube by now, a million already?"
    assert judge(counts, text.capitalize()).action == "approve"
    v = judge(counts, "Please, " + text)
    assert v.action in ("hold", "spam"), v
    assert v.reasons[0].startswith("words often in spam here: "), v.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Please check out my channel",
        "check it out: the cover I recorded",
        "Visit our shop",
        "subscribe to me!",
        "Search for Jo Rapper on Spotify",
        "Thumbs up if you agree",
        "mail me at jo@example.org",
        "call 0151 2345 6789",
        "see www.example.org",
        "my new mixtape",
    ],
)
def test_what_counts_as_asking_the_reader(text):
    assert Context(pipeline.Submission(text=text)).asks


@pytest.mark.parametrize(
    "text",
    [
        "I checked the view count again",
        "The boyfriend was Charlie from Lost",
        "I want new song",
        "Most viewed video on youtube",
        "My daughter loves this song",
        "I subscribed years ago",
    ],
)
def test_what_does_not_count_as_asking_the_reader(text):
    assert not Context(pipeline.Submission(text=text)).asks


def test_a_schools_name_of_capitalised_common_words_is_held_without_a_link(starter):
    """A proper name may be made of words that are weak alone ("Public", "Medical")."""
    v = judge(starter, "good read.. see Lakeside Public Medical College for nursing seats")
    assert v.action in ("hold", "spam"), v
    assert (
        "names a business or school the post does not mention "
        "('lakeside public medical college')" in v.reasons
    ), v.reasons
    # Written in passing, without capitals, it names nothing.
    assert judge(starter, "I learnt this at a public medical college years ago").action == (
        "approve"
    )


def test_approving_a_held_honest_comment_lowers_what_held_it(db):
    """A moderator's approval teaches the filter: the words that held the comment weigh less
    for the next reader who uses them. (Both comments ask something: learned words alone do
    not hold a comment that asks nothing.)"""
    from moderation import operations, store, textfeatures

    for i in range(60):
        store.learn(
            textfeatures.tokens(f"Clay pebbles wholesale {i}, hydro pebbles shipped fast"), True
        )
        store.learn(textfeatures.tokens(f"The scrub found {i} checksum errors on one disk"), False)
    post = make_post(title="Rye bread", body=BAKING["text"])
    held = submit(
        post=post, name="Ana",
        body="Please try clay pebbles under the pots on a balcony: the hydro pebbles stopped "
        "the roots from rotting in the wet weeks",
    )  # fmt: skip
    assert held.status == "pending", held.reasons
    assert any(
        r.startswith("words often in spam here: ") and "pebbles" in r for r in held.reasons
    ), held.reasons
    operations.moderate([held], "approve", make_moderator())
    again = submit(
        post=post, name="Ben",
        body="Please tell me: do clay pebbles from the garden shop work as hydro pebbles under "
        "pots on a balcony, or do the roots rot anyway?",
    )  # fmt: skip
    assert again.score < held.score, (again.score, held.score)


def test_the_letters_of_a_web_address_are_no_language(starter):
    """A link's path in Dutch words does not make an English comment Dutch."""
    text = "The same trick for the ARC is described at https://example.nl/de-fiets-van-het-jaar-en-een-kat"
    ctx = Context(pipeline.Submission(text=text))
    assert ctx.script_and_language == ("Latin", "en")
    v = judge(starter, text)
    assert v.action == "approve" and not any(r.startswith("in Dutch") for r in v.reasons), v


def test_a_link_with_nothing_said_holds_with_another_sign(starter):
    v = judge(starter, "plz https://flip-gram.example/f/x8K2", author="best seo services")
    assert v.action in ("hold", "spam"), v
    assert "a link with nothing said (flip-gram.example)" in v.reasons, v.reasons
