"""The import machinery shared by the Blogger and WordPress importers.

Records arrive one at a time from a streaming reader. Each new object gets its primary key at
once (reserved from the table's sequence), so posts, comments and tags are written in batches
while the file is still being read (:class:`~transfer.rows.RowWriter`: rows as tuples, not model
instances, one ``executemany`` or ``COPY`` per batch), and a comment can point at a parent that
has not been seen yet (foreign keys are checked at commit). Threading fields
(``depth``, ``thread_id``, ``path``) are computed here exactly as ``Comment.save()`` computes
them; a reply that arrives before its parent is fixed up once the parent is known. Memory holds
only id maps and the current batch, never the bodies of the whole file.

The caller wraps :meth:`Importer.run` in one ``transaction.atomic()``: any
:class:`~transfer.xmlstream.TransferError` rolls the whole import back.
"""

import re
from collections import Counter, deque
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.redirects.models import Redirect
from django.db import connections, router
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from blogsite.collector import no_cycle_collector
from comments.models import PATH_WIDTH, Comment, touch_pages, touch_posts
from comments.moderator import get_moderator
from posts import pagecache
from posts.markup import clean_html, render
from posts.models import BlogSettings, Label, Page, Post, TaggedPost
from posts.oldurls import canonical_path
from transfer import bulkload
from transfer.images import secure_images
from transfer.records import (
    CommentRecord,
    ExistingPostRecord,
    LabelRecord,
    PostRecord,
    RedirectRecord,
    SettingRecord,
    SkipRecord,
    WarningRecord,
)
from transfer.rows import CopyStream, RowWriter, instance_columns
from transfer.xmlstream import TransferError, tame_html

BATCH = 1000
ID_BLOCK = 1000  # the first block of ids reserved on PostgreSQL; each next one twice as large,
ID_BLOCK_MAX = 16_000  # up to this (the ids of a block left unused are lost with it)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ASCII_SLUG_RE = re.compile(r"[-A-Za-z0-9_]+")
OLD_POST_PATH_RE = re.compile(r"/(\d{4})/(\d{2})/([^/]+)\.html")
MAX_WARNINGS_SHOWN = 20
# What the importer gives for a new comment, in this order (the other columns: their defaults).
COMMENT_COLUMNS = (
    "id",
    "post_id",
    "page_id",
    "parent_id",
    "depth",
    "thread_id",
    "path",
    "name",
    "email",
    "url",
    "user_id",
    "body",
    "body_format",
    "body_html",
    "status",
    "created_at",
    "import_id",
    "kind",
    "channel",
)
SCORE_COLUMNS = ("score", "reasons")  # given only with --score
TAGGED_POST_COLUMNS = ("tag_id", "content_object_id")
COMMENT_STATES = frozenset(Comment.Status.values)
# (looked up once: reading a member off a choices class takes the enum's slow path, and
# every comment of a file reads these)
IMPORT_CHANNEL, MENTION = Comment.Channel.IMPORT, Comment.Kind.MENTION
# Counts of what a reader changed in the file's entries (``WarningRecord.count``), in the summary.
WARNED_COUNTS = frozenset(
    [
        "blog title set",
        "items without an id given one",
        "repeated ids renumbered",
        "password-protected kept as drafts",
        "replies without their parent made comments",
        "mentions (pingbacks, trackbacks)",
        "shortcodes left out",
        "http images made https",
        "comments tied to their author's user",
        "comments on pages",
        "http images left (blocked by the site's CSP)",
        "images copied",
        "images not copied (their URLs kept)",
        "images to fetch (dry run: none fetched)",
    ]
)


class SequenceReader:
    """PostgreSQL: blocks of values taken from a table's sequence on a second connection of
    their own. Asked on the import's connection, each block finished the open ``COPY`` and
    waited until the server had stored every row sent (14 waits, about half a second, in the
    benchmark's import); a sequence gives out its values to every connection alike, whatever
    the transactions (as ``nextval`` on the import's own connection did, a failed import
    leaves the values it took unused). Opened at the first block, closed with the import."""

    def __init__(self, connection):
        self.connection = connection
        self.side = None
        self.names = {}  # table -> its id sequence

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.side is not None:
            side, self.side = self.side, None
            side.close()

    def values(self, table, count):
        with self.connection.wrap_database_errors:
            if self.side is None:
                params = self.connection.get_connection_params()
                self.side = self.connection.Database.connect(**params, autocommit=True)
            with self.side.cursor() as cursor:
                if table not in self.names:  # looked up once: once per value was 8x slower
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                    self.names[table] = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
                    [self.names[table], count],
                )
                return [row[0] for row in cursor.fetchall()]


