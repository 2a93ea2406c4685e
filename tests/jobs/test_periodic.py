"""The periodic maintenance command expires reservations, requeues stalled jobs and prunes
what is kept only for a while."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.api.models import IdempotencyRecord
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_create
from apps.reservations.models import ReservationStatus
from apps.reservations.services import ItemRequest, reservation_create
from tests.factories import bulk_count_job, stocked


@pytest.mark.django_db
def test_one_round_expires_overdue_reservations_and_requeues_stalled_jobs(capsys):
    inventory = stocked(5)
    reservation = reservation_create(
        items=[ItemRequest(inventory.sku.sku_id, inventory.warehouse.warehouse_id, 2)],
        ttl=timedelta(microseconds=1),
    )
    job = bulk_count_job(inventory, 1)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )

    call_command("run_periodic", "--once")

    assert "Expired 1 reservation(s); queued 1 stalled job(s) again;" in capsys.readouterr().out
    reservation.refresh_from_db()
    inventory.refresh_from_db()
    assert reservation.status == ReservationStatus.EXPIRED
    assert inventory.reserved_quantity == 0


@pytest.mark.django_db(transaction=True)
def test_a_round_prunes_old_previews_and_finished_queue_entries_and_keeps_recent_ones(
    capsys, settings
):
    inventory = stocked(5)
    old = timezone.now() - timedelta(days=30)
    stale_preview = job_create(kind="import", payload={"rows": []}, total=0, queue=False)
    fresh_preview = job_create(kind="import", payload={"rows": []}, total=0, queue=False)
    Job.objects.filter(pk=stale_preview.pk).update(created_at=old)
    finished = bulk_count_job(inventory, 1)
    finished_entry = DBTaskResult.objects.get()
    pending = bulk_count_job(inventory, 2)
    DBTaskResult.objects.filter(pk=finished_entry.pk).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=old
    )
    expired_key = IdempotencyRecord.objects.create(
        caller="key:x", key="k1", fingerprint="f", expires_at=old
    )

    call_command("run_periodic", "--once")

    assert (
        "pruned 1 import previews, 1 task results, 0 workers, 1 idempotency keys."
        in capsys.readouterr().out
    )
    assert set(Job.objects.values_list("pk", flat=True)) == {
        fresh_preview.pk, finished.pk, pending.pk
    }  # fmt: skip
    assert DBTaskResult.objects.count() == 1
    assert not IdempotencyRecord.objects.filter(pk=expired_key.pk).exists()
