"""WordPress exports nobody here wrote, read the way WordPress's own importer reads them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError

from comments.models import Comment
from posts.models import BlogSettings, Page, Post, TaggedPost
from transfer.tests.conftest import real as real_file
from transfer.tests.conftest import run, snapshot

pytestmark = pytest.mark.django_db

THEME = "wxr-wpimporter-theme-unit-test-data.xml"


def counts():
    return {
        "posts": Post.objects.count(),
        "drafts": Post.objects.filter(status="draft").count(),
        "pages": Page.objects.count(),
        "comments": Comment.objects.count(),
        "replies": Comment.objects.filter(parent__isnull=False).count(),
        "labels": TaggedPost.objects.values("tag").distinct().count(),
    }


def test_password_protected_post_is_a_draft_named_in_a_warning(client):
    _, err = run("import_wordpress", real_file(THEME))
    post = Post.objects.get(import_id="wp:1168")
    assert post.status == "draft"
    assert "Template: Password Protected" in err and "password-protected" in err
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get("/2012/01/04/template-password-protected/").status_code in (404, 301)
    if client.get("/2012/01/04/template-password-protected/").status_code == 301:
        target = client.get("/2012/01/04/template-password-protected/")["Location"]
        assert client.get(target).status_code == 404


def test_protected_post_in_the_a11y_data_is_a_draft_too():
    out, _ = run("import_wordpress", real_file("wxr-wpimporter-a11y-unit-test-data.xml"))
    assert "1 password-protected kept as drafts" in out
    protected = Post.objects.filter(title__icontains="password")
    assert protected and all(p.status == "draft" for p in protected)


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_namespace_is_read(scheme, version, write):
    ns = f"{scheme}://wordpress.org/export/{version}/"
    path = write(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{ns}"><channel><title>Ns</title>
<wp:wxr_version>{version}</wp:wxr_version>
<item><title>Hello</title><dc:creator>admin</dc:creator><content:encoded>Hi</content:encoded>
<wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_date_gmt>2012-01-05 14:30:46</wp:post_date_gmt></item></channel></rss>"""
    )
    out, _ = run("import_wordpress", path)
    assert "imported 1 posts" in out
    assert Post.objects.get(import_id="wp:1").status == "published"


def test_theme_unit_test_data_is_a_whole_blog():
    """Its https namespace was refused; import_blogger sent the user to import_wordpress."""
    path = real_file(THEME)
    with pytest.raises(CommandError, match="use import_wordpress"):
        run("import_blogger", path)
    out, _ = run("import_wordpress", path)
    assert "imported 58 posts (2 drafts, 1 scheduled), 21 pages" in out
    # 33 comments: 28 on posts, 5 on a page (one of them a reply)
    assert counts() == {
        "posts": 58,
        "drafts": 2,
        "pages": 21,
        "comments": 33,
        "replies": 10,
        "labels": 123,
    }
    assert Comment.objects.filter(page__isnull=False).count() == 5
    assert Comment.objects.filter(page__isnull=False, parent__isnull=False).count() == 1
    assert BlogSettings.load().title == "Theme Unit Test Data"


def test_a_repeated_post_id_is_renumbered_not_refused():
    out, err = run("import_wordpress", real_file("wxr-wpimporter-a11y-unit-test-data.xml"))
    assert "1 repeated ids renumbered" in out
    assert "wp:post_id 156 is used again by page 'Page with comments disabled'" in err
    assert Page.objects.get(import_id="wp:156-2").title == "Page with comments disabled"
    # The truncated item (no type, status or creator) is read as WordPress does: a draft post.
    assert Post.objects.get(import_id="wp:156").status == "draft"
    assert counts()["posts"] == 48 and counts()["pages"] == 17


def test_pelican_file_keeps_every_post_and_its_orphan_reply():
    out, err = run("import_wordpress", real_file("wxr-pelican.xml"))
    assert "imported 11 posts (4 drafts, 0 scheduled), 2 pages, 4 comments" in out
    assert "3 repeated ids renumbered" in out
    assert "1 replies without their parent made comments" in out
    assert "parent comment 121 is not in the file" in err
    orphan = Comment.objects.get(import_id="wp:122")
    assert orphan.parent is None and orphan.depth == 1


