"""django-markdownx's preview and upload endpoints, for staff only."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST
from markdownx.exceptions import MarkdownxImageUploadError
from markdownx.views import ImageUploadView
from PIL import Image

from posts.markup import render_markdown


@staff_member_required
@require_POST
def preview(request):
    """Render the editor's live preview with the function that renders the public page."""
    if "content" not in request.POST:
        return HttpResponseBadRequest("Missing 'content'.")
    return HttpResponse(render_markdown(request.POST["content"]))


class UploadView(ImageUploadView):
    """markdownx's upload, answering JSON to every POST: the package renders a template it
    does not have (a 500) for a GET or a POST without ``X-Requested-With``."""

    http_method_names = ["post"]

    def form_invalid(self, form):
        return JsonResponse(form.errors, status=400)

    def form_valid(self, form):
        try:
            path = form.save(commit=True)
        except (OSError, ValueError, Image.DecompressionBombError, MarkdownxImageUploadError):
            # PIL cannot read it (UnidentifiedImageError is an OSError), or markdownx's check
            return JsonResponse(
                {"image": ["This file is not an image that can be used."]}, status=400
            )
        return JsonResponse({"image_code": f"![]({path})"})


urlpatterns = [
    path("upload/", staff_member_required(UploadView.as_view()), name="markdownx_upload"),
    path("markdownify/", preview, name="markdownx_markdownify"),
]
