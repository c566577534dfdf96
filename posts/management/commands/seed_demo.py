import importlib.util
import secrets

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from moderation import digest
from posts import demo
from posts.models import quietly

# The demo's logins, in the order they are printed: who they are, for the line printed.
LOGINS = {
    "admin": "superuser: everything",
    "author": "Authors: writes and edits her own posts",
    "moderator": "Moderators: comments, the queue, block rules, the spam filter",
}


class Command(BaseCommand):
    help = (
        "Load the demo content (posts, pages, threaded comments, held and spam comments) and "
        "three logins (admin, author, moderator) whose passwords are printed once, when each "
        "is created. Safe to run again; --reset-passwords gives them new ones."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo logins new random passwords and print them.",
        )

    def handle(self, *args, reset_passwords=False, **options):
        call_command("setup_roles", verbosity=0)
        with transaction.atomic(), quietly():  # demo content is not news: nothing is sent
            passwords = self.create_logins(reset_passwords)
            # Each app's demo.py seeds its part, in INSTALLED_APPS order.
            with digest.quiet():  # no mail to moderators about the demo's held comments
                for module in demo_modules():
                    module.seed(self.stdout)
        for username, password in passwords.items():
            self.stdout.write(
                self.style.WARNING(f"{username.title()} login: {username} / {password}")
                + f"  ({LOGINS[username]}; shown once)"
            )
        if len(passwords) < len(LOGINS):
            self.stdout.write(
                "The demo logins' passwords were printed when they were created; new ones: "
                "manage.py seed_demo --reset-passwords"
            )
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))

    def create_logins(self, reset):
        """Create the logins that are missing; ``{username: new password}`` of those created
        (of all three with ``reset``)."""
        User = get_user_model()
        admin = User.objects.filter(username="admin").first()
        created = {"admin": admin is None}
        if admin is None:
            admin = User.objects.create_superuser("admin", "admin@example.com", None)
        users = {"admin": admin}
        for username in ("author", "moderator"):
            users[username], created[username] = demo.demo_account(username)
        passwords = {}
        for username, user in users.items():
            if created[username] or reset:
                passwords[username] = secrets.token_urlsafe(12)
                user.set_password(passwords[username])
                user.save(update_fields=["password"])
        return passwords


def demo_modules():
    """The ``demo`` module of every installed app that has one."""
    modules = []
    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.demo") is not None:
            modules.append(importlib.import_module(f"{config.name}.demo"))
    return modules
