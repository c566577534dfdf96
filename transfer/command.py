"""What the import commands share: options, the all-or-nothing run, one-line errors."""

import itertools
import os
import re
import sys
from contextlib import nullcontext

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, handle_default_options
from django.db import DatabaseError, connections, transaction

from transfer import bulkload, readahead
from transfer.importer import MAX_WARNINGS_SHOWN, Importer
from transfer.media import MediaCopier
from transfer.models import ImportLog
from transfer.xmlstream import Progress, TransferError

XML_POSITION = re.compile(
    r"^the file is not well-formed XML \((?P<what>[^:]+): line (?P<line>\d+), column (?P<col>\d+)\)$"
)


def explain_xml_problem(path, problem):
    """The parser's "not well-formed" message, told in the file's own terms where the line
    shows what is wrong: a namespace prefix used without its declaration, or ``]]>`` left inside
    a CDATA section (which old WordPress versions wrote)."""
    match = XML_POSITION.match(problem)
    if not match:
        return problem
    number, column = int(match["line"]), int(match["col"])
    try:
        with open(path, "rb") as fileobj:
            line = next(itertools.islice(fileobj, number - 1, None), b"")
    except OSError:
        return problem
    line = line.decode("utf-8", "replace")
    where = f"line {number}, column {column}"
    if match["what"] == "unbound prefix":
        prefix = re.match(r"</?([^\s:>/]+):", line[column:])
        if prefix:
            name = prefix[1]
            return (
                f"the file is not well-formed XML: the prefix '{name}:' is used without being "
                f'declared (no xmlns:{name}="..." on the element or above it) at {where}'
            )
    if "invalid token" in match["what"] and "]]>" in line[max(column - 3, 0) : column + 3]:
        return (
            "the file is not well-formed XML: ']]>' inside a CDATA section (it ends the "
            f"section early) at {where}; it must be written ']]]]><![CDATA[>'"
        )
    return problem


def read_author_map(path):
    """``{old name or email, lower-cased: user}`` from lines ``old name or email = username``
    (blank lines and ``#`` comments aside); a line that names no existing user is refused."""
    try:
        with open(path, encoding="utf-8") as lines:
            text = lines.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"--author-map: cannot read {path}: {exc}") from None
    users = get_user_model().objects
    mapping = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        old, sep, username = (part.strip() for part in line.rpartition("="))
        if not sep or not old or not username:
            raise CommandError(f"--author-map line {number}: write 'old name or email = username'")
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"--author-map line {number}: no user named {username!r}")
        mapping[" ".join(old.split()).lower()] = user
    return mapping


class OneLineErrorCommand(BaseCommand):
    """A command whose failures are one line on standard error, ``error: <problem>``, with
    exit status 1 and no traceback (unless ``--traceback``)."""

    def run_from_argv(self, argv):
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        handle_default_options(options)
        try:
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            if options.traceback:
                raise
            message = " ".join(str(exc).split())
            self.stderr.write(f"error: {message}")
            sys.exit(exc.returncode)
        finally:
            connections.close_all()


class ImportCommand(OneLineErrorCommand):
    prefix = ""  # import ids: "blogger:" ...
    label = ""
    fetches_media = False  # offers --fetch-media (files whose posts show images)
    reads_ahead = False  # ``read`` is pure parsing: a large file can be read in a child

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="read and check everything, report what would happen; saves nothing but a line "
            "in the import log",
        )
        parser.add_argument(
            "--author",
            metavar="USERNAME",
            help="the user who gets posts whose author matches no user (by email, then name); "
            "without it such authors become new users with no usable password",
        )
        parser.add_argument(
            "--author-map",
            metavar="FILE",
            help="a file of lines 'old name or email = username': the user each author of the "
            "export becomes (authors it does not name: as without it)",
        )
        parser.add_argument(
            "--score",
            action="store_true",
            help="run the spam filter over imported approved comments; hold what it flags",
        )
        if self.fetches_media:
            parser.add_argument(
                "--fetch-media",
                action="store_true",
                help="copy the images posts and pages show into the site's media (re-encoded "
                "as uploads are) and point them there; an image that cannot be copied keeps "
                "its URL and is a warning. With --dry-run nothing is fetched",
            )

    def read(self, fileobj, size, progress):
        """Yield the file's records (a reader module's ``read``)."""
        raise NotImplementedError

    def records(self, fileobj, size, progress):
        """The file's records, read in a child process for a large file (``readahead``)."""
        if self.reads_ahead:
            return readahead.records(self.read, fileobj, size, progress)
        return self.read(fileobj, size, progress)

    def handle(self, *args, **options):
        path = options["file"]
        try:
            fileobj = open(path, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        author = None
        if options["author"]:
            author = get_user_model().objects.filter(username=options["author"]).first()
            if author is None:
                raise CommandError(f"--author: no user named {options['author']!r}")
        author_map = read_author_map(options["author_map"]) if options["author_map"] else {}
        progress = Progress(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr)
        size = os.fstat(fileobj.fileno()).st_size
        media = MediaCopier(dry_run=options["dry_run"]) if options.get("fetch_media") else None
        try:
            # (the copied images are deleted again if the transaction does not commit)
            with fileobj, media or nullcontext(), transaction.atomic():
                importer = Importer(  # inside the transaction: it reads the current state
                    prefix=self.prefix,
                    source=os.path.basename(path),
                    default_author=author,
                    author_map=author_map,
                    score=options["score"],
                    progress=progress,
                    defer_keys=bulkload.should_defer(size),
                    media=media,
                    **self.importer_options(),
                )
                importer.run(self.records(fileobj, size, progress))
                self.after_import(importer, options)
                if options["dry_run"]:
                    transaction.set_rollback(True)
                else:
                    self.log(importer, path, dry_run=False)
        except TransferError as exc:
            progress.done()
            raise CommandError(explain_xml_problem(path, str(exc))) from None
        except DatabaseError as exc:
            progress.done()
            raise CommandError(f"the database refused the import: {exc}") from None
        except Exception as exc:
            progress.done()
            if options.get("traceback"):
                raise
            raise CommandError(
                f"the import failed ({type(exc).__name__}: {exc}); nothing was saved"
            ) from None
        progress.done()
        if options["dry_run"]:
            self.log(importer, path, dry_run=True)
        self.report(importer, options)

    def importer_options(self):
        """More keyword arguments for the :class:`Importer` (a format's own)."""
        return {}

    def after_import(self, importer, options):
        """Hook inside the transaction (blog settings)."""

    def log(self, importer, path, *, dry_run):
        ImportLog.objects.create(
            file_name=os.path.basename(path)[:500],
            format=importer.format or self.label,
            counts=dict(importer.counts),
            warnings=importer.warnings[:1000],
            dry_run=dry_run,
        )

    def report(self, importer, options):
        for warning in importer.warnings[:MAX_WARNINGS_SHOWN]:
            self.stderr.write(f"warning: {warning}")
        if len(importer.warnings) > MAX_WARNINGS_SHOWN:
            more = len(importer.warnings) - MAX_WARNINGS_SHOWN
            self.stderr.write(f"warning: ... and {more} more (all in the import log)")
        line = importer.summary()
        if options["dry_run"]:
            line = "dry run, nothing saved: would have " + line
        self.stdout.write(self.style.SUCCESS(line) if not options["dry_run"] else line)
