"""django-markdownx's preview and upload endpoints, for staff only."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import path
from django.views.decorators.http import require_POST

from posts import uploads
from posts.markup import render
from posts.models import SourceFormat


@staff_member_required
@require_POST
def preview(request):
    """Render the editor's live preview with the function that renders the public page, in
    the post's own format (``?format=html`` for imported HTML posts; editor.js sets it)."""
    if "content" not in request.POST:
        return HttpResponseBadRequest("Missing 'content'.")
    source_format = request.GET.get("format", SourceFormat.MARKDOWN)
    if source_format not in SourceFormat.values:
        return HttpResponseBadRequest("Unknown 'format'.")
    return HttpResponse(render(request.POST["content"], source_format))


urlpatterns = [
    # Our own view, not markdownx's ImageUploadView: that one stores GIFs and SVGs as sent,
    # under the client's extension, in a folder literally named "%Y/%m".
    path("upload/", uploads.upload, name="markdownx_upload"),
    path("markdownify/", preview, name="markdownx_markdownify"),
]
