"""The writer's admin (issue 11): the Publish box, the admin's titles and names, the editor's
widgets and the writer's home page."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from posts.forms import DRAFT, NOW, SCHEDULE, PostForm, publish_choice, publishing
from posts.models import BlogSettings, Post
from posts.tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

ADD = reverse("admin:posts_post_add")
NOW_ = datetime(2026, 5, 4, 12, 0, tzinfo=ZoneInfo("UTC"))


def form_data(**fields):
    return {
        "title": "Herons", "slug": "herons", "body": "Grey *herons*.", "tags": "",
        "publish": DRAFT, "publish_at": "", "allow_comments": "on", "summary": "",
        "body_format": "markdown", **fields,
    }  # fmt: skip


@pytest.fixture
def author(client):
    user = make_user("wren", staff=True, groups=["Authors"])
    client.force_login(user)
    return user


# publishing(): the three choices onto status and published_at ------------------------------


def test_draft_keeps_the_posts_time_so_its_url_stays():
    post = make_post(published_at=NOW_ - timedelta(days=3))
    assert publishing(DRAFT, None, post, now=NOW_) == ("draft", NOW_ - timedelta(days=3))
    assert publishing(DRAFT, None, Post(), now=NOW_) == ("draft", None)


def test_publish_now_is_now_for_a_new_draft_or_scheduled_post():
    assert publishing(NOW, None, Post(), now=NOW_) == ("published", NOW_)
    scheduled = make_post(published_at=timezone.now() + timedelta(days=2))
    now = timezone.now()
    assert publishing(NOW, None, scheduled, now=now) == ("published", now)


def test_publish_now_keeps_the_date_of_a_post_already_public():
    post = make_post(published_at=timezone.now() - timedelta(days=30))
    assert publishing(NOW, None, post) == ("published", post.published_at)


def test_schedule_takes_the_chosen_future_time():
    later = NOW_ + timedelta(hours=1)
    assert publishing(SCHEDULE, later, Post(), now=NOW_) == ("published", later)


@pytest.mark.parametrize(
    "when,code", [(None, "required"), (NOW_, "past"), (NOW_ - timedelta(1), "past")]
)
def test_schedule_without_a_time_or_in_the_past_is_refused(when, code):
    with pytest.raises(ValidationError) as refused:
        publishing(SCHEDULE, when, Post(), now=NOW_)
    assert refused.value.code == code


def test_the_box_opens_on_what_the_post_is():
    assert publish_choice(Post()) == DRAFT
    assert publish_choice(make_post(status="draft")) == DRAFT
    assert publish_choice(make_post()) == NOW
    assert publish_choice(make_post(published_at=timezone.now() + timedelta(days=1))) == SCHEDULE


def test_a_public_post_offers_to_stay_published_on_its_date(settings):
    settings.TIME_ZONE = "Europe/Paris"
    post = make_post(published_at=datetime(2025, 7, 1, 8, 0, tzinfo=ZoneInfo("UTC")))
    choices = dict(PostForm(instance=post).fields["publish"].choices)
    assert choices[NOW] == "Published on 1 July 2025, 10:00"


# The Publish box in the admin ---------------------------------------------------------------


def test_scheduling_in_the_past_is_an_inline_error_and_saves_nothing(client, author):
    past = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(ADD, form_data(publish=SCHEDULE, publish_at=past))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {
        "publish_at": ["This time has passed: pick a later one, or choose “Publish now”."]
    }
    assert not Post.objects.exists()


def test_scheduling_without_a_time_is_an_inline_error(client, author):
    response = client.post(ADD, form_data(publish=SCHEDULE))
    assert response.context["adminform"].form.errors["publish_at"] == [
        "Give the date and time at which the post should appear."
    ]


def test_a_schedule_is_read_in_the_blogs_time_zone(client, author, settings):
    settings.TIME_ZONE = "America/New_York"
    day = timezone.localdate() + timedelta(days=5)
    response = client.post(ADD, form_data(publish=SCHEDULE, publish_at=f"{day}T08:15"))
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.status == "published" and post.is_scheduled
    assert post.published_at == datetime(
        day.year, day.month, day.day, 8, 15, tzinfo=ZoneInfo("America/New_York")
    )
    page = client.get(reverse("admin:posts_post_change", args=[post.pk])).content.decode()
    assert re.search(r'value="schedule"[^>]*checked|checked[^>]*value="schedule"', page)
    assert f'value="{day}T08:15"' in page
    assert "Times are in the blog's time zone, America/New_York" in page


def test_publish_now_and_back_to_draft(client, author):
    assert client.post(ADD, form_data(publish=NOW)).status_code == 302
    post = Post.objects.get()
    assert post.is_public and post.published_at <= timezone.now()
    first = post.published_at
    url = reverse("admin:posts_post_change", args=[post.pk])
    assert client.post(url, form_data(publish=DRAFT)).status_code == 302
    post.refresh_from_db()
    assert post.status == "draft" and post.published_at == first


def test_the_old_status_and_date_fields_are_gone_from_the_form(client, author):
    page = client.get(ADD).content.decode()
    assert 'name="status"' not in page and 'name="published_at_0"' not in page
    assert 'type="datetime-local"' in page and 'name="publish"' in page


# The editor's widgets ------------------------------------------------------------------------


def test_the_editor_turns_markdownxs_growing_textarea_off(client, author):
    page = client.get(ADD).content.decode()
    textarea = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", page)[0]
    assert 'data-markdownx-editor-resizable="False"' in textarea
    assert "markdownx/admin/css/markdownx" not in page  # its 610 px wide textarea
    assert 'accept="image/*"' in page and "Insert image" in page
    assert "css/editor.css" in page and "js/editor.js" in page
    assert page.count("markdownx/js/markdownx") == 1


def test_the_labels_field_offers_the_existing_labels(client, author):
    make_post(tags=["medical education", "peer review"])
    page = client.get(ADD).content.decode()
    known = re.search(r'<script id="id_tags-known" type="application/json">(.*?)</script>', page)
    assert json.loads(known[1]) == ["medical education", "peer review"]
    assert 'role="combobox"' in page and ">Labels:</label>" in page


def test_the_preview_is_the_html_of_the_post_page(client, author):
    source = "## Kit\n\n- boots\n- `tea`\n\n![Heron](/media/h.png)\n\n<script>x()</script>"
    preview = client.post("/markdownx/markdownify/", {"content": source}).content.decode()
    assert preview == make_post(body=source).body_html


def test_an_imported_html_post_is_previewed_as_html_not_markdown(client, author):
    """An imported post keeps its HTML: read as Markdown, its indented lines became code."""
    source = "<p>First</p>\n\n    <p>indented by the old editor</p>\n<script>x()</script>"
    url = "/markdownx/markdownify/?format=html"
    preview = client.post(url, {"content": source}).content.decode()
    assert preview == make_post(body=source, body_format="html").body_html
    assert "<code>" not in preview and "<script>" not in preview
    assert client.post(url.replace("html", "rtf"), {"content": source}).status_code == 400


def test_uploads_answer_the_url_for_insert_image(client, author, settings, tmp_path):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    data = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(data, "PNG")
    data.seek(0)
    data.name = "red.png"
    answer = client.post("/markdownx/upload/", {"image": data}).json()
    assert answer["url"].startswith("/media/uploads/") and answer["url"].endswith(".png")
    assert answer["image_code"] == f"![]({answer['url']})"


# Titles and names ------------------------------------------------------------------------------


def test_the_admin_is_titled_with_the_blogs_name(client, author):
    blog = BlogSettings.load()
    blog.title = "Estuary Notes"
    blog.save()
    page = client.get(reverse("admin:index")).content.decode()
    assert "<title>Home | Estuary Notes admin</title>" in page
    assert '<a href="/admin/">Estuary Notes</a>' in page
    assert "blogsite administration" not in page
    blog.title = "Mudflat Diaries"
    blog.save()  # a new name shows at once
    assert "Mudflat Diaries" in client.get(ADD).content.decode()


def test_the_login_page_carries_the_blogs_name(client):
    blog = BlogSettings.load()
    blog.title = "Estuary Notes"
    blog.save()
    assert "Estuary Notes" in client.get(reverse("admin:login")).content.decode()


def test_taggit_tags_are_labels_in_the_admin(client):
    client.force_login(make_user(staff=True, groups=["Editors"]))
    index = client.get(reverse("admin:index")).content.decode()
    assert "Taggit" not in index and "Tags" not in index
    assert ">Labels</a>" in index
    changelist = client.get(reverse("admin:taggit_tag_changelist")).content.decode()
    assert "Select label to change" in changelist


def test_renaming_tags_needs_no_migration():
    call_command("makemigrations", "taggit", "posts", "--check", "--dry-run", verbosity=0)


# The writer's home ----------------------------------------------------------------------------


def test_an_author_sees_new_post_their_drafts_and_the_schedule(client, author):
    mine = make_post(author=author, title="Half-written", status="draft")
    make_post(title="Someone else's draft", status="draft")
    soon = make_post(author=author, title="Soon", published_at=timezone.now() + timedelta(days=1))
    make_post(author=author, title="Out already")
    response = client.get(reverse("admin:index"))
    page = response.content.decode()
    assert f'href="{ADD}"' in page and "New post" in page
    assert response.context["drafts"] == [mine]
    assert response.context["scheduled"] == [soon]
    assert "Someone else" not in page and "Out already" not in page
    assert "Comments awaiting moderation" not in page  # authors do not moderate
    assert 'class="app-posts module' in page  # the app list is still there


def test_a_moderator_sees_the_newest_comments_waiting(client):
    client.force_login(make_user(staff=True, groups=["Moderators"]))
    post = make_post(title="Oystercatchers")
    for i in range(7):
        Comment.objects.create(post=post, name=f"R{i}", body=f"held {i}", status="pending")
    Comment.objects.create(post=post, name="ok", body="approved one")
    response = client.get(reverse("admin:index"))
    assert [c.body for c in response.context["held"]] == [f"held {i}" for i in (6, 5, 4, 3, 2)]
    page = response.content.decode()
    assert 'href="/admin/moderation/queue/"' in page
    assert "New post" not in page and "Your drafts" not in page  # moderators do not write


def test_the_writers_home_costs_the_same_queries_however_many_posts(
    client, author, django_assert_num_queries
):
    make_post(author=author, status="draft")
    client.get(reverse("admin:index"))  # warm up: session, content types, the blog's name
    with django_assert_num_queries(7) as first:
        client.get(reverse("admin:index"))
    for i in range(5):
        make_post(author=author, status="draft")
        make_post(author=author, published_at=timezone.now() + timedelta(days=i + 1))
    with django_assert_num_queries(len(first)):
        client.get(reverse("admin:index"))


def test_a_moderators_home_costs_the_same_queries_for_comments_on_pages(
    client, django_assert_num_queries
):
    from posts.models import Page

    client.force_login(make_user(staff=True, groups=["Moderators"]))
    post = make_post(title="Oystercatchers")
    Comment.objects.create(post=post, name="R", body="held on a post", status="pending")
    client.get(reverse("admin:index"))  # warm up: session, content types, the blog's name
    with django_assert_num_queries(7) as first:
        client.get(reverse("admin:index"))
    for i in range(4):
        page = Page.objects.create(title=f"Page {i}", slug=f"page-{i}", body="b")
        Comment.objects.create(page=page, name="R", body=f"held {i}", status="pending")
    with django_assert_num_queries(len(first)):
        assert "Page 3" in client.get(reverse("admin:index")).content.decode()


def test_pages_are_written_in_the_same_editor(client):
    client.force_login(make_user(staff=True, groups=["Editors"]))
    page = client.get(reverse("admin:posts_page_add")).content.decode()
    assert "editor-preview-frame" in page and "Insert image" in page


def test_the_admins_title_is_read_from_the_database_while_the_cache_is_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    blog = BlogSettings.load()
    blog.title = "Estuary Notes"
    blog.save()  # the stale entry cannot be deleted: saved all the same
    assert BlogSettings.cached_title() == "Estuary Notes"
