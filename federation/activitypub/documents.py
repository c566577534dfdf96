"""The JSON documents the blog publishes: its actor, each post as an ``Article``, the outbox
and followers collections, the activities it sends, WebFinger and NodeInfo."""

import hashlib
import json
import re
from html import escape

from django.db.models import Count
from django.templatetags.static import static
from django.urls import reverse

from comments.models import on
from federation.models import Follower, Reaction
from posts.models import BlogSettings, Post

from . import AS_CONTEXT, AS_PUBLIC, SECURITY_CONTEXT, absolute, keys, site_host, site_url

OUTBOX_PAGE_SIZE = 20
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"
ARTICLE_CONTEXT = [AS_CONTEXT, {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"}]
_RELATIVE = re.compile(r'(\s(?:src|href)=")(/[^/"][^"]*|/)"')


def actor_id():
    return absolute(reverse("activitypub:actor"))


def key_id():
    return actor_id() + "#main-key"


def inbox_url():
    return absolute(reverse("activitypub:inbox"))


def followers_url():
    return absolute(reverse("activitypub:followers"))


def outbox_url():
    return absolute(reverse("activitypub:outbox"))


def handle():
    return BlogSettings.load().handle


def acct():
    return f"acct:{handle()}@{site_host()}"


def actor():
    blog = BlogSettings.load()
    return {
        "@context": [AS_CONTEXT, SECURITY_CONTEXT],
        "id": actor_id(),
        "type": "Person",
        "preferredUsername": blog.handle,
        "name": blog.title,
        "summary": f"<p>{escape(blog.description)}</p>" if blog.description else "",
        "url": site_url() + "/",
        "inbox": inbox_url(),
        "outbox": outbox_url(),
        "followers": followers_url(),
        "endpoints": {"sharedInbox": inbox_url()},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "icon": {"type": "Image", "mediaType": "image/png", "url": absolute(static("favicon.png"))},
        "publicKey": {
            "id": key_id(),
            "owner": actor_id(),
            "publicKeyPem": keys.blog_key().public_key_pem,
        },
    }


def post_id(post):
    """A post's ActivityPub id: its canonical URL."""
    return absolute(post.get_absolute_url())


def absolute_links(html):
    """``src="/media/..."`` and ``href="/2014/..."`` made absolute: remote servers show the
    HTML away from our origin."""
    return _RELATIVE.sub(lambda m: f'{m[1]}{site_url()}{m[2]}"', html)


def hashtag(label):
    words = re.findall(r"\w+", label.name)
    name = words[0] if len(words) == 1 else "".join(w[:1].upper() + w[1:] for w in words)
    return {"type": "Hashtag", "href": absolute(label.get_absolute_url()), "name": f"#{name}"}


def article(post, counts=None):
    """The post as an ``Article``; ``counts``: its ``{kind: n}`` reactions, if known."""
    url = post_id(post)
    tags = [hashtag(label) for label in post.tags.all() if label.get_absolute_url()]
    document = {
        "@context": ARTICLE_CONTEXT,
        "id": url,
        "type": "Article",
        "attributedTo": actor_id(),
        "name": post.title,
        "content": absolute_links(post.body_html),
        "mediaType": "text/html",
        "url": url,
        "published": iso(post.published_at),
        "updated": iso(post.updated_at),
        "to": [AS_PUBLIC],
        "cc": [followers_url()],
        "tag": [t for t in tags if t["name"] != "#"],
        "sensitive": False,
    }
    if counts is not None:
        document["likes"] = {"type": "Collection", "totalItems": counts.get("like", 0)}
        document["shares"] = {"type": "Collection", "totalItems": counts.get("announce", 0)}
    return document


def reaction_counts(target):
    """``{"like": n, "announce": m}`` for a post or a page (kinds with none left out)."""
    rows = (
        Reaction.objects.filter(**on(target)).order_by().values_list("kind").annotate(n=Count("id"))
    )
    return dict(rows)


def digest_of(document):
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def iso(when):
    return when.isoformat().replace("+00:00", "Z") if when else None


def activity(kind, obj, *, suffix=None, to=(AS_PUBLIC,), cc=None):
    """An activity of the blog actor about ``obj`` (a document or an id)."""
    object_id = obj["id"] if isinstance(obj, dict) else obj
    return {
        "@context": AS_CONTEXT,
        "id": f"{object_id}#{suffix or kind.lower()}",
        "type": kind,
        "actor": actor_id(),
        "object": obj,
        "to": list(to),
        "cc": [followers_url()] if cc is None else cc,
    }


def create(post):
    document = article(post)
    return {**activity("Create", document), "published": document["published"]}


def outbox_collection():
    return {
        "@context": AS_CONTEXT,
        "id": outbox_url(),
        "type": "OrderedCollection",
        "totalItems": Post.objects.published().count(),
        "first": f"{outbox_url()}?page=1",
    }


def outbox_page(number):
    posts = Post.objects.published().for_listing().order_by("-published_at", "-id")
    start = (number - 1) * OUTBOX_PAGE_SIZE
    chunk = list(posts[start : start + OUTBOX_PAGE_SIZE + 1])
    page = {
        "@context": ARTICLE_CONTEXT,
        "id": f"{outbox_url()}?page={number}",
        "type": "OrderedCollectionPage",
        "partOf": outbox_url(),
        "orderedItems": [create(post) for post in chunk[:OUTBOX_PAGE_SIZE]],
    }
    if len(chunk) > OUTBOX_PAGE_SIZE:
        page["next"] = f"{outbox_url()}?page={number + 1}"
    if number > 1:
        page["prev"] = f"{outbox_url()}?page={number - 1}"
    return page


def followers_collection():
    """How many follow the blog; who they are is theirs to show, not ours."""
    return {
        "@context": AS_CONTEXT,
        "id": followers_url(),
        "type": "OrderedCollection",
        "totalItems": Follower.objects.count(),
    }


def webfinger():
    return {
        "subject": acct(),
        "aliases": [actor_id(), site_url() + "/"],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor_id()},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": site_url() + "/",
            },
        ],
    }


def nodeinfo_links():
    return {"links": [{"rel": NODEINFO_SCHEMA, "href": absolute(reverse("activitypub:nodeinfo"))}]}


def nodeinfo():
    blog = BlogSettings.load()
    return {
        "version": "2.1",
        "software": {"name": "blogsite", "version": "1.0"},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": False,
        "usage": {
            "users": {"total": 1, "activeMonth": 1, "activeHalfyear": 1},
            "localPosts": Post.objects.published().count(),
        },
        "metadata": {"nodeName": blog.title, "nodeDescription": blog.description},
    }
