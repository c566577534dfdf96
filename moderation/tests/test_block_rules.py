"""No block rule can block this server or a trusted proxy: that would block every visitor."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from comments.models import Comment
from moderation import operations
from moderation.models import BlockRule, Decision
from moderation.tests.helpers import make_moderator, submit
from posts.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5", "2001:db8:f::/48"]


@pytest.mark.parametrize(
    "value",
    ["127.0.0.1", "127.0.0.0/8", "127.1.2.3", "0.0.0.0/0", "::1", "::/0", "::ffff:127.0.0.1",
     "::ffff:0:0/96", "10.0.0.5", "10.0.0.0/8", "2001:db8:f::7", "2001:db8::/32"],
)  # fmt: skip
def test_a_rule_covering_this_server_or_a_trusted_proxy_is_refused(value):
    rule = BlockRule(kind="ip", value=value)
    with pytest.raises(ValidationError, match="would block every visitor"):
        rule.full_clean()
    with pytest.raises(ValidationError):
        rule.save()
    assert not BlockRule.objects.exists()


@pytest.mark.parametrize("value", ["10.0.0.6", "10.1.0.0/16", "203.0.113.0/24", "2001:db8:e::1"])
def test_a_rule_beside_them_is_kept(value):
    BlockRule(kind="ip", value=value).full_clean()


def test_the_admin_form_says_why(client):
    client.force_login(make_moderator())
    url = reverse("admin:moderation_blockrule_add")
    response = client.post(url, {"kind": "ip", "value": "10.0.0.0/8", "action": "spam"})
    assert response.status_code == 200
    assert "10.0.0.0/8 covers the trusted proxy 10.0.0.5/32 (TRUSTED_PROXIES)" in (
        response.content.decode()
    )
    assert not BlockRule.objects.exists()


def test_block_ip_skips_this_servers_address_and_says_so():
    moderator = make_moderator()
    local = submit(ip_address="127.0.0.1")
    remote = submit(ip_address="198.51.100.4")
    changed, added, refused = operations.block_and_spam([local, remote], "ip", moderator)
    assert (changed, added) == (2, ["198.51.100.4/32"])
    assert refused == [
        "Not blocked: 127.0.0.1/32 covers this server's own address (127.0.0.0/8, loopback): "
        "blocking it would block every visitor."
    ]
    assert set(Comment.objects.values_list("status", flat=True)) == {"spam"}
    assert list(BlockRule.objects.values_list("value", flat=True)) == ["198.51.100.4/32"]


def test_the_queue_action_warns_and_blocks_nothing_for_the_proxy(client):
    client.force_login(make_moderator())
    comment = submit(ip_address="10.0.0.5")
    Comment.objects.filter(pk=comment.pk).update(status="pending")  # in the queue
    url = reverse("admin:moderation_heldcomment_changelist")
    response = client.post(
        url, {"action": "block_ip", "_selected_action": [comment.pk]}, follow=True
    )
    content = response.content.decode()
    assert "covers the trusted proxy 10.0.0.5/32" in content
    assert not BlockRule.objects.exists()
    comment.refresh_from_db()
    assert comment.status == "spam"
    assert "not blocked" in Decision.objects.filter(comment=comment).first().reason


def test_a_stored_rule_covering_a_proxy_never_matches(caplog):
    """Rows made before the check (bulk_create skips ``save``) are ignored, with a warning."""
    BlockRule.objects.bulk_create(
        [BlockRule(kind="ip", value="127.0.0.1/32"), BlockRule(kind="ip", value="10.0.0.0/8")]
    )
    post = make_post()
    with caplog.at_level(logging.WARNING, logger="moderation.pipeline"):
        honest = [submit(post, ip_address=ip) for ip in ("127.0.0.1", "10.0.0.5", "10.9.9.9")]
    assert "spam" not in [c.status for c in honest]
    assert not any("blocked IP" in r for c in honest for r in c.reasons)
    assert "covers the trusted proxy 10.0.0.5/32" in caplog.text
