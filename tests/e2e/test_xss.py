"""Cross-site scripting: the corpus in xss_payloads.py goes in through the real comment form
(body, name and website, over HTTP to the live server, CSRF token, signed timestamp and
captcha included) and through post bodies (Markdown and imported HTML); then Chromium opens
every page that shows it.

Pages are opened with the Content-Security-Policy *bypassed*: the CSP is the second line of
defence, and these tests prove the first one (the sanitiser and the templates) holds alone.
A page passes when no dialog opened, ``window.__xss`` is unset, no script error happened and
its DOM holds no event-handler attribute, no ``javascript:``/``data:``/``vbscript:`` URL, and
no element that user content may not bring (script, style, base, meta refresh, object, embed,
foreign frames and forms, SVG, MathML).

A summary of what the form accepted and refused is written to tests/artifacts/xss-report.json.
"""

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from xss_payloads import PAYLOADS, URL_PAYLOADS

from comments.models import Comment, touch_post
from posts.models import Post, SourceFormat
from posts.tests.factories import make_post, make_user

pytestmark = pytest.mark.browser

EMBED_HOSTS = ("www.youtube.com", "youtube.com", "www.youtube-nocookie.com", "player.vimeo.com")

# Everything on the page that user content could have smuggled in (our templates have none
# of it: a finding is always a bug).
INSPECT_JS = """([embedHosts, htmls, admin]) => {
  const inspect = (doc) => {
    const found = [];
    const resolve = (value) => new URL(value.trim(), location.href);
    const where = (e) => {
      const holder = e.closest('li.comment');
      const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '');
      return holder ? `${name} in #${holder.id}` : name;
    };
    const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'data', 'poster', 'background',
                       'cite', 'xlink:href', 'lowsrc', 'dynsrc', 'srcset', 'ping'];
    for (const e of doc.querySelectorAll('*')) {
      for (const a of e.attributes) {
        const n = a.name.toLowerCase();
        if (n.startsWith('on')) found.push(`${where(e)}: event handler ${n}="${a.value}"`);
        if (n === 'srcdoc' || n === 'style' || n === 'formaction')
          found.push(`${where(e)}: ${n}="${a.value}"`);
        if (URL_ATTRS.includes(n)) {
          let scheme;
          try { scheme = resolve(a.value).protocol; } catch (err) { scheme = 'unparseable:'; }
          if (!['http:', 'https:', 'mailto:'].includes(scheme))
            found.push(`${where(e)}: ${n} with scheme ${scheme} (${a.value})`);
        }
      }
    }
    for (const s of doc.querySelectorAll('script')) {
      const src = s.getAttribute('src') || '';
      if (admin && s.type === 'application/json' && !src) continue;  // the admin's data blocks
      // the post's schema.org data block: never run, and only while it stays one JSON value
      if (s.type === 'application/ld+json' && !src && s.parentElement && s.parentElement.tagName === 'HEAD') {
        try { JSON.parse(s.textContent); continue; } catch (err) { /* broken out of: report it */ }
      }
      const allowed = src.startsWith('/static/') || (admin && src === '/admin/jsi18n/');
      if (!(allowed && resolve(src).origin === location.origin))
        found.push(`script element: ${s.outerHTML.slice(0, 120)}`);
    }
    const forbidden = ['base', 'meta[http-equiv]', 'object', 'embed', 'applet', 'style',
      'math', 'frame', 'frameset', 'body link', 'body meta', 'template', 'portal',
      'input[type=image]'];
    // the admin draws its icons with SVG and has forms of its own; our pages have neither
    if (!admin) forbidden.push('svg', 'form:not(#comment-form):not(.search-form)');
    else forbidden.push('svg script', 'svg foreignObject', 'svg a');
    for (const sel of forbidden)
      for (const e of doc.querySelectorAll(sel))
        found.push(`forbidden element ${sel}: ${e.outerHTML.slice(0, 120)}`);
    for (const f of doc.querySelectorAll('iframe')) {
      // an iframe whose src the sanitiser dropped is an empty about:blank frame: inert
      if (!f.hasAttribute('src') && !f.hasAttribute('srcdoc')) continue;
      let ok = false;
      try { const u = new URL(f.getAttribute('src')); ok = u.protocol === 'https:' && embedHosts.includes(u.hostname); }
      catch (err) {}
      if (!ok) found.push(`iframe not from an embed host: ${f.outerHTML.slice(0, 120)}`);
    }
    return found;
  };
  if (htmls === null) {
    const found = inspect(document);
    if (window.__xss) found.push('window.__xss was set: a payload ran');
    return [found];
  }
  // documents parsed by Chromium's HTML parser without being shown (no script runs in them)
  return htmls.map((html) => inspect(new DOMParser().parseFromString(html, 'text/html')));
}"""


