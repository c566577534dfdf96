import hashlib
import logging
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from html import unescape

from django.conf import settings
from django.core.cache import cache
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Q, Subquery
from django.db.models.functions import TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from markdownx.models import MarkdownxField
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import Tag, TaggedItemBase

from blogsite import prepared
from posts.markup import render

logger = logging.getLogger(__name__)
_announcing = ContextVar("announcing", default=True)


@contextmanager
def quietly():
    """Save posts without telling the outside world (followers, Webmention targets): for
    imports and demo content, which are not news."""
    token = _announcing.set(False)
    try:
        yield
    finally:
        _announcing.reset(token)


def announcing():
    """False inside ``quietly()``: whoever tells others about new posts stays silent."""
    return _announcing.get()


class SourceFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML (imported)"


class PostQuerySet(models.QuerySet):
    def published(self, now=None):
        """Posts readers may see: published, and their time has come (by ``now``)."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def editable_by(self, user):
        """Posts ``user`` may edit and preview: all for editors, their own for authors."""
        if user.has_perm("posts.publish_post"):
            return self
        if user.has_perm("posts.change_post"):
            return self.filter(author=user)
        return self.none()

    def scheduled(self):
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())

    def for_listing(self):
        return self.select_related("author").prefetch_related("tags")

    def neighbours(self, post):
        """``(newer, older)``: the published posts either side of ``post`` in the blog's
        order (newest first, ties by id), each None at an end. One query, compiled once per
        process (``blogsite.prepared``)."""
        if post.published_at is None:
            return None, None
        at, pk = post.published_at, post.pk
        values = [timezone.now(), at, pk]
        side = {}
        for row in prepared.rows(_neighbours, values=values, using=self.db):
            found = Post.from_db(self.db, NEIGHBOUR_FIELDS, row)
            side[(found.published_at, found.pk) > (at, pk)] = found
        return side.get(True), side.get(False)

    def archive_months(self):
        """``[(month, count)]`` newest first, months in the blog's time zone."""
        return (
            self.annotate(month=TruncMonth("published_at", tzinfo=timezone.get_current_timezone()))
            .values("month")
            .annotate(count=Count("id"))
            .order_by("-month")
            .values_list("month", "count")
        )


NEIGHBOUR_FIELDS = ("id", "title", "slug", "published_at", "created_at")


def _neighbours(now, at, pk):
    """``neighbours``' query, for ``blogsite.prepared``."""
    published = Post.objects.published(now)
    newer = published.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk))
    older = published.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
    return published.filter(
        Q(pk=Subquery(newer.order_by("published_at", "pk").values("pk")[:1]))
        | Q(pk=Subquery(older.order_by("-published_at", "-pk").values("pk")[:1]))
    ).values_list(*NEIGHBOUR_FIELDS)


EXCERPT_WORDS = 60
_HEADING_TAG = re.compile(r"<(/?)h[1-6]\b[^>]*>", re.IGNORECASE)
_FIRST_IMAGE = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]+)\"", re.IGNORECASE)


def excerpt(html, words=EXCERPT_WORDS):
    """``(html, cut)``: the first ``words`` words of rendered HTML, its headings turned into
    paragraphs (in a list of posts, a heading would be as big as the post's title), and
    whether anything was cut off."""
    html = _HEADING_TAG.sub(lambda m: "</p>" if m[1] else '<p class="excerpt-heading">', html)
    short = Truncator(html).words(words, html=True, truncate="…")
    return short, short != html


def first_image(html):
    """The ``src`` of the first picture in rendered HTML, or ""."""
    found = _FIRST_IMAGE.search(html)
    return unescape(found.group(1)) if found else ""


LABEL_SLUG_LENGTH = Tag._meta.get_field("slug").max_length


def label_slug(name, suffix=None):
    """A tag's slug: never empty, always within the column with room for taggit's ``_N``.

    Letters and digits of every script are kept; a name with none (``!!!``, ``🎉``, ``,``)
    gets ``tag-`` and a digest of the name, the same on every site, so that an export
    imported elsewhere keeps its label URLs."""
    end = "" if suffix is None else f"_{suffix}"
    slug = slugify(name, allow_unicode=True)
    if not slug:
        slug = "tag-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return slug[: LABEL_SLUG_LENGTH - len(end)].rstrip("-") + end


