"""Creating, queueing, recovering and pruning jobs (running them: ``apps.jobs.runner``)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.jobs.models import Job, JobStatus, Worker
from apps.jobs.runner import job_attempt_failed
from apps.jobs.selectors import LEGACY_STALLED_AFTER, stalled_jobs
from apps.jobs.tasks import enqueue_job


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
    job.queued_at = timezone.now()
    Job.objects.filter(pk=job.pk).update(queued_at=job.queued_at)
    enqueue_job(str(job.pk))


def jobs_retry_lost(*, legacy_after: timedelta = LEGACY_STALLED_AFTER) -> int:
    """Retry the jobs whose worker was lost (see ``selectors.stalled_jobs``), counting it as
    a failed attempt, so a job that kills its worker each time ends ``failed``.

    Safe because a job's work commits together with its final status (or its checkpoint):
    an unfinished attempt has left no trace, and ``job_run`` ignores a finished job.
    Each worker's heartbeat runs it; ``job_attempt_failed`` makes sure only one retries.
    """
    stalled = stalled_jobs(now=timezone.now(), legacy_after=legacy_after)
    count = 0
    for job in stalled.only("pk", "attempts", "worker_id"):
        reason = f"Worker {job.worker_id or '(unknown)'} lost while running it."
        with transaction.atomic():
            retry_at = job_attempt_failed(job_id=str(job.pk), attempt=job.attempts, reason=reason)
            if retry_at:
                enqueue_job(str(job.pk), run_after=retry_at)
        count += 1
    return count


def jobs_requeue_stalled(*, older_than: timedelta = LEGACY_STALLED_AFTER) -> int:
    """``jobs_retry_lost``, then queue again the jobs queued more than ``older_than`` ago
    (their queue entry may have been lost); return how many jobs in all."""
    count = jobs_retry_lost(legacy_after=older_than)
    cutoff = timezone.now() - older_than
    for job in Job.objects.filter(status=JobStatus.QUEUED, queued_at__lt=cutoff).only("pk"):
        _enqueue(job)
        count += 1
    return count


def jobs_prune() -> dict[str, int]:
    """Delete what is kept only for a while: import previews never confirmed
    (``JOBS_PREVIEW_RETENTION``), finished queue entries (``JOBS_TASK_RESULT_RETENTION``)
    and workers silent for as long. Jobs themselves and their results are kept."""
    now = timezone.now()
    previews, _ = Job.objects.filter(
        status=JobStatus.PREVIEWED, created_at__lt=now - settings.JOBS_PREVIEW_RETENTION
    ).delete()
    old = now - settings.JOBS_TASK_RESULT_RETENTION
    results, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=old
    ).delete()
    workers, _ = Worker.objects.filter(last_seen_at__lt=old).delete()
    return {"import previews": previews, "task results": results, "workers": workers}
