"""Reading the state of the queue: live workers, stalled jobs, what a job is waiting for."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from apps.jobs.models import Job, JobStatus, Worker

WAITING_FOR_A_WORKER = "Waiting for a worker"
WORKER_LOST = "Worker lost, retrying"
LEGACY_STALLED_AFTER = timedelta(minutes=5)
"""When a job run outside a worker (no heartbeat) counts as stalled."""


def live_workers(*, now: datetime) -> QuerySet[Worker]:
    """Workers heard from within ``JOBS_STALLED_AFTER``."""
    return Worker.objects.filter(last_seen_at__gte=now - settings.JOBS_STALLED_AFTER)


def stalled_jobs(*, now: datetime, legacy_after: timedelta) -> QuerySet[Job]:
    """Running jobs nobody is running any more: their worker is silent (or gone) for
    ``JOBS_STALLED_AFTER``, or it has beaten since the job started while reporting another
    job (the attempt ended without recording why, e.g. the database went away). A job run
    outside a worker (no ``worker_id``) is stalled after ``legacy_after``."""
    worker = Worker.objects.filter(worker_id=OuterRef("worker_id"))
    return (
        Job.objects.filter(status=JobStatus.RUNNING)
        .annotate(
            worker_seen=Subquery(worker.values("last_seen_at")[:1]),
            worker_job=Subquery(worker.values("job_id")[:1]),
        )
        .filter(
            Q(worker_id="", started_at__lt=now - legacy_after)
            | (
                ~Q(worker_id="")
                & (
                    Q(worker_seen__isnull=True)
                    | Q(worker_seen__lt=now - settings.JOBS_STALLED_AFTER)
                    | (
                        Q(worker_seen__gt=F("started_at"))
                        & (Q(worker_job__isnull=True) | ~Q(worker_job=F("pk")))
                    )
                )
            )
        )
    )


def job_activity(job: Job) -> str:
    """What an unfinished job is waiting for, in words ("" when nothing is wrong)."""
    now = timezone.now()
    if job.status == JobStatus.RUNNING:
        stalled = stalled_jobs(now=now, legacy_after=LEGACY_STALLED_AFTER).filter(pk=job.pk)
        return WORKER_LOST if stalled.exists() else ""
    if job.status != JobStatus.QUEUED:
        return ""
    notes = []
    if job.attempts and job.error:
        notes.append(
            f"Attempt {job.attempts} of {settings.JOBS_MAX_ATTEMPTS} failed ({job.error}); retrying"
        )
    if not live_workers(now=now).exists():
        notes.append(WAITING_FOR_A_WORKER)
    return ". ".join(notes)


def queue_health(*, now: datetime) -> dict:
    """The queue as ``/healthz`` reports it. ``stuck``: a job is stalled, or work due for
    longer than ``JOBS_STALLED_AFTER`` has no live worker to run it."""
    due = Job.objects.filter(status=JobStatus.QUEUED, queued_at__lte=now)
    oldest = due.order_by("queued_at").values_list("queued_at", flat=True).first()
    waited = int((now - oldest).total_seconds()) if oldest else 0
    stalled = stalled_jobs(now=now, legacy_after=LEGACY_STALLED_AFTER).count()
    workers = live_workers(now=now).count()
    return {
        "waiting": due.count(),
        "oldest_waiting_seconds": waited,
        "stalled": stalled,
        "workers": workers,
        "stuck": bool(stalled)
        or (not workers and waited > settings.JOBS_STALLED_AFTER.total_seconds()),
    }
