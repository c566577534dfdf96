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


# Pathological input: the work is bounded and the visitor's characters are all still shown.

ORDINARY = [
    "Hello *world*, **bold**, _under_ and `code [x` here.",
    '[a link](https://example.com), ![img](https://x.example/y.png "t") and [ref][1]\n\n'
    "[1]: https://example.com/ref",
    "[![alt](https://x.example/i.png)](https://example.com) and [see [1]](https://a.example)",
    "> quote\n> > nested\n\n- a\n- b\n    - c\n\n1. x\n2. y",
    "    code [ block\n    more",
    "```\nfenced [ code <a\n```\n\nafter",
    "a [ lone bracket, a ] and a (paren",
    "Use `a[0]` and `` x`[y `` here, \\[escaped\\], \\*not em\\* and \\a.",
    "line one  \nline two & three &amp; <b>raw</b> <http://auto.example/a>",
    "Footnote[^1] here.\n\n[^1]: The note.",
    "*[HTML]: Hyper Text\n\nHTML is here.",
    "| a | b |\n|---|---|\n| [x](http://y.example) | `z` |",
    '[a](http://e.example/(x)) and [b](<http://e.example/a b> "title (")',
    "**[bold link](http://b.example)** and *em [link](http://c.example)*",
    "```a`b and ``a` c and `a``b` d and x ``` y `` z ` w",
    "[a `]` b](http://x.example) [c `[` d](http://y.example)",
]


@pytest.mark.parametrize("source", ORDINARY)
def test_the_bounds_change_nothing_in_ordinary_markdown(source):
    from posts.markup import _clean_post_html, _comment_cleaner, _markdown

    plain = _markdown(raw_html=True, bounded=False).convert(source)
    assert render_markdown(source) == _clean_post_html(plain)
    plain = _markdown(raw_html=False, bounded=False).convert(source)
    assert render_comment_markdown(source) == _comment_cleaner.clean(plain)


def _shown(html):
    """The characters a reader sees."""
    import html as html_module

    from django.utils.html import strip_tags

    return html_module.unescape(strip_tags(html))


def _rep(unit, n=2000):
    return (unit * (n // len(unit) + 1))[:n]


@pytest.mark.parametrize(
    "source",
    [
        _rep("["),  # 10,000 of these took 12.6 s
        _rep("[]("),
        _rep("[a]("),
        _rep("!["),
        _rep("[^"),
        _rep("*["),
        "[" * 1000 + "]" * 1000,
        _rep("*_"),
        _rep("\\"),
        "".join("`" * (i + 1) + "a" for i in range(60)),
    ],
)
@pytest.mark.parametrize("renderer", [render_comment_markdown, render_markdown])
def test_pathological_markdown_is_shown_as_written(renderer, source):
    assert "".join(_shown(renderer(source)).split()) == "".join(
        source.replace("\\\\", "\\").split()
    )


@pytest.fixture
def link_scans(monkeypatch):
    """Characters the link patterns scan, summed over all their attempts."""
    from markdown.inlinepatterns import LinkInlineProcessor

    scanned = []
    get_text, get_link = LinkInlineProcessor.getText, LinkInlineProcessor.getLink

    def counting_text(self, data, index):
        result = get_text(self, data, index)
        scanned.append(result[1] - index)
        return result

    def counting_link(self, data, index):
        result = get_link(self, data, index)
        scanned.append(result[2] - index)
        return result

    monkeypatch.setattr(LinkInlineProcessor, "getText", counting_text)
    monkeypatch.setattr(LinkInlineProcessor, "getLink", counting_link)
    return scanned


@pytest.mark.parametrize("unit", ["[", "[](", "[a](", "![", "[[]", "*["])
def test_link_patterns_scan_each_character_a_bounded_number_of_times(link_scans, unit):
    source = _rep(unit)
    render_comment_markdown(source)
    assert sum(link_scans) <= 10 * len(source)  # unbounded, it was about len² / 2 per pattern


def test_backtick_runs_are_not_rescanned(monkeypatch):
    from markdown.inlinepatterns import BacktickInlineProcessor

    scanned = []
    find = BacktickInlineProcessor.find_code_spans

    def counting(self, start, text):
        result = find(self, start, text)
        scanned.append((result[1] if result[1] is not None else len(text)) - start)
        return result

    monkeypatch.setattr(BacktickInlineProcessor, "find_code_spans", counting)
    source = "".join("`" * (i + 1) + "a" for i in range(60))  # each run opens, nothing closes
    assert "<code>" not in render_comment_markdown(source)
    assert sum(scanned) <= 2 * len(source)


def test_quotes_nest_at_most_five_deep_and_keep_the_rest_as_text():
    html = render_comment_markdown(">" * 2000)
    assert html.count("<blockquote>") == 5
    assert _shown(html).strip() == ">" * 1995


def test_a_run_of_unclosed_tags_is_text_for_staff_too():
    html = render_markdown(_rep("<a"))
    assert _shown(html).strip() == _rep("<a")
    assert "<a" not in html


def test_blocks_past_the_documents_budget_are_one_paragraph_with_all_the_text():
    from posts.markup import BLOCKS_BASE, BLOCKS_CHARS_PER_BLOCK

    source = "a\n\n" * 2000
    html = render_comment_markdown(source)
    assert html.count("<p>") <= BLOCKS_BASE + len(source) // BLOCKS_CHARS_PER_BLOCK + 1
    assert _shown(html).count("a") == 2000


def test_footnotes_past_the_cap_are_text():
    from posts.markup import MAX_FOOTNOTES

    source = "".join(f"x[^{i}]\n\n[^{i}]: note {i}\n\n" for i in range(100))
    html = render_markdown(source)
    assert html.count('title="Jump back to footnote') == MAX_FOOTNOTES < 100
    assert "[^99]: note 99" in _shown(html)


def test_lists_nest_at_most_four_levels_and_keep_the_items_text():
    source = "".join("    " * i + f"- item{i}\n" for i in range(12))
    html = render_comment_markdown(source)
    assert html.count("<ul>") == 5
    assert all(f"item{i}" in html for i in range(12))


def test_imported_html_nested_too_deep_is_shown_as_text():
    html = clean_html("<div>" * 200 + "deep" + "</div>" * 200)
    assert html.count("<div>") == 64
    assert "&lt;div&gt;" in html and "deep" in html
