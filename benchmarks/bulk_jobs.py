"""Bulk updates through the queue on PostgreSQL: 10,000 records in calls of 50.

Submits the calls through the real API view (validation, job creation, queueing), then
runs real worker processes (``manage.py db_worker --batch``) until the queue is empty.
Baseline: the same 10,000 records applied in one set-based call, without the queue.

    .venv/bin/python benchmarks/bulk_jobs.py [RECORDS] [WORKERS]
"""

import os
import subprocess
import sys
import time

from harness import ROOT, setup_django, timed

RECORDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
WORKERS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
CALL_SIZE = 50
url = setup_django("bulk_jobs")

from rest_framework.test import APIClient  # noqa: E402

from apps.api.services import api_key_create  # noqa: E402
from apps.catalog.models import SKU  # noqa: E402
from apps.inventory.models import Source  # noqa: E402
from apps.inventory.planning import StockChange  # noqa: E402
from apps.inventory.selectors import inventory_discrepancies  # noqa: E402
from apps.inventory.services import inventory_changes_apply  # noqa: E402
from apps.jobs.models import Job, JobStatus  # noqa: E402
from apps.warehouses.models import Warehouse  # noqa: E402

SKU.objects.bulk_create(SKU(sku_id=f"B{n}", name=f"SKU {n}") for n in range(RECORDS))
Warehouse.objects.create(warehouse_id="bench", name="Bench")
issued = api_key_create(name="bench", can_read=True, can_write=True)
client = APIClient()
client.credentials(HTTP_X_VTEX_API_APPKEY=issued.key.app_key, HTTP_X_VTEX_API_APPTOKEN=issued.token)


def records(start: int, on_hand: int) -> list[dict]:
    return [
        {"sku_id": f"B{n}", "warehouse_id": "bench", "on_hand": on_hand + n % 9}
        for n in range(start, min(start + CALL_SIZE, RECORDS))
    ]


print(f"{RECORDS:,} records in calls of {CALL_SIZE}, PostgreSQL, {WORKERS} worker process(es)")
with timed(f"submit {RECORDS // CALL_SIZE} calls (validate, record, queue; 202)", RECORDS):
    for start in range(0, RECORDS, CALL_SIZE):
        response = client.post(
            "/api/v1/inventories/bulk", {"records": records(start, 10)}, format="json"
        )
        assert response.status_code == 202, response.content

env = {**os.environ, "DATABASE_URL": url}
command = [
    sys.executable,
    "manage.py",
    "db_worker",
    "--batch",
    "--no-startup-delay",
    "--no-reload",
    "-v",
    "0",
]
start = time.perf_counter()
workers = [subprocess.Popen(command, cwd=ROOT, env=env) for _ in range(WORKERS)]
for worker in workers:
    worker.wait()
elapsed = time.perf_counter() - start
statuses = dict.fromkeys(JobStatus.values, 0)
for status in Job.objects.values_list("status", flat=True):
    statuses[status] += 1
print(
    f"{'workers drain the queue (apply every job, write results)':<58} {elapsed * 1000:>9,.0f} ms"
    f"  ({RECORDS / elapsed:,.0f} records/s)"
)
print(f"  jobs: {', '.join(f'{k} {v}' for k, v in statuses.items() if v)}")

with timed("baseline: the same records in one set-based call, no queue", RECORDS):
    inventory_changes_apply(
        changes=[StockChange(f"B{n}", "bench", quantity=20 + n % 9) for n in range(RECORDS)],
        source=Source.BULK,
    )
print(f"invariants: {len(inventory_discrepancies())} discrepancies")
