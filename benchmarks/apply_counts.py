"""How long the set-based count service takes for 10,000 rows on PostgreSQL.

Baseline: the naive per-row way (lock one row, save it, create one movement), measured on
1,000 rows in the same run.

    .venv/bin/python benchmarks/apply_counts.py [ROWS]
"""

import sys

from harness import setup_django, timed

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
setup_django("apply_counts")

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.catalog.models import SKU  # noqa: E402
from apps.inventory.models import Inventory, Movement, Source  # noqa: E402
from apps.inventory.planning import StockChange  # noqa: E402
from apps.inventory.selectors import inventory_discrepancies  # noqa: E402
from apps.inventory.services import inventory_changes_apply  # noqa: E402
from apps.warehouses.models import Warehouse  # noqa: E402

SKU.objects.bulk_create(SKU(sku_id=str(n), name=f"SKU {n}") for n in range(ROWS + 1000))
Warehouse.objects.create(warehouse_id="bench", name="Bench")


def counts(quantity: int, first: int = 0, rows: int = ROWS) -> list[StockChange]:
    return [
        StockChange(str(n), "bench", quantity=quantity + n % 7) for n in range(first, first + rows)
    ]


print(f"set-based inventory_changes_apply, {ROWS:,} counts, PostgreSQL")
with timed(f"  first count (creates {ROWS:,} rows)", ROWS):
    inventory_changes_apply(changes=counts(10), source=Source.BULK)
with timed(f"  recount of {ROWS:,} existing rows", ROWS):
    inventory_changes_apply(changes=counts(20), source=Source.BULK)
with timed("  same counts again (all unchanged, no writes but balances)", ROWS):
    plan = inventory_changes_apply(changes=counts(20), source=Source.BULK)
assert len(plan.unchanged) == ROWS

baseline_rows = 1000
inventory_changes_apply(changes=counts(1, ROWS, baseline_rows), source=Source.BULK)
print(f"baseline: per-row lock + save + movement, {baseline_rows:,} rows")
with timed(f"  per-row loop over {baseline_rows:,} rows", baseline_rows), transaction.atomic():
    for n in range(ROWS, ROWS + baseline_rows):
        inv = Inventory.objects.select_for_update().get(
            sku__sku_id=str(n), warehouse__warehouse_id="bench"
        )
        before = inv.total_quantity
        inv.total_quantity = 50
        inv.version += 1
        inv.save()
        Movement.objects.create(
            inventory=inv,
            kind="count",
            source="bulk",
            total_before=before,
            total_after=50,
            reserved_before=0,
            reserved_after=0,
            delta=50 - before,
            unlimited_after=False,
            lead_time_after=inv.lead_time,
            created_at=timezone.now(),
        )
print(
    f"ledger check: {len(inventory_discrepancies())} discrepancies; "
    f"{Movement.objects.count():,} movements"
)
