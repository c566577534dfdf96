import signal
import subprocess
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site (runserver) with one background worker beside it; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *, addrport, **options):
        manage = [sys.executable, sys.argv[0]]
        worker = subprocess.Popen([*manage, "db_worker"])  # noqa: S603 (our own manage.py)
        try:
            subprocess.call([*manage, "runserver", addrport])  # noqa: S603
        except KeyboardInterrupt:  # Ctrl-C reached the whole process group, the worker too
            pass
        finally:
            self.stop(worker)

    def stop(self, worker):
        try:
            worker.wait(timeout=5)
        except subprocess.TimeoutExpired:  # the server ended alone: ask the worker to stop
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
