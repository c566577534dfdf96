"""What other programs read on our pages: the Webmention endpoint and schema.org JSON-LD."""

import json

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from blogsite.cached import get_or_compute
from comments import threads
from posts.links import absolute_url
from posts.markup import text_of

register = template.Library()
JSONLD_VERSION = 1  # bump when the document's shape changes


@register.simple_tag(takes_context=True)
def webmention_link(context):
    """``<link rel="webmention">`` to our endpoint (the Link header says the same)."""
    request = context.get("request")
    if request is None:
        return ""
    href = absolute_url(reverse("webmention"))
    return mark_safe(f'<link rel="webmention" href="{href}">')  # noqa: S308 (our own URL)


@register.simple_tag
def fediverse_reactions(target):
    """ "3 likes · 1 boost from the fediverse", small, under a post or a page; nothing when
    there are none, or when federation is off (then no query at all)."""
    from federation.activitypub import enabled
    from federation.activitypub.reactions import cached_counts, summary

    if not enabled():
        return ""
    text = summary(cached_counts(target))
    return format_html('<p class="reactions">{}</p>', text) if text else ""


def safe_json(data):
    """JSON that cannot end the ``<script>`` it sits in, nor open a comment or CDATA."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def blog_posting(post):
    """A schema.org ``BlogPosting`` with the approved comments of the thread's first page."""
    url = absolute_url(post.get_absolute_url())
    author = post.author.get_full_name() or post.author.get_username()
    comments = threads.first_page_approved(post)  # with the thread: no query of its own
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": post.title[:110],
        "description": post.description,
        "datePublished": post.published_at.isoformat() if post.published_at else None,
        "dateModified": post.updated_at.isoformat(),
        "author": {"@type": "Person", "name": author},
        "keywords": [tag.name for tag in post.tags.all()],
        "commentCount": post.comment_count,
        "comment": [
            {
                "@type": "Comment",
                "@id": f"{url}#c{pk}",
                "url": f"{url}#c{pk}",
                "author": {
                    "@type": "Person",
                    "name": name,
                    **({"url": link} if link else {}),
                },
                "dateCreated": created_at.isoformat(),
                "text": text_of(body_html).strip(),
            }
            for pk, name, link, body_html, created_at in comments
        ],
    }
    if post.image:
        data["image"] = absolute_url(post.image)
    return data


@register.simple_tag(takes_context=True)
def blog_posting_jsonld(context, post):
    """The post's JSON-LD ``<script>``, cached while the post and its thread stand still."""
    request = context.get("request")
    if request is None:
        return ""
    key = ":".join(
        str(part)
        for part in (
            "jsonld", JSONLD_VERSION, post.pk, post.updated_at.timestamp(),
            post.comments_changed_at.timestamp(),
        )
    )  # fmt: skip
    html = get_or_compute(
        key,
        lambda: f'<script type="application/ld+json">{safe_json(blog_posting(post))}</script>',
        3600,
        "JSON-LD",
    )
    return mark_safe(html)  # noqa: S308 (safe_json escapes < > &)
