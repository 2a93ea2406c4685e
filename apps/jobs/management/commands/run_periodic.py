"""Periodic maintenance in one long-running process: expire overdue reservations, retry
jobs whose worker was lost, prune what is kept only for a while (import previews, finished
queue entries, expired idempotency keys). Run one beside the workers (cron-style one-shots
exist too: ``expire_reservations``, ``requeue_stalled_jobs``)."""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from apps.api.idempotency import idempotency_records_prune
from apps.jobs.services import jobs_prune, jobs_requeue_stalled
from apps.reservations.services import reservations_expire


class Command(BaseCommand):
    help = "Every --every seconds: expire reservations, retry stalled jobs, prune old records."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=30)
        parser.add_argument(
            "--stalled-minutes",
            type=float,
            default=5,
            help="Queue again jobs queued this long ago whose queue entry was lost (jobs of "
            "lost workers are retried after JOBS_STALLED_AFTER_SECONDS).",
        )
        parser.add_argument("--once", action="store_true", help="Run one round, then exit.")

    def handle(self, *args, every: float, stalled_minutes: float, once: bool, **options):
        while True:
            expired = reservations_expire()
            requeued = jobs_requeue_stalled(older_than=timedelta(minutes=stalled_minutes))
            pruned = jobs_prune()
            pruned["idempotency keys"] = idempotency_records_prune()
            if expired or requeued or any(pruned.values()) or once:
                pruned_text = ", ".join(f"{count} {what}" for what, count in pruned.items())
                self.stdout.write(
                    f"Expired {expired} reservation(s); queued {requeued} stalled job(s) "
                    f"again; pruned {pruned_text}."
                )
            if once:
                return
            close_old_connections()
            time.sleep(every)
