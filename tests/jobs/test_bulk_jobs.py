"""Bulk inventory jobs: pre-validation, a real worker, per-record results, recovery."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.inventory.bulk_jobs import BulkRejected, inventory_bulk_submit
from apps.inventory.models import Inventory, Movement
from apps.jobs.models import Job, JobStatus
from apps.jobs.runner import job_run
from apps.jobs.services import jobs_requeue_stalled
from apps.reservations.services import ItemRequest, reservation_create
from tests.factories import SKUFactory, WarehouseFactory, bulk_count_job, stocked


def run_worker() -> None:
    """The queue's own worker, in this process: runs everything queued, then returns.

    Tests using it need ``transaction=True``: the worker opens its own transactions.
    """
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("records", "detail"),
    [
        (
            [{"sku_id": "1", "warehouse_id": "w", "on_hand": 1, "available": 1}],
            {"0": ["Give exactly one of on_hand or available."]},
        ),
        (
            [{"sku_id": "1", "warehouse_id": "w"}],
            {"0": ["Give exactly one of on_hand or available."]},
        ),
        ([{"warehouse_id": "w", "on_hand": 1}], {"0": ["sku_id is required."]}),
    ],
)
def test_a_bad_record_refuses_the_whole_call_before_queueing(records, detail):
    good = {"sku_id": "2", "warehouse_id": "w", "on_hand": 3}

    with pytest.raises(BulkRejected) as refused:
        inventory_bulk_submit(records=records + [good])

    assert refused.value.code == "bulk_rejected"
    assert refused.value.extra["records"] == detail
    assert "nothing was queued: records 0." in refused.value.message
    assert not Job.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_more_than_fifty_records_are_refused():
    records = [{"sku_id": str(n), "warehouse_id": "w", "on_hand": 1} for n in range(51)]

    with pytest.raises(BulkRejected, match="At most 50 records per call, got 51."):
        inventory_bulk_submit(records=records)

    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_job_runs_in_a_worker_with_per_record_results():
    warehouse = WarehouseFactory(warehouse_id="bulk-wh")
    counted = stocked(10, warehouse=warehouse)
    ordered = stocked(10, warehouse=warehouse)
    reservation_create(items=[ItemRequest(ordered.sku.sku_id, "bulk-wh", 4)])
    new_sku = SKUFactory()

    job = inventory_bulk_submit(
        records=[
            {"sku_id": counted.sku.sku_id, "warehouse_id": "bulk-wh", "on_hand": 7},
            # The ERP already deducted its 4 ordered units: available 6 means total 10.
            {"sku_id": ordered.sku.sku_id, "warehouse_id": "bulk-wh", "available": 6},
            {
                "sku_id": new_sku.sku_id,
                "warehouse_id": "bulk-wh",
                "on_hand": 2,
                "lead_time": timedelta(days=2),
            },
            {"sku_id": "no-such-sku", "warehouse_id": "bulk-wh", "on_hand": 1},
        ],
        actor="key:ERP",
    )
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED

    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.PARTIALLY_FAILED
    assert (job.processed, job.succeeded_count, job.failed_count) == (4, 3, 1)
    assert [r["status"] for r in job.results] == ["changed", "unchanged", "changed", "error"]
    assert job.results[1]["total_quantity"] == 10
    assert job.results[3]["error"]["code"] == "unknown_sku"
    ordered.refresh_from_db()
    assert (ordered.total_quantity, ordered.reserved_quantity, ordered.available_quantity) == (
        10,
        4,
        6,
    )
    created = Inventory.objects.get(sku=new_sku, warehouse=warehouse)
    assert (created.total_quantity, created.lead_time) == (2, timedelta(days=2))
    movement = Movement.objects.get(inventory=created)
    assert (movement.source, movement.actor, movement.reference) == (
        "bulk",
        "key:ERP",
        f"job:{job.pk}",
    )


@pytest.mark.django_db
def test_running_a_finished_job_again_changes_nothing():
    inventory = stocked(10)
    job = bulk_count_job(inventory, 3)
    job_run(job_id=str(job.pk))

    status = job_run(job_id=str(job.pk))

    assert status == JobStatus.SUCCEEDED
    assert Movement.objects.filter(inventory=inventory).count() == 2


@pytest.mark.django_db(transaction=True)
def test_stalled_job_is_queued_again_and_finishes(settings):
    settings.JOBS_RETRY_BACKOFF = timedelta(0)
    inventory = stocked(10)
    job = bulk_count_job(inventory, 4)
    # Run outside a worker (no heartbeat), it died after marking it running: the queue
    # entry is gone with it.
    DBTaskResult.objects.all().delete()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, started_at=timezone.now() - timedelta(minutes=30)
    )

    assert jobs_requeue_stalled(older_than=timedelta(minutes=5)) == 1
    run_worker()

    job.refresh_from_db()
    inventory.refresh_from_db()
    assert (job.status, job.attempts, inventory.total_quantity) == (JobStatus.SUCCEEDED, 2, 4)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_job_runs_in_a_separate_worker_process():
    inventory = stocked(10)
    job = bulk_count_job(inventory, 8)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }

    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=120,
    )

    job.refresh_from_db()
    inventory.refresh_from_db()
    assert (job.status, inventory.total_quantity) == (JobStatus.SUCCEEDED, 8)
