from transfer import disqus
from transfer.command import ImportCommand
from transfer.xmlstream import iter_elements


class Command(ImportCommand):
    help = (
        "Import a Disqus XML export: each thread's comments go to the post at its link's path "
        "(any host; old URLs through the site's redirects), with their threading, dates and "
        "authors; deleted ones as removed, ones Disqus flagged as spam held for moderation. "
        "Threads that match no post are listed, not created. All or nothing; running it again "
        "changes nothing."
    )
    prefix = "disqus:"
    label = "disqus"

    def importer_options(self):
        # The file brings comments only: their authors are the site's own (post authors).
        return {"site_authors": True}

    def read(self, fileobj, size, progress):
        # First the threads and who answers whom, then the comments (the file, read again).
        threads, comments = disqus.scan(iter_elements(fileobj, size, disqus.is_entry))
        fileobj.seek(0)
        return disqus.read(
            iter_elements(fileobj, size, disqus.is_entry, progress), threads, comments
        )
