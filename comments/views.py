"""Thin views: the form, the operations and the thread module do the work."""

import json
from datetime import timedelta

from captcha import views as captcha_views
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from comments import challenge, operations, ratelimit, tokens
from comments.forms import CommentForm, EditForm, PreviewForm
from comments.middleware import already_received, comment_gate
from comments.models import Comment, form_key
from comments.moderator import get_moderator
from comments.threads import comment_url, landing_url, notice_tags, page_of, parse_id
from posts.models import Page, Post

VISIBLE_NOW = "Thank you! Your comment is visible now."
AWAITING = (
    "Thank you! Your comment is awaiting moderation: only you can see it until a moderator "
    "approves it, then everyone will."
)
CHECK_INBOX = (
    "To get replies by email, check your inbox and confirm your address with the link we sent you."
)
DELETED = "Your comment has been deleted."
TOO_MANY = "You have sent several comments in a short time. Please wait a minute and send it again."


def _public_post(post_id, kind="post"):
    """The published post (or, ``kind="page"``, page) that takes the comment."""
    if kind == "page":
        return get_object_or_404(Page.objects.published(), pk=post_id)
    return get_object_or_404(Post.objects.published().select_related("author"), pk=post_id)


def _closed(request, post, text=""):
    return render(request, "comments/closed.html", {"post": post, "text": text}, status=403)


def _challenge(request, status):
    """``(captcha, refusal, status)`` for a form sent back: a new challenge when this visitor
    needs one, unless they have asked for too many."""
    if not get_moderator().needs_captcha(request):
        return None, None, status
    if ratelimit.allow_challenge(ratelimit.client_ip(request)):
        return challenge.new(), None, status
    return None, challenge.TOO_MANY, 429  # each challenge is a row: a bot must not make many


def _retry_after(response, seconds):
    if response.status_code == 429:
        response["Retry-After"] = str(seconds)
    return response


def _form_page(request, post, form, *, parent=None, status=200):
    """The comment form on its own page, with a new submission token and a real captcha
    challenge when one is needed: how a browser without JavaScript comments."""
    captcha, refusal, status = _challenge(request, status)
    context = {
        "post": post, "form": form, "parent": parent, "captcha": captcha, "refusal": refusal,
        "submission": tokens.submission_token(form_key(post)),
    }  # fmt: skip
    response = render(request, "comments/form_page.html", context, status=status)
    return _retry_after(response, ratelimit.retry_after(settings.CAPTCHA_RATE_LIMIT))


def _sent_back(request, post, form, *, parent=None, status=400, captcha=None, submission=None,
               preview=None):  # fmt: skip
    """The post page again with the visitor's form where it was (errors beside the fields,
    or a preview above them), the text kept; ``captcha`` and ``submission`` are the ones the
    visitor is using (a preview), else new ones."""
    refusal = None
    if captcha is None:
        captcha, refusal, status = _challenge(request, status)
    context = {
        "object": post,
        "comment_form": form, "comment_captcha": captcha, "comment_refusal": refusal,
        "comment_submission": submission or tokens.submission_token(form_key(post)),
        "comment_preview": preview, "comment_page": page_of(parent) if parent else None,
    }  # fmt: skip
    if isinstance(post, Page):
        context["page"], template = post, "posts/page_detail.html"
    else:
        newer, older = Post.objects.neighbours(post)
        context.update(post=post, newer=newer, older=older)
        template = "posts/post_detail.html"
    response = render(request, template, context, status=status)
    return _retry_after(response, ratelimit.retry_after(settings.CAPTCHA_RATE_LIMIT))


def _posted_message(comment):
    """What the visitor reads beside their comment: where it stands and what comes next."""
    text = VISIBLE_NOW if comment.is_visible else AWAITING
    if getattr(comment, "awaits_confirmation", False):
        text += " " + CHECK_INBOX
    return text


def captcha_refresh(request):
    """django-simple-captcha's refresh view (a new challenge, one row), rate-limited per
    address; served under its URL name ``captcha-refresh``."""
    asked = request.headers.get("x-requested-with") == "XMLHttpRequest"
    if asked and not ratelimit.allow_challenge(ratelimit.client_ip(request)):
        response = JsonResponse({"error": challenge.TOO_MANY}, status=429)
        response["Retry-After"] = str(ratelimit.retry_after(settings.CAPTCHA_RATE_LIMIT))
        return response
    response = captcha_views.captcha_refresh(request)
    if not challenge.audio_available():  # no "Listen" link to a sound that cannot be made
        data = json.loads(response.content)
        response = JsonResponse({**data, "audio_url": None})
    return response


