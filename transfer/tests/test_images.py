"""Imported http: images of hosts known to serve https are made https (our CSP blocks http:)."""

import re

import pytest

from posts.models import Page, Post
from transfer.images import secure_images
from transfer.tests.conftest import real, run


@pytest.mark.parametrize(
    ("host", "made_https"),
    [
        ("1.bp.blogspot.com", True),
        ("lh3.googleusercontent.com", True),
        ("blogger.googleusercontent.com", True),
        ("wpthemetestdata.files.wordpress.com", True),
        ("i0.wp.com", True),
        ("tropica.com", False),
        ("bp.blogspot.com.evil.example", False),
    ],
)
def test_known_hosts_are_rewritten(host, made_https):
    html, rewritten, left = secure_images(f'<p><img src="http://{host}/a.jpg"> http://{host}/</p>')
    scheme = "https" if made_https else "http"
    assert html == f'<p><img src="{scheme}://{host}/a.jpg"> http://{host}/</p>'  # text untouched
    assert (rewritten, left) == ((1, 0) if made_https else (0, 1))


@pytest.mark.django_db
def test_wgdd_blog_images_show_on_an_https_site():
    out, err = run("import_blogger", real("blogger-wgdd-www.xml"))
    assert "8 http images made https" in out
    assert "http images left (blocked by the site's CSP)" in out
    hosts = set()
    for item in [*Post.objects.all(), *Page.objects.all()]:
        hosts |= set(re.findall(r'<img[^>]*src="http://([^/"]+)', item.body_html))
    assert hosts == {"tropica.com"}
