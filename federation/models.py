from django.db import models

from posts.models import Post

# --- Webmention -------------------------------------------------------------------------------


class IncomingWebmention(models.Model):
    """One Webmention received: kept while it waits for its verification (each one costs an
    outbound fetch, so the number waiting is capped), then as the record of what it gave."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for verification"
        FILED = "filed", "Verified and filed as a comment"
        COUNTED = "counted", "Verified: a like or repost, counted, not a comment"
        REJECTED = "rejected", "The source does not link to the target"
        REMOVED = "removed", "The source is gone or no longer links: its comment removed"
        FAILED = "failed", "The source could not be fetched"

    source = models.URLField(max_length=2000)
    target = models.URLField(max_length=2000)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="webmentions")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    # what the source's h-entry is: reply, mention, like or repost ("" until verified)
    kind = models.CharField(max_length=10, blank=True)
    detail = models.CharField(max_length=500, blank=True)  # what verification found
    sender_ip = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self):
        return f"{self.source} → {self.target}"


class SentWebmention(models.Model):
    """A link of one of our posts that was told about it: kept so that an edit tells both the
    links it added and the ones it removed (the spec asks for both), each removed one once."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="sent_webmentions")
    target = models.URLField(max_length=2000)
    # False once the link left the post (and its endpoint was told so, once)
    linked = models.BooleanField(default=True)
    endpoint = models.URLField(max_length=2000, blank=True)  # "" when the target has none
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # the endpoint's answer
    error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "target"], name="federation_sent_once_per_link")
        ]

    def __str__(self):
        return f"{self.post} → {self.target}"


# --- end of Webmention ------------------------------------------------------------------------
