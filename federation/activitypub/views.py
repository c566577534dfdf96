"""The blog's fediverse URLs. All answer 404 unless ``settings.FEDERATION``."""

import json
import logging
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from comments.ratelimit import client_ip, hit, retry_after
from federation.models import RemoteActor
from moderation.textfeatures import link_host

from . import ACTIVITY_JSON, enabled, host_of, site_host
from . import documents as docs
from .actors import ActorError, actor_for_key
from .inbox import blocked_instance, handle, known_actor, object_id
from .signatures import SignatureError, SignedRequest

logger = logging.getLogger(__name__)
MAX_BODY = 256 * 1024


def federation_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not enabled():
            raise Http404("Federation is off.")
        return view(request, *args, **kwargs)

    return wrapped


def activity_response(document, status=200, content_type=ACTIVITY_JSON):
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False), status=status, content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def wants_activity(request):
    """True if the request asks for ActivityStreams JSON rather than a page."""
    accept = request.headers.get("Accept", "").lower()
    return any(
        kind.split(";")[0].strip() in ("application/activity+json", "application/ld+json")
        for kind in accept.split(",")
    )


@require_safe
@federation_only
def actor(request):
    return activity_response(docs.actor())


@require_safe
@federation_only
def outbox(request):
    page = request.GET.get("page", "")
    if not page:
        return activity_response(docs.outbox_collection())
    if not page.isdecimal() or not 1 <= int(page) <= 10_000:
        raise Http404("No such page.")
    return activity_response(docs.outbox_page(int(page)))


@require_safe
@federation_only
def followers(request):
    return activity_response(docs.followers_collection())


@require_safe
@federation_only
def webfinger(request):
    resource = request.GET.get("resource", "").strip()
    if not resource:
        return JsonResponse({"error": "resource is required"}, status=400)
    wanted = resource.lower().removeprefix("acct:").lstrip("@")
    own = {docs.acct().removeprefix("acct:").lower(), docs.actor_id().lower()}
    if wanted not in own and resource != docs.actor_id():
        raise Http404("No such account here.")
    response = JsonResponse(docs.webfinger(), content_type="application/jrd+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@federation_only
def nodeinfo_links(request):
    return JsonResponse(docs.nodeinfo_links())


@require_safe
@federation_only
def nodeinfo(request):
    content_type = f'application/json; profile="{docs.NODEINFO_SCHEMA}#"'
    return JsonResponse(docs.nodeinfo(), content_type=content_type)


def answer(status, message, **headers):
    response = HttpResponse(message + "\n", status=status, content_type="text/plain")
    for name, value in headers.items():
        response[name] = value
    return response


@csrf_exempt  # signed by the sender's key instead; no browser session is involved
@require_POST
@federation_only
def inbox(request):
    """Size, rate and block checks first (cheap), then the signature (which may fetch the
    sender's key), then the activity. 202 once it is taken; nothing is stored otherwise."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdecimal() or int(declared) > MAX_BODY:
        return answer(413, f"At most {MAX_BODY} bytes.")
    per_address = settings.AP_INBOX_RATE_LIMIT
    if not hit("ap-inbox", client_ip(request), per_address):
        return answer(429, "Too many requests.", **{"Retry-After": retry_after(per_address)})
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return answer(413, f"At most {MAX_BODY} bytes.")
    try:
        activity = json.loads(body)
    except ValueError:
        return answer(400, "Not JSON.")
    if not isinstance(activity, dict) or not object_id(activity.get("actor")):
        return answer(400, "Not an activity.")
    claimed = object_id(activity.get("actor"))
    domain = link_host(claimed) if host_of(claimed) else None  # as block rules read hosts
    if domain in (None, "invalid"):
        return answer(400, "Not an activity: its actor is no URL.")
    per_instance = settings.AP_INSTANCE_RATE_LIMIT
    if not hit("ap-instance", domain, per_instance):
        return answer(429, "Too many requests.", **{"Retry-After": retry_after(per_instance)})
    if blocked_instance(domain):
        return answer(403, "Blocked.")
    if (
        activity.get("type") == "Delete"
        and object_id(activity.get("object")) == claimed
        and not known_actor(activity)
    ):
        return answer(202, "Accepted.")  # a stranger's account is gone: nothing to forget
    try:
        sender = verify(request, body)
    except (SignatureError, ActorError) as error:
        logger.info("inbox: refused a request claiming %s: %s", claimed, error)
        return answer(401, "The request's HTTP Signature did not verify.")
    if sender.actor_id != claimed:
        return answer(401, "The activity's actor did not sign it.")
    with transaction.atomic():
        outcome = handle(activity, sender)
    logger.info("inbox: %s from %s: %s", activity.get("type"), sender, outcome)
    return answer(202, "Accepted.")


def verify(request, body):
    """The ``RemoteActor`` who signed ``request``; the cached key first, then, if it fails,
    the key fetched again (the sender may have a new one)."""
    target = request.get_full_path()
    headers = dict(request.headers)
    headers["Host"] = request.META.get("HTTP_HOST", site_host())
    signed = SignedRequest(request.method, target, headers, body)
    signed.check_envelope()
    cached = RemoteActor.objects.filter(key_id=signed.key_id).first()
    if cached is not None and signed.verify_with(cached.public_key_pem):
        return cached
    sender = actor_for_key(signed.key_id, refresh=True)
    if signed.verify_with(sender.public_key_pem):
        return sender
    raise SignatureError("the signature does not match the sender's key")