def captcha_audio(request, key):
    """django-simple-captcha's spoken letters (``captcha-audio``); 404, not a crash, when
    flite is not installed."""
    if not challenge.audio_available():
        raise Http404("The audio captcha is not available here.")
    return captcha_views.captcha_audio(request, key)


@require_POST
def post_comment(request):
    kind = "page" if "post" not in request.POST and "page" in request.POST else "post"
    post_id = parse_id(request.POST.get(kind, ""))
    if post_id is None:
        return HttpResponseBadRequest("No post given.")
    post = _public_post(post_id, kind)
    if not get_moderator().comments_open(post):
        return _closed(request, post, request.POST.get("body", ""))
    if request.POST.get("preview"):
        return _preview(request, post)
    gate = comment_gate(request)  # the submission token and the captcha, checked first
    form = CommentForm(request.POST, post=post, user=request.user, gate_error=gate.error)
    if not form.is_valid():
        parent = None if form.has_error("parent") else form.cleaned_data.get("parent")
        return _sent_back(request, post, form, parent=parent)
    if not ratelimit.allow(ratelimit.client_ip(request)):
        form.add_error(None, TOO_MANY)
        response = _sent_back(request, post, form, parent=form.cleaned_data["parent"], status=429)
        response["Retry-After"] = str(60)
        return response
    try:
        comment = operations.post_comment(form.cleaned_data, request, submission_key=gate.key)
    except operations.AlreadyPosted as resent:  # a racing twin of this request won
        return already_received(request, resent.comment)
    messages.success(request, _posted_message(comment), extra_tags=notice_tags(comment))
    response = redirect(landing_url(comment))
    tokens.grant_edit(request, response, comment.pk)
    tokens.remember_mine(request, response, comment)
    if form.cleaned_data["remember"]:
        tokens.remember_author(response, form.cleaned_data)
    else:
        tokens.forget_author(response)
    return response


def _preview(request, post):
    """The visitor's comment rendered as it would be shown (the comments' own renderer), above
    their form; nothing is saved, and the captcha challenge and submission token they are
    using stay valid for the real send (the middleware does not check a preview)."""
    data = request.POST
    body = PreviewForm(data)
    preview = {"html": "", "errors": []}
    if body.is_valid():
        shown = Comment(body=body.cleaned_data["body"])  # never saved
        shown.render()
        preview["html"] = shown.body_html
    else:
        preview["errors"] = body.errors["body"]
    parent_id = parse_id(data.get("parent", ""))
    parent = parent_id and Comment.objects.approved().on(post).filter(pk=parent_id).first()
    initial = {
        **{field: data.get(field, "") for field in ("name", "email", "url", "body")},
        "notify": bool(data.get("notify")), "remember": bool(data.get("remember")),
        "parent": parent.pk if parent else None,
    }  # fmt: skip
    form = CommentForm(post=post, user=request.user, initial=initial)
    captcha = None
    if get_moderator().needs_captcha(request) and challenge.still_open(data.get("captcha_0")):
        captcha = {**challenge.shown(data["captcha_0"]), "answer": data.get("captcha_1", "")}
    submission = data.get("submission", "")
    try:
        tokens.submission_key(submission, form_key(post))
        if tokens.submission_expired(submission):
            submission = None
    except signing.BadSignature:
        submission = None
    return _sent_back(
        request, post, form, parent=parent or None, status=200, captcha=captcha,
        submission=submission, preview=preview,
    )  # fmt: skip


@require_GET
@never_cache
def start(request, post_id, kind="post"):
    """The submission token, CSRF token and render stamp for a form on this post, fetched by
    static/js/comments.js when the visitor starts writing (with the captcha challenge, if one
    is needed): signed values, so it writes nothing, and per visitor, so the cached post page
    (``posts.pagecache``) shares none. The stamp's clock (``COMMENT_MIN_SECONDS``) starts when
    the visitor starts writing."""
    post = _public_post(post_id, kind)
    if not get_moderator().comments_open(post):
        return JsonResponse({"error": "Comments are closed."}, status=403)
    return JsonResponse(
        {
            "submission": tokens.submission_token(form_key(post)),
            "csrf": get_token(request),  # sets the CSRF cookie too, for the POST to come
            "timestamp": tokens.form_stamp(form_key(post)),
        }
    )