class IdAllocator:
    """Hand out primary keys for new rows of ``model`` before they are inserted.

    PostgreSQL: values taken from the table's own sequence (safe with concurrent writers),
    through ``sequences`` (a :class:`SequenceReader`).
    SQLite: the import's transaction holds the write lock (``BEGIN IMMEDIATE``), so the next
    ids after the largest used one are ours; explicit ids move ``sqlite_sequence`` on.
    """

    def __init__(self, model, sequences=None):
        self.model = model
        self.sequences = sequences
        self.ids = deque()
        self.next = None
        self.block = ID_BLOCK

    def __call__(self):
        if self.next is None and not self.ids:
            self._reserve()
        if self.next is not None:
            self.next += 1
            return self.next - 1
        return self.ids.popleft()

    def _reserve(self):
        connection = connections[router.db_for_write(self.model)]
        table = self.model._meta.db_table
        if connection.vendor == "postgresql":
            self.ids.extend(self.sequences.values(table, self.block))
            self.block = min(self.block * 2, ID_BLOCK_MAX)
            return
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            top = cursor.fetchone()[0] or 0
            if connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                top = max(top, row[0] if row else 0)
        self.next = top + 1


@dataclass(slots=True)
class Place:
    """Where a comment sits in its thread (what ``Comment.save()`` stores)."""

    target: tuple  # (post pk, page pk): one of them None
    parent_pk: int | None
    depth: int
    thread_id: int
    path: str


