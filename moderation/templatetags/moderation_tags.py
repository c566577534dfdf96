from django import template
from django.urls import reverse

from comments.models import Comment

register = template.Library()


@register.inclusion_tag("moderation/queue_notice.html", takes_context=True)
def moderation_queue_notice(context):
    """How many comments wait in the queue, for staff who may see it (one count query)."""

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("moderation.view_heldcomment"):
        return {"waiting": None}
    waiting = Comment.objects.filter(status=Comment.Status.PENDING).count()
    return {"waiting": waiting, "url": reverse("admin:moderation_heldcomment_changelist")}
