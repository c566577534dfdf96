"""``purge_comment_ips``: commenters' addresses and user agents are kept
``COMMENT_IP_RETENTION_DAYS`` (default 90), then erased everywhere they were written."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from moderation import operations
from moderation.models import BlockRule, Decision
from moderation.tests.helpers import make_moderator, submit
from posts.tests.factories import make_post

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("purge_comment_ips", *args, stdout=out)
    return out.getvalue()


def aged(comment, days):
    when = timezone.now() - timedelta(days=days)
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    Decision.objects.filter(comment=comment).update(created_at=when)
    comment.refresh_from_db()
    return comment


@pytest.fixture
def comments():
    BlockRule.objects.create(kind="ip", value="198.51.100.9", action="hold")
    post = make_post()
    old = submit(post, body="An old remark.", ip_address="198.51.100.9", user_agent="Firefox")
    operations.block_and_spam([old], "ip", make_moderator())  # "spam; blocked ..." logged
    v6 = submit(post, body="From the new internet.", ip_address="2001:db8::7", user_agent="Lynx")
    operations.block_and_spam([v6], "ip", make_moderator())
    recent = submit(post, body="A fresh remark.", ip_address="198.51.100.9", user_agent="Edge")
    return aged(old, 91), aged(v6, 120), aged(recent, 89)


def addresses_named(comment):
    text = " ".join([*comment.reasons, *comment.decisions.values_list("reason", flat=True)])
    return [ip for ip in ("198.51.100.9", "2001:db8::7") if ip in text]


def test_old_addresses_and_user_agents_are_erased_everywhere(comments):
    old, v6, recent = comments
    assert addresses_named(old) == ["198.51.100.9"] and addresses_named(v6) == ["2001:db8::7"]
    out = run()
    assert out == (
        "Erased the IP address and user agent of 2 comments older than 90 days, and the "
        "addresses in 1 comments' reasons and 2 decision log entries.\n"
    )
    for comment in (old, v6):
        comment.refresh_from_db()
        assert (comment.ip_address, comment.user_agent) == (None, "")
        assert addresses_named(comment) == []
    assert "blocked IP [erased]" in old.reasons
    recent.refresh_from_db()
    assert (recent.ip_address, recent.user_agent) == ("198.51.100.9", "Edge")
    assert addresses_named(recent) == ["198.51.100.9"]
    assert old.body == "An old remark." and old.status == "spam"  # nothing else changes


def test_a_dry_run_counts_and_changes_nothing(comments):
    out = run("--dry-run")
    assert out.startswith("Would erase the IP address and user agent of 2 comments")
    assert Comment.objects.filter(ip_address__isnull=False).count() == 3
    assert Decision.objects.filter(reason__contains="198.51.100.9").exists()


def test_running_daily_is_safe(comments, django_assert_max_num_queries):
    run()
    with django_assert_max_num_queries(6):
        out = run()
    assert out == (
        "Erased the IP address and user agent of 0 comments older than 90 days, and the "
        "addresses in 0 comments' reasons and 0 decision log entries.\n"
    )


def test_the_retention_comes_from_the_setting(comments, settings):
    settings.COMMENT_IP_RETENTION_DAYS = 100
    assert "of 1 comments older than 100 days" in run()
    settings.COMMENT_IP_RETENTION_DAYS = 30
    assert "of 2 comments older than 30 days" in run()
    assert not Comment.objects.filter(ip_address__isnull=False).exists()


def test_reasons_without_an_address_are_kept(comments):
    old, _, _ = comments
    Comment.objects.filter(pk=old.pk).update(reasons=["filter 0.70: 'x'", "at 12:30: hi"])
    run()
    old.refresh_from_db()
    assert old.reasons == ["filter 0.70: 'x'", "at 12:30: hi"]
