"""WordPress's paragraphs (``wpautop``) for classic-editor text."""

import pytest

from posts.models import Page, Post
from transfer.autop import autop
from transfer.tests.conftest import real, run


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("One\n\nTwo", "<p>One</p>\n<p>Two</p>\n"),
        ("Line one\nline two", "<p>Line one<br />\nline two</p>\n"),
        # Blank-line paragraphs around a block tag keep their paragraphs (the old step gave up).
        (
            "Intro\n\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n\nAfter",
            "<p>Intro</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>After</p>\n",
        ),
        ("<h2>Title</h2>\nText", "<h2>Title</h2>\n<p>Text</p>\n"),
        ("<blockquote>Quote</blockquote>", "<blockquote><p>Quote</p></blockquote>\n"),
        ("A<br><br>B", "<p>A</p>\n<p>B</p>\n"),
        # <pre> is left alone, blank lines and all.
        ("<pre>a\n\nb</pre>\n\nText", "<pre>a\n\nb</pre>\n<p>Text</p>\n"),
        # A newline inside a tag is not a line break.
        ('<a\nhref="x">link</a>', '<p><a\nhref="x">link</a></p>\n'),
        ("", ""),
    ],
)
def test_autop_does_what_wpautop_does(text, html):
    assert autop(text) == html


def test_block_editor_posts_are_left_as_they_are():
    text = "<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->\n\nmore"
    assert autop(text) == text


@pytest.mark.django_db
def test_page_markup_and_formatting_keeps_its_paragraphs():
    run("import_wordpress", real("wxr-wpimporter-theme-unit-test-data.xml"))
    item = Post.objects.filter(title="Page Markup And Formatting").first() or Page.objects.get(
        title="Page Markup And Formatting"
    )
    assert item.body_html.count("<p>") == 50
    assert "<p>Single line blockquote:</p>" in item.body_html
    assert "<blockquote><p>Stay hungry. Stay foolish.</p></blockquote>" in item.body_html
