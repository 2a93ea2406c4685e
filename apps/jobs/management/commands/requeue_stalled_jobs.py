"""Queue again jobs whose worker died mid-job (run periodically beside the workers)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from apps.jobs.services import jobs_requeue_stalled


class Command(BaseCommand):
    help = "Queue again jobs still queued or running after --minutes (their worker died)."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=float, default=5)

    def handle(self, *args, minutes: float, **options):
        count = jobs_requeue_stalled(older_than=timedelta(minutes=minutes))
        self.stdout.write(f"Queued {count} stalled job(s) again.")
