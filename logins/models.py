"""Failed staff logins, counted in the database so that every process and host agrees.

The throttle is per account *and* per address, so that an attacker's address is locked
without locking the account for its owner (see ``throttle``)."""

from django.db import models
from django.utils import timezone


class LoginFailure(models.Model):
    """One failed login: the account named, the client's address, when. Pruned after the
    throttle's window."""

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["username", "created_at"], name="loginfailure_account"),
            models.Index(fields=["address", "created_at"], name="loginfailure_address"),
            models.Index(fields=["created_at"], name="loginfailure_created"),
        ]

    def __str__(self):
        return f"{self.username} from {self.address} at {self.created_at:%Y-%m-%d %H:%M:%S}"
