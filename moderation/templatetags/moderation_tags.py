from django import template
from django.urls import reverse

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
