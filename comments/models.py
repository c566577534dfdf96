from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from comments.moderator import get_moderator
from posts import pagecache
from posts.markup import render
from posts.models import Page, Post, SourceFormat

PATH_WIDTH = 10  # digits of each id in the materialised path


def on(target):
    """The lookup for the comments of ``target``, a post or a page: ``{"post": post}``."""
    return {"page" if isinstance(target, Page) else "post": target}


def form_key(target):
    """What the form's signed stamp and submission token name: the post's id, or ``page:<id>``
    (so that a token for page 3 is not one for post 3)."""
    return f"page:{target.pk}" if isinstance(target, Page) else target.pk


def posted_key(data):
    """``form_key`` of the post or the page a submitted form names (``post`` or ``page``)."""
    from comments.threads import parse_id

    if "post" not in data and "page" in data:
        return f"page:{parse_id(data.get('page', ''))}"
    return parse_id(data.get("post", ""))


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def on(self, target):
        """The comments of a post or of a page."""
        return self.filter(**on(target))

    def visible(self, of="post"):
        """Approved comments, plus any other comment that still has an approved reply below it
        (shown as a placeholder so the thread keeps its shape).

        ``of`` says what the comments are on, "post" or "page" (the subquery then uses that
        side's index); ``None`` for comments on either."""
        if of is None:
            same = Q(post=OuterRef("post")) | Q(page=OuterRef("page"))
        else:
            same = Q(**{of: OuterRef(of)})
        approved_below = Comment.objects.filter(
            same,
            thread_id=OuterRef("thread_id"),
            path__startswith=OuterRef("path"),
            depth__gt=OuterRef("depth"),
            status=Comment.Status.APPROVED,
        )
        return self.filter(Q(status=Comment.Status.APPROVED) | Q(Exists(approved_below)))


def safe_link(url):
    """``url`` if it is an http(s) link, else "": what a commenter's website may link to."""
    return url if url.lower().startswith(("http://", "https://")) else ""


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        # A link to the post from elsewhere (a WordPress pingback or trackback, a Webmention):
        # not a reader's reply, so never in the thread or its count; listed under it.
        MENTION = "mention", "Mention"

    class Channel(models.TextChoices):
        """Where a comment came from: each channel passes the same moderation."""

        WEB = "web", "Web form"
        IMPORT = "import", "Import"
        WEBMENTION = "webmention", "Webmention"
        ACTIVITYPUB = "activitypub", "Fediverse"

    # A comment is on a post or on a page: exactly one of the two (``target``). Indexed by
    # the composite indexes below, which all start with the post or the page.
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="comments",
        db_index=False,
    )  # fmt: skip
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="comments",
        db_index=False,
    )  # fmt: skip
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    # The top-level comment of this thread, and the ids from it down to this comment,
    # zero-padded and joined by "/": ordering by path gives thread order.
    thread_id = models.BigIntegerField(null=True, editable=False)
    path = models.CharField(max_length=255, blank=True, editable=False)

    name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    url = models.URLField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    body = models.TextField()
    body_format = models.CharField(
        max_length=10, choices=SourceFormat.choices, default=SourceFormat.MARKDOWN
    )
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.APPROVED, db_index=True
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.COMMENT)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.WEB)
    # The remote original of a comment from the open web (a Webmention source, an
    # ActivityPub object id): one comment per original and post, updated when it changes.
    source_url = models.URLField(max_length=2000, blank=True)
    avatar_url = models.URLField(max_length=2000, blank=True)
    notify = models.BooleanField(default=False, help_text="Email the commenter replies.")

    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    score = models.FloatField(null=True, blank=True, help_text="The spam filter's score, 0..1.")
    reasons = models.JSONField(default=list, blank=True)
    import_id = models.CharField(max_length=200, unique=True, null=True, blank=True, editable=False)
    # The key of the one-time submission token the web form was sent with (comments.tokens):
    # unique, so a form sent twice, even by racing requests, makes one comment.
    submission_key = models.CharField(
        max_length=40, unique=True, null=True, blank=True, editable=False
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(fields=["post", "thread_id", "path"]),
            models.Index(fields=["post", "depth", "status"]),
            models.Index(fields=["email"]),
            models.Index(
                fields=["post", "status"],
                condition=Q(kind="mention"),
                name="comments_mentions",
            ),
            # pages have few comments: their thread index serves everything else
            models.Index(
                fields=["page", "thread_id", "path"],
                condition=Q(page__isnull=False),
                name="comments_page_thread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "source_url"],
                condition=~Q(source_url=""),
                name="comments_one_per_remote_original",
            ),
            models.UniqueConstraint(
                fields=["page", "source_url"],
                condition=~Q(source_url="") & Q(page__isnull=False),
                name="comments_one_per_remote_original_on_page",
            ),
            models.CheckConstraint(
                condition=Q(post__isnull=False, page__isnull=True)
                | Q(post__isnull=True, page__isnull=False),
                name="comments_on_a_post_or_a_page",
            ),
        ]

    def __str__(self):
        return f"{self.name} on {self.target}"

    def save(self, *args, **kwargs):
        """Thread the comment under its parent and move the post's comment version on.

        Where a comment sits is fixed when it is created: a reply belongs to its parent's
        post, and neither its post nor its parent changes afterwards.
        """
        creating = self.pk is None
        if creating and self.parent_id is not None:
            if self.parent.target_key != self.target_key:
                raise ValueError("a reply must be on the same post as the comment it answers")
            limit = get_moderator().reply_depth_limit()
            while self.parent.depth >= limit and self.parent.parent_id is not None:
                self.parent = self.parent.parent  # too deep: join the parent's level
            self.depth = self.parent.depth + 1
        elif creating:
            self.depth = 1
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.render()  # no-op when the caller rendered this text already
        with transaction.atomic():
            super().save(*args, **kwargs)
            if creating:
                segment = f"{self.pk:0{PATH_WIDTH}d}"
                if self.parent_id is None:
                    self.thread_id, self.path = self.pk, segment
                else:
                    self.thread_id = self.parent.thread_id
                    self.path = f"{self.parent.path}/{segment}"
                Comment.objects.filter(pk=self.pk).update(thread_id=self.thread_id, path=self.path)
            touch_target(self)

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            touch_target(self)
        return result

    def render(self):
        """Fill ``body_html`` from the source, unless it was rendered from this very source.

        The operations call this before they open a transaction, so that rendering (bounded,
        but still the slowest step) never runs while the database is locked; ``save()`` calls it
        too, so ``Comment.objects.create(...)`` still renders."""
        source = (self.body, self.body_format)
        if getattr(self, "_rendered_from", None) != source:
            self.body_html = render(self.body, self.body_format, comment=True)
            self._rendered_from = source

    @property
    def safe_url(self):
        """The commenter's website if it is an http(s) link (imported or admin-typed URLs are
        not checked by the form), else ""."""
        return safe_link(self.url)

    @property
    def is_visible(self):
        return self.status == self.Status.APPROVED

    @property
    def target(self):
        """What the comment is on: its post, or its page."""
        return self.page if self.page_id is not None else self.post

    @property
    def target_key(self):
        """``("post", id)`` or ``("page", id)``: which thread version a change moves."""
        return ("page", self.page_id) if self.page_id is not None else ("post", self.post_id)


