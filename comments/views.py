"""Thin views: the form, the operations and the thread module do the work."""

from datetime import timedelta

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from comments import challenge, operations, ratelimit, tokens
from comments.forms import CommentForm, EditForm
from comments.middleware import captcha_error
from comments.models import Comment
from comments.moderator import get_moderator
from comments.threads import comment_url, parse_id
from posts.models import Post

VISIBLE_NOW = "Thank you! Your comment is visible now."
AWAITING = "Thank you! Your comment is awaiting moderation and will appear once approved."
TOO_MANY = "You have sent several comments in a short time. Please wait a minute and send it again."


def _public_post(post_id):
    return get_object_or_404(Post.objects.published().select_related("author"), pk=post_id)


def _closed(request, post, text=""):
    return render(request, "comments/closed.html", {"post": post, "text": text}, status=403)


def _form_page(request, post, form, *, parent=None, status=200):
    """The comment form on its own page, with a real captcha challenge when one is needed."""
    if parent is None and form.is_bound and not form.has_error("parent"):
        parent = form.cleaned_data.get("parent")
    captcha = challenge.new() if get_moderator().needs_captcha(request) else None
    context = {"post": post, "form": form, "parent": parent, "captcha": captcha}
    return render(request, "comments/form_page.html", context, status=status)


@require_POST
def post_comment(request):
    post_id = parse_id(request.POST.get("post", ""))
    if post_id is None:
        return HttpResponseBadRequest("No post given.")
    post = _public_post(post_id)
    if not get_moderator().comments_open(post):
        return _closed(request, post, request.POST.get("body", ""))
    form = CommentForm(
        request.POST, post=post, user=request.user, captcha_error=captcha_error(request)
    )
    if not form.is_valid():
        return _form_page(request, post, form, status=400)
    if not ratelimit.allow(ratelimit.client_ip(request)):
        form.add_error(None, TOO_MANY)
        response = _form_page(request, post, form, status=429)
        response["Retry-After"] = str(60)
        return response
    comment = operations.post_comment(form.cleaned_data, request)
    messages.success(request, VISIBLE_NOW if comment.is_visible else AWAITING)
    response = redirect(landing_url(comment))
    tokens.grant_edit(request, response, comment.pk)
    if form.cleaned_data["remember"]:
        tokens.remember_author(response, form.cleaned_data)
    else:
        tokens.forget_author(response)
    return response


def reply(request, post_id):
    """The form on its own page (``?replyto=<id>`` for a reply): how a browser without
    JavaScript gets a captcha, since the post page never creates one."""
    post = _public_post(post_id)
    if not get_moderator().comments_open(post):
        return _closed(request, post)
    parent = None
    replyto = request.GET.get("replyto", "")
    if replyto:
        replyto = parse_id(replyto)
        if replyto is None:
            return HttpResponseBadRequest("Bad replyto.")
        parent = get_object_or_404(Comment.objects.approved(), pk=replyto, post=post)
    initial = {**tokens.author_initial(request), "parent": parent.pk if parent else None}
    form = CommentForm(post=post, user=request.user, initial=initial)
    return _form_page(request, post, form, parent=parent)


def permalink(request, pk):
    """``/comments/<id>/``: the page of the post that shows the comment."""
    comments = Comment.objects.select_related("post")
    if not request.user.is_staff:  # staff follow links to held comments from the admin
        comments = comments.visible().filter(post__in=Post.objects.published())
    comment = get_object_or_404(comments, pk=pk)
    return redirect(comment_url(comment))


def landing_url(comment):
    """Where its author goes after sending a comment: the comment, or the post's comments
    while it is held (it is on no page yet)."""
    if comment.is_visible:
        return comment_url(comment)
    return comment.post.get_absolute_url() + "#comments"


def _own_comment(request, pk):
    """The comment, if this browser posted it in the last 15 minutes (its signed cookie)."""
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
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
    return redirect(comment.post)


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
    return _email_link(
        request, token, tokens.email_from_confirm_token, operations.confirm_address,
        "comments/confirm.html",
    )  # fmt: skip


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a CSRF token; the signed
# token in the URL is the authority, and all the POST can do is stop mail to that address.
def unsubscribe(request, token):
    return _email_link(
        request, token, tokens.email_from_unsubscribe_token, operations.unsubscribe,
        "comments/unsubscribe.html",
    )  # fmt: skip
