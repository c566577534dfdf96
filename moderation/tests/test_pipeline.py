from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from moderation import pipeline
from moderation.models import BlockRule, Policy
from moderation.tests.helpers import submit
from posts.tests.factories import make_post

ORDINARY = "Thanks for the write-up, I will try this with my own students next term."


def policy(**fields):
    p = Policy.load()
    for name, value in fields.items():
        setattr(p, name, value)
    p.save()
    return p


def test_an_ordinary_comment_is_approved(db):
    comment = submit(body=ORDINARY, email="reader@example.org")
    assert comment.status == "approved"
    assert comment.reasons == []
    assert comment.decisions.get().to_status == "approved"


@pytest.mark.parametrize(
    ("kind", "value", "fields", "reason"),
    [
        ("ip", "203.0.113.0/24", {"ip_address": "203.0.113.77"}, "blocked IP 203.0.113.0/24"),
        ("ip", "198.51.100.9", {"ip_address": "198.51.100.9"}, "blocked IP 198.51.100.9"),
        ("email", "Spammer@Example.com", {"email": "spammer@example.COM"},
         "blocked email spammer@example.com"),
        ("domain", "casino.example", {"url": "https://www.best.casino.example/x"},
         "blocked domain casino.example"),
        ("domain", "https://pills.test/", {"body": ORDINARY + " see http://shop.pills.test/a"},
         "blocked domain pills.test"),
        ("domain", "https://Pills.test:8080/shop", {"url": "http://pills.test/"},
         "blocked domain pills.test"),
        ("domain", "xn--bcher-kva.example", {"url": "https://bücher.example/"},
         "blocked domain bücher.example"),
        ("word", "Replica  Watches", {"body": ORDINARY + " REPLICA watches here"},
         "blocked phrase 'replica watches'"),
    ],
)  # fmt: skip
def test_block_rules_of_each_kind(db, kind, value, fields, reason):
    rule = BlockRule.objects.create(kind=kind, value=value, action="spam")
    comment = submit(**{"body": ORDINARY, **fields})
    assert comment.status == "spam"
    assert reason in comment.reasons
    rule.refresh_from_db()
    assert rule.hits == 1 and rule.last_hit_at is not None
    submit(**{"body": ORDINARY + " again", **fields})
    rule.refresh_from_db()
    assert rule.hits == 2


def test_block_rules_do_not_match_lookalikes(db):
    BlockRule.objects.create(kind="ip", value="203.0.113.0/24")
    BlockRule.objects.create(kind="domain", value="casino.example")
    BlockRule.objects.create(kind="word", value="cash")
    comment = submit(
        body=ORDINARY + " Cashew nuts, see http://notcasino.example/",
        ip_address="203.0.114.1",
    )
    assert comment.status == "approved", comment.reasons
    assert BlockRule.objects.filter(hits__gt=0).count() == 0


def test_a_hold_rule_holds(db):
    BlockRule.objects.create(kind="word", value="crypto", action="hold")
    comment = submit(body=ORDINARY + " crypto")
    assert comment.status == "pending"
    assert "blocked word 'crypto'" in comment.reasons


def test_link_limit(db):
    policy(link_limit=3)
    two = submit(body=ORDINARY + " http://a.example/ and http://b.example/")
    assert "links (limit" not in " ".join(two.reasons)
    three = submit(body=ORDINARY + " http://a.example/ http://b.example/ http://c.example/")
    assert three.status == "pending"
    assert "3 links (limit 3)" in three.reasons


def test_default_link_limit_is_two_or_more(db):
    comment = submit(body=ORDINARY + " http://a.example/ and http://b.example/")
    assert "2 links (limit 2)" in comment.reasons


def test_moderate_always_and_never(db):
    policy(moderate="always")
    held = submit(body=ORDINARY)
    assert held.status == "pending"
    assert "every comment is moderated" in held.reasons
    policy(moderate="never")
    assert submit(body="A different and quite ordinary remark.").status == "approved"


def test_moderate_only_on_older_posts(db):
    policy(moderate="older_than", moderate_after_days=14)
    old = make_post(published_at=timezone.now() - timedelta(days=30))
    new = make_post(published_at=timezone.now() - timedelta(days=3))
    held = submit(old, body=ORDINARY)
    assert held.status == "pending"
    assert "post older than 14 days" in held.reasons
    assert submit(new, body="A different and quite ordinary remark.").status == "approved"


def test_comments_close_on_old_posts(db):
    from comments.moderator import get_moderator

    policy(close_after_days=60)
    old = make_post(published_at=timezone.now() - timedelta(days=90))
    new = make_post(published_at=timezone.now() - timedelta(days=10))
    moderator = get_moderator()
    assert not moderator.comments_open(old)
    assert moderator.comments_open(new)
    assert "comments are closed on this post" in submit(old, body=ORDINARY).reasons


def test_an_email_alone_never_makes_a_returning_commenter(db):
    """Anyone can type an approved commenter's address: it approves nothing (the trusted
    browser's case is in test_trust)."""
    post = make_post()
    Comment.objects.create(post=post, name="Ada", email="ada@example.org", body="Hello.")
    policy(moderate="always")
    back = submit(post, body=ORDINARY, name="Ada", email="ADA@example.org")
    assert back.status == "pending"
    assert "returning commenter" not in back.reasons


def test_near_duplicate_names_the_earlier_comment(db):
    advert = "Great article! Visit our school of medicine at Avalon University for the best courses"
    first = submit(make_post(), body=advert, name="A")
    second = submit(make_post(), body="Hi! " + advert + " today", name="B")
    assert second.status in ("pending", "spam")
    assert any(r.startswith(f"near-duplicate of comment {first.pk}") for r in second.reasons)


def test_a_reply_quoting_its_parent_is_no_duplicate(db):
    post = make_post()
    text = "The quiet residents who never speak in the room were the most active online."
    parent = submit(post, body=text)
    reply = submit(post, body=f"> {text}\n\nSame here!", parent=parent)
    assert reply.status == "approved", reply.reasons


def test_a_failing_filter_holds_the_comment(db, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline.bayes, "score", broken)
    comment = submit(body=ORDINARY)
    assert comment.status == "pending"
    assert comment.reasons == ["filter error"]
    assert comment.pk is not None
    assert "the filter failed" in caplog.text


def test_hostile_input_does_not_crash(db):
    body = "\u202eevil\u200b " + "http://x.example/ " * 50_000 + "a" * 1_000_000
    comment = submit(
        body=body, url="http://[::1", name="\u0627\u0644\u0639\u0631\u0628\u064a\u0629"
    )
    assert comment.status in ("pending", "spam")
    assert "filter error" not in comment.reasons
