"""Labels from a file that give no slug or do not fit (issue 9, items 2 and 7): the import
keeps them as labels with working pages, cuts the over-long one with a warning, and a
second run changes nothing."""

import pytest
from taggit.models import Tag

from posts.models import LABEL_SLUG_LENGTH, Post
from posts.tests.readers import assert_labels_reachable
from transfer.tests.conftest import FIXTURES, run, snapshot

pytestmark = pytest.mark.django_db

LABELS = FIXTURES / "labels.xml"


def test_imported_labels_without_letters_or_too_long_have_pages(client):
    out, err = run("import_blogger", LABELS)
    post = Post.objects.get(import_id="blogger:4401")
    cut = ("Résumé of the ward round " * 4).strip()  # 150 characters in the file
    labels = ["!!!", "🎉", ",", cut, "a" * 99 + "!", "a" * 99 + "?"]
    assert sorted(post.tags.names()) == sorted(labels)
    assert "label cut to 100 characters" in err
    assert all(
        0 < len(slug) <= LABEL_SLUG_LENGTH for slug in Tag.objects.values_list("slug", flat=True)
    )
    assert_labels_reachable(client, post, labels, query="confetti")

    before = snapshot()
    run("import_blogger", LABELS)
    assert snapshot() == before


def test_label_urls_survive_an_export_and_an_import_into_an_empty_site(tmp_path):
    run("import_blogger", LABELS)
    slugs = dict(Tag.objects.values_list("name", "slug"))
    assert slugs["🎉"].startswith("tag-")
    path = tmp_path / "export.xml"
    run("export_blogger", path)
    Post.objects.all().delete()
    Tag.objects.all().delete()
    run("import_blogger", path)
    assert dict(Tag.objects.values_list("name", "slug")) == slugs
