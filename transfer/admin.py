from django.contrib import admin

from transfer.models import ImportLog


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "file_name", "format", "dry_run")
    list_filter = ("format", "dry_run")
    readonly_fields = ("created_at", "file_name", "format", "counts", "warnings", "dry_run")

    def has_add_permission(self, request):
        return False
