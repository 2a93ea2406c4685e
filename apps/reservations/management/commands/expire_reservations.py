"""Expire overdue authorized reservations once (for cron; ``run_periodic`` loops)."""

from django.core.management.base import BaseCommand

from apps.reservations.services import reservations_expire


class Command(BaseCommand):
    help = "Expire overdue authorized reservations and release their stock."

    def handle(self, *args, **options):
        self.stdout.write(f"Expired {reservations_expire()} reservation(s).")
