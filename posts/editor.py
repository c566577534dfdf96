"""The writer's side of the admin: the Markdown editor and labels widgets, the writer's home.

The editor is markdownx's textarea (its preview requests, drag and drop, paste) inside our own
frame: Write and Preview side by side where there is room and as tabs where there is not, an
Insert image button, and a preview drawn in a sandboxed frame with the site's own stylesheet,
so that it looks as the post page will (``static/js/editor.js``).
"""

from django.templatetags.static import static
from django.urls import reverse
from markdownx.widgets import MarkdownxWidget
from taggit.forms import TagWidget

from posts.models import Label, Post

EDITOR_MEDIA = {
    "css": {"all": ["css/editor.css"]},
    "js": ["markdownx/js/markdownx.js", "js/editor.js"],
}


class EditorWidget(MarkdownxWidget):
    template_name = "posts/widgets/editor.html"

    class Media:
        extend = False  # markdownx's own Media would load its script a second time
        css = EDITOR_MEDIA["css"]
        js = EDITOR_MEDIA["js"]

    def __init__(self, attrs=None):
        super().__init__({"rows": 20, "class": "editor-text", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The height is ours (static/css/editor.css): markdownx's resize grows a content-box
        # textarea by its padding on every keystroke and never shrinks it.
        context["widget"]["attrs"]["data-markdownx-editor-resizable"] = "False"
        context["site_css"] = static("css/site.css")
        context["upload_url"] = reverse("markdownx_upload")
        return context


class LabelWidget(TagWidget):
    """taggit's text box, with the existing labels offered as one types."""

    template_name = "posts/widgets/labels.html"

    class Media:
        css = EDITOR_MEDIA["css"]
        js = ["js/editor.js"]

    def __init__(self, attrs=None):
        defaults = {"class": "vLargeTextField labels-input", "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["known_id"] = f"{context['widget']['attrs'].get('id', name)}-known"
        context["labels"] = list(Label.objects.order_by("name").values_list("name", flat=True))
        return context


def writer_home(user, limit=10):
    """What the admin's home page shows a writer: their drafts and the posts waiting for
    their time (all of them for editors, their own for authors)."""
    if not user.has_perm("posts.view_post"):
        return {}
    mine = Post.objects.editable_by(user).select_related("author")
    return {
        "may_write": user.has_perm("posts.add_post"),
        "drafts": list(
            mine.filter(author=user, status=Post.Status.DRAFT).order_by("-updated_at")[:limit]
        ),
        "scheduled": list(mine.scheduled().order_by("published_at")[:limit]),
    }
