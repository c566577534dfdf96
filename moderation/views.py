"""The moderators' queue, a page of the admin's own (``BlogAdminSite.get_urls``).

Each action is a POST through the moderation operations. A request that asks for JSON (the
page's script) gets the outcome as JSON; any other gets a message and the queue again. The
last action of each moderator is kept in their session so that Undo can put it back.
"""

from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comments.models import Comment
from comments.operations import add_staff_comment, can_moderate, set_status

from . import digest, operations, queue
from .models import BlockRule

ACTIONS = {"approve": "approved", "spam": "marked spam", "remove": "removed", "block": "blocked"}
UNDO_KEY = "moderation_queue_undo"
MAX_REPLY = 5000


def _moderators_only(request):
    if not can_moderate(request.user):
        raise PermissionDenied("Only moderators may use the moderation queue.")


def _sort(value):
    return value if value in queue.SORTS else "new"


def _back(request):
    sort = _sort(request.POST.get("sort") or request.GET.get("sort"))
    url = reverse("admin:moderation_queue")
    return url if sort == "new" else f"{url}?sort={sort}"


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _answer(request, text, ids=(), level=messages.SUCCESS, status=200):
    if _wants_json(request):
        undo = request.session.get(UNDO_KEY)
        return JsonResponse(
            {
                "ok": status == 200,
                "message": text,
                "ids": list(ids),
                "undo": undo["summary"] if undo else "",
                "waiting": Comment.objects.filter(status=Comment.Status.PENDING).count(),
            },
            status=status,
        )
    messages.add_message(request, level, text)
    return redirect(_back(request))


def _count(n):
    return f"{n} comment{'s' if n != 1 else ''}"


@require_GET
def queue_view(request):
    _moderators_only(request)
    sort = _sort(request.GET.get("sort"))
    cards = queue.cards(sort)
    site = admin.site
    context = {
        **site.each_context(request),
        "title": "Moderation queue",
        "cards": cards,
        "waiting": sum(len(card.comments) for card in cards),
        "sort": sort,
        "sorts": queue.SORTS,
        "undo": request.session.get(UNDO_KEY),
        "spam_count": Comment.objects.filter(status=Comment.Status.SPAM).count(),
    }
    return TemplateResponse(request, "moderation/queue.html", context)


def _held(ids):
    """The pending comments among ``ids`` (others were moderated meanwhile)."""
    return list(Comment.objects.filter(pk__in=ids, status=Comment.Status.PENDING))


def _remember(request, summary, comments, before, rules=(), reply=None):
    """Keep what Undo needs: each changed comment's state before and after."""
    changes = [[c.pk, before[c.pk], c.status] for c in comments if c.status != before[c.pk]]
    request.session[UNDO_KEY] = {
        "summary": summary,
        "changes": changes,
        "rules": list(rules),
        "reply": reply,
    }


def _act(request, action, ids):
    if action not in ACTIONS:
        return HttpResponseBadRequest("Unknown action.")
    comments = _held(ids)
    if not comments:
        return _answer(request, "Already moderated: nothing changed.", level=messages.WARNING,
                       status=409)  # fmt: skip
    before = {c.pk: c.status for c in comments}
    notes = []
    with transaction.atomic():
        if action == "block":
            changed, added, refused = operations.block_and_spam(comments, "domain", request.user)
            notes = refused
            summary = f"{_count(changed)} marked spam; blocked " + (
                ", ".join(added) if added else "no new domain"
            )
        else:
            changed = operations.moderate(comments, action, request.user)
            added = []
            summary = f"{_count(changed)} {ACTIONS[action]}"
        _remember(request, summary, comments, before, rules=added)
    text = " ".join([summary + ".", *notes])
    return _answer(request, text, ids=[c.pk for c in comments],
                   level=messages.WARNING if notes else messages.SUCCESS)  # fmt: skip


@require_POST
def act_view(request, pk, action):
    """One card's action (the URL names the comment and the action)."""
    _moderators_only(request)
    if action not in ACTIONS:
        return HttpResponseBadRequest("Unknown action.")
    get_object_or_404(Comment, pk=pk)
    ids = [pk]
    extra = request.POST.getlist("also")  # a group card acts on all its comments
    try:
        ids += [int(x) for x in extra]
    except ValueError:
        return HttpResponseBadRequest("Comment ids are numbers.")
    return _act(request, action, ids)


