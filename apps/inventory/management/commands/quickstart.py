"""Set up and run everything for a local try-out: the README's first command ends here."""

import secrets
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from apps.core.supervisor import Supervisor

DEMO_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Migrate, load demo data, print a login, then run the web server, a job worker and "
        "the periodic maintenance loop, restarting any that exits (development only)."
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
            self._supervise(addrport)

    def _supervise(self, addrport: str) -> None:
        """Run the web server, a job worker and the periodic maintenance loop; restart any
        that exits (SQLite's lock timeouts, a crash, a kill) and say so; stop all on Ctrl+C."""
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        Supervisor(
            {
                "web server": [*manage, "runserver", addrport, "--noreload"],
                "job worker": [*manage, "db_worker", "--no-reload", "--verbosity", "0"],
                "periodic maintenance": [*manage, "run_periodic", "--every", "30"],
            },
            report=self._report,
        ).run()

    def _report(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

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