# ------------------------------------------------------------------------------------------
# The comment form over HTTP, as a browser (or a bot) sends it
# ------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class FormClient:
    """Speaks to the live server like a browser without JavaScript: the reply page gives the
    CSRF cookie and token, the signed timestamp and a captcha challenge (answered "PASSED")."""

    def __init__(self, site):
        self.site = site
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def form(self, post):
        status, _, html = self._open(f"{self.site}/comments/reply/{post.pk}/")
        assert status == 200, status

        def field(name):
            match = re.search(rf'name="{name}" value="([^"]*)"', html)
            return match.group(1) if match else None

        fields = {
            "csrfmiddlewaretoken": field("csrfmiddlewaretoken"),
            "post": str(post.pk),
            "parent": "",
            "timestamp": field("timestamp"),
            "submission": field("submission"),
            "homepage": "",
        }
        assert None not in fields.values(), html
        if field("captcha_0") is not None:  # a trusted returning commenter gets none
            fields.update(captcha_0=field("captcha_0"), captcha_1="PASSED")
        return fields

    def send(self, post, **fields):
        data = {**self.form(post), **fields}
        request = urllib.request.Request(  # noqa: S310 (the live server's http:// URL)
            f"{self.site}/comments/post/",
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": f"{self.site}/comments/reply/{post.pk}/"},
        )
        return self._open(request)


def _visitor(**overrides):
    return {
        "name": "Probe",
        "email": "probe@example.com",
        "url": "",
        "body": "probe",
        **overrides,
    }


def _approve_all():
    Comment.objects.exclude(status=Comment.Status.APPROVED).update(status=Comment.Status.APPROVED)
    for post_id in Comment.objects.values_list("post_id", flat=True).distinct():
        touch_post(post_id)


# ------------------------------------------------------------------------------------------
# The browser side
# ------------------------------------------------------------------------------------------


@pytest.fixture
def xss_page(open_page):
    """A page with the CSP bypassed (the outside world is cut off for every page: conftest's
    ``NO_OUTSIDE``)."""
    return open_page(bypass_csp=True)


def _inspect(page, url, *, reflected=None, admin=False):
    """Open ``url`` (``None``: the page as it is now); return what is wrong with it (an empty
    list when nothing is)."""
    dialogs, errors = len(page.watch.dialogs), len(page.watch.errors)
    problems = []
    if url is not None:
        response = page.goto(url, wait_until="load")
        problems += [] if response.status in (200, 400) else [f"HTTP {response.status}"]
    problems += page.evaluate(INSPECT_JS, [list(EMBED_HOSTS), None, admin])[0]
    problems += [f"dialog {d}" for d in page.watch.dialogs[dialogs:]]
    problems += [f"script error: {e}" for e in page.watch.errors[errors:]]
    return [f"{reflected or url or page.url}: {p}" for p in problems]


def _inspect_parsed(page, pages):
    """Check many ``(name, html)`` documents at once, parsed in the page by Chromium."""
    results = page.evaluate(INSPECT_JS, [list(EMBED_HOSTS), [html for _, html in pages], False])
    return [f"{name}: {p}" for (name, _), found in zip(pages, results, strict=True) for p in found]


def _assert_clean(findings, what):
    assert not findings, f"{len(findings)} XSS finding(s) on {what}:\n" + "\n".join(findings[:60])


def _report(artifacts, name, data):
    path = artifacts / "xss-report.json"
    report = json.loads(path.read_text()) if path.exists() else {}
    report[name] = data
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))


# ------------------------------------------------------------------------------------------
# The tests
# ------------------------------------------------------------------------------------------


@pytest.fixture
def many_threads(settings):
    settings.COMMENT_THREADS_PER_PAGE = 1000  # every probe on one page


