"""Remote actors: fetched (signed GET, through ``federation.outbound``) when their key is
needed, cached in ``RemoteActor``, fetched again when a signature stops verifying."""

from django.utils import timezone

from federation import outbound
from federation.models import RemoteActor

from . import ACTIVITY_JSON, LD_JSON, host_of, keys, signatures
from .documents import key_id

ACCEPT = f"{ACTIVITY_JSON}, {LD_JSON}"
MAX_BYTES = 256 * 1024


class ActorError(Exception):
    """An actor or key that could not be fetched or makes no sense."""


def fetch_json(url):
    """GET ``url`` as ActivityStreams JSON, signed with the blog's key (servers in "secure
    mode" answer only signed requests); a dict whose ``id`` is on the host asked."""
    key = keys.blog_key()
    headers = signatures.sign_request("GET", url, None, key_id(), key.private_key_pem)
    response = outbound.get(url, headers={**headers, "Accept": ACCEPT}, max_bytes=MAX_BYTES)
    document = response.json()
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        raise ActorError(f"{url} did not answer an ActivityStreams object")
    if host_of(document["id"]) != host_of(url) or host_of(response.url) != host_of(url):
        raise ActorError(f"{url} answered an object of another host")
    return document


def _first_url(value):
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("url") or value.get("href") or ""
        return _first_url(value)
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else ""


def _text(value, limit=200):
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


def store(document, wanted_key_id):
    """Save (or refresh) the actor described by ``document`` whose key is ``wanted_key_id``."""
    found = document.get("publicKey")
    candidates = found if isinstance(found, list) else [found]
    key = next(
        (k for k in candidates if isinstance(k, dict) and k.get("id") == wanted_key_id), None
    )
    if key is None or not isinstance(key.get("publicKeyPem"), str):
        raise ActorError(f"{document['id']} has no key {wanted_key_id}")
    if key.get("owner", document["id"]) != document["id"]:
        raise ActorError(f"key {wanted_key_id} belongs to another actor")
    inbox = document.get("inbox")
    if not isinstance(inbox, str) or host_of(inbox) != host_of(document["id"]):
        raise ActorError(f"{document['id']} has no inbox on its own host")
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    shared = endpoints.get("sharedInbox")
    profile = _first_url(document.get("url"))
    actor, _ = RemoteActor.objects.update_or_create(
        actor_id=document["id"],
        defaults={
            "key_id": wanted_key_id,
            "public_key_pem": key["publicKeyPem"],
            "inbox": inbox,
            "shared_inbox": shared if isinstance(shared, str) and shared.startswith("http") else "",
            "domain": host_of(document["id"]),
            "preferred_username": _text(document.get("preferredUsername")),
            "name": _text(document.get("name")),
            # the profile page, if it is on the actor's own server (block rules match that host)
            "url": profile if host_of(profile) == host_of(document["id"]) else document["id"],
            "icon_url": _first_url(document.get("icon")),
            "fetched_at": timezone.now(),
        },
    )
    return actor


def actor_for_key(wanted_key_id, *, refresh=False):
    """The ``RemoteActor`` whose key is ``wanted_key_id``: cached, or fetched."""
    if not refresh:
        cached = RemoteActor.objects.filter(key_id=wanted_key_id).first()
        if cached is not None:
            return cached
    try:
        document = fetch_json(wanted_key_id.partition("#")[0])
        if "publicKey" not in document and isinstance(document.get("owner"), str):
            if host_of(document["owner"]) != host_of(wanted_key_id):
                raise ActorError("a key owned by an actor of another host")
            document = fetch_json(document["owner"])  # a key document: its owner has the rest
        return store(document, wanted_key_id)
    except outbound.OutboundError as error:
        raise ActorError(str(error)) from None
