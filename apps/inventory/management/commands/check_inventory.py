"""Verify the stock invariants; with --repair, fix them with reconcile movements."""

from django.core.management.base import BaseCommand, CommandError

from apps.inventory.selectors import inventory_discrepancies
from apps.inventory.services import inventory_reconcile


class Command(BaseCommand):
    help = (
        "Check that every inventory's total equals the sum of its movement deltas and that "
        "its reserved quantity equals what active reservations and allocations hold."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Append a reconcile movement for each mismatch (totals are kept, reserved is "
            "recomputed).",
        )

    def handle(self, *args, repair: bool, **options):
        found = inventory_reconcile() if repair else inventory_discrepancies()
        for d in found:
            self.stdout.write(d.describe() + (" (repaired)" if repair else ""))
        if not found:
            self.stdout.write(
                self.style.SUCCESS("OK: every inventory matches its ledger and reservations.")
            )
        elif not repair:
            raise CommandError(f"{len(found)} inventories break an invariant.")