def test_xss_through_the_comment_form(site, xss_page, artifacts, many_threads):
    """Visitors' text through the form, imported comments, the moderation queue, the thread."""
    author = make_user()
    targets = {
        channel: make_post(title=f"XSS via comment {channel}", author=author)
        for channel in ("body", "name", "url")
    }
    outcome = {"body": Counter(), "name": Counter(), "url": Counter()}
    refused = []  # (what, html) of pages that sent the form back
    problems = []

    def send(channel, label, **fields):
        # each probe from a new visitor (no cookies): the captcha is always asked and answered
        status, headers, html = FormClient(site).send(targets[channel], **_visitor(**fields))
        outcome[channel][status] += 1
        if status not in (302, 400):
            problems.append(f"{channel} {label}: HTTP {status}")
        if status == 400:
            refused.append((f"{channel} {label}", html))
        return status

    for label, payload in PAYLOADS:
        send("body", label, body=payload)
        send("name", label, name=payload, body=f"probe name {label}")
        send("url", label, url=payload, body=f"probe url {label}")
    for label, payload in URL_PAYLOADS:
        send("url", label, url=payload, body=f"probe url {label}")
    # the visitor's text is kept on an error page too: a refused form echoes it back
    for label, payload in PAYLOADS[:20]:
        send("body", f"{label} (refused)", body=payload, email="not an email")

    accepted_urls = sorted(
        Comment.objects.filter(post=targets["url"]).exclude(url="").values_list("url", flat=True)
    )
    _report(
        artifacts,
        "comment form",
        {
            "HTTP status per field": {channel: dict(n) for channel, n in outcome.items()},
            "refused": [what for what, _ in refused],
            "website values accepted (stored as typed, shown as http(s) links)": accepted_urls,
        },
    )
    assert not problems, problems
    # every body is accepted (Markdown; raw HTML shows as text), except text that is not text
    assert outcome["body"][302] >= len(PAYLOADS) - 1, outcome["body"]
    # no hostile URL was stored as a link that is not http(s)
    for comment in Comment.objects.filter(post=targets["url"]).exclude(url=""):
        assert comment.url.lower().startswith(("http://", "https://")), comment.url

    # imported comments (Blogger, WordPress) keep their HTML and whatever URL the export held
    targets["imported"] = make_post(title="XSS via imported comments", author=author)
    for n, (label, payload) in enumerate(PAYLOADS):
        if "\x00" in payload:
            continue
        Comment.objects.create(
            post=targets["imported"], name=payload[:100], email="i@example.com",
            url=URL_PAYLOADS[n % len(URL_PAYLOADS)][1][:200], body=payload,
            body_format=SourceFormat.HTML, import_id=f"xss-{label}",
        )  # fmt: skip

    # a moderator opens the queue with every probe in it
    Comment.objects.update(status=Comment.Status.PENDING)
    findings = _admin_findings(xss_page, site)

    _approve_all()
    for post in targets.values():
        findings += _inspect(xss_page, site + post.get_absolute_url())
    # replying moves the form and names the author answered (static/js/comments.js)
    xss_page.goto(site + targets["name"].get_absolute_url())
    for link in xss_page.locator("a.comment-reply").all()[:30]:
        link.click()
        findings += _inspect(xss_page, None)
    # the reply page quotes the comment answered and names its author
    for comment in Comment.objects.filter(post=targets["name"])[:25]:
        findings += _inspect(
            xss_page, f"{site}/comments/reply/{comment.post_id}/?replyto={comment.pk}"
        )
    # what the site sent back with a 400: all parsed by Chromium, the first ten also shown
    # as the browser got them (without the CSP)
    findings += _inspect_parsed(xss_page, [(f"400 page ({what})", html) for what, html in refused])
    served = dict(enumerate(html for _, html in refused[:10]))
    xss_page.context.route(
        f"{site}/__refused__/*",
        lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8",
            body=served[int(route.request.url.rsplit("/", 1)[1])],
        ),
    )  # fmt: skip
    for n, (what, _) in enumerate(refused[:10]):
        findings += _inspect(xss_page, f"{site}/__refused__/{n}", reflected=f"400 page ({what})")
    _assert_clean(findings, "pages with visitors' comments")

    # the template-injection probes are shown as typed, not evaluated
    xss_page.goto(site + targets["body"].get_absolute_url())
    text = xss_page.inner_text("#comments")
    assert "{{ 7|add:1 }}" in text and "{% debug %}" in text
    assert "${alert(1)}" in text


