"""Set up and run everything for a local try-out: the README's first command ends here."""

import atexit
import secrets
import signal
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Migrate, load demo data, print a login, start a worker and serve the app "
        "(development only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up, then exit.")

    def handle(self, *args, addrport: str, no_serve: bool, **options):
        if not settings.DEBUG:
            raise CommandError("quickstart is for development; deploy as the README describes.")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", stdout=self.stdout)
        password = self._demo_login()
        host = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nAdmin: http://{host}/admin/  user: {DEMO_USERNAME}  password: {password}\n"
            )
        )
        if not no_serve:
            self._start_background_processes()
            call_command("runserver", addrport, use_reloader=False)

    def _start_background_processes(self) -> None:
        """A job worker and the periodic maintenance loop, stopped with the server."""
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        processes = [
            subprocess.Popen([*manage, "db_worker", "--no-reload", "--verbosity", "0"]),
            subprocess.Popen([*manage, "run_periodic", "--every", "30"]),
        ]
        self.stdout.write("Started a job worker and the periodic maintenance loop.")
        atexit.register(lambda: [process.terminate() for process in processes])
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so atexit runs on kill too

    def _demo_login(self) -> str:
        """A superuser with a fresh random password each run (local development only)."""
        password = secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"email": "admin@example.com"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return password
