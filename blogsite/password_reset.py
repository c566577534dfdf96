"""Password reset for staff by email: Django's own views and tokens, wired into the admin
(its login page links here once a URL named ``admin_password_reset`` exists).

Every request gets the same answer, so the form tells nobody whether an address has an
account; mail goes only to active staff, at most ``MAILS_PER_ADDRESS`` an hour to one address
and for ``REQUESTS_PER_CLIENT`` requests an hour from one client, whatever the addresses.
"""

import hashlib
import logging
import uuid

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponseRedirect
from django.template import loader
from django.urls import path, reverse_lazy

from comments import ratelimit
from comments.ratelimit import client_ip
from jobs.mail import send_message
from posts.links import site_host, site_scheme
from posts.models import BlogSettings

logger = logging.getLogger(__name__)

MAILS_PER_ADDRESS = 3
REQUESTS_PER_CLIENT = 10
WINDOW_SECONDS = 3600


def allow(kind, value, limit):
    """Count one for ``value``; False once ``limit`` is passed within the hour. Without a
    working cache nothing is sent (logged): a reset can wait, a mail flood should not."""
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # no address in cache keys
    return ratelimit.hit(
        f"password-reset:{kind}", digest, (limit, WINDOW_SECONDS), open_when_cache_down=False
    )


class StaffPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        """Active staff only (nobody else can log in), within the per-address limit."""
        if not allow("address", email.strip().lower(), MAILS_PER_ADDRESS):
            logger.warning("password reset: too many requests for one address; none sent")
            return iter(())
        return (user for user in super().get_users(email) if user.is_staff)

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):  # fmt: skip
        """Rendered here, sent by the worker (retried, once): the request never waits on mail."""
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_message.enqueue(
            f"password-reset:{uuid.uuid4()}", "password-reset", to_email, subject, body
        )


class BlogNameMixin:
    """The blog's name on the pages (the admin's own templates) and in the mail."""

    def get_context_data(self, **kwargs):
        title = BlogSettings.load().title
        return super().get_context_data(
            site_header=f"{title} administration", site_title=f"{title} admin", **kwargs
        )


class ResetView(BlogNameMixin, auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        """Send (or, over a limit, do not), then answer exactly as for any address."""
        if allow("client", client_ip(self.request) or "unknown", REQUESTS_PER_CLIENT):
            form.save(
                # the link is on SITE_URL, as every mail's: never the Host a visitor sent
                domain_override=site_host(),
                use_https=site_scheme() == "https",
                request=self.request,
                email_template_name=self.email_template_name,
                subject_template_name=self.subject_template_name,
                extra_email_context={"site_name": BlogSettings.load().title},
            )
        else:
            logger.warning("password reset: too many requests from one client; none sent")
        return HttpResponseRedirect(self.get_success_url())


class ResetDoneView(BlogNameMixin, auth_views.PasswordResetDoneView):
    pass


class ResetConfirmView(BlogNameMixin, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")


class ResetCompleteView(BlogNameMixin, auth_views.PasswordResetCompleteView):
    pass


# Before the admin's own URLs, whose catch-all would answer first.
urlpatterns = [
    path("admin/password_reset/", ResetView.as_view(), name="admin_password_reset"),
    path("admin/password_reset/done/", ResetDoneView.as_view(), name="password_reset_done"),
    path(
        "admin/reset/<uidb64>/<token>/",
        ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("admin/reset/done/", ResetCompleteView.as_view(), name="password_reset_complete"),
]
