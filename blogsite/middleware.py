"""Project-wide request hygiene."""

from django.http import HttpResponseBadRequest


def _nul_field(request):
    """Where a NUL character is in the request: ``None``, or words naming the place."""
    if "\x00" in request.path:
        return "the address"
    items = [*request.GET.lists()]
    if request.method == "POST":
        items += request.POST.lists()
    for key, values in items:
        if "\x00" in key:
            return "a field name"
        if any("\x00" in value for value in values):
            return f"the field “{key}”"
    return None


class RejectNulMiddleware:
    """Answer 400 to a NUL character in the path, the query string or the POSTed form.

    PostgreSQL refuses NUL in text, so such a value reaching any lookup or insert (a search, a
    slug, a captcha key, the admin's filters) would be a 500 there and a silent mismatch on
    SQLite. The answer names the field; uploaded files are not form values and are not read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = _nul_field(request)
        if where is not None:
            return HttpResponseBadRequest(
                f"Bad request: {where} contains a NUL character.", content_type="text/plain"
            )
        return self.get_response(request)
