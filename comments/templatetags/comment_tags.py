from django import template
from django.urls import reverse

from comments import challenge, threads, tokens
from comments.forms import CommentForm
from comments.moderator import get_moderator
from posts.models import Page

register = template.Library()


def _page_links(post, page, num_pages):
    base = post.get_absolute_url()
    return [
        {"number": n, "url": f"{base}?cpage={n}#comments" if n > 1 else f"{base}#comments",
         "current": n == page}
        for n in range(1, num_pages + 1)
    ]  # fmt: skip


@register.filter
def comment_field(target):
    """The form field that names what a comment is on: ``post``, or ``page``."""
    return "page" if isinstance(target, Page) else "post"


@register.simple_tag
def form_url(name, target):
    """``comments:start`` or ``comments:reply`` for a post, their ``page-`` twins for a page."""
    prefix = "comments:page-" if isinstance(target, Page) else "comments:"
    return reverse(prefix + name, args=[target.pk])


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, post):
    """The comments under a post: count, one page of threads (cached), page links, and the
    form or the closed notice. Writes nothing: the form's submission token and captcha are
    fetched by JavaScript when the visitor starts writing (a cached page shares neither)."""
    request = context["request"]
    page = threads.parse_page(request.GET.get("cpage"))
    thread_html, num_pages = threads.thread_for(post, page)
    moderator = get_moderator()
    is_open = moderator.comments_open(post)
    form = captcha = None
    if is_open:
        replyto = request.GET.get("replyto", "")
        initial = {**tokens.author_initial(request), "parent": threads.parse_id(replyto)}
        form = CommentForm(post=post, user=request.user, initial=initial)
        captcha = challenge.lazy() if moderator.needs_captcha(request) else None
    return {
        "request": request,
        "user": request.user,
        "post": post,
        "thread_html": thread_html,
        "page": page,
        "pages": _page_links(post, page, num_pages) if num_pages > 1 else [],
        "is_open": is_open,
        "form": form,
        "captcha": captcha,
        "submission": "",
    }
