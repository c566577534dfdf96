"""The filter's parts (tokeniser, naive Bayes, near-duplicates) and the verdict of
``pipeline.Judge``, the one implementation ``evaluate`` and ``classify_comments`` run.

The Judge is given plain values here (an unsaved default ``Policy``, no block rules, in-memory
counts, a ``RecentIndex``, nobody returning), so these tests touch no database.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moderation import bayes, corpus, duplicates, pipeline, textfeatures
from moderation.models import Policy

SEED = Path(__file__).resolve().parents[3] / "shared" / "data" / "seed-story" / "comments.jsonl"

INVALID_URLS = [
    "http://[::1",
    "http://[not-an-ip]/",
    "http://exa mple.com",
    "http://%%%.com",
    "http://" + "a" * 300 + ".com",
    "http://-bad-.com",
    "http://xn--zz--.com",
    "https://user:pw@evil.example:99999/x",
    "http://",
    "http://\u200b/",
    "//",
    "www.",
]


@pytest.fixture(scope="module")
def starter() -> bayes.Counts:
    return corpus.starter_counts()


def seed_comments() -> list[dict]:
    if not SEED.exists():
        pytest.skip(f"shared data not found at {SEED}")
    return [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line]


def make_judge(counts: bayes.CountsSource | None, **policy_fields) -> pipeline.Judge:
    """The shipping judge over in-memory state, with the policy's defaults unless given."""
    return pipeline.Judge(
        Policy(**policy_fields),
        pipeline.RuleSet([]),
        counts,
        pipeline.RecentIndex(),
        lambda e: False,
    )


def judge(j: pipeline.Judge, text: str, author: str = "", email: str = "", url: str = "", cid=None):
    """Judge one comment as classify_comments does: it joins the recent ones afterwards."""
    result = j.judge(pipeline.Submission(text=text, author=author, email=email, url=url))
    if cid is not None:
        j.recent.add(cid, result.shingles)
    return result.verdict


# --- tokeniser -------------------------------------------------------------


def test_words_pairs_and_feature_tokens():
    toks = textfeatures.tokens("Check out my channel: http://www.Example.com/x", "http://me.org")
    assert {"check", "out", "check out", "my channel"} <= toks
    assert {"domain:www.example.com", "domain:example.com", "domain:me.org"} <= toks
    assert {"hasurl:yes", "links:1"} <= toks


def test_one_megabyte_body_reads_only_the_prefix():
    body = "word " * 200_000 + "needle"  # 1 MB, the interesting part at the end
    assert len(body) > 1_000_000
    toks = textfeatures.tokens(body)
    assert "needle" not in toks and "word" in toks
    assert "needle" not in textfeatures.normalise(body)


def test_a_million_links_does_not_crash_and_all_count():
    body = "http://a.example.com/p " * 1_000_000
    toks = textfeatures.tokens(body)
    assert {"links:6+", "domain:a.example.com"} <= toks
    assert textfeatures.count_links(body) == 1_000_000  # every link counts for the limit
    many_hosts = " ".join(f"http://h{i}.example.net" for i in range(50_000))
    assert len(textfeatures.link_domains(many_hosts)) <= textfeatures.MAX_LINKS


def test_zero_width_and_bidi_characters_are_removed():
    toks = textfeatures.tokens("vi\u200bag\u200cra and c\u00adi\u2060alis \u202eabc\u202c \ufeffok")
    assert {"viagra", "cialis", "abc", "ok"} <= toks
    assert not any("\u200b" in t or "\u202e" in t for t in toks)


def test_nfkc_fullwidth_and_shouting():
    toks = textfeatures.tokens("ＦＲＥＥ ｍｏｎｅｙ for 𝐞𝐯𝐞𝐫𝐲𝐨𝐧𝐞")
    assert {"free", "money", "everyone", "caps:free"} <= toks


