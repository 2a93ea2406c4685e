"""The periodic maintenance command expires reservations and requeues stalled jobs."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.jobs.models import Job, JobStatus
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

    assert "Expired 1 reservation(s); queued 1 stalled job(s) again." in capsys.readouterr().out
    reservation.refresh_from_db()
    inventory.refresh_from_db()
    assert reservation.status == ReservationStatus.EXPIRED
    assert inventory.reserved_quantity == 0
