from transfer import blogger
from transfer.blog_settings import apply_blog_settings, describe
from transfer.command import ImportCommand
from transfer.xmlstream import TransferError, iter_root_children


class Command(ImportCommand):
    help = (
        "Import a Blogger export (the classic Atom export or Google Takeout's feed.atom): "
        "posts, drafts, pages, labels, threaded comments, old URLs as redirects. All or "
        "nothing; running it again changes nothing."
    )
    prefix = "blogger:"
    label = "blogger"
    fetches_media = True
    reads_ahead = True

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--apply-blog-settings",
            action="store_true",
            help="turn the blog's comment settings into the moderation policy",
        )

    def read(self, fileobj, size, progress):
        events = iter_root_children(fileobj, size, f"{{{blogger.ATOM}}}entry", progress)
        return blogger.read(events)

    def after_import(self, importer, options):
        if options["apply_blog_settings"]:
            if not importer.blog_settings:
                raise TransferError("--apply-blog-settings: the file holds no blog settings")
            applied = apply_blog_settings(importer.blog_settings)
            importer.counts["moderation policy fields set"] = len(applied)

    def report(self, importer, options):
        if importer.blog_settings:
            self.stdout.write("blog settings: " + describe(importer.blog_settings))
        super().report(importer, options)
