from django.db import models
from django.db.models import Q
from django.utils import timezone

from posts.models import Page, Post

ON_A_POST_OR_A_PAGE = Q(post__isnull=False, page__isnull=True) | Q(
    post__isnull=True, page__isnull=False
)


class OnAPostOrAPage(models.Model):
    """Something received about one of our posts or one of our pages (exactly one of the
    two, as a comment is): ``about`` is it; ``on(about)`` (``comments.models``) looks it up."""

    class Meta:
        abstract = True

    @property
    def about(self):
        return self.page if self.page_id is not None else self.post


# --- Webmention -------------------------------------------------------------------------------


class IncomingWebmention(OnAPostOrAPage):
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
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="webmentions"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="webmentions"
    )
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
        constraints = [
            models.CheckConstraint(
                condition=ON_A_POST_OR_A_PAGE, name="federation_webmention_on_a_post_or_a_page"
            )
        ]

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


# --- ActivityPub -----------------------------------------------------------------------------
# (federation.activitypub; migration 0001_activitypub). What the blog keeps about remote
# people is only what their own server publishes about them (their actor document) and what
# they did here: follow, like, boost, reply.


class ActorKey(models.Model):
    """The blog actor's RSA key pair: made once, on first need, kept for good (remote servers
    cache the public key under the actor's key id)."""

    private_key_pem = models.TextField()
    public_key_pem = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "ActivityPub key"

    def __str__(self):
        return f"blog key of {self.created_at:%Y-%m-%d}"


class RemoteActor(models.Model):
    """A fediverse account that talked to us, as its server describes it (a cache: fetched
    when its key is needed, fetched again when a signature stops verifying)."""

    actor_id = models.URLField(max_length=2000, unique=True)
    key_id = models.URLField(max_length=2000, db_index=True)
    public_key_pem = models.TextField()
    inbox = models.URLField(max_length=2000)
    shared_inbox = models.URLField(max_length=2000, blank=True)
    domain = models.CharField(max_length=255, db_index=True)
    preferred_username = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    icon_url = models.URLField(max_length=2000, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "fediverse account"

    def __str__(self):
        return (
            f"@{self.preferred_username}@{self.domain}"
            if self.preferred_username
            else self.actor_id
        )

    @property
    def display_name(self):
        return self.name or self.preferred_username or self.actor_id

    @property
    def delivery_inbox(self):
        """Where activities for all followers go: the server's shared inbox, if it has one."""
        return self.shared_inbox or self.inbox


class Follower(models.Model):
    actor = models.OneToOneField(RemoteActor, on_delete=models.CASCADE, related_name="follow")
    follow_id = models.URLField("Follow activity", max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self):
        return str(self.actor)


class Reaction(OnAPostOrAPage):
    """A like or a boost of a post or a page: counted apart, never a comment."""

    class Kind(models.TextChoices):
        LIKE = "like", "Like"
        ANNOUNCE = "announce", "Boost"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    activity_id = models.URLField(max_length=2000, unique=True)
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="reactions")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["post", "kind"]),
            models.Index(fields=["page", "kind"], condition=Q(page__isnull=False),
                         name="federation_reactions_on_pages"),
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=ON_A_POST_OR_A_PAGE, name="federation_reaction_on_a_post_or_a_page"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.about} by {self.actor}"


class RemoteReply(models.Model):
    """Which account wrote the note behind a fediverse comment: only its author may update or
    delete it, and deleting the account removes it."""

    note_id = models.URLField(max_length=2000, unique=True)
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="replies")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self):
        return self.note_id


class FederatedPost(models.Model):
    """What followers were last sent about a post (``Create``d, then perhaps ``Update``d or
    ``Delete``d), so that a delivery task run twice sends nothing twice. A plain id, not a
    foreign key: a deleted post still needs its ``Delete``."""

    post_id = models.BigIntegerField(unique=True)
    object_id = models.URLField(max_length=2000)
    digest = models.CharField(max_length=64)  # of the Article last sent
    deleted = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.object_id


# --- end of ActivityPub ----------------------------------------------------------------------
