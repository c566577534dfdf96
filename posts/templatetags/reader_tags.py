from django import template

from posts.links import absolute_url, canonical_path

register = template.Library()


@register.simple_tag
def absolute(location):
    """``{% absolute post.get_absolute_url %}``: the location as an absolute URL."""
    return absolute_url(location) if location else ""


@register.simple_tag(takes_context=True)
def canonical(context):
    """``{% canonical %}``: this page's canonical absolute URL; a view chooses the query
    parameters that belong to it with ``canonical_params`` (default: ``page``)."""
    request = context.get("request")
    if request is None:
        return ""
    keep = getattr(context.get("view"), "canonical_params", ("page",))
    return absolute_url(canonical_path(request, keep))


INLINE_NOTICE = "comment-notice"  # messages a section of the page shows beside what they are about


@register.filter
def top_messages(messages):
    """The messages for the top of the page: those not shown beside their subject (the
    comment section shows its own, next to the comment or the form)."""
    return [m for m in messages if INLINE_NOTICE not in m.extra_tags.split()]