class Label(Tag):
    """taggit's tag (the same table) as posts make them: every tag that ``post.tags`` or an
    import creates gets its slug from ``label_slug``."""

    class Meta:
        proxy = True

    def slugify(self, tag, i=None):
        return label_slug(tag, i)

    def get_absolute_url(self):
        """The label's page, or "" when a stored slug cannot be a URL (a reader page
        then shows the name unlinked rather than failing)."""
        try:
            return reverse("posts:tag", kwargs={"slug": self.slug})
        except NoReverseMatch:
            return ""


class LabelManager(_TaggableManager):
    """``post.tags``: taggit's manager, taking taggit's own ``Tag`` objects too (the same
    rows as labels), as it did before posts had a tag model of their own."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        fields = ("id", "name", "slug")
        tags = [
            Label.from_db(t._state.db, fields, [getattr(t, f) for f in fields])
            if type(t) is Tag
            else t
            for t in tags
        ]
        return super()._to_tag_model_instances(tags, tag_kwargs)


class TaggedPost(TaggedItemBase):
    tag = models.ForeignKey(
        Label, related_name="%(app_label)s_%(class)s_items", on_delete=models.CASCADE
    )
    content_object = models.ForeignKey("Post", on_delete=models.CASCADE)


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True, allow_unicode=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = MarkdownxField(blank=True, help_text="Markdown. Imported posts keep their HTML.")
    body_format = models.CharField(
        max_length=10, choices=SourceFormat.choices, default=SourceFormat.MARKDOWN
    )
    body_html = models.TextField(blank=True, editable=False)
    summary = models.TextField(blank=True, help_text="Shown in lists and as the meta description.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="A future time schedules the post."
    )
    allow_comments = models.BooleanField(default=True)
    announced_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the post went public."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Denormalised by the comments app: the number of approved comments, and a version that
    # moves whenever the visible thread changes (it keys the cached thread in every process).
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    comments_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    import_id = models.CharField(max_length=200, unique=True, null=True, blank=True, editable=False)

    tags = TaggableManager(through=TaggedPost, blank=True, manager=LabelManager)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"])]
        permissions = [("publish_post", "Can publish posts and edit others' posts")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Post, self.title)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        # Announced once it is public; unpublished or moved back into the future, it is due
        # again (publish_scheduled announces scheduled posts when their time comes).
        self.announced_at = (self.announced_at or timezone.now()) if self.is_public else None
        self.body_html = render(self.body, self.body_format)
        super().save(*args, **keep_comment_counts(self, kwargs))

    def get_absolute_url(self):
        date = self.url_date
        return reverse(
            "posts:detail",
            kwargs={"year": date.year, "month": f"{date.month:02d}", "slug": self.slug},
        )

    @property
    def url_date(self):
        """The date in the post's URL, in the blog's time zone."""
        return timezone.localtime(self.published_at or self.created_at)

    def url_date_in(self, zone):
        """``url_date`` in ``zone``, the blog's looked up once (for many posts)."""
        return timezone.localtime(self.published_at or self.created_at, zone)

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_public

    @property
    def description(self):
        return self.summary or Truncator(strip_tags(self.body_html)).words(40)

    @cached_property
    def excerpt(self):
        """What a list of posts shows: ``(html, cut)``, see ``excerpt()``."""
        return excerpt(self.body_html)

    @property
    def image(self):
        """The post's first picture (for link previews), or ""."""
        return first_image(self.body_html)


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


COMMENT_FIELDS = ("comment_count", "comments_changed_at")


def keep_comment_counts(instance, save_kwargs):
    """``save()`` arguments that leave the comments app's columns to it: a post or page read
    before a comment arrived, saved after, must not put back the old count and version (the
    thread would stay cached without the comment in every process)."""
    adding = instance._state.adding or save_kwargs.get("force_insert")
    if adding or save_kwargs.get("update_fields") is not None:
        return save_kwargs
    fields = [
        f.name
        for f in instance._meta.concrete_fields
        if not f.primary_key and f.name not in COMMENT_FIELDS
    ]
    return {**save_kwargs, "update_fields": fields}