def reply(request, post_id, kind="post"):
    """The form on its own page (``?replyto=<id>`` for a reply): how a browser without
    JavaScript gets a captcha, since the post page never creates one."""
    post = _public_post(post_id, kind)
    if not get_moderator().comments_open(post):
        return _closed(request, post)
    parent = None
    replyto = request.GET.get("replyto", "")
    if replyto:
        replyto = parse_id(replyto)
        if replyto is None:
            return HttpResponseBadRequest("Bad replyto.")
        parent = get_object_or_404(Comment.objects.approved().on(post), pk=replyto)
    initial = {**tokens.author_initial(request), "parent": parent.pk if parent else None}
    form = CommentForm(post=post, user=request.user, initial=initial)
    return _form_page(request, post, form, parent=parent)


def permalink(request, pk):
    """``/comments/<id>/``: the page of the post that shows the comment."""
    comments = Comment.objects.select_related("post", "page")
    if not request.user.is_staff:  # staff follow links to held comments from the admin
        comments = comments.visible(None).filter(
            Q(post__in=Post.objects.published()) | Q(page__in=Page.objects.published())
        )
    comment = get_object_or_404(comments, pk=pk)
    return redirect(comment_url(comment))


def _own_comment(request, pk):
    """The comment, if this browser posted it in the last 15 minutes (its signed cookie)."""
    comment = get_object_or_404(Comment.objects.select_related("post", "page"), pk=pk)
    fresh = timezone.now() - comment.created_at < timedelta(seconds=tokens.EDIT_SECONDS)
    removed = comment.status in (Comment.Status.REMOVED, Comment.Status.SPAM)
    if comment.pk not in tokens.editable_ids(request) or not fresh or removed:
        raise PermissionDenied(
            "You can edit a comment only from the browser that sent it, for 15 minutes."
        )
    return comment


def edit(request, pk):
    """The commenter's own edit. Each saved edit is judged and rendered again, so it counts
    against the same per-address rate limit as a new comment."""
    comment = _own_comment(request, pk)
    form = EditForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST" and form.is_valid():
        if ratelimit.allow(ratelimit.client_ip(request)):
            operations.edit_comment(comment, form.cleaned_data["body"])
            text = VISIBLE_NOW if comment.is_visible else AWAITING
            messages.success(request, text, extra_tags=notice_tags(comment))
            response = redirect(landing_url(comment))
            tokens.remember_mine(request, response, comment)  # held now: shown to them alone
            return response
        form.add_error(None, TOO_MANY)
        status = 429
    elif form.errors:
        status = 400
    response = render(
        request, "comments/edit.html", {"comment": comment, "form": form}, status=status
    )
    if status == 429:
        response["Retry-After"] = str(60)
    return response


def delete(request, pk):
    """Asks first: a GET (or a POST without ``confirm``) shows what will be deleted; the
    confirming POST removes it."""
    comment = _own_comment(request, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        operations.delete_own_comment(comment)
        messages.success(request, DELETED, extra_tags=notice_tags())
        return redirect(comment.target.get_absolute_url() + "#comments")
    return render(request, "comments/delete.html", {"comment": comment})


def _email_link(request, token, read_token, act, template):
    """A signed link about an address: a GET shows a button, the POST acts on the address
    (so a mail scanner that follows links changes nothing)."""
    try:
        email = read_token(token)
    except signing.BadSignature:
        return render(request, "comments/link_invalid.html", status=400)
    done = request.method == "POST"
    if done:
        act(email)
    return render(request, template, {"email": email, "done": done})


def confirm(request, token):
    """Like ``_email_link``; a link mailed before the address unsubscribed confirms nothing."""
    try:
        email, issued_at = tokens.read_confirm_token(token)
    except signing.BadSignature:
        return render(request, "comments/link_invalid.html", status=400)
    done = request.method == "POST" and operations.confirm_address(email, issued_at)
    if not done and operations.confirmation_is_stale(email, issued_at):
        return render(request, "comments/confirm.html", {"email": email, "stale": True}, status=400)
    return render(request, "comments/confirm.html", {"email": email, "done": done})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a CSRF token; the signed
# token in the URL is the authority, and all the POST can do is stop mail to that address.
def unsubscribe(request, token):
    return _email_link(
        request, token, tokens.email_from_unsubscribe_token, operations.unsubscribe,
        "comments/unsubscribe.html",
    )  # fmt: skip
