"""CSRF protects every form; the exemptions are the signed one-click unsubscribes (RFC 8058:
reply emails and the moderators' digest) and the ActivityPub inbox (every POST to it carries
its sender's HTTP Signature instead)."""

from django.urls import URLPattern, URLResolver, get_resolver


def views(patterns=None, prefix=""):
    """``(route, view)`` for every URL pattern of the site, admin included."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_only_the_unsubscribe_links_the_signed_inbox_and_webmention_are_exempt_from_csrf():
    """Besides the signed links and inbox, the endpoint other sites post to by design
    (Webmention) carries its own limits (body size, rate per address and per source, a cap on
    queued work)."""
    exempt = {route for route, view in views() if getattr(view, "csrf_exempt", False)}
    assert exempt == {
        "comments/unsubscribe/<str:token>/",
        "moderation/digest/unsubscribe/<str:token>/",
        "ap/inbox",
        "webmention/",
    }


def test_a_comment_post_without_the_csrf_token_is_refused(db, settings):
    """A complete, valid form: the missing CSRF token is the only thing wrong with it."""
    from django.test import Client

    from comments.models import Comment
    from comments.tests.factories import form_fields, make_post

    settings.COMMENT_MIN_SECONDS = 0
    post = make_post()
    browser = Client(enforce_csrf_checks=True)
    fields = form_fields(browser, post)
    fields.pop("csrfmiddlewaretoken", None)
    assert browser.post("/comments/post/", fields).status_code == 403
    assert not Comment.objects.exists()
    fields["csrfmiddlewaretoken"] = browser.cookies["csrftoken"].value
    assert browser.post("/comments/post/", fields).status_code == 302
    assert Comment.objects.count() == 1
