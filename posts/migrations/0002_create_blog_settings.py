from django.db import migrations


def create_blog_settings(apps, schema_editor):
    apps.get_model("posts", "BlogSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("posts", "0001_initial")]

    operations = [migrations.RunPython(create_blog_settings, migrations.RunPython.noop)]
