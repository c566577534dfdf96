from transfer import wordpress
from transfer.command import ImportCommand
from transfer.xmlstream import iter_elements


class Command(ImportCommand):
    help = (
        "Import a WordPress export (WXR): posts, pages, categories and tags as tags, threaded "
        "comments with their approved/pending/spam state, old permalinks as redirects. All or "
        "nothing; running it again changes nothing."
    )
    prefix = "wp:"
    label = "wordpress"
    fetches_media = True
    reads_ahead = True

    def read(self, fileobj, size, progress):
        return wordpress.read(iter_elements(fileobj, size, wordpress.EntryTags(), progress))
