import re

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from comments.models import Comment
from comments.operations import can_moderate

register = template.Library()


@register.inclusion_tag("moderation/queue_notice.html", takes_context=True)
def moderation_queue_notice(context):
    """How many comments wait in the queue, for staff who may see it (one count query)."""

    request = context.get("request")
    if not can_moderate(getattr(request, "user", None)):
        return {"waiting": None}
    waiting = Comment.objects.filter(status=Comment.Status.PENDING).count()
    return {"waiting": waiting, "url": reverse("admin:moderation_queue")}


COMMENT_REF = re.compile(r"\bcomment (\d+)\b")


@register.filter
def link_comment_refs(reason):
    """A reason as text, its "comment 26" a link to that comment's admin page."""
    parts, last = [], 0
    for match in COMMENT_REF.finditer(reason):
        url = reverse("admin:comments_comment_change", args=[int(match[1])])
        parts += [
            escape(reason[last : match.start()]),
            format_html('<a href="{}">{}</a>', url, match[0]),
        ]
        last = match.end()
    parts.append(escape(reason[last:]))
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped above)
