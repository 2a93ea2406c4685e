"""Reservations on PostgreSQL: the last-units race and single-item reservation throughput.

    .venv/bin/python benchmarks/reservations.py

Race: 50 threads, each with its own connection, reserve 1 of the last 10 units, 5 rounds.
Throughput: 1,000 single-item reservations spread over 100 SKUs, one after another and
from 4 threads; baseline: the same number of plain INCREMENT stock changes.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from harness import setup_django

setup_django("reservations")

from django.db import connection  # noqa: E402

from apps.catalog.models import SKU  # noqa: E402
from apps.inventory.errors import InsufficientStock  # noqa: E402
from apps.inventory.models import Inventory, Source  # noqa: E402
from apps.inventory.planning import Operation, StockChange  # noqa: E402
from apps.inventory.selectors import inventory_discrepancies  # noqa: E402
from apps.inventory.services import inventory_changes_apply  # noqa: E402
from apps.reservations.services import ItemRequest, reservation_create  # noqa: E402
from apps.warehouses.models import Warehouse  # noqa: E402

SKU.objects.bulk_create(SKU(sku_id=f"r{n}", name=f"SKU {n}") for n in range(100))
Warehouse.objects.create(warehouse_id="bench", name="Bench")


def threaded(tasks, workers):
    barrier = Barrier(workers)

    def run(chunk):
        barrier.wait()
        results = []
        for task in chunk:
            try:
                results.append(task())
            except InsufficientStock as refused:
                results.append(refused)
        connection.close()
        return results

    chunks = [tasks[i::workers] for i in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        return [r for chunk in pool.map(run, chunks) for r in chunk]


print("race: 50 clients each reserve 1 of the last 10 units")
for round_ in range(5):
    sku = f"r{round_}"
    inventory_changes_apply(changes=[StockChange(sku, "bench", quantity=10)], source=Source.SYSTEM)
    task = lambda sku=sku: reservation_create(items=[ItemRequest(sku, "bench", 1)])  # noqa: E731
    results = threaded([task] * 50, 50)
    refused = sum(isinstance(r, InsufficientStock) for r in results)
    row = Inventory.objects.get(sku__sku_id=sku)
    print(
        f"  round {round_ + 1}: {50 - refused} succeeded, {refused} refused; "
        f"total {row.total_quantity}, reserved {row.reserved_quantity}, "
        f"available {row.available_quantity}"
    )

inventory_changes_apply(
    changes=[StockChange(f"r{n}", "bench", quantity=100_000) for n in range(100)],
    source=Source.SYSTEM,
)


def measure(label, tasks, workers):
    start = time.perf_counter()
    if workers == 1:
        for task in tasks:
            task()
    else:
        threaded(tasks, workers)
    elapsed = time.perf_counter() - start
    print(f"  {label:<52} {len(tasks) / elapsed:>8,.0f} /s  ({elapsed:.2f} s)")


reserve = [
    lambda n=n: reservation_create(items=[ItemRequest(f"r{n % 100}", "bench", 1)])
    for n in range(1000)
]
increment = [
    lambda n=n: inventory_changes_apply(
        changes=[StockChange(f"r{n % 100}", "bench", Operation.INCREMENT, 1)], source=Source.API
    )
    for n in range(1000)
]
print("throughput: 1,000 single-item reservations over 100 SKUs")
measure("reservations, 1 client", reserve, 1)
measure("reservations, 4 clients", reserve, 4)
measure("baseline: single INCREMENT stock changes, 1 client", increment, 1)
print(f"invariants: {len(inventory_discrepancies())} discrepancies")
