from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from posts.roles import ROLES


class Command(BaseCommand):
    help = "Create or update the Authors, Editors and Moderators groups and their permissions."

    def handle(self, *args, **options):
        autodiscover_modules("roles")
        with transaction.atomic():
            for name, wanted in ROLES.items():
                permissions = [find_permission(codename) for codename in sorted(wanted)]
                group, created = Group.objects.get_or_create(name=name)
                group.permissions.set(permissions)
                if options["verbosity"] > 1:
                    action = "Created" if created else "Updated"
                    self.stdout.write(f"{action} {name}: {len(permissions)} permissions")
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"{len(ROLES)} roles set up."))


def find_permission(name):
    app_label, _, codename = name.partition(".")
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist:
        raise CommandError(f"Unknown permission {name!r}: run migrate first?") from None
