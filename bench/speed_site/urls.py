"""The project's URLs plus the framework's floor: a view that returns "ok" through the whole
middleware stack (sessions, CSRF, security headers, the project's own middleware)."""

from django.http import HttpResponse
from django.urls import path

from blogsite.urls import handler500  # noqa: F401 (the site's own error page)
from blogsite.urls import urlpatterns as site_urlpatterns


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok", ok), *site_urlpatterns]