class Importer:
    def __init__(
        self,
        *,
        prefix,
        source,
        default_author=None,
        author_map=None,
        score=False,
        progress=None,
        site_authors=False,
        defer_keys=False,
        media=None,
    ):
        self.prefix = prefix  # "blogger:" or "wp:"
        self.source = source  # the file name, for the log
        self.default_author = default_author
        self.author_map = author_map or {}  # old login, name or email (lower case) -> user
        self.score = score
        self.progress = progress
        self.defer_keys = defer_keys  # a large import into a nearly empty comment table
        self.media = media  # a MediaCopier (--fetch-media), or None
        self.deferred = []  # foreign keys added back at the end (see run)
        self.format = ""
        self.counts = Counter()
        self.warnings = []
        self.blog_settings = {}
        self.blog_title = ""
        self.moderator = get_moderator()
        self.depth_limit = self.moderator.reply_depth_limit()
        self.now = timezone.now()

        connection = connections[router.db_for_write(Comment)]
        self.sequences = SequenceReader(connection) if connection.vendor == "postgresql" else None
        self.post_ids, self.page_ids, self.comment_ids = (
            IdAllocator(Post, self.sequences),
            IdAllocator(Page, self.sequences),
            IdAllocator(Comment, self.sequences),
        )
        self.db_posts = self._existing(Post)
        self.db_pages = self._existing(Page)
        self.db_comments = self._existing(Comment)
        self.db_comment_pks = set(self.db_comments.values())
        self.post_slugs = set(Post.objects.values_list("slug", flat=True))
        self.page_slugs = set(Page.objects.values_list("slug", flat=True))
        self.redirect_paths = set(
            Redirect.objects.filter(site_id=settings.SITE_ID).values_list("old_path", flat=True)
        )

        self.seen_posts, self.seen_comments = set(), set()
        self.post_pk, self.comment_pk = {}, {}  # source id -> pk
        self.post_wanted, self.comment_wanted = {}, {}  # referenced, not yet seen: -> by whom
        self.page_pk = {}  # source id -> pk, of the file's pages (and Disqus threads on one)
        self.places = {}  # comment pk -> Place
        self.pending = {}  # comment pk -> (parent pk, post pk, source id)
        self.touched_posts, self.touched_pages = set(), set()
        self.decisions = []
        self.targets = {}  # (Post or Page, pk) -> the instance, for --score

        self.tags = {}
        self.author_uris, self.author_emails = {}, {}  # of the file's post authors -> user
        self.author_usernames = {}  # (lower case) -> user: the site's authors, if site_authors
        self.site_authors = site_authors
        if site_authors:
            self._site_authors()
        self.month_urls = {}  # (year, month) -> what a post's URL starts with (_post_url)
        self.zone = timezone.get_current_timezone()  # the blog's (no import changes it)
        self.old_labels = []
        self.other_redirects = []  # RedirectRecord: blogsite's own export, redirected at the end  # LabelRecord: old label URLs, redirected at the end
        self.users = {}
        connection = connections[router.db_for_write(Comment)]
        self.stream = CopyStream(connection) if connection.vendor == "postgresql" else None
        comment_columns = COMMENT_COLUMNS + (SCORE_COLUMNS if score else ())
        self.writers = {
            model: RowWriter(model, columns, self.stream)
            for model, columns in [
                (Post, instance_columns(Post)),
                (Page, instance_columns(Page)),
                (TaggedPost, TAGGED_POST_COLUMNS),
                (Comment, comment_columns),
                (Redirect, ("site_id", "old_path", "new_path")),
            ]
        }
        self.limits = {
            (model, name): model._meta.get_field(name).max_length
            for model, name in [(Post, "title"), (Post, "slug"), (Comment, "name"),
                                (Comment, "path"), (Tag, "name"), (Redirect, "old_path")]
        }  # fmt: skip

    # ---------------------------------------------------------------- the run

    def run(self, records):
        if self.defer_keys:
            self.deferred = [bulkload.deferred(Comment)]
            # The posts' and their tag links' too, on a new site (both tables nearly empty:
            # one in use is not locked for the import).
            if bulkload.holds_few(Post) and bulkload.holds_few(TaggedPost):
                self.deferred += [bulkload.deferred(Post), bulkload.deferred(TaggedPost)]
        # The spam filter's setup once, and one moderators' digest for all the held comments.
        with (
            no_cycle_collector(),
            self.moderator.batch(),
            self.stream or nullcontext(),
            self.sequences or nullcontext(),
        ):
            self._run(records)
            self.finish()

    def _run(self, records):
        for record in records:
            if isinstance(record, CommentRecord):  # the most of them
                self.add_comment(record)
            elif isinstance(record, PostRecord):
                if record.kind == "page":
                    self.add_page(record)
                else:
                    self.add_post(record)
            elif isinstance(record, SettingRecord):
                if record.name == "__format__":
                    self.format = record.value
                elif record.name == "__title__":
                    self.blog_title = record.value
                else:
                    self.blog_settings[record.name] = record.value
            elif isinstance(record, SkipRecord):
                self.counts[f"skipped {record.what}"] += 1
            elif isinstance(record, ExistingPostRecord):
                pks = self.page_pk if record.kind == "page" else self.post_pk
                pks[record.source_id] = record.pk
            elif isinstance(record, LabelRecord):
                self.old_labels.append(record)
            elif isinstance(record, RedirectRecord):
                self.other_redirects.append(record)
            elif isinstance(record, WarningRecord):
                self.warn(record.message, record.entry)
                if record.count:
                    self.counts[record.count] += record.amount
            if self.progress and self.progress.enabled:
                self.progress.counts = (
                    f"{self.counts['posts']} posts, {self.counts['comments']} comments"
                )

    def finish(self):
        for source, by in self.post_wanted.items():
            raise TransferError(f"the comment's post {source} is not in the file", by)
        for source, by in self.comment_wanted.items():
            raise TransferError(f"the reply's parent comment {source} is not in the file", by)
        self.label_redirects()
        self.exported_redirects()
        self.flush_all()
        self.resolve_pending()
        self.update_comment_counts()
        for deferred in self.deferred:
            deferred.restore()
        self.set_blog_title()
        if self.media is not None:
            self.media_counts()
        for comment, old, new, reason in self.decisions:
            self.moderator.record(comment, old, new, None, reason)

    def media_counts(self):
        if self.media.dry_run:
            self.counts["images to fetch (dry run: none fetched)"] = self.media.wanted
            return
        self.counts["images copied"] = self.media.copied
        self.counts["images not copied (their URLs kept)"] = len(self.media.failures)

    def set_blog_title(self):
        """The file's blog title becomes the blog's, unless the blog already has its own."""
        if not self.blog_title:
            return
        blog = BlogSettings.load()
        title = self.blog_title[: BlogSettings._meta.get_field("title").max_length]
        if blog.title == title:
            return
        if blog.title != BlogSettings._meta.get_field("title").default:
            self.warn(f"the blog keeps its title {blog.title!r}, not the file's {title!r}")
            return
        blog.title = title
        blog.save()
        self.counts["blog title set"] += 1

    def warn(self, message, entry=None):
        self.warnings.append(f"{message} (entry {entry})" if entry else message)

    def _existing(self, model):
        rows = model.objects.filter(import_id__startswith=self.prefix)
        return dict(rows.values_list("import_id", "pk"))

    # ---------------------------------------------------------------- posts and pages

    def add_post(self, rec):
        self._check_new(self.seen_posts, rec.source_id)
        import_id = self.prefix + rec.source_id
        if import_id in self.db_posts:
            self.post_pk[rec.source_id] = self.db_posts[import_id]
            self.post_wanted.pop(rec.source_id, None)
            self.counts["already imported"] += 1
            return
        pk = self.post_pk.get(rec.source_id) or self.post_ids()
        self.post_pk[rec.source_id] = pk
        self.post_wanted.pop(rec.source_id, None)

        status = Post.Status.DRAFT if rec.status == "draft" else Post.Status.PUBLISHED
        published_at = rec.published_at
        if status == Post.Status.PUBLISHED and published_at is None:
            published_at = self.now
        public = status == Post.Status.PUBLISHED and published_at <= self.now
        body, body_format, body_html = self._post_body(rec)
        post = Post(
            pk=pk,
            title=self._title(rec),
            slug=self._slug(self.post_slugs, rec),
            author=self._author(rec),
            body=body,
            body_format=body_format,
            body_html=body_html,
            summary=rec.summary,
            status=status,
            published_at=published_at,
            allow_comments=rec.allow_comments,
            announced_at=published_at if public else None,
            created_at=rec.created_at or published_at or self.now,
            comments_changed_at=self.now,
            import_id=import_id,
        )
        self._buffer(Post, post)
        # Labels that differ only in case are one tag: one row each (a post is shown once).
        for tag_pk in dict.fromkeys(self._tag(label, rec) for label in rec.labels):
            self._buffer(TaggedPost, (tag_pk, pk))
        self._post_redirects(post, rec)
        self.counts["posts"] += 1
        if rec.trashed:
            self.counts["trashed posts (kept as drafts)"] += 1
        elif status == Post.Status.DRAFT:
            self.counts["drafts"] += 1
        elif not public:
            self.counts["scheduled"] += 1

    def _post_redirects(self, post, rec):
        """Redirect the post's old URLs, except ``/YYYY/MM/slug.html`` of the same month and
        slug as the new ``/YYYY/MM/slug/`` (``posts.urls`` answers that one itself)."""
        new_path = self._post_url(post)  # also refuses a post whose URL cannot be made
        for path in rec.old_paths:
            match = OLD_POST_PATH_RE.fullmatch(path)
            same = (
                match
                and match.group(3) == post.slug
                and new_path.startswith(f"/{match.group(1)}/{match.group(2)}/")
            )
            if not same:
                self._redirect(path, new_path, rec.source_id)

    def _post_url(self, post):
        """``post.get_absolute_url()``, the URL resolver's work done once a month, not once a
        post: the month's URL with a stand-in slug, and an ASCII slug (which reversing puts in
        as it is) in its place."""
        if not ASCII_SLUG_RE.fullmatch(post.slug):
            return post.get_absolute_url()
        # The time zone looked up once: ``timezone.localtime`` asks for the current one each
        # time (through asgiref's locals, a tenth of a post's time).
        date = post.url_date_in(self.zone)
        key = (date.year, date.month)
        if key not in self.month_urls:
            kwargs = {"year": date.year, "month": f"{date.month:02d}", "slug": "x"}
            url = reverse("posts:detail", kwargs=kwargs)
            self.month_urls[key] = url[:-2] if url.endswith("/x/") else None
        prefix = self.month_urls[key]
        return f"{prefix}{post.slug}/" if prefix is not None else post.get_absolute_url()

    def add_page(self, rec):
        self._check_new(self.seen_posts, rec.source_id)
        if rec.source_id in self.post_wanted:
            raise TransferError(
                "comments on this page come before the page in the file", rec.source_id
            )
        import_id = self.prefix + rec.source_id
        if import_id in self.db_pages:
            self.page_pk[rec.source_id] = self.db_pages[import_id]
            self.counts["already imported"] += 1
            return
        body, body_format, body_html = self._post_body(rec)
        self.page_pk[rec.source_id] = self.page_ids()
        page = Page(
            pk=self.page_pk[rec.source_id],
            title=self._title(rec),
            slug=self._slug(self.page_slugs, rec),
            body=body,
            body_format=body_format,
            body_html=body_html,
            is_published=rec.status != "draft",
            show_in_menu=rec.show_in_menu,
            allow_comments=rec.allow_comments,
            comments_changed_at=self.now,
            created_at=rec.created_at or self.now,
            import_id=import_id,
        )
        self._buffer(Page, page)
        new_path = page.get_absolute_url()
        for path in rec.old_paths:
            if path != f"/p/{page.slug}.html":
                self._redirect(path, new_path, rec.source_id)
        self.counts["pages"] += 1

    def _check_new(self, seen, source_id):
        if source_id in seen:
            raise TransferError("duplicate id: the file holds this entry twice", source_id)
        seen.add(source_id)

    def _title(self, rec):
        title = " ".join(rec.title.split()) or "(untitled)"
        limit = self.limits[Post, "title"]
        if len(title) > limit:
            self.warn(f"title of {len(title)} characters cut to {limit}", rec.source_id)
            title = title[: limit - 1] + "…"
        return title

    def _slug(self, taken, rec):
        limit = self.limits[Post, "slug"]
        base = slugify(rec.slug or rec.title, allow_unicode=True)[: limit - 10].strip("-")
        base = base or rec.kind
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        if rec.slug and slug != rec.slug:
            self.warn(f"slug {rec.slug!r} is taken or invalid; using {slug!r}", rec.source_id)
        taken.add(slug)
        return slug

    def _post_body(self, rec):
        if rec.body_format == "markdown":
            return rec.body, "markdown", render(rec.body, "markdown")
        if self.media is not None:
            rec.body = self._copy_media(rec)
        html, rewritten, left = secure_images(rec.body)
        if rewritten:
            self.counts["http images made https"] += rewritten
        if left:
            self.counts["http images left (blocked by the site's CSP)"] += left
            self.warn(f"{left} http: image(s) from hosts not known to serve https", rec.source_id)
        if html is not rec.body:
            rec.body = html
        return self._html_body(rec, comment=False)

    def _copy_media(self, rec):
        """The body with the images ``--fetch-media`` copied pointing at the copies; one
        warning per image URL that could not be copied (it stays as it was)."""
        before = len(self.media.failures)
        body = self.media.localise(rec.body)
        for url, why in self.media.failures[before:]:
            self.warn(f"image not copied, its URL kept: {url[:200]} ({why})", rec.source_id)
        return body

    def _html_body(self, rec, *, comment):
        """``(source, "html", html)``: the source is the file's HTML cleaned, and the HTML is
        what ``render`` makes of that source (what saving the object would store).

        When cleaning leaves the file's HTML unchanged, rendering the (equal) source gives the
        same result again, so the second pass of the sanitiser is skipped: most comments."""
        html, warning = tame_html(rec.body)
        if warning:
            self.warn(warning, rec.source_id)
        body = clean_html(html, comment=comment)
        return body, "html", body if body == html else render(body, "html", comment=comment)

    def _tag(self, label, rec):
        label = " ".join(label.split())
        limit = self.limits[Tag, "name"]
        if len(label) > limit:
            self.warn(f"label cut to {limit} characters", rec.source_id)
            label = label[:limit].rstrip()
        key = label.lower()
        if key not in self.tags:
            tag = Tag.objects.filter(name__iexact=label).first()
            if tag is None:
                tag = Label.objects.create(name=label)  # a slug even for 🎉
                self.counts["tags"] += 1
            self.tags[key] = tag.pk
        return self.tags[key]

    def label_redirects(self):
        """WordPress's label URLs (``/category/<slug>/``, ``/tag/<slug>/``, ``/?cat=N``) go to
        the tag of the same name, for the labels the file's posts use."""
        used = [rec for rec in self.old_labels if " ".join(rec.name.split()).lower() in self.tags]
        slugs = dict(
            Tag.objects.filter(pk__in={self.tags[r.name.lower()] for r in used}).values_list(
                "pk", "slug"
            )
        )
        for rec in used:
            tag_path = reverse("posts:tag", kwargs={"slug": slugs[self.tags[rec.name.lower()]]})
            if rec.slug:
                self._redirect(f"/{rec.kind}/{rec.slug}/", tag_path, rec.name)
            if rec.term_id and rec.kind == "category":
                self._redirect(f"/?cat={rec.term_id}", tag_path, rec.name)
            elif rec.kind == "tag" and rec.slug:
                self._redirect(f"/?tag={rec.slug}", tag_path, rec.name)

    def exported_redirects(self):
        """blogsite's own export: the old URLs that led elsewhere than to a post or page, to
        the same place (a tag's page: the page of the tag of that name, if there is one)."""
        for rec in self.other_redirects:
            new_path = rec.new_path
            if rec.label:
                tag = Tag.objects.filter(name=rec.label).first()
                if tag is None:
                    self.warn(f"no tag {rec.label!r}: its old URLs are not redirected")
                    continue
                new_path = reverse("posts:tag", kwargs={"slug": tag.slug})
            if new_path.startswith("/"):
                for old_path in rec.old_paths:
                    self._redirect(old_path, new_path, old_path)

    def _redirect(self, old_path, new_path, entry):
        old_path = canonical_path(old_path)
        limit = self.limits[Redirect, "old_path"]
        if len(old_path) > limit:
            self.warn(f"old URL longer than {limit} characters: no redirect", entry)
            return
        if old_path in self.redirect_paths or old_path == new_path:
            return
        self.redirect_paths.add(old_path)
        self._buffer(Redirect, (settings.SITE_ID, old_path, new_path))
        self.counts["redirects"] += 1

    # ---------------------------------------------------------------- authors

    def _author(self, rec):
        author = rec.author
        key = (author.name.lower(), author.email.lower(), author.username)
        if key not in self.users:
            self.users[key] = user = self._find_author(author) or self._make_author(author, rec)
            # Their comments are theirs: by Blogger profile URI, or by email.
            if author.uri:
                self.author_uris.setdefault(author.uri, user)
            if author.email:
                self.author_emails.setdefault(author.email.lower(), user)
        return self.users[key]

    def _site_authors(self):
        """Comments of a file that brings no posts (Disqus) are tied to the site's authors:
        the users who wrote a post, by email and by username."""
        users = get_user_model().objects.filter(pk__in=Post.objects.values("author_id"))
        for user in users.order_by("pk"):
            if user.email:
                self.author_emails.setdefault(user.email.lower(), user)
            self.author_usernames.setdefault(user.get_username().lower(), user)

    def _comment_user(self, rec):
        """The user a comment belongs to: blogsite's own username, else an imported author's
        (the file's author record, mapped by ``--author-map`` or by the email, profile URI or
        username of an author), else a post author's by profile URI or email."""
        user = self._user(rec.username)
        if user is None and rec.author is not None:
            user = self._file_author_user(rec.author)
        if user is None and rec.url:
            user = self.author_uris.get(rec.url)
        if user is None and rec.email and not self.site_authors:
            # (the site's authors are matched by a Disqus account only: a guest's email is
            # what anyone typed)
            user = self.author_emails.get(rec.email.lower())
        return user

    def _file_author_user(self, author):
        name = " ".join(author.name.split())
        for key in (author.username, author.email, name):
            if key and (user := self.author_map.get(key.lower())):
                return user
        return (
            self.author_emails.get(author.email.lower())
            or self.author_uris.get(author.uri)
            or self.author_usernames.get(author.username.lower())
        )

    def _find_author(self, author):
        for key in (author.username, author.email, " ".join(author.name.split())):
            if key and (user := self.author_map.get(key.lower())):
                return user
        User = get_user_model()
        users = User.objects.all()
        if author.username and (user := users.filter(username=author.username).first()):
            return user
        if author.email and (user := users.filter(email__iexact=author.email).first()):
            return user
        name = " ".join(author.name.split())
        if not name:
            return None
        if user := users.filter(username__iexact=name).first():
            return user
        first, _, last = name.partition(" ")
        return users.filter(first_name__iexact=first, last_name__iexact=last).first()

    def _make_author(self, author, rec):
        if self.default_author is not None:
            return self.default_author
        User = get_user_model()
        name = " ".join(author.name.split()) or "Blogger author"
        base = (slugify(author.username or name) or "author")[:140]
        username, n = base, 2
        while User.objects.filter(username=username).exists():
            username, n = f"{base}-{n}", n + 1
        first, _, last = name.partition(" ")
        user = User(username=username, email=author.email, first_name=first[:150])
        user.last_name = last[:150]
        user.set_unusable_password()
        user.save()
        self.counts["users created"] += 1
        self.warn(
            f"created user {username!r} (no usable password) for author {name!r}", rec.source_id
        )
        return user

    def _user(self, username):
        if not username:
            return None
        key = ("", "", "@" + username)
        if key not in self.users:
            self.users[key] = get_user_model().objects.filter(username=username).first()
        return self.users[key]

    # ---------------------------------------------------------------- comments

    def add_comment(self, rec):
        source = rec.source_id
        self._check_new(self.seen_comments, source)
        import_id = self.prefix + source
        self.comment_wanted.pop(source, None)
        if import_id in self.db_comments:
            self.comment_pk[source] = self.db_comments[import_id]
            self.counts["already imported"] += 1
            return
        if rec.parent_id == source:
            raise TransferError("reply cycle: the comment answers itself", source)
        page_pk = self.page_pk.get(rec.post_id)
        post_pk = None if page_pk is not None else self._post_ref(rec.post_id, source)
        target = (post_pk, page_pk)
        pk = self.comment_pk.get(source) or self.comment_ids()
        self.comment_pk[source] = pk
        parent_pk = self._comment_ref(rec.parent_id, source) if rec.parent_id else None

        if rec.status not in COMMENT_STATES:
            raise TransferError(f"unknown comment state {rec.status!r}", source)
        user = self._comment_user(rec)
        if user is not None:
            self.counts["comments tied to their author's user"] += 1
        row = (
            pk,
            post_pk,
            page_pk,
            *self._place(pk, target, parent_pk, source),
            (" ".join(rec.name.split()) or "Anonymous")[: self.limits[Comment, "name"]],
            rec.email if EMAIL_RE.match(rec.email or "") and len(rec.email) <= 254 else "",
            self._url(rec),
            user.pk if user else None,
            *self._comment_body(rec),
            rec.status,
            rec.created_at or self.now,
            import_id,
            rec.kind,
            IMPORT_CHANNEL,
        )
        status = rec.status
        if rec.hold_reason and status == Comment.Status.APPROVED:
            row, status = self._held(row, rec.hold_reason)
        if self.score:
            row, status = self._scored(row)
        self._buffer(Comment, row)
        if page_pk is not None:
            self.touched_pages.add(page_pk)
            self.counts["comments on pages"] += 1
        else:
            self.touched_posts.add(post_pk)
        if rec.kind == MENTION:
            self.counts["mentions (pingbacks, trackbacks)"] += 1
        self.counts["comments"] += 1
        self.counts[f"comments {status}"] += 1

    def _post_ref(self, source, by):
        if source in self.post_pk:
            return self.post_pk[source]
        import_id = self.prefix + source
        if import_id in self.db_posts:
            pk = self.db_posts[import_id]
        else:
            pk = self.post_ids()
            self.post_wanted[source] = by
        self.post_pk[source] = pk
        return pk

    def _comment_ref(self, source, by):
        if source in self.comment_pk:
            return self.comment_pk[source]
        import_id = self.prefix + source
        if import_id in self.db_comments:
            pk = self.db_comments[import_id]
        else:
            pk = self.comment_ids()
            self.comment_wanted[source] = by
        self.comment_pk[source] = pk
        return pk

    def _url(self, rec):
        url = (rec.url or "").strip()
        if not url.startswith(("http://", "https://")):
            return ""
        if len(url) > 200:
            self.warn("commenter's URL longer than 200 characters dropped", rec.source_id)
            return ""
        return url

    def _comment_body(self, rec):
        if rec.body_format == "markdown":
            return rec.body, "markdown", render(rec.body, "markdown", comment=True)
        return self._html_body(rec, comment=True)

    def _held(self, row, reason):
        """The row of a comment the file flags, held for moderation with the file's reason."""
        values = dict(zip(COMMENT_COLUMNS, row, strict=True))
        values["status"] = Comment.Status.PENDING
        self.decisions.append(
            (Comment(**values), Comment.Status.APPROVED, Comment.Status.PENDING, reason)
        )
        self.counts["held: flagged as spam in the file"] += 1
        return tuple(values[name] for name in COMMENT_COLUMNS), Comment.Status.PENDING

    def _scored(self, row):
        """``(row, state)`` with the spam filter's score and reasons added to the comment's row
        (approved comments only); the filter reads a comment, so one is built for it here."""
        values = dict(zip(COMMENT_COLUMNS, row, strict=True))
        if values["status"] != Comment.Status.APPROVED:
            return (*row, None, []), values["status"]
        comment = Comment(**values)
        self._with_target(comment)
        self._score(comment)
        return tuple(getattr(comment, name) for name in self.writers[Comment].columns), (
            comment.status
        )

    def _with_target(self, comment):
        """Give the comment its post or page, read once per import (the filter reads it)."""
        model, pk = (Post, comment.post_id) if comment.post_id else (Page, comment.page_id)
        key = (model, pk)
        if key not in self.targets:
            for writer_model in (Post, Page):
                if len(self.writers[writer_model]):
                    self.flush(writer_model)
            self.targets[key] = model.objects.filter(pk=pk).first()
        if self.targets[key] is not None:
            setattr(comment, "post" if model is Post else "page", self.targets[key])

    def _score(self, comment):
        for model in (Post, Page):
            if len(self.writers[model]):
                self.flush(model)  # the filter may look at the comment's post or page
        verdict = self.moderator.evaluate(comment)
        comment.score, comment.reasons = verdict.score, list(verdict.reasons)
        new = {"hold": Comment.Status.PENDING, "spam": Comment.Status.SPAM}.get(verdict.action)
        if new:
            old, comment.status = comment.status, new
            reason = "import --score: " + ("; ".join(map(str, verdict.reasons)) or verdict.action)
            self.decisions.append((comment, old, new, reason))
            self.counts["held or marked spam by --score"] += 1

    # ---------------------------------------------------------------- threads

    def _place_of(self, pk):
        """The place of a comment already imported, or of one in the database."""
        if pk not in self.places and pk in self.db_comment_pks:
            post_pk, page_pk, *row = Comment.objects.filter(pk=pk).values_list(
                "post_id", "page_id", "parent_id", "depth", "thread_id", "path"
            )[0]
            self.places[pk] = Place((post_pk, page_pk), *row)
        return self.places.get(pk)

    def _place(self, pk, target, parent_pk, source):
        """The comment's threading fields, ``(parent_id, depth, thread_id, path)``; a reply
        whose parent comes later in the file is noted, to be fixed up at the end."""
        if parent_pk is None:
            segment = f"{pk:0{PATH_WIDTH}d}"
            self.places[pk] = Place(target, None, 1, pk, segment)
            return None, 1, pk, segment
        if self._place_of(parent_pk) is None:  # the parent comes later in the file
            self.pending[pk] = (parent_pk, target, source)
            return parent_pk, 1, None, ""
        place = self._compute(pk, target, parent_pk, source)
        return place.parent_pk, place.depth, place.thread_id, place.path

    def _compute(self, pk, target, parent_pk, source):
        """Like ``Comment.save()``: a reply below the depth limit joins its parent's level."""
        parent = self._place_of(parent_pk)
        if parent.target != target:
            raise TransferError("the reply's parent comment is on another post", source)
        while parent.depth >= self.depth_limit and parent.parent_pk is not None:
            parent_pk = parent.parent_pk
            parent = self._place_of(parent_pk)
        place = Place(
            target,
            parent_pk,
            parent.depth + 1,
            parent.thread_id,
            f"{parent.path}/{pk:0{PATH_WIDTH}d}",
        )
        if len(place.path) > self.limits[Comment, "path"]:
            raise TransferError("the thread is too deep to store", source)
        self.places[pk] = place
        return place

    def resolve_pending(self):
        """Place the replies that came before their parents; refuse reply cycles."""
        rows = []
        for start in list(self.pending):
            chain, on_chain, pk = [], set(), start
            while pk in self.pending and pk not in self.places:
                if pk in on_chain:
                    raise TransferError(
                        "reply cycle: the comments answer each other", self.pending[pk][2]
                    )
                on_chain.add(pk)
                chain.append(pk)
                pk = self.pending[pk][0]
            for pk in reversed(chain):
                parent_pk, target, source = self.pending[pk]
                place = self._compute(pk, target, parent_pk, source)
                rows.append((place.parent_pk, place.depth, place.thread_id, place.path, pk))
        if rows:
            connection = connections[router.db_for_write(Comment)]
            table = connection.ops.quote_name(Comment._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET parent_id = %s, depth = %s, thread_id = %s, "  # noqa: S608
                    "path = %s WHERE id = %s",
                    rows,
                )

    def update_comment_counts(self):
        touch_posts(self.touched_posts, now=self.now)
        touch_pages(self.touched_pages, now=self.now)
        if any(self.counts.get(what) for what in ("posts", "pages", "tags", "comments")):
            pagecache.content_changed()  # rows written without save(): no signal moved it

    # ---------------------------------------------------------------- writing

    def _buffer(self, model, obj):
        """Queue a new row: a tuple of the writer's columns, or an unsaved instance."""
        writer = self.writers[model]
        waiting = writer.add(obj) if isinstance(obj, tuple) else writer.add_instance(obj)
        if waiting >= BATCH:
            self.flush(model)

    def flush(self, model):
        if model is TaggedPost:
            self.flush(Post)
        self.writers[model].flush()

    def flush_all(self):
        for model in (Post, Page, TaggedPost, Comment, Redirect):
            self.flush(model)

    # ---------------------------------------------------------------- reporting

    def summary(self):
        c = self.counts
        parts = [
            f"{c['posts']} posts ({c['drafts']} drafts, {c['scheduled']} scheduled)",
            f"{c['pages']} pages",
            f"{c['comments']} comments ("
            + ", ".join(f"{c['comments ' + s]} {s}" for s in Comment.Status.values)
            + ")",
            f"{c['tags']} new tags",
            f"{c['redirects']} redirects",
        ]
        if c["users created"]:
            parts.append(f"{c['users created']} users created")
        extra = [
            f"{n} {what}"
            for what, n in c.items()
            if what.startswith(
                ("skipped", "already", "trashed", "held", "moderation", "comments skipped")
            )
            or what in WARNED_COUNTS
        ]
        line = "imported " + ", ".join(parts)
        if extra:
            line += "; " + ", ".join(extra)
        if self.warnings:
            line += f"; {len(self.warnings)} warnings"
        return line
