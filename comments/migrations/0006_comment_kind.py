from django.db import migrations, models


class Migration(migrations.Migration):
    """Comments of another kind: mentions (pingbacks, trackbacks, Webmentions)."""

    dependencies = [
        ("comments", "0005_comment_submission_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="kind",
            field=models.CharField(
                choices=[("comment", "Comment"), ("mention", "Mention")],
                default="comment",
                max_length=8,
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("kind", "mention")),
                fields=["post", "status"],
                name="comments_mentions",
            ),
        ),
    ]
