import pytest
from django.core.exceptions import PermissionDenied

from comments.models import Comment
from moderation import operations, pipeline
from moderation.models import BlockRule, CommentSignature, Decision, FilterTotals
from moderation.tests.helpers import make_moderator, submit
from posts.tests.factories import make_post, make_user

# Words the starter corpus has never seen: the filter is unsure until a moderator decides.
SPAMMY = "Zorblax gadgets and quimbly widgets, flimflam prices on every zorblax"
SIMILAR = "Quimbly zorblax widgets, flimflam deals"


def score_of(text):
    return pipeline.evaluate(Comment(post=make_post(), name="x", body=text)).score


def test_a_non_moderator_is_refused(db):
    comment = submit(body=SPAMMY)
    assert comment.status != "spam"
    for user in (None, make_user(), make_user(staff=True, groups=["Authors"])):
        with pytest.raises(PermissionDenied):
            operations.moderate([comment], "spam", user)
    comment.refresh_from_db()
    assert comment.status != "spam"


def test_unknown_action_is_refused(db):
    with pytest.raises(ValueError):
        operations.moderate([], "delete", make_moderator())


def test_a_decision_is_logged_with_actor_and_reason(db):
    moderator = make_moderator()
    comment = submit(body="Nothing to see here, a plain remark.")
    old = comment.status
    assert operations.moderate([comment], "spam", moderator, reason="advert") == 1
    decision = Decision.objects.filter(comment=comment).first()  # newest first
    assert (decision.actor, decision.from_status, decision.to_status, decision.reason) == (
        moderator,
        old,
        "spam",
        "advert",
    )
    with pytest.raises(ValueError):
        decision.save()  # append-only


def test_the_filter_learns_from_a_spam_decision_and_undo_reverses_it(db):
    moderator = make_moderator()
    before = score_of(SIMILAR)
    totals = FilterTotals.objects.get()
    comments = [Comment.objects.create(post=make_post(), name="S", body=SPAMMY) for _ in range(3)]
    operations.moderate(comments, "spam", moderator)
    after = score_of(SIMILAR)
    assert after > before + 0.05
    assert FilterTotals.objects.get().nspam == totals.nspam + 3
    assert CommentSignature.objects.get(comment=comments[0]).trained_as == "spam"

    operations.moderate(comments, "pending", moderator)  # undo
    assert score_of(SIMILAR) == pytest.approx(before)
    assert FilterTotals.objects.get().nspam == totals.nspam
    assert CommentSignature.objects.get(comment=comments[0]).trained_as == ""


def test_approve_trains_ham_and_changing_mind_moves_it(db):
    moderator = make_moderator()
    comment = submit(body="A curious remark about zebrafish pedagogy", email="z@example.org")
    nham = FilterTotals.objects.get().nham
    operations.moderate([comment], "approve", moderator)  # already approved: no change
    assert FilterTotals.objects.get().nham == nham
    operations.moderate([comment], "pending", moderator)
    operations.moderate([comment], "approve", moderator)
    assert FilterTotals.objects.get().nham == nham + 1
    operations.moderate([comment], "spam", moderator)
    totals = FilterTotals.objects.get()
    assert (totals.nham, CommentSignature.objects.get(comment=comment).trained_as) == (nham, "spam")


def test_moderation_moves_the_posts_comment_version_on(db):
    moderator = make_moderator()
    post = make_post()
    comment = submit(post, body="A plain remark that is approved.")
    post.refresh_from_db()
    count, changed_at = post.comment_count, post.comments_changed_at
    operations.moderate([comment], "remove", moderator)
    post.refresh_from_db()
    assert post.comment_count == count - 1
    assert post.comments_changed_at > changed_at


def test_block_and_spam_by_domain_and_ip(db):
    moderator = make_moderator()
    comment = submit(
        body="I wrote more on http://shop.pills.test/notes and https://youtube.com/watch?v=1",
        ip_address="198.51.100.4",
    )
    assert comment.status == "pending", comment.reasons
    changed, added, refused = operations.block_and_spam([comment], "domain", moderator)
    assert (changed, added, refused) == (1, ["pills.test"], [])  # youtube.com never blocked
    comment.refresh_from_db()
    assert comment.status == "spam"
    operations.block_and_spam([comment], "ip", moderator)
    assert set(BlockRule.objects.values_list("kind", "value")) == {
        ("domain", "pills.test"),
        ("ip", "198.51.100.4/32"),
    }
    again = submit(body="hello from http://www.pills.test", ip_address="198.51.100.4")
    assert again.status == "spam"
    assert {"blocked domain pills.test", "blocked IP 198.51.100.4"} <= set(again.reasons)


def test_block_and_spam_checks_permission(db):
    comment = submit(body="Visit http://pills.test/")
    with pytest.raises(PermissionDenied):
        operations.block_and_spam([comment], "domain", make_user())
    assert not BlockRule.objects.exists()
