import os

from django.core.management.base import CommandError
from django.db import transaction

from transfer.command import OneLineErrorCommand
from transfer.exporter import Exporter


class Command(OneLineErrorCommand):
    help = (
        "Write the site as a classic Blogger Atom export, with blogsite's extension elements "
        "(Markdown source, comment states) so that import_blogger into an empty blogsite "
        "loses nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the export ('-' for standard output)")

    def handle(self, *args, **options):
        path = options["file"]
        tmp = f"{path}.part"
        try:
            with transaction.atomic():  # one consistent snapshot
                if path == "-":
                    exporter = Exporter(self.stdout._out)
                    exporter.write()
                    return
                with open(tmp, "w", encoding="utf-8") as out:
                    exporter = Exporter(out)
                    exporter.write()
            os.replace(tmp, path)
        except OSError as exc:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise CommandError(f"cannot write {path}: {exc.strerror}") from None
        c = exporter.counts
        self.stderr.write(
            f"exported {c['posts']} posts, {c['pages']} pages, {c['comments']} comments "
            f"({c['redirects']} other old URLs) to {path}"
        )
