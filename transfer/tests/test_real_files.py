"""Every real export file: what it imports as (counts pinned), or why it is refused."""

import pytest
from django.core.management import CommandError

from transfer.tests.conftest import real, run
from transfer.tests.test_real_wordpress import counts

pytestmark = pytest.mark.django_db

# file: (posts, post drafts, pages, comments, replies, labels used)
IMPORTED = {
    "blogger-natefinch-story.xml": (7, 1, 0, 0, 0, 15),
    "blogger-wgdd-dachgarten.xml": (11, 2, 2, 0, 0, 10),
    # 108 comments, 8 of them on a page.
    "blogger-wgdd-www.xml": (129, 11, 11, 108, 28, 95),
    "wxr-jekyll-wpcom-2025.xml": (7, 0, 1, 0, 0, 5),
    "wxr-pelican.xml": (11, 4, 2, 4, 1, 6),  # the second reply's parent is absent
    "wxr-wpimporter-a11y-unit-test-data.xml": (48, 3, 17, 29, 9, 78),
    "wxr-wpimporter-crazy-cdata-escaped.xml": (1, 0, 0, 0, 0, 0),
    "wxr-wpimporter-e2e-comprehensive.xml": (1, 0, 1, 1, 0, 4),
    "wxr-wpimporter-namespace-edge-cases.xml": (6, 1, 0, 0, 0, 0),
    "wxr-wpimporter-post-content-blank-lines.xml": (1, 0, 0, 0, 0, 0),
    "wxr-wpimporter-slashes.xml": (1, 0, 0, 1, 0, 1),
    "wxr-wpimporter-small-export.xml": (6, 1, 5, 1, 0, 30),
    "wxr-wpimporter-term-formats.xml": (0, 0, 0, 0, 0, 0),
    "wxr-wpimporter-test-serialized-comment-meta.xml": (1, 1, 0, 1, 0, 0),
    # 33 comments, 5 of them (and 1 reply) on a page; 1 draft and the password-protected post.
    "wxr-wpimporter-theme-unit-test-data.xml": (58, 2, 21, 33, 10, 123),
    "wxr-wpimporter-valid-wxr-1.0.xml": (3, 0, 3, 1, 0, 6),
    "wxr-wpimporter-valid-wxr-1.1.xml": (1, 0, 1, 1, 0, 2),
    "wxr-wpimporter-wxr-utf-8-challenges.xml": (1, 0, 0, 0, 0, 1),
}
REFUSED = {
    "blogger-pelican.xml": "the prefix 'app:' is used without being declared",
    "wxr-wpimporter-crazy-cdata.xml": "inside a CDATA section",
    "wxr-wpimporter-malformed.xml": r"mismatched tag: line 90",
}


def command(name):
    return "import_blogger" if name.startswith("blogger") else "import_wordpress"


@pytest.mark.parametrize("name", sorted(IMPORTED))
def test_real_file_imports(name):
    run(command(name), real(name))
    assert tuple(counts().values()) == IMPORTED[name]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_real_file_is_refused_in_one_line(name):
    with pytest.raises(CommandError, match=REFUSED[name]) as refused:
        run(command(name), real(name))
    assert "\n" not in str(refused.value)
    assert counts()["posts"] == 0
