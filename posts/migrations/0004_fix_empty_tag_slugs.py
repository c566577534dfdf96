"""Give every tag that an older taggit saved with an empty slug (``!!!``, ``🎉``, ``,``) the
slug ``posts.models.label_slug`` now gives, so that no page fails to link it."""

import hashlib

from django.db import migrations
from django.utils.text import slugify


def fix_empty_tag_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    limit = Tag._meta.get_field("slug").max_length
    taken = set(Tag.objects.values_list("slug", flat=True))
    for tag in Tag.objects.filter(slug="").order_by("pk"):
        # the rule of posts.models.label_slug, as it was when this migration was written
        base = slugify(tag.name, allow_unicode=True)
        base = base or "tag-" + hashlib.sha256(tag.name.encode()).hexdigest()[:8]
        slug, n = base[:limit].rstrip("-"), 0
        while slug in taken:
            n += 1
            slug = base[: limit - len(f"_{n}")].rstrip("-") + f"_{n}"
        taken.add(slug)
        tag.slug = slug
        tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("posts", "0003_label_proxy_for_slugs")]

    operations = [
        # Backwards there is nothing to undo: a slug that works is no harm to older code.
        migrations.RunPython(fix_empty_tag_slugs, migrations.RunPython.noop),
    ]