def test_mixed_scripts_and_right_to_left_text():
    toks = textfeatures.tokens("Login to pаypal now. مرحبا بالعالم שלום עולם 你好 Ünïcödé")
    assert "shape:mixed-script" in toks  # Cyrillic "а" inside a Latin word
    assert {"مرحبا", "שלום", "עולם", "ünïcödé", "pаypal"} <= toks
    assert "shape:mixed-script" not in textfeatures.tokens("Ünïcödé naïve café")


@pytest.mark.parametrize("url", INVALID_URLS)
def test_invalid_hosts_do_not_crash(url):
    toks = textfeatures.tokens(f"see {url} now", url=url)
    assert isinstance(toks, set)
    assert all(isinstance(d, str) for d in textfeatures.link_domains(url, url))


def test_invalid_host_is_a_token_and_userinfo_is_skipped():
    assert "domain:invalid" in textfeatures.tokens("go http://[::1 now")
    assert "domain:evil.example" in textfeatures.tokens("https://user:pw@evil.example:99/x")
    assert "domain:例え.テスト" in textfeatures.tokens("http://例え.テスト/パス")


def test_html_entities_tags_and_hrefs():
    text = (
        'Like &amp; Subscribe <a href="http://www.youtube.com/watch?v=5tu9gN1l310">'
        "http://www.youtube.com/watch?v=5tu9gN1l310</a><br />it&#39;s &quot;great&quot;"
    )
    toks = textfeatures.tokens(text)
    assert {"like", "subscribe", "great", "domain:youtube.com", "links:1"} <= toks
    assert not any(t in toks for t in ("amp", "quot", "39", "br", "href"))
    # The href and its visible copy are one link, not two.
    assert textfeatures.count_links(text) == 1
    assert textfeatures.count_links(text + " www.other.example") == 2
    assert textfeatures.count_links("no links", url="http://mine.example") == 1


def test_bare_domains_are_hosts_but_not_links():
    text = "just for test I have to say murdev.com, mail bob@gmail.com or read file.txt"
    assert textfeatures.link_domains(text) == ["murdev.com"]
    assert textfeatures.count_links(text) == 0


# --- naive Bayes -----------------------------------------------------------


def test_learning_then_unlearning_restores_the_counts(starter):
    before = (dict(starter.spam), dict(starter.ham), starter.nspam, starter.nham)
    before_tokens = (starter.spam_tokens, starter.ham_tokens)
    msg = textfeatures.tokens("Cheap essays written for you, order now at http://essays.example")
    p_before = bayes.score(msg, starter)[0]
    starter.learn(msg, is_spam=True)
    assert bayes.score(msg, starter)[0] > p_before
    starter.learn(msg, is_spam=True, sign=-1)
    assert (dict(starter.spam), dict(starter.ham), starter.nspam, starter.nham) == before
    assert (starter.spam_tokens, starter.ham_tokens) == before_tokens
    assert bayes.score(msg, starter)[0] == p_before
    with pytest.raises(ValueError):
        starter.learn(msg, True, sign=2)


def test_unlearning_what_was_never_learned_does_not_go_negative():
    c = bayes.Counts()
    c.learn({"a", "b"}, is_spam=False, sign=-1)
    assert c.get("a") == (0, 0) and c.nham == 0 and c.ham_tokens == 0


def test_token_prob_follows_robinson():
    # Seen once, in spam only: (1 * 0.5 + 1 * 1.0) / (1 + 1) = 0.75.
    assert bayes.token_prob(1, 0, 10, 10) == pytest.approx(0.75)
    assert bayes.token_prob(0, 0, 10, 10) == 0.5
    assert bayes.chi2q(0.0, 4) == pytest.approx(1.0)