@require_POST
def bulk_view(request):
    """The ticked cards, with the action chosen for them."""
    _moderators_only(request)
    try:
        # a group's box carries all its ids, space-separated
        ids = [int(x) for value in request.POST.getlist("ids") for x in value.split()]
    except ValueError:
        return HttpResponseBadRequest("Comment ids are numbers.")
    if not ids:
        return _answer(request, "Tick the comments to act on first.", level=messages.WARNING,
                       status=400)  # fmt: skip
    return _act(request, request.POST.get("action", ""), ids)


@require_POST
def reply_view(request, pk):
    """The moderator's reply, approved, as their own comment; it approves the comment too."""
    _moderators_only(request)
    parent = get_object_or_404(Comment, pk=pk)
    body = request.POST.get("body", "").strip()
    if not body or len(body) > MAX_REPLY:
        return _answer(request, f"A reply needs text (at most {MAX_REPLY} characters).",
                       level=messages.ERROR, status=400)  # fmt: skip
    user = request.user
    before = {parent.pk: parent.status}
    with transaction.atomic():
        reply = Comment(
            post=parent.post, page=parent.page, parent=parent,
            name=user.get_full_name() or user.get_username(),
            email=user.email, body=body, status=Comment.Status.APPROVED,
        )  # fmt: skip
        if parent.status != Comment.Status.APPROVED:
            set_status(
                parent, Comment.Status.APPROVED, actor=user, reason="replied to by a moderator"
            )
        add_staff_comment(reply, user)
        _remember(request, "1 reply posted and its comment approved", [parent], before,
                  reply=reply.pk)  # fmt: skip
    return _answer(request, "Reply posted; the comment is approved.", ids=[parent.pk])


@require_POST
def undo_view(request):
    """Put the last action back: each comment to the state it had, if nobody moved it since;
    the domain rules it added deleted; its reply removed."""
    _moderators_only(request)
    last = request.session.pop(UNDO_KEY, None)
    if not last:
        return _answer(request, "Nothing to undo.", level=messages.WARNING, status=409)
    user = request.user
    restored = 0
    with transaction.atomic():
        if last.get("reply"):
            reply = Comment.objects.filter(pk=last["reply"]).first()
            if reply is not None:
                set_status(
                    reply, Comment.Status.REMOVED, actor=user, reason="undo: reply taken back"
                )
        for pk, old, new in last["changes"]:
            comment = Comment.objects.filter(pk=pk, status=new).first()
            if comment is not None:
                restored += set_status(comment, old, actor=user, reason="undo")
        if last["rules"]:
            BlockRule.objects.filter(
                kind=BlockRule.Kind.DOMAIN, value__in=last["rules"], created_by=user
            ).delete()
    text = f"Undone: {last['summary']} ({_count(restored)} back in the queue)."
    return _answer(request, text, ids=[c[0] for c in last["changes"]])


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a CSRF token; the signed
# token in the URL is the authority, and all a POST can do is start or stop one address's digest.
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request, token):
    """The digest's unsubscribe link: a GET asks (a mail scanner that follows links changes
    nothing), a POST turns the digest off, or on again with ``resubscribe``. No login."""
    try:
        email = digest.email_from_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "comments/link_invalid.html", status=400)
    turned_on = request.method == "POST" and bool(request.POST.get("resubscribe"))
    if turned_on:
        digest.turn_on(email)
    elif request.method == "POST":
        digest.turn_off(email)
    context = {"email": email, "off": digest.is_off(email), "turned_on": turned_on}
    return render(request, "moderation/digest_unsubscribe.html", context)


def urls(site):
    """The queue's URLs, for ``AdminSite.get_urls`` (each wrapped in ``admin_view``)."""
    from django.urls import path

    wrap = site.admin_view
    return [
        path("moderation/queue/", wrap(queue_view), name="moderation_queue"),
        path("moderation/queue/bulk/", wrap(bulk_view), name="moderation_queue_bulk"),
        path("moderation/queue/undo/", wrap(undo_view), name="moderation_queue_undo"),
        path("moderation/queue/<int:pk>/reply/", wrap(reply_view), name="moderation_queue_reply"),
        path(
            "moderation/queue/<int:pk>/<str:action>/", wrap(act_view), name="moderation_queue_act"
        ),  # fmt: skip
    ]
