import re

from django import template
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.autoreload import file_changed
from django.utils.translation import get_language

from comments import challenge, threads, tokens
from comments.forms import CommentForm
from comments.moderator import get_moderator
from comments.threads import NOTICE_TAG
from posts.models import Page

register = template.Library()

_NOTICE_FOR = re.compile(r"\bcomment-notice-(\d+)\b")


def _notices(request):
    """The messages for the comment section: ``({comment_id: [text]}, [text for the form])``."""
    by_comment, general = {}, []
    for message in get_messages(request):
        if NOTICE_TAG not in message.extra_tags.split():
            continue
        found = _NOTICE_FOR.search(message.extra_tags)
        if found:
            by_comment.setdefault(int(found[1]), []).append(str(message))
        else:
            general.append(str(message))
    return by_comment, general


def _page_links(post, page, num_pages):
    base = post.get_absolute_url()
    return [
        {"number": n, "url": f"{base}?cpage={n}#comments" if n > 1 else f"{base}#comments",
         "current": n == page}
        for n in range(1, num_pages + 1)
    ]  # fmt: skip


def _heading(count, held):
    """ "3 comments", and the visitor's own held ones: never "0 comments" over their own."""
    text = f"{count} comment{'' if count == 1 else 's'}"
    if not held:
        return text
    if not count:
        return f"{held} comment{'' if held == 1 else 's'} awaiting moderation"
    return f"{text} · {held} of yours awaiting moderation"


@register.filter
def comment_field(target):
    """The form field that names what a comment is on: ``post``, or ``page``."""
    return "page" if isinstance(target, Page) else "post"


@register.simple_tag
def form_url(name, target):
    """``comments:start`` or ``comments:reply`` for a post, their ``page-`` twins for a page."""
    prefix = "comments:page-" if isinstance(target, Page) else "comments:"
    return reverse(prefix + name, args=[target.pk])


# An untouched comment form's fields, rendered: {(logged in?, language): html}. Django renders
# each widget through the template engine, a fifth of a cold post page; an untouched form (not
# sent back, nothing remembered, not a reply) renders the same for every visitor, so once per
# process is enough. Forgotten when a setting changes or, under runserver, a file does.
_fresh_fields = {}


@receiver(setting_changed)
@receiver(file_changed)
def _forget_fresh_fields(**kwargs):
    _fresh_fields.clear()


@register.simple_tag(takes_context=True)
def comment_form_fields(context, form):
    """The comment form's visible fields (comments/_form_fields.html)."""
    user = context["user"]
    untouched = not form.is_bound and not any(form.initial.values())
    key = (user.is_authenticated, get_language())
    if untouched and key in _fresh_fields:
        return _fresh_fields[key]
    html = render_to_string("comments/_form_fields.html", {"form": form, "user": user})
    if untouched:
        _fresh_fields[key] = html
    return html


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, post):
    """The comments under a post: count, one page of threads (cached), page links, and the
    form or the closed notice. Writes nothing: the form's submission token and captcha are
    fetched by JavaScript when the visitor starts writing (a cached page shares neither).

    A visitor's own held comments (their "my comments" cookie) and the messages about the
    comment they just sent are added on a page rendered for them alone. A form sent back
    (errors, a preview) comes in the context as ``comment_form`` with its ``comment_captcha``,
    ``comment_submission``, ``comment_preview`` and ``comment_page``."""
    request = context["request"]
    sent_back = context.get("comment_form")
    page = context.get("comment_page") or threads.parse_page(request.GET.get("cpage"))
    own = threads.own_held(post, tokens.my_comments(request))
    by_comment, general = _notices(request)
    if own or by_comment:
        thread_html, num_pages, shown = threads.personal_thread(post, page, own, by_comment)
        for pk, texts in by_comment.items():
            if pk not in shown:  # the comment is not on this page: say it by the form
                general.extend(texts)
    else:
        thread_html, num_pages = threads.thread_for(post, page)
    moderator = get_moderator()
    is_open = moderator.comments_open(post)
    form = captcha = None
    if is_open and sent_back is not None:
        form, captcha = sent_back, context.get("comment_captcha")
    elif is_open:
        replyto = request.GET.get("replyto", "")
        initial = {**tokens.author_initial(request), "parent": threads.parse_id(replyto)}
        form = CommentForm(post=post, user=request.user, initial=initial)
        captcha = challenge.lazy() if moderator.needs_captcha(request) else None
    return {
        "request": request,
        "user": request.user,
        "post": post,
        "heading": _heading(post.comment_count, len(own)),
        "thread_html": thread_html,
        "notices": general,
        "page": page,
        "pages": _page_links(post, page, num_pages) if num_pages > 1 else [],
        "is_open": is_open,
        "form": form,
        "captcha": captcha,
        "refusal": context.get("comment_refusal") if sent_back is not None else None,
        "submission": context.get("comment_submission", "") if sent_back is not None else "",
        "preview": context.get("comment_preview"),
    }
