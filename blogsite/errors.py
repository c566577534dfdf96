"""Error pages that leak nothing and tell a passing database outage from a bug."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.template.loader import render_to_string


def server_error(request):
    """``handler500``: a 503 with Retry-After when the database is unreachable, else a 500.

    Both pages are static templates: nothing about the error reaches the visitor.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponseServerError(render_to_string("503.html"))
        response.status_code = 503
        response["Retry-After"] = "5"
        return response
    return HttpResponseServerError(render_to_string("500.html"))
