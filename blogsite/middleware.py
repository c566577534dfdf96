"""Project-wide request hygiene."""

from django.http import HttpResponseBadRequest


class RejectNulMiddleware:
    """Answer 400 to a NUL character in the path or the query string.

    PostgreSQL refuses NUL in text, so such a value reaching any lookup (a search, a slug,
    the admin's filters) would be a 500 there and a silent mismatch on SQLite.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET.lists()
        if "\x00" in request.path or any("\x00" in k + "".join(vs) for k, vs in query):
            return HttpResponseBadRequest("Bad request", content_type="text/plain")
        return self.get_response(request)
