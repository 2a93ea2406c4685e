"""Jobs that fail or lose their worker: capped attempts with backoff, heartbeats, health."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.api.services import api_key_create
from apps.inventory import bulk_jobs
from apps.inventory.models import Inventory, Movement
from apps.jobs.models import Job, JobStatus, Worker
from apps.jobs.runner import retry_delay
from apps.jobs.selectors import WAITING_FOR_A_WORKER, WORKER_LOST, job_activity
from apps.jobs.services import job_create, jobs_requeue_stalled
from tests.api.conftest import key_client
from tests.factories import bulk_count_job, stocked
from tests.jobs.test_bulk_jobs import run_worker
from tests.servers import database_url

HEARTBEAT_SECONDS, STALLED_AFTER_SECONDS = 1, 3


def corrupt_bulk_job(actor: str = "") -> Job:
    """A bulk job whose handler raises: its stored record lacks ``on_hand``."""
    return job_create(
        kind=bulk_jobs.KIND,
        payload={"records": [{"sku_id": "1", "warehouse_id": "w"}]},
        total=1,
        actor=actor,
    )


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_stops_after_its_cap_with_its_reason(settings):
    settings.JOBS_MAX_ATTEMPTS = 3
    settings.JOBS_RETRY_BACKOFF = timedelta(0)  # retries due at once, so one worker run sees all
    key = api_key_create(name="ERP", can_read=True)
    job = corrupt_bulk_job(actor=f"key:{key.key.app_key}")  # a job is visible to its creator only

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert job.error == "Gave up after 3 attempts. Last: KeyError: 'on_hand'"
    assert DBTaskResult.objects.count() == 3  # one queue entry per attempt, none left
    shown = key_client(key).get(f"/api/v1/jobs/{job.pk}")
    assert {k: shown.json()[k] for k in ("status", "attempts", "error", "activity")} == {
        "status": "failed",
        "attempts": 3,
        "error": job.error,
        "activity": "",
    }


@pytest.mark.django_db(transaction=True)
def test_a_failed_attempt_waits_for_its_backoff_and_says_why(settings):
    settings.JOBS_RETRY_BACKOFF = timedelta(seconds=30)
    job = corrupt_bulk_job()

    run_worker()  # runs the first attempt; the retry is not due yet

    job.refresh_from_db()
    retry = DBTaskResult.objects.ready().exists(), DBTaskResult.objects.order_by("-enqueued_at")[0]
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)
    assert retry[0] is False and retry[1].run_after == job.queued_at > timezone.now()
    assert job_activity(job) == (
        f"Attempt 1 of 5 failed (KeyError: 'on_hand'); retrying. {WAITING_FOR_A_WORKER}"
    )


def test_retry_delays_double_up_to_fifteen_minutes(settings):
    settings.JOBS_RETRY_BACKOFF = timedelta(seconds=10)

    delays = [retry_delay(attempts).total_seconds() for attempts in range(1, 9)]

    assert delays == [10, 20, 40, 80, 160, 320, 640, 900]


@pytest.mark.django_db
def test_health_fails_while_the_queue_is_stuck(client):
    job = bulk_count_job(stocked(1), 2)
    Job.objects.filter(pk=job.pk).update(queued_at=timezone.now() - timedelta(minutes=2))

    no_worker = client.get("/healthz")
    Worker.objects.create(
        worker_id="w1", hostname="h", pid=1, started_at=timezone.now(), last_seen_at=timezone.now()
    )
    busy_worker = client.get("/healthz")
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, worker_id="w0", started_at=timezone.now()
    )
    lost_worker = client.get("/healthz")

    assert no_worker.status_code == 503
    assert no_worker.json()["status"] == "stuck"
    assert no_worker.json()["queue"]["waiting"] == 1
    assert no_worker.json()["queue"]["oldest_waiting_seconds"] >= 120
    assert (no_worker.json()["queue"]["stalled"], no_worker.json()["queue"]["workers"]) == (0, 0)
    assert busy_worker.status_code == 200
    assert busy_worker.json()["queue"]["workers"] == 1
    assert lost_worker.status_code == 503
    assert lost_worker.json()["queue"] == {
        "waiting": 0,
        "oldest_waiting_seconds": 0,
        "stalled": 1,
        "workers": 1,
    }


def _worker_env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "JOBS_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "JOBS_STALLED_AFTER_SECONDS": str(STALLED_AFTER_SECONDS),
        "JOBS_RETRY_BACKOFF_SECONDS": "0",
    }


def _wait_for(predicate, seconds: float) -> float | None:
    """Poll until ``predicate()``; return how long it took, None if it never held."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.2)
    return None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_job_is_seen_as_stalled_within_the_window_then_finishes_once(
    settings, client
):
    settings.JOBS_STALLED_AFTER = timedelta(seconds=STALLED_AFTER_SECONDS)
    settings.JOBS_RETRY_BACKOFF = timedelta(0)
    inventory = stocked(10)
    job = bulk_count_job(inventory, 4)
    manage = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]

    with transaction.atomic():  # hold the row, so the worker's job waits mid-run
        Inventory.objects.select_for_update().get(pk=inventory.pk)
        worker = subprocess.Popen(manage, cwd=django_settings.BASE_DIR, env=_worker_env())
        try:
            running = _wait_for(
                lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).exists(), 60
            )
            assert running is not None, "the worker never started the job"
            alive = _wait_for(lambda: Worker.objects.filter(job_id=job.pk).exists(), 10)
            assert alive is not None and job_activity(Job.objects.get(pk=job.pk)) == ""
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        seen_after = _wait_for(
            lambda: job_activity(Job.objects.get(pk=job.pk)) == WORKER_LOST,
            STALLED_AFTER_SECONDS + 2 * HEARTBEAT_SECONDS + 5,
        )
        assert seen_after is not None, "the killed worker's job was never seen as stalled"
        health = client.get("/healthz")
        assert health.status_code == 503
        assert (health.json()["queue"]["stalled"], health.json()["queue"]["workers"]) == (1, 0)

    assert jobs_requeue_stalled() == 1
    subprocess.run(
        [*manage, "--batch"], cwd=django_settings.BASE_DIR, env=_worker_env(), check=True,
        timeout=120,
    )  # fmt: skip

    job.refresh_from_db()
    inventory.refresh_from_db()
    assert (job.status, job.attempts, inventory.total_quantity) == (JobStatus.SUCCEEDED, 2, 4)
    assert Movement.objects.filter(inventory=inventory).count() == 2  # stocked, then once
