"""The one queued task: run a job by id with the handler registered for its kind."""

from datetime import datetime

from django_tasks import TaskContext, task

from apps.jobs.heartbeat import working_on
from apps.jobs.models import Job, JobStatus
from apps.jobs.runner import job_run


@task(takes_context=True)
def run_job(context: TaskContext, job_id: str) -> str:
    worker_ids = context.task_result.worker_ids
    with working_on(job_id):
        status = job_run(job_id=job_id, worker_id=worker_ids[-1] if worker_ids else "")
    if status == JobStatus.QUEUED:  # the attempt failed: retry when the backoff is over
        retry_at = Job.objects.values_list("queued_at", flat=True).get(pk=job_id)
        enqueue_job(job_id, run_after=retry_at)
    return status


def enqueue_job(job_id: str, *, run_after: datetime | None = None) -> None:
    """Queue a run of the job, at once or from ``run_after``."""
    run_job.using(run_after=run_after).enqueue(job_id)
