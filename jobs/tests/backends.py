"""A mail backend for tests of retries."""


class FlakyBackend:
    """A mail backend that raises the exceptions in ``errors`` one per send (``None``: that
    send goes through), then delivers to the test outbox."""

    errors = []

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.real = EmailBackend()

    def send_messages(self, messages):
        error = FlakyBackend.errors.pop(0) if FlakyBackend.errors else None
        if error is not None:
            raise error
        return self.real.send_messages(messages)