def test_second_run_of_irregular_files_changes_nothing():
    for name in ("wxr-pelican.xml", "wxr-wpimporter-a11y-unit-test-data.xml"):
        run("import_wordpress", real_file(name))
    before = snapshot()
    for name in ("wxr-pelican.xml", "wxr-wpimporter-a11y-unit-test-data.xml"):
        run("import_wordpress", real_file(name))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("command", "name", "message"),
    [
        ("import_wordpress", "wxr-wpimporter-crazy-cdata.xml", "']]>' inside a CDATA section"),
        ("import_blogger", "blogger-pelican.xml", "the prefix 'app:' is used without being"),
        ("import_wordpress", "wxr-wpimporter-malformed.xml", "mismatched tag: line 90"),
    ],
)
def test_bad_xml_is_refused_naming_the_problem(command, name, message):
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        run(command, real_file(name))
    assert Post.objects.count() == 0


def test_wxr_1_0_tags_are_kept():
    run("import_wordpress", real_file("wxr-wpimporter-valid-wxr-1.0.xml"))
    names = set(Post.objects.values_list("tags__name", flat=True)) - {None}
    assert names == {"alpha", "child", "news", "roar", "chicken", "face"}


def test_a_category_and_a_tag_differing_in_case_give_one_tag_row(client):
    run("import_wordpress", real_file(THEME))
    post = Post.objects.get(title="Post Format: Gallery")
    rows = TaggedPost.objects.filter(content_object=post)
    assert len([r for r in rows if r.tag.name.lower() == "gallery"]) == 1
    page = client.get(f"/tag/{rows.get(tag__name__iexact='gallery').tag.slug}/").content.decode()
    # listed once: one title link (the "Read more" link beside it goes to the same post)
    assert page.count(f'<h2 class="p-name"><a class="u-url" href="{post.get_absolute_url()}">') == 1
    assert TaggedPost.objects.count() == len(
        set(TaggedPost.objects.values_list("tag_id", "content_object_id"))
    )


def test_html_excerpt_is_plain_text():
    run("import_wordpress", real_file(THEME))
    post = Post.objects.get(title="Template: Excerpt (Defined)")
    assert post.summary.startswith("This is a user-defined post excerpt. It should be displayed")
    assert "<em>" not in post.summary


def test_posts_without_creator_are_not_given_to_a_blogger_author():
    out, err = run("import_wordpress", real_file("wxr-wpimporter-namespace-edge-cases.xml"))
    assert "imported 6 posts" in out
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert "blogger-author" not in usernames
    assert usernames == {"wordpress-author"}


def test_the_one_listed_author_gets_the_post_without_creator():
    run("import_wordpress", real_file("wxr-wpimporter-a11y-unit-test-data.xml"))
    assert Post.objects.get(import_id="wp:156").author.username == "a11yteam"


def test_author_map_maps_each_author(tmp_path, django_user_model):
    django_user_model.objects.create(username="kim")
    lee = django_user_model.objects.create(username="lee")
    mapping = tmp_path / "authors.txt"
    mapping.write_text("# old = new\nthemedemos = kim\nthemereviewteam@gmail.com = lee\n")
    run("import_wordpress", real_file(THEME), author_map=str(mapping))
    assert set(Post.objects.values_list("author__username", flat=True)) == {"kim", "lee"}
    assert Post.objects.filter(author=lee).count() == 19  # one written ">themereviewteam"
    assert django_user_model.objects.count() == 2


def test_author_map_naming_no_user_is_refused(tmp_path):
    mapping = tmp_path / "authors.txt"
    mapping.write_text("themedemos = nobody\n")
    with pytest.raises(CommandError, match="--author-map line 1: no user named 'nobody'"):
        run("import_wordpress", real_file(THEME), author_map=str(mapping))
    assert Post.objects.count() == 0


def test_labels_differing_only_in_case_are_one_tag_row(write, client):
    path = write(
        """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>Gallery post</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status><wp:post_date_gmt>2012-01-05 14:30:46</wp:post_date_gmt>
<category domain="category" nicename="gallery"><![CDATA[Gallery]]></category>
<category domain="post_tag" nicename="gallery"><![CDATA[gallery]]></category>
</item></channel></rss>"""
    )
    run("import_wordpress", path)
    post = Post.objects.get()
    assert TaggedPost.objects.filter(content_object=post).count() == 1
    page = client.get(f"/tag/{post.tags.get().slug}/").content.decode()
    assert page.count('class="post-summary h-entry"') == 1