class Page(models.Model):
    """A static page such as About, at ``/p/<slug>/``."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True, allow_unicode=True)
    body = MarkdownxField(blank=True)
    body_format = models.CharField(
        max_length=10, choices=SourceFormat.choices, default=SourceFormat.MARKDOWN
    )
    body_html = models.TextField(blank=True, editable=False)
    is_published = models.BooleanField(default=True)
    show_in_menu = models.BooleanField(default=True)
    allow_comments = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # As on Post: kept by the comments app (pages take comments as posts do).
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    comments_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    import_id = models.CharField(max_length=200, unique=True, null=True, blank=True, editable=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Page, self.title)
        self.body_html = render(self.body, self.body_format)
        super().save(*args, **keep_comment_counts(self, kwargs))

    def get_absolute_url(self):
        return reverse("posts:page", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.is_published

    @property
    def author_id(self):
        """A page has no author of its own (a comment's "Author" badge goes to nobody)."""
        return None

    @property
    def description(self):
        return Truncator(strip_tags(self.body_html)).words(40)

    @property
    def image(self):
        return first_image(self.body_html)


class BlogSettings(models.Model):
    """The blog's own settings: one row, edited by editors."""

    title = models.CharField(max_length=200, default="blogsite")
    description = models.CharField(max_length=500, blank=True)
    footer = models.TextField(blank=True, help_text="Plain text shown at the foot of every page.")
    feeds_full_content = models.BooleanField(
        "Feeds carry the full post",
        default=True,
        help_text="Off: feeds carry each post's summary, and readers come here for the rest.",
    )
    handle = models.CharField(
        "Fediverse handle",
        max_length=30,
        default="blog",
        validators=[
            RegexValidator(
                r"^[a-z0-9_]+$",
                "Lower-case letters, digits and underscores only (as Mastodon names are).",
            )
        ],
        help_text="With federation on, people follow the blog as @handle@your-host. Changing "
        "it later keeps existing followers (they follow the blog's actor, not the name).",
    )

    class Meta:
        verbose_name = verbose_name_plural = "blog settings"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        try:
            cache.delete(TITLE_CACHE_KEY)
        except Exception as error:  # a cache outage must not stop the settings being saved
            logger.warning("blog title left in the cache: the cache is unavailable: %r", error)

    @classmethod
    def load(cls):
        """The settings row, or unsaved defaults: reading a page never writes."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @classmethod
    def cached_title(cls):
        """The blog's name for every admin page's header, without a query on each (the
        cache is shared by all processes when ``REDIS_URL`` is set; a few minutes at most
        otherwise)."""
        try:
            title = cache.get(TITLE_CACHE_KEY)
        except Exception as error:  # the admin (its login above all) works with the cache down
            logger.warning("blog title read from the database: the cache is unavailable: %r", error)
            return cls.load().title
        if title is None:
            title = cls.load().title
            cache.set(TITLE_CACHE_KEY, title, 300)
        return title


TITLE_CACHE_KEY = "posts:blog-title"


def new_version():
    return uuid.uuid4().hex


class SiteVersion(models.Model):
    """What the reader pages are cached under (``posts.pagecache``): one row (pk 1) that every
    process reads once per cached request. ``content`` moves on any change to what pages show
    besides comments (posts, pages, labels, the blog settings, the moderation policy);
    ``comments`` on any change to any thread (lists show comment counts; a post page has its
    own ``comments_changed_at``). ``next_publish_at`` is the earliest scheduled post's time: a
    post appears on time with no job running, so from then on the key also carries the
    newest scheduled time that has come. Random values, not counters: a flushed test
    database must not meet its old cache entries again."""

    content = models.CharField(max_length=32, default=new_version)
    content_at = models.DateTimeField(default=timezone.now)
    comments = models.CharField(max_length=32, default=new_version)
    comments_at = models.DateTimeField(default=timezone.now)
    next_publish_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "reader pages version"

    def __str__(self):
        return f"reader pages version {self.content}/{self.comments}"

    @classmethod
    def bump(cls, *, content=True, comments=False):
        """New values, in the caller's transaction (so they show when the change does)."""
        now = timezone.now()
        values = {}
        if content:
            values.update(content=new_version(), content_at=now)
            values["next_publish_at"] = cls._next_publish_at()
        if comments:
            values.update(comments=new_version(), comments_at=now)
        if not cls.objects.filter(pk=1).update(**values):
            cls.objects.create(pk=1, next_publish_at=cls._next_publish_at())

    @staticmethod
    def _next_publish_at():
        return Post.objects.scheduled().aggregate(at=models.Min("published_at"))["at"]


def unique_slug(model, title):
    base = slugify(title, allow_unicode=True)[:280] or "post"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
