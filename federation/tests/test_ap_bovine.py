"""Proof against an implementation we did not write: a fediverse account built with bovine
(PyPI; its actor document, its HTTP Signatures, its activity builders and its signature
checker), served by aiohttp on loopback, talks to the blog running as a live server.

It finds the blog by WebFinger, follows it and gets a signed ``Accept`` (bovine verifies our
signature with the key it fetches from our actor), receives the ``Create`` of a post published
afterwards, replies with a signed ``Note`` that becomes a comment in the thread, is refused
(401, no comment) when the signature is forged, and removes its reply with a ``Delete``.
"""

import asyncio
import json
import socket
import threading
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiohttp import web
from bovine import BovineActor
from bovine.activitystreams import Actor
from bovine.activitystreams.activity_factory import ActivityFactory
from bovine.activitystreams.object_factory import ObjectFactory
from bovine.clients import lookup_uri_with_webfinger
from bovine.crypto import build_validate_http_signature_raw, generate_rsa_public_private_key
from bovine.crypto.types import CryptographicIdentifier

from comments.models import Comment
from comments.tests.factories import make_comment, make_post
from federation.intake import ERASED
from federation.models import Follower

pytestmark = pytest.mark.django_db(transaction=True)


class BovineAccount:
    """A one-account fediverse server: bovine's actor and signatures, aiohttp's HTTP."""

    def __init__(self):
        self.public_pem, self.private_pem = generate_rsa_public_private_key()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        self.actor_id = f"{self.base}/users/buttercup"
        self.document = Actor(
            id=self.actor_id,
            preferred_username="buttercup",
            name="Buttercup the Cow",
            inbox=f"{self.actor_id}/inbox",
            outbox=f"{self.actor_id}/outbox",
            followers=f"{self.actor_id}/followers",
            public_key=self.public_pem,
            public_key_name="main-key",
            url=f"{self.base}/@buttercup",
            icon={"type": "Image", "mediaType": "image/png", "url": f"{self.base}/cow.png"},
        ).build()
        self.inbox = []  # (signer, activity) of every POST whose signature bovine verified
        self.refused = 0
        self.numbers = iter(range(1, 1000))
        self.activities = ActivityFactory(self.document, id_generator=self.new_id)
        self.objects = ObjectFactory(actor_information=self.document, id_generator=self.new_id)
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.run(self.start(port))

    def new_id(self):
        return f"{self.actor_id}/objects/{next(self.numbers)}"

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    async def start(self, port):
        async def fetch_key(key_id):
            async with aiohttp.ClientSession() as session:
                headers = {"Accept": "application/activity+json"}
                async with session.get(key_id, headers=headers) as response:
                    data = await response.json(content_type=None)
            return CryptographicIdentifier.from_public_key(data["publicKey"])

        verify = build_validate_http_signature_raw(fetch_key)

        async def actor(request):
            return web.json_response(self.document, content_type="application/activity+json")

        async def inbox(request):
            body = await request.read()

            async def read():
                return body

            signer = await verify(request.method, str(request.url), request.headers, read)
            if not signer:
                self.refused += 1
                return web.Response(status=401)
            self.inbox.append((signer, json.loads(body)))
            return web.Response(status=202)

        app = web.Application()
        app.router.add_get("/users/buttercup", actor)
        app.router.add_post("/users/buttercup/inbox", inbox)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()

    def send(self, inbox, activity, private_pem=None):
        """POST ``activity`` to ``inbox``, signed by bovine with the account's key (or with
        ``private_pem``, a key that is not the account's); the status of the answer."""

        async def post():
            signer = BovineActor(
                actor_id=self.actor_id,
                public_key_url=f"{self.actor_id}#main-key",
                secret=private_pem or self.private_pem,
            )
            async with signer:
                response = await signer.client.post(inbox, json.dumps(activity))
                return response.status

        return self.run(post())

    def lookup(self, handle, site):
        async def find():
            async with aiohttp.ClientSession() as session:
                return await lookup_uri_with_webfinger(session, f"acct:{handle}", domain=site)

        return self.run(find())[0]

    def fetch(self, url, accept):
        async def get():
            async with (
                aiohttp.ClientSession() as session,
                session.get(url, headers={"Accept": accept}) as response,
            ):
                return await response.text()

        return self.run(get())

    def stop(self):
        self.run(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def bovine(plain_http, live_server, settings):
    settings.FEDERATION = True
    settings.OUTBOUND_ALLOW_PRIVATE = True
    settings.SITE_URL = live_server.url
    account = BovineAccount()
    yield account
    account.stop()


def received(account, kind):
    return [activity for _, activity in account.inbox if activity["type"] == kind]


def test_a_bovine_account_follows_gets_posts_replies_and_deletes(bovine, live_server):
    host = urlsplit(live_server.url).netloc
    actor_url = bovine.lookup(f"blog@{host}", live_server.url)
    assert actor_url == f"{live_server.url}/ap/actor"

    blog = json.loads(bovine.fetch(actor_url, "application/activity+json"))
    follow = bovine.activities.follow(blog["id"]).build()
    assert bovine.send(blog["inbox"], follow) == 202
    (accept,) = received(bovine, "Accept")
    assert accept["actor"] == blog["id"] and accept["object"]["id"] == follow["id"]
    assert bovine.inbox[0][0] == blog["id"]  # bovine checked our signature with our key
    follower = Follower.objects.select_related("actor").get()
    assert follower.actor.name == "Buttercup the Cow"

    post = make_post(title="Teaching on ward rounds", body="What worked for our juniors.")
    (create,) = received(bovine, "Create")
    article = create["object"]
    assert article["type"] == "Article" and article["name"] == "Teaching on ward rounds"
    assert article["id"] == f"{live_server.url}{post.get_absolute_url()}"

    reply = bovine.objects.reply(
        article, content="<p>We tried this with our juniors and it worked well.</p>"
    ).build()
    assert "https://www.w3.org/ns/activitystreams#Public" in reply["cc"]
    assert bovine.send(blog["inbox"], bovine.activities.create(reply).build()) == 202
    comment = Comment.objects.get(post=post)
    assert comment.channel == "activitypub" and comment.source_url == reply["id"]
    assert comment.name == "Buttercup the Cow" and comment.url == f"{bovine.base}/@buttercup"
    assert comment.avatar_url == f"{bovine.base}/cow.png"
    assert comment.status == "approved", comment.reasons  # the default policy, as for the form
    page = bovine.fetch(live_server.url + post.get_absolute_url(), "text/html")
    assert "worked well" in page  # in the thread, where readers see it

    forged_key = generate_rsa_public_private_key()[1]
    other = bovine.objects.reply(article, content="<p>A forged reply.</p>").build()
    forged = bovine.activities.create(other).build()
    assert bovine.send(blog["inbox"], forged, private_pem=forged_key) == 401
    assert Comment.objects.filter(post=post).count() == 1

    delete = bovine.activities.delete(reply["id"]).build()
    assert bovine.send(blog["inbox"], delete) == 202
    comment.refresh_from_db()
    assert comment.status == "removed" and comment.body == ERASED
    assert "worked well" not in comment.body_html


def test_a_bovine_reply_to_a_comment_threads_under_it(bovine, live_server):
    post = make_post()
    parent = make_comment(post, name="Sarah")
    note = (
        bovine.objects.note(
            content="<p>Agreed, Sarah.</p>",
            in_reply_to=f"{live_server.url}/comments/{parent.pk}/",
        )
        .as_public()
        .build()
    )
    assert bovine.send(f"{live_server.url}/ap/inbox", bovine.activities.create(note).build()) == 202
    assert Comment.objects.get(source_url=note["id"]).parent == parent
