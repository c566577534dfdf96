from django.db import models
from django.utils import timezone


class ImportLog(models.Model):
    """One run of an import command: the one row a repeated import adds."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    file_name = models.CharField(max_length=500)
    format = models.CharField(max_length=30)
    counts = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    dry_run = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.format} import of {self.file_name} at {self.created_at:%Y-%m-%d %H:%M}"
