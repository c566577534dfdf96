"""What the readers of each export format hand to the importer: plain records, one per entry."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from transfer.xmlstream import TransferError


class Record:
    """Pickled as the values of its fields, which it is made again from: a large file's records
    come from the process that reads it (``transfer.readahead``), and a slotted dataclass's own
    pickling sets each field through a Python function, twice as slow to load."""

    __slots__ = ()

    def __reduce__(self):
        return type(self), tuple(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass(slots=True)
class Author(Record):
    name: str = ""
    email: str = ""
    uri: str = ""
    username: str = ""  # blogsite's own export; a WordPress login; a Disqus username


@dataclass(slots=True)
class PostRecord(Record):
    """A post (``kind="post"``) or a static page (``kind="page"``)."""

    kind: str
    source_id: str
    title: str = ""
    body: str = ""
    body_format: str = "html"
    status: str = "published"  # "published" or "draft"
    published_at: datetime | None = None
    created_at: datetime | None = None
    labels: list = field(default_factory=list)
    old_paths: list = field(default_factory=list)  # site-relative paths of the old URLs
    slug: str = ""  # wanted slug (from the old URL's file name or blogsite's extension)
    author: Author = field(default_factory=Author)
    summary: str = ""
    allow_comments: bool = True
    show_in_menu: bool = True
    trashed: bool = False


@dataclass(slots=True)
class CommentRecord(Record):
    source_id: str
    post_id: str
    parent_id: str | None = None
    name: str = ""
    email: str = ""
    url: str = ""
    username: str = ""
    body: str = ""
    body_format: str = "html"
    status: str = "approved"
    created_at: datetime | None = None
    kind: str = "comment"  # or "mention": a pingback or trackback
    # the file's author who wrote it (WordPress comment_user_id; a Disqus account, not a guest)
    author: "Author | None" = None
    hold_reason: str = ""  # an approved comment the file flags: held (pending) with this reason


@dataclass(slots=True)
class SettingRecord(Record):
    name: str
    value: str


@dataclass(slots=True)
class ExistingPostRecord(Record):
    """A post already on the site that the file's comments (``post_id=source_id``) go to."""

    source_id: str
    pk: int
    kind: str = "post"  # or "page"


@dataclass(slots=True)
class LabelRecord(Record):
    """A label's old identity (a WordPress category or tag): its old URLs redirect to the tag
    of the same name, if a post of the file uses it."""

    name: str
    kind: str  # "category" or "tag"
    slug: str = ""
    term_id: str = ""


@dataclass(slots=True)
class RedirectRecord(Record):
    """Old URLs (blogsite's own export) that lead to ``new_path``, or to the page of the tag
    named ``label``, not to a post or page of the file."""

    old_paths: list
    new_path: str
    label: str = ""


@dataclass(slots=True)
class WarningRecord(Record):
    """Something the reader changed or dropped in an entry that it still hands on: a line in
    the warnings, and ``count`` (if given) a number in the summary."""

    message: str
    entry: str | None = None
    count: str = ""
    amount: int = 1  # how much it adds to ``count``


@dataclass(slots=True)
class SkipRecord(Record):
    """An entry that is known and deliberately not imported (a template, a layout...)."""

    what: str


def parse_datetime(text, entry=None):
    """Parse an RFC 3339 / ISO 8601 time; a time without an offset is taken as UTC."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise TransferError(f"bad date {text[:40]!r}", entry) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
