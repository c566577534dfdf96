from django.db import models


class SentMessage(models.Model):
    """One outgoing message, recorded before it is sent and marked right after the mail server
    accepted it: a task run again finds the mark and sends nothing."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    recipient = models.CharField(max_length=254)
    comment_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.kind} to {self.recipient}"


class FailedJob(models.Model):
    """A task that gave up: a permanent error, or temporary ones for longer than retries last."""

    task_path = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    error = models.TextField()
    first_attempt_at = models.DateTimeField()
    failed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    retried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-failed_at"]
        verbose_name = "failed background job"
        verbose_name_plural = "Failed background jobs"
        permissions = [("retry_failedjob", "Can retry failed background jobs")]

    def __str__(self):
        return f"{self.task_path.rsplit('.', 1)[-1]} ({self.failed_at:%Y-%m-%d %H:%M})"


class PeriodicJob(models.Model):
    """When a periodic job runs next: one row per job, taken by a conditional UPDATE so that
    two workers never run the same job twice."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name