def test_score_separates_and_explains():
    c = bayes.Counts()
    for _ in range(20):
        c.learn({"cheap", "essay", "buy", "now"}, is_spam=True)
        c.learn({"thanks", "students", "question", "now"}, is_spam=False)
    spam_p, clues = bayes.score({"cheap", "essay", "hello"}, c)
    ham_p, _ = bayes.score({"students", "question"}, c)
    assert spam_p > 0.95 and ham_p < 0.05
    assert {t for t, _ in clues} == {"cheap", "essay"}  # "now" is neutral, "hello" unknown
    assert bayes.score({"hello"}, c) == (0.5, [])
    assert bayes.score({"cheap"}, bayes.Counts()) == (0.5, [])  # untrained


def test_score_accepts_any_store_with_get_many():
    class DictStore:  # what a database-backed store looks like to score()
        def __init__(self, counts: bayes.Counts):
            self.src, self.queries = counts, 0
            self.nspam, self.nham = counts.nspam, counts.nham
            self.spam_tokens, self.ham_tokens = counts.spam_tokens, counts.ham_tokens

        def get_many(self, tokens):
            self.queries += 1
            return self.src.get_many(tokens)

    c = corpus.starter_counts()
    store = DictStore(c)
    toks = textfeatures.tokens("Buy cheap viagra online without prescription")
    assert bayes.score(toks, store) == bayes.score(toks, c)
    assert store.queries == 1


# --- near-duplicates -------------------------------------------------------


def test_containment_catches_the_seed_storys_repeated_advert():
    comments = seed_comments()
    short, long = duplicates.shingles(comments[2]["text"]), duplicates.shingles(comments[3]["text"])
    assert duplicates.containment(short, long) == 1.0
    assert duplicates.containment(long, short) == 1.0
    candidates = [(i, duplicates.shingles(c["text"])) for i, c in enumerate(comments[:3], 1)]
    assert duplicates.find_near_duplicate(comments[3]["text"], candidates) == (3, 1.0)
    assert duplicates.find_near_duplicate(comments[0]["text"], candidates[1:]) is None


def test_trivial_texts_do_not_match_each_other():
    candidates = [
        (1, duplicates.shingles("Thanks!")),
        (2, duplicates.shingles("great post, thanks")),
    ]
    assert duplicates.find_near_duplicate("thanks", candidates) is None
    assert duplicates.find_near_duplicate("Great post, thanks!!", candidates) is None
    # ...but short texts still compare exactly, once normalised.
    assert (
        duplicates.containment(duplicates.shingles("Thanks!"), duplicates.shingles("THANKS")) == 1.0
    )


def test_small_edits_still_match_and_hashes_are_stable():
    a = "Read our FREE guide to ten tips for nurse educators, free until May."
    b = "read our free guide to ten tips for nurse educators -- FREE until June!"
    assert duplicates.containment(duplicates.shingles(a), duplicates.shingles(b)) >= 0.8
    # blake2b, not hash(): the same in every process, fits a signed 64-bit column.
    assert duplicates.shingles("a b c") == {duplicates._h("a b c")}
    assert duplicates._h("a b c") == int.from_bytes(
        __import__("hashlib").blake2b(b"a b c", digest_size=7).digest(), "big"
    )
    assert duplicates._h("a b c") < 2**63


# --- the verdict (pipeline.Judge) ----------------------------------------------


def test_link_limit_is_n_or_more_with_its_reason(starter):
    assert Policy().link_limit == 2
    v = judge(make_judge(starter), "see http://a.example http://b.example www.c.example")
    assert v.action in ("hold", "spam")
    assert "3 links (limit 2)" in v.reasons
    two = judge(make_judge(None), "see http://a.example and http://b.example")
    assert (two.action, two.reasons[0]) == ("hold", "2 links (limit 2)")
    assert judge(make_judge(None), "see http://a.example").reasons == []
    # The commenter's own website field is not a link in the body.
    assert judge(make_judge(None), "see http://a.example", url="http://me.example").reasons == []
    assert judge(make_judge(None, link_limit=0), "http://a.example " * 10).reasons == []


