import importlib.util
import secrets

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from posts.models import quietly


class Command(BaseCommand):
    help = (
        "Load the demo content (posts, a page, threaded comments, held and spam comments) and "
        "an admin user whose password is printed once. Safe to run again."
    )

    def handle(self, *args, **options):
        call_command("setup_roles", verbosity=0)
        with transaction.atomic(), quietly():  # demo content is not news: nothing is sent
            self.create_admin()
            # Each app's demo.py seeds its part, in INSTALLED_APPS order.
            for module in demo_modules():
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))

    def create_admin(self):
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write(
                "Admin user 'admin' exists (its password was printed when it was created; "
                "reset it with: manage.py changepassword admin)."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "admin@example.com", password)
        self.stdout.write(self.style.WARNING(f"Admin login: admin / {password}  (shown once)"))


def demo_modules():
    """The ``demo`` module of every installed app that has one."""
    modules = []
    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.demo") is not None:
            modules.append(importlib.import_module(f"{config.name}.demo"))
    return modules