def touch_post(post_id):
    """Recount the post's approved comments and move its thread version on."""
    touch_posts([post_id])


def touch_target(comment):
    """``touch_post`` for the post or the page that ``comment`` is on."""
    if comment.page_id is not None:
        touch_pages([comment.page_id])
    else:
        touch_posts([comment.post_id])


def touch_pages(page_ids, now=None):
    """``touch_posts`` for pages."""
    touch_posts(page_ids, now=now, model=Page)


def touch_posts(post_ids, now=None, model=Post):
    """``touch_post`` for many posts (or pages, given ``model=Page``), counting in the
    database: on PostgreSQL one UPDATE joined to one count of all their comments, elsewhere
    one UPDATE per 500 posts, each post counted by two subqueries."""
    field = "page_id" if model is Page else "post_id"
    post_ids = sorted(post_ids)
    if not post_ids:
        return
    now = now or timezone.now()
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        _count_in_one_update(connection, model, field, post_ids, now)
    else:
        count = _approved(field) - _approved(field, kind=Comment.Kind.MENTION)
        for i in range(0, len(post_ids), 500):
            model.objects.filter(pk__in=post_ids[i : i + 500]).update(
                comment_count=count, comments_changed_at=now
            )
    pagecache.comments_changed()  # the lists' comment counts (posts.pagecache)


def _approved(field, **kind):
    """The number of approved comments (of ``kind``) of the row being updated. All approved
    comments less the mentions: each count has its own index (the first is covered by (post,
    depth, status); the second by the small index of mentions), where one count filtered on
    ``kind`` scans every approved comment for each post on SQLite."""
    return Coalesce(
        Subquery(
            Comment.objects.filter(
                **{field: OuterRef("pk")}, status=Comment.Status.APPROVED, **kind
            )
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n")
        ),
        Value(0),
        output_field=IntegerField(),
    )


def _count_in_one_update(connection, model, field, pks, now):
    """PostgreSQL: the approved comments less the mentions, for all the rows at once (on an
    import's 10,000 posts a fifth less of the time than 500 at a time by subqueries)."""
    quote = connection.ops.quote_name
    table, comments = quote(model._meta.db_table), quote(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET comment_count = COALESCE(counted.n, 0), "  # noqa: S608
            "comments_changed_at = %s "
            "FROM unnest(%s::bigint[]) AS touched (id) LEFT JOIN ("
            f"SELECT {field} AS id, COUNT(*) FILTER (WHERE kind <> %s) AS n "
            f"FROM {comments} WHERE status = %s AND {field} = ANY(%s::bigint[]) "
            f"GROUP BY {field}"
            f") AS counted USING (id) WHERE {table}.id = touched.id",
            [now, pks, Comment.Kind.MENTION.value, Comment.Status.APPROVED.value, pks],
        )


class NotificationAddress(models.Model):
    """An address that may receive reply notifications: only once its owner has confirmed it,
    so nobody can make the site mail a stranger; unsubscribing stops all of them."""

    email = models.EmailField(unique=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "notification address"
        verbose_name_plural = "notification addresses"

    def __str__(self):
        return self.email

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None
