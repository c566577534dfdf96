"""Thin views: the form, the operations and the thread module do the work."""

from datetime import timedelta

from captcha import views as captcha_views
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from comments import challenge, operations, ratelimit, tokens
from comments.forms import CommentForm, EditForm
from comments.middleware import already_received, comment_gate
from comments.models import Comment, form_key
from comments.moderator import get_moderator
from comments.threads import comment_url, landing_url, parse_id
from posts.models import Page, Post

VISIBLE_NOW = "Thank you! Your comment is visible now."
AWAITING = "Thank you! Your comment is awaiting moderation and will appear once approved."
TOO_MANY = "You have sent several comments in a short time. Please wait a minute and send it again."


def _public_post(post_id, kind="post"):
    """The published post (or, ``kind="page"``, page) that takes the comment."""
    if kind == "page":
        return get_object_or_404(Page.objects.published(), pk=post_id)
    return get_object_or_404(Post.objects.published().select_related("author"), pk=post_id)


def _closed(request, post, text=""):
    return render(request, "comments/closed.html", {"post": post, "text": text}, status=403)


def _form_page(request, post, form, *, parent=None, status=200):
    """The comment form on its own page, with a new submission token and a real captcha
    challenge when one is needed."""
    if parent is None and form.is_bound and not form.has_error("parent"):
        parent = form.cleaned_data.get("parent")
    captcha = refusal = None
    if get_moderator().needs_captcha(request):
        if ratelimit.allow_challenge(ratelimit.client_ip(request)):
            captcha = challenge.new()
        else:  # each challenge is a row: a bot must not make them without end
            refusal, status = challenge.TOO_MANY, 429
    context = {
        "post": post, "form": form, "parent": parent, "captcha": captcha, "refusal": refusal,
        "submission": tokens.submission_token(form_key(post)),
    }  # fmt: skip
    response = render(request, "comments/form_page.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(ratelimit.retry_after(settings.CAPTCHA_RATE_LIMIT))
    return response


def captcha_refresh(request):
    """django-simple-captcha's refresh view (a new challenge, one row), rate-limited per
    address; served under its URL name ``captcha-refresh``."""
    asked = request.headers.get("x-requested-with") == "XMLHttpRequest"
    if asked and not ratelimit.allow_challenge(ratelimit.client_ip(request)):
        response = JsonResponse({"error": challenge.TOO_MANY}, status=429)
        response["Retry-After"] = str(ratelimit.retry_after(settings.CAPTCHA_RATE_LIMIT))
        return response
    return captcha_views.captcha_refresh(request)


@require_POST
def post_comment(request):
    kind = "page" if "post" not in request.POST and "page" in request.POST else "post"
    post_id = parse_id(request.POST.get(kind, ""))
    if post_id is None:
        return HttpResponseBadRequest("No post given.")
    post = _public_post(post_id, kind)
    if not get_moderator().comments_open(post):
        return _closed(request, post, request.POST.get("body", ""))
    gate = comment_gate(request)  # the submission token and the captcha, checked first
    form = CommentForm(request.POST, post=post, user=request.user, gate_error=gate.error)
    if not form.is_valid():
        return _form_page(request, post, form, status=400)
    if not ratelimit.allow(ratelimit.client_ip(request)):
        form.add_error(None, TOO_MANY)
        response = _form_page(request, post, form, status=429)
        response["Retry-After"] = str(60)
        return response
    try:
        comment = operations.post_comment(form.cleaned_data, request, submission_key=gate.key)
    except operations.AlreadyPosted as resent:  # a racing twin of this request won
        return already_received(request, resent.comment)
    messages.success(request, VISIBLE_NOW if comment.is_visible else AWAITING)
    response = redirect(landing_url(comment))
    tokens.grant_edit(request, response, comment.pk)
    if form.cleaned_data["remember"]:
        tokens.remember_author(response, form.cleaned_data)
    else:
        tokens.forget_author(response)
    return response


@require_GET
@never_cache
def start(request, post_id, kind="post"):
    """The submission token for a form on this post, fetched by static/js/comments.js when
    the visitor starts writing (with the captcha challenge, if one is needed): a signed
    value, so it writes nothing, and per visitor, so a cached post page shares none."""
    post = _public_post(post_id, kind)
    if not get_moderator().comments_open(post):
        return JsonResponse({"error": "Comments are closed."}, status=403)
    return JsonResponse({"submission": tokens.submission_token(form_key(post))})


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
            messages.success(request, VISIBLE_NOW if comment.is_visible else AWAITING)
            return redirect(landing_url(comment))
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


@require_POST
def delete(request, pk):
    comment = _own_comment(request, pk)
    operations.delete_own_comment(comment)
    messages.success(request, "Your comment has been deleted.")
    return redirect(comment.target)


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
