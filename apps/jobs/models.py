"""Background jobs (bulk updates, large imports): what was asked, how far it got, results.

The queue (django-tasks, database backend) only carries a job id; the job row is the truth.
A job's work and its final status are committed in one transaction, so a worker killed
mid-job leaves the job unfinished and safe to run again (see ``jobs_requeue_stalled``).
Workers record a heartbeat (``Worker``), so a job whose worker died is seen within seconds.
"""

import uuid

from django.db import models


class JobStatus(models.TextChoices):
    PREVIEWED = "previewed", "Awaiting confirmation"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIALLY_FAILED = "partially_failed", "Partially failed"
    FAILED = "failed", "Failed"


FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.PARTIALLY_FAILED, JobStatus.FAILED)


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=32, db_index=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    actor = models.CharField(max_length=150, blank=True)
    reference = models.CharField(
        max_length=255, blank=True, help_text="e.g. the uploaded file name."
    )
    payload = models.JSONField(default=dict, blank=True)
    results = models.JSONField(default=list, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    succeeded_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the last attempt failed, if it did.")
    attempts = models.PositiveIntegerField(default=0)
    worker_id = models.CharField(
        max_length=64, blank=True, help_text="The worker running it (its heartbeat row)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def progress_percent(self) -> int:
        return (
            100 if self.is_finished else int(100 * self.processed / self.total) if self.total else 0
        )


class Worker(models.Model):
    """A live job worker process: its heartbeat thread updates ``last_seen_at`` every
    ``JOBS_HEARTBEAT_SECONDS``; a worker silent for ``JOBS_STALLED_AFTER`` is lost."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)
    job_id = models.UUIDField(null=True, blank=True, help_text="The job it was running then.")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