def _admin_findings(page, site):
    """Log in as a superuser and open the admin pages that show visitors' text."""
    from django.contrib.auth import get_user_model

    user = make_user(superuser=True)
    user.set_password("e2e-Long-passphrase-42")
    user.save()
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", "e2e-Long-passphrase-42")
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert get_user_model().objects.filter(pk=user.pk).exists()
    held = Comment.objects.count()
    findings = []
    for number in range(1, (held + 99) // 100 + 1):
        findings += _inspect(page, f"{site}/admin/moderation/heldcomment/?p={number}", admin=True)
    findings += _inspect(page, f"{site}/admin/moderation/queue/", admin=True)  # every card
    findings += _inspect(page, f"{site}/admin/comments/comment/", admin=True)
    findings += _inspect(page, f"{site}/admin/moderation/decision/", admin=True)
    hostile = Comment.objects.filter(import_id__isnull=False).exclude(url="")[:5]
    for comment in hostile:
        for model in ("moderation/heldcomment", "comments/comment"):
            url = f"{site}/admin/{model}/{comment.pk}/change/"
            findings += _inspect(page, url, admin=True)
    return findings


def test_xss_through_post_bodies(site, xss_page, artifacts):
    author = make_user()
    posts = []
    for label, payload in PAYLOADS:
        if "\x00" in payload:  # not storable text (PostgreSQL refuses it); the form refuses it
            continue
        posts.append(
            Post.objects.create(
                title=f"md {label} {payload}"[:300], body=payload, author=author,
                status=Post.Status.PUBLISHED,
            )
        )  # fmt: skip
        posts.append(
            Post.objects.create(
                title=f"html {label}", body=payload, body_format=SourceFormat.HTML,
                author=author, status=Post.Status.PUBLISHED,
            )
        )  # fmt: skip
    hostile_tag = '"><img src=x onerror=alert(1)>'
    posts[0].tags.add(hostile_tag, "<script>alert(1)</script>")

    findings = []
    for post in posts:
        findings += _inspect(xss_page, site + post.get_absolute_url())
    # the index shows each post's excerpt (cut HTML), the sidebar its tags
    pages = (len(posts) + 9) // 10
    for number in range(1, pages + 1):
        findings += _inspect(xss_page, f"{site}/?page={number}")
    for tag in posts[0].tags.all():
        findings += _inspect(xss_page, f"{site}/tag/{tag.slug}/")
    findings += _inspect(xss_page, f"{site}/search/?q=alert")
    _report(artifacts, "post bodies", {"posts": len(posts), "index pages": pages})
    _assert_clean(findings, "post pages")


def test_the_detector_sees_an_injection(site, xss_page):
    """The checks above prove something only if they catch a page that is vulnerable."""
    vulnerable = (
        "<!doctype html><title>x</title><main>"
        "<img src=x onerror=alert(1)><script>window.__xss=1</script>"
        '<a href="javascript:alert(1)">a</a><a href=" data:text/html,x">b</a>'
        '<iframe srcdoc="x"></iframe><svg></svg><p style="color:red">c</p></main>'
    )
    xss_page.context.route(
        f"{site}/__vulnerable__/",
        lambda route: route.fulfill(status=200, content_type="text/html", body=vulnerable),
    )
    found = "\n".join(_inspect(xss_page, f"{site}/__vulnerable__/"))
    for expected in (
        'event handler onerror="alert(1)"',
        "script element",
        "window.__xss was set",
        "href with scheme javascript:",
        "href with scheme data:",
        "srcdoc",
        "forbidden element svg",
        "style=",
        "dialog alert: 1",
    ):
        assert expected in found, f"{expected!r} not detected in:\n{found}"
    parsed = "\n".join(_inspect_parsed(xss_page, [("parsed", vulnerable)]))
    assert "event handler onerror" in parsed and "script element" in parsed, parsed


def test_the_csp_watch_sees_a_violation(site, page):
    """The journeys fail on a CSP violation: check that one is seen."""
    page.context.route(
        f"{site}/__inline__/",
        lambda route: route.fulfill(
            status=200, content_type="text/html",
            headers={"Content-Security-Policy": "script-src 'self'"},
            body="<!doctype html><title>x</title><script>window.ran = 1</script>",
        ),
    )  # fmt: skip
    page.goto(f"{site}/__inline__/")
    assert page.evaluate("window.ran") is None
    assert page.watch.csp and "Content Security Policy" in page.watch.csp[0]
    page.watch.csp.clear()  # seen: the fixture need not fail this test


def test_no_request_leaves_the_machine(site, xss_page):
    """Payloads name outside hosts (and IP addresses): the browser must not reach them, while
    the live server still answers. They fail at the dead proxy, not on this machine's lack of
    a network (where they would fail anyway)."""
    failed = {}
    xss_page.on("requestfailed", lambda request: failed.update({request.url: request.failure}))
    assert xss_page.goto(f"{site}/").status == 200
    outcome = xss_page.evaluate(
        """(urls) => Promise.all(urls.map(url => new Promise(done => {
            const img = new Image();
            img.onload = () => done('loaded');
            img.onerror = () => done('failed');
            img.src = url;
        })))""",
        ["http://93.184.216.34/x.png", "https://example.com/x.png", "http://[::2]/x.png"],
    )
    assert outcome == ["failed"] * 3
    assert failed == dict.fromkeys(
        ["http://93.184.216.34/x.png", "https://example.com/x.png", "http://[::2]/x.png"],
        "net::ERR_PROXY_CONNECTION_FAILED",
    )
