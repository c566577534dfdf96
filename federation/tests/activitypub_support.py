"""A stand-in fediverse server on loopback for the ActivityPub tests: it serves actor
documents and records what is POSTed to it. (The proof against a real implementation is
``test_ap_bovine.py``; this one is for the many small cases.)"""

import http.server
import json
import threading
from functools import cache

import pytest

from federation.activitypub import AS_PUBLIC, keys, signatures
from federation.models import ActorKey


@cache
def key_pair(name="ana"):
    """``(private_pem, public_pem)``, made once per test run and name."""
    return keys.generate()


class Server:
    def __init__(self):
        self.routes = {}  # path -> (status, body dict)
        self.received = []  # (path, headers, parsed body)
        self.post_status = 202
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                status, document = server.routes.get(self.path.partition("#")[0], (404, {}))
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                server.received.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(server.post_status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def add_actor(self, name="ana", public_pem=None, **extra):
        actor_id = f"{self.base}/users/{name}"
        document = {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": actor_id,
            "type": "Person",
            "preferredUsername": name,
            "name": name.title() + " Lima",
            "url": f"{self.base}/@{name}",
            "icon": {"type": "Image", "url": f"{self.base}/avatars/{name}.png"},
            "inbox": f"{actor_id}/inbox",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "publicKey": {
                "id": f"{actor_id}#main-key",
                "owner": actor_id,
                "publicKeyPem": public_pem or key_pair(name)[1],
            },
            **extra,
        }
        self.routes[f"/users/{name}"] = (200, document)
        return document

    def posts_to(self, path):
        return [body for p, _, body in self.received if p == path]


@pytest.fixture
def remote(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    server = Server()
    yield server
    server.httpd.shutdown()


@pytest.fixture
def federation(settings, db):
    settings.FEDERATION = True
    settings.SITE_URL = "http://testserver"
    private_pem, public_pem = key_pair("blog")  # made once: RSA keys are slow to make
    ActorKey.objects.create(pk=1, private_key_pem=private_pem, public_key_pem=public_pem)


def signed_post(client, activity, key_id, private_pem, *, body=None, headers=None):
    """POST ``activity`` to the inbox, signed as a fediverse server signs it."""
    body = json.dumps(activity).encode() if body is None else body
    signed = signatures.sign_request(
        "POST", "http://testserver/ap/inbox", body, key_id, private_pem
    )
    return client.post(
        "/ap/inbox",
        body,
        content_type="application/activity+json",
        headers={**signed, **(headers or {})},
    )


def note(actor, in_reply_to, number=1, text="Thanks, this helped with my ward round teaching."):
    actor_id = actor["id"]
    return {
        "id": f"{actor_id}/statuses/{number}",
        "type": "Note",
        "attributedTo": actor_id,
        "inReplyTo": in_reply_to,
        "content": f"<p>{text}</p>",
        "to": [AS_PUBLIC],
        "cc": [f"{actor_id}/followers"],
    }


def create(actor, obj, kind="Create"):
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{obj['id']}/activity-{kind.lower()}",
        "type": kind,
        "actor": actor["id"],
        "object": obj,
    }
