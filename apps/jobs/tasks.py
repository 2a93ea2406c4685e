"""The one queued task: run a job by id with the handler registered for its kind."""

from django_tasks import task

from apps.jobs.services import job_run


@task()
def run_job(job_id: str) -> str:
    return job_run(job_id=job_id)
