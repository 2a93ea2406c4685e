"""Creating, running and recovering jobs.

Handlers are registered per job kind by the apps that own the work (``register_handler``)
and return the per-item results. An *atomic* handler runs inside the job's transaction, so
its work and the job's final status commit together (a killed worker leaves nothing). A
*batched* handler commits its work batch by batch through ``job_checkpoint``, which records
progress in the same transaction; run again, it resumes after the last checkpoint.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.errors import Conflict
from apps.jobs.models import Job, JobStatus

Results = list[dict[str, Any]]


@dataclass(frozen=True)
class Handler:
    run: Callable[[Job], Results]
    atomic: bool = True


_handlers: dict[str, Handler] = {}


class CheckpointConflict(Conflict):
    code = "job_checkpoint_conflict"


def register_handler(kind: str, run: Callable[[Job], Results], *, atomic: bool = True) -> None:
    _handlers[kind] = Handler(run, atomic)


def job_create(
    *,
    kind: str,
    payload: dict,
    total: int,
    actor: str = "",
    reference: str = "",
    queue: bool = True,
) -> Job:
    """Record a job and queue it in the same transaction: both happen or neither.

    With ``queue=False`` the job waits for confirmation (``job_enqueue``), e.g. an import
    whose preview the user has not confirmed yet.
    """
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            payload=payload,
            total=total,
            actor=actor,
            reference=reference,
            status=JobStatus.QUEUED if queue else JobStatus.PREVIEWED,
        )
        if queue:
            _enqueue(job)
    return job


def job_enqueue(*, job: Job) -> None:
    """Queue a job that was waiting for confirmation."""
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status=JobStatus.PREVIEWED).update(
            status=JobStatus.QUEUED
        )
        if updated:
            job.status = JobStatus.QUEUED
            _enqueue(job)


def _enqueue(job: Job) -> None:
    from apps.jobs.tasks import run_job

    job.queued_at = timezone.now()
    Job.objects.filter(pk=job.pk).update(queued_at=job.queued_at)
    run_job.enqueue(str(job.pk))


def job_run(*, job_id: str) -> str:
    """Run a job; a finished job is left alone, so a duplicate delivery is harmless.

    "running" is committed first, so it can be seen while the work goes on.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job.status
        job.status, job.started_at, job.attempts = (
            JobStatus.RUNNING,
            timezone.now(),
            job.attempts + 1,
        )
        job.save(update_fields=["status", "started_at", "attempts"])
    handler = _handlers[job.kind]
    if not handler.atomic:
        handler.run(job)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job.status
        if handler.atomic:
            job_finish(job=job, results=handler.run(job))
        else:
            job_finish(job=job, results=job.results, processed=job.processed)
    return job.status


def job_checkpoint(*, job: Job, done_before: int, done: int, results: Results) -> None:
    """Record a batch of ``done`` items of a batched job (``results``: those worth keeping,
    e.g. the errors), inside the batch's own transaction.

    Refuses (and so rolls the batch back) if another run already recorded this batch.
    """
    locked = Job.objects.select_for_update().only("processed", "results", "status").get(pk=job.pk)
    if locked.processed != done_before or locked.is_finished:
        raise CheckpointConflict(f"Job {job.pk} moved on to item {locked.processed}.")
    locked.results = locked.results + results
    locked.processed = done_before + done
    locked.save(update_fields=["results", "processed"])
    job.results, job.processed = locked.results, locked.processed


_FINISH_FIELDS = (
    "results",
    "processed",
    "failed_count",
    "succeeded_count",
    "status",
    "error",
    "finished_at",
)
"""What finishing writes: never the payload, which can be a whole spreadsheet."""


def job_finish(
    *, job: Job, results: Results, processed: int | None = None, error: str = ""
) -> None:
    """Record a job's results and final status (inside the caller's transaction).

    ``processed`` defaults to one item per result; items without a result succeeded.
    """
    processed = len(results) if processed is None else processed
    failed = sum(1 for result in results if result.get("status") == "error")
    job.results = results
    job.processed = processed
    job.failed_count = failed
    job.succeeded_count = processed - failed
    if not failed:
        job.status = JobStatus.SUCCEEDED
    elif failed == processed:
        job.status = JobStatus.FAILED
    else:
        job.status = JobStatus.PARTIALLY_FAILED
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=_FINISH_FIELDS)


def jobs_requeue_stalled(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Queue again the jobs that should have finished by now (their worker died mid-job).

    Safe because a job's work commits together with its final status: an unfinished job
    has left no trace, and ``job_run`` ignores a job that finished meanwhile.
    """
    cutoff = timezone.now() - older_than
    stalled = list(
        Job.objects.filter(
            Q(status=JobStatus.QUEUED, queued_at__lt=cutoff)
            | Q(status=JobStatus.RUNNING, started_at__lt=cutoff)
        ).only("pk")
    )
    for job in stalled:
        _enqueue(job)
    return len(stalled)
