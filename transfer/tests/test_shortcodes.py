"""WordPress shortcodes and embeds become the HTML blogsite keeps (item 5 of issue 12)."""

import pytest

from posts.markup import clean_html
from posts.models import Post
from transfer.shortcodes import Expander, Media
from transfer.tests.conftest import real, run


@pytest.fixture(scope="module")
def media():
    m = Media()
    m.add("11", "https://x.example/a.jpg", "5", "Alpha")
    m.add("12", "https://x.example/b.png", "5", "Beta")
    m.add("13", "https://x.example/song.mp3", "5", "Song")
    m.add("14", "https://x.example/c.jpg", "6", "Other post")
    return m


def expand(text, media, post="5"):
    expander = Expander(post, media)
    return clean_html(expander.body(text)).strip(), expander.warnings


def test_caption_becomes_a_figure(media):
    html, _ = expand(
        '[caption id="a" width="3"]<img src="https://x.example/a.jpg" /> Cap[/caption]', media
    )
    assert (
        html == '<figure><img src="https://x.example/a.jpg"><figcaption>Cap</figcaption></figure>'
    )


def test_old_caption_attribute(media):
    html, _ = expand(
        '[caption caption="Old style"]<img src="https://x.example/a.jpg">[/caption]', media
    )
    assert "<figcaption>Old style</figcaption>" in html


def test_gallery_of_the_attached_images_or_of_its_ids(media):
    html, _ = expand("[gallery]", media)
    assert html.count("<img") == 2 and "c.jpg" not in html and 'alt="Alpha"' in html
    html, _ = expand('[gallery ids="14,11"]', media)
    assert html.index("c.jpg") < html.index("a.jpg")


def test_gallery_without_images_is_left_out_with_a_warning(media):
    html, warnings = expand("Before\n\n[gallery]\n\nAfter", media, post="99")
    assert html == "<p>Before</p>\n\n<p>After</p>"
    assert warnings == ["a [gallery] whose images are not in the file was left out"]


@pytest.mark.parametrize(
    "text",
    [
        "https://www.youtube.com/watch?v=SQEQr7c0-dw",
        "https://youtu.be/SQEQr7c0-dw",
        "[embed]https://www.youtube.com/watch?v=SQEQr7c0-dw[/embed]",
    ],
)
def test_youtube_on_its_own_line_or_in_embed_is_the_player(text, media):
    html, _ = expand(f"Look:\n\n{text}\n\nNice.", media)
    assert '<iframe src="https://www.youtube-nocookie.com/embed/SQEQr7c0-dw"' in html


def test_vimeo_and_other_urls(media):
    html, _ = expand("https://vimeo.com/12345", media)
    assert '<iframe src="https://player.vimeo.com/video/12345"' in html
    html, _ = expand("[embed]https://example.com/page[/embed]", media)
    assert '<a href="https://example.com/page"' in html and "<iframe" not in html
    html, _ = expand("A sentence with https://youtu.be/SQEQr7c0-dw inside.", media)
    assert "<iframe" not in html  # only a URL alone on its line is an embed


def test_audio_and_video(media):
    html, _ = expand("[audio]", media)
    assert html == '<audio controls="" src="https://x.example/song.mp3"></audio>'
    html, _ = expand('[video mp4="https://x.example/v.mp4"]', media)
    assert html == '<video controls="" src="https://x.example/v.mp4"></video>'
    _, warnings = expand("[video]", media)
    assert warnings == ["an [video] whose file is not in the file was left out"]


def test_escaped_shortcode_is_written_out(media):
    html, _ = expand("Type [[gallery]] to make one.", media)
    assert html == "<p>Type [gallery] to make one.</p>"


def test_html5_media_is_kept_sanitised():
    html = clean_html(
        '<video controls autoplay onplay="x()" src="https://x.example/v.mov">'
        '<source src="javascript:alert(1)" type="video/mp4"></video>'
    )
    assert (
        html == '<video controls="" src="https://x.example/v.mov"><source type="video/mp4"></video>'
    )


@pytest.mark.django_db
def test_theme_unit_test_data_shortcodes_and_media():
    run("import_wordpress", real("wxr-wpimporter-theme-unit-test-data.xml"))
    body = {p.import_id: p.body_html for p in Post.objects.all()}
    assert "[gallery" not in body["wp:555"] and body["wp:555"].count("<figure>") == 10
    assert "<figcaption>Bell on wharf in San Francisco</figcaption>" in body["wp:1163"]
    assert body["wp:1177"].count("<figcaption>") == 5  # Markup: Image Alignment
    assert 'src="https://www.youtube-nocookie.com/embed/SQEQr7c0-dw"' in body["wp:1161"]
    assert "<audio controls" in body["wp:587"] and "[audio" not in body["wp:587"]
    assert body["wp:1745"].count("<video") == 3  # Block: Cover, a WordPress 6 block post
