"""Running a job: the handler registered for its kind, checkpoints, results, failures.

Handlers are registered per job kind by the apps that own the work (``register_handler``)
and return the per-item results. An *atomic* handler runs inside the job's transaction, so
its work and the job's final status commit together (a killed worker leaves nothing). A
*batched* handler commits its work batch by batch through ``job_checkpoint``, which records
progress in the same transaction; run again, it resumes after the last checkpoint.

A handler that raises fails the attempt: the job waits for a retry with exponential backoff
(``job_attempt_failed``) and, after ``JOBS_MAX_ATTEMPTS``, fails for good with the reason.
This module knows nothing of the queue (``tasks`` queues the retries).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.errors import Conflict
from apps.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

Results = list[dict[str, Any]]
MAX_RETRY_DELAY = timedelta(minutes=15)


@dataclass(frozen=True)
class Handler:
    run: Callable[[Job], Results]
    atomic: bool = True


_handlers: dict[str, Handler] = {}


class CheckpointConflict(Conflict):
    code = "job_checkpoint_conflict"


def register_handler(kind: str, run: Callable[[Job], Results], *, atomic: bool = True) -> None:
    _handlers[kind] = Handler(run, atomic)


def job_run(*, job_id: str, worker_id: str = "") -> str:
    """Run one attempt of a job and return its status afterwards: finished, or ``queued``
    again (its ``queued_at`` is then when the retry is due).

    A finished job is left alone, so a duplicate delivery is harmless. "running" (with the
    worker and the attempt) is committed first, so it can be seen while the work goes on.
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job.status
        job.status, job.started_at, job.attempts, job.worker_id = (
            JobStatus.RUNNING,
            timezone.now(),
            job.attempts + 1,
            worker_id,
        )
        job.save(update_fields=["status", "started_at", "attempts", "worker_id"])
    try:
        return _run_handler(job, _handlers[job.kind])
    except Exception as error:  # the attempt failed; its work was rolled back
        logger.exception(
            "Job attempt failed",
            extra={"job_id": str(job_id), "kind": job.kind, "attempt": job.attempts},
        )
        with transaction.atomic():
            job_attempt_failed(
                job_id=job_id, attempt=job.attempts, reason=f"{type(error).__name__}: {error}"
            )
        return Job.objects.values_list("status", flat=True).get(pk=job_id)


def _run_handler(job: Job, handler: Handler) -> str:
    if not handler.atomic:
        handler.run(job)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_finished:
            return job.status
        if handler.atomic:
            job_finish(job=job, results=handler.run(job))
        else:
            job_finish(job=job, results=job.results, processed=job.processed)
    return job.status


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next attempt: the backoff, doubled for each attempt made after the
    first, at most ``MAX_RETRY_DELAY``."""
    return min(settings.JOBS_RETRY_BACKOFF * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY)


def job_attempt_failed(*, job_id: str, attempt: int, reason: str) -> datetime | None:
    """Record why attempt number ``attempt`` failed (inside the caller's transaction).

    Returns when the retry is due (the job is ``queued`` again until then), or None: the
    job failed for good (``JOBS_MAX_ATTEMPTS`` reached; ``error`` says why), or that
    attempt was already dealt with (the job finished or moved on to another attempt).
    """
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.status != JobStatus.RUNNING or job.attempts != attempt:
        return None
    now = timezone.now()
    if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
        job.status, job.finished_at = JobStatus.FAILED, now
        job.error = f"Gave up after {job.attempts} attempts. Last: {reason}"
        job.save(update_fields=["status", "finished_at", "error"])
        return None
    job.status, job.error, job.worker_id = JobStatus.QUEUED, reason, ""
    job.queued_at = now + retry_delay(job.attempts)
    job.save(update_fields=["status", "error", "worker_id", "queued_at"])
    return job.queued_at


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