def test_obvious_cases(starter):
    j = make_judge(starter)
    spam = judge(
        j,
        "Best essay writing service, cheap dissertation help, order now! http://essays.example",
        "Essay Writers",
    )
    assert spam.action == "spam" and spam.reasons[0].startswith("words often in spam here: ")
    ham = judge(
        j,
        "I tried this with my tutorial group and the students asked better questions. "
        "Did you find the same with first-year students?",
        "Helen",
    )
    assert ham.action == "approve" and ham.reasons == []


def test_seed_story_is_judged_as_a_person_would(starter):
    """Starter corpus only; the four comments judged one after another."""
    j = make_judge(starter)
    verdicts = [
        judge(j, c["text"], c["author"], c["email"], c["url"], cid=i)
        for i, c in enumerate(seed_comments(), 1)
    ]
    genuine, nice_post, advert, advert_again = verdicts
    assert genuine.action == "approve", genuine
    for v in (nice_post, advert, advert_again):
        assert v.action in ("hold", "spam"), v
        assert v.reasons
    assert any("near-duplicate of comment 3" in r for r in advert_again.reasons)


def test_near_duplicate_of_an_earlier_comment_is_held(starter):
    advert = "Great article! Visit our school of medicine at Avalon University for the best courses"
    j = make_judge(starter)
    assert "near-duplicate" not in " ".join(judge(j, advert, cid=41).reasons)
    again = judge(j, "Hi! " + advert + " today", "Someone Else", cid=42)
    assert again.action in ("hold", "spam")
    assert any(r.startswith("near-duplicate of comment 41") for r in again.reasons)
    j = make_judge(starter, duplicate_action="spam")
    judge(j, advert, cid=1)
    assert judge(j, advert + "!", cid=2).action == "spam"


# --- hostile input through the whole verdict ---------------------------------------------


def _judge_once(text: str, url: str = "", author: str = ""):
    """One verdict from a fresh judge (speed is measured by bench/spam_filter.py, not here)."""
    j = make_judge(corpus.starter_counts())
    return judge(j, text, author, url=url, cid=1)


def test_judging_a_one_megabyte_body_gives_a_verdict():
    v = _judge_once("word " * 200_000 + "needle")
    assert v.action in ("approve", "hold", "spam")


def test_judging_a_million_links_counts_them_all():
    v = _judge_once("http://a.example.com/p " * 1_000_000)
    assert v.action in ("hold", "spam")
    assert "1000000 links (limit 2)" in v.reasons


@pytest.mark.parametrize(
    "text",
    [
        "vi\u200bag\u200cra and c\u00adi\u2060alis \u202eabc\u202c \ufeffok",
        "مرحبا بالعالم שלום עולם \u202bright to left\u202c 你好",
        "Login to pаypal now. Ünïcödé ＦＲＥＥ ｍｏｎｅｙ 𝐞𝐯𝐞𝐫𝐲𝐨𝐧𝐞",
        "\u202eevil\u200b " + "http://x.example/ " * 50_000 + "a" * 1_000_000,
        "\u200b" * 100_000,
        "",
    ],
)
def test_hostile_text_does_not_crash_the_verdict(text):
    v = _judge_once(text, author="\u0627\u0644\u0639\u0631\u0628\u064a\u0629\u200f")
    assert v.action in ("approve", "hold", "spam")
    assert 0.0 <= v.score <= 1.0


@pytest.mark.parametrize("url", INVALID_URLS)
def test_invalid_hosts_do_not_crash_the_verdict(url):
    v = _judge_once(f"see {url} now", url=url)
    assert v.action in ("approve", "hold", "spam")


def test_starter_corpus_is_well_formed_and_our_own():
    rows = corpus.load_jsonl()
    assert 150 <= len(rows) <= 300
    labels = {r["label"] for r in rows}
    assert labels == {"spam", "ham"}
    for r in rows:
        assert set(r) == {"text", "author", "email", "url", "label"} and r["text"].strip()
    ours = {textfeatures.normalise(r["text"]) for r in rows}
    if SEED.exists():
        assert not ours & {textfeatures.normalise(c["text"]) for c in seed_comments()}
