"""Retry jobs whose worker was lost and queue again jobs whose queue entry was lost (a
one-shot of what workers' heartbeats and ``run_periodic`` do continuously)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from apps.jobs.services import jobs_requeue_stalled


class Command(BaseCommand):
    help = (
        "Retry jobs whose worker was lost (silent for JOBS_STALLED_AFTER_SECONDS) and queue "
        "again jobs queued more than --minutes ago."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=float, default=5)

    def handle(self, *args, minutes: float, **options):
        count = jobs_requeue_stalled(older_than=timedelta(minutes=minutes))
        self.stdout.write(f"Queued {count} stalled job(s) again.")
