import pytest

from comments.models import Comment
from comments.tests.factories import form_fields, make_comment, make_post, make_threads, make_user
from posts.models import Page, Post

pytestmark = pytest.mark.usefixtures("blog")


def test_permalink_on_the_first_page_has_no_cpage(client):
    post = make_post()
    comment = make_comment(post)
    response = client.get(f"/comments/{comment.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"


def test_permalink_lands_on_the_page_holding_the_thread(client, settings):
    settings.COMMENT_THREADS_PER_PAGE = 2
    post = make_post()
    make_threads(post, 2, replies_each=1)
    make_comment(post, status=Comment.Status.SPAM)  # hidden threads do not count
    third = make_comment(post)
    reply = make_comment(post, third)
    response = client.get(f"/comments/{reply.pk}/")
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=2#c{reply.pk}"
    page = client.get(f"{post.get_absolute_url()}?cpage=2").content.decode()
    assert f'id="c{reply.pk}"' in page


def test_posting_redirects_to_the_page_holding_the_new_comment(client, settings):
    settings.COMMENT_THREADS_PER_PAGE = 1
    post = make_post()
    first = make_comment(post)
    make_comment(post)
    response = client.post("/comments/post/", form_fields(client, post))
    new = Comment.objects.latest("pk")
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=3#c{new.pk}"
    response = client.post("/comments/post/", form_fields(client, post, parent=first))
    reply = Comment.objects.latest("pk")
    assert response["Location"] == f"{post.get_absolute_url()}#c{reply.pk}"


@pytest.mark.parametrize("case", ["missing", "spam", "draft"])
def test_permalink_404(client, case):
    post = make_post()
    comment = make_comment(post, status="spam" if case == "spam" else "approved")
    if case == "draft":
        Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)
    pk = 999999 if case == "missing" else comment.pk
    assert client.get(f"/comments/{pk}/").status_code == 404


def test_staff_follow_permalinks_to_held_comments(client):
    post = make_post()
    comment = make_comment(post, status="pending")
    client.force_login(make_user(is_staff=True))
    assert client.get(f"/comments/{comment.pk}/").status_code == 302


def test_a_blogger_comment_link_lands_on_the_comment(client):
    from datetime import UTC, datetime

    post = make_post(published_at=datetime(2014, 3, 20, 12, tzinfo=UTC))
    written = datetime(2014, 3, 26, 2, 26, 0, 123000, tzinfo=UTC)
    comment = make_comment(post, created_at=written)
    millis = int(written.timestamp() * 1000)
    for old in (f"/2014/03/{post.slug}.html", f"/2014/03/{post.slug}/"):
        response = client.get(f"{old}?showComment={millis}")
        assert response.status_code == 301
        assert response["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"
    # an unknown time falls through to the post itself
    response = client.get(f"/2014/03/{post.slug}.html?showComment=1")
    assert response["Location"] == post.get_absolute_url()


def test_a_blogger_comment_link_on_a_page_lands_on_the_comment(client):
    from datetime import UTC, datetime

    page = Page.objects.create(title="About", slug="about", body="Who.")
    written = datetime(2015, 6, 1, 9, 30, 5, 456000, tzinfo=UTC)
    comment = Comment.objects.create(page=page, name="Ana", body="Hi.", created_at=written)
    millis = int(written.timestamp() * 1000)
    for old in ("/p/about.html", "/p/about/"):
        response = client.get(f"{old}?showComment={millis}")
        assert response.status_code == 301
        assert response["Location"] == f"/p/about/#c{comment.pk}"
    # an unknown time falls through to the page itself
    response = client.get("/p/about.html?showComment=1")
    assert response["Location"] == "/p/about/"
    # an unpublished page's comments are not found through the link
    Page.objects.filter(pk=page.pk).update(is_published=False)
    response = client.get(f"/p/about.html?showComment={millis}")
    assert response.get("Location") != f"/p/about/#c{comment.pk}"


def test_a_blogger_comment_link_follows_the_old_urls_redirect(client):
    """A page (or post) imported under another slug than its old URL's: found through the
    redirect the import stored."""
    from datetime import UTC, datetime

    from django.contrib.redirects.models import Redirect

    page = Page.objects.create(title="About", slug="about-2", body="Who.")
    Redirect.objects.create(site_id=1, old_path="/p/about.html", new_path="/p/about-2/")
    written = datetime(2015, 6, 1, 9, 30, 5, tzinfo=UTC)
    comment = Comment.objects.create(page=page, name="Ana", body="Hi.", created_at=written)
    millis = int(written.timestamp() * 1000)
    response = client.get(f"/p/about.html?showComment={millis}")
    assert response.status_code == 301
    assert response["Location"] == f"/p/about-2/#c{comment.pk}"
