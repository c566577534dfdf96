"""The renderer's unsafe options stay locked down."""

import pytest

from posts.markup import clean_html, render_comment_markdown, render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)">x</a>',
        '<svg onload="alert(1)"></svg>',
        '<iframe src="https://evil.example/"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "[ref][1]\n\n[1]: javascript:alert(1)",
    ],
)
def test_staff_markdown_cannot_carry_script(source):
    html = render_markdown(source).lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "data:" not in html
    assert "onerror" not in html and "onload" not in html
    assert "evil.example" not in html
    assert "style=" not in html


def test_staff_markdown_keeps_formatting_and_video_embeds():
    html = render_markdown(
        "## Title\n\n**bold** and [a link](https://example.com)\n\n"
        '<iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe>'
    )
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com"' in html
    assert 'src="https://www.youtube-nocookie.com/embed/abc"' in html


def test_comment_markdown_shows_raw_html_as_text():
    html = render_comment_markdown("<b>hi</b> <script>alert(1)</script>")
    assert "&lt;b&gt;hi&lt;/b&gt;" in html
    assert "<script" not in html and "<b>" not in html


def test_comment_links_are_nofollow_and_images_headings_are_dropped():
    html = render_comment_markdown("# Big\n\n[site](https://spam.example) ![img](https://x/y.png)")
    assert 'rel="nofollow ugc noopener"' in html
    assert "<h1" not in html
    assert "<img" not in html


def test_imported_html_is_cleaned_with_the_same_allow_list():
    html = clean_html('<p onclick="x()">Hi<script>bad()</script></p><a href="javascript:x">l</a>')
    assert html == '<p>Hi</p><a rel="noopener">l</a>'


def test_an_iframe_from_another_host_leaves_no_empty_box():
    html = render_markdown(
        'Before <iframe src="https://evil.example/x" width="500"></iframe> after'
    )
    assert "iframe" not in html
    assert "Before" in html and "after" in html
