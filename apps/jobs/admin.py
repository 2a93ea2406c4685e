"""Jobs in the admin, read-only: status, what an unfinished job waits for (on its page, one
job at a time), why one failed."""

from django.contrib import admin

from apps.jobs.models import Job, Worker
from apps.jobs.selectors import job_activity


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("kind", "reference", "status", "attempts", "progress", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("reference", "actor")
    fields = (
        "id", "kind", "status", "activity", "error", "attempts", "worker_id", "actor",
        "reference", "total", "processed", "succeeded_count", "failed_count", "created_at",
        "queued_at", "started_at", "finished_at",
    )  # fmt: skip
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description="Activity")
    def activity(self, job: Job) -> str:
        return job_activity(job) or "-"

    @admin.display(description="Progress")
    def progress(self, job: Job) -> str:
        return f"{job.processed} / {job.total}"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "hostname", "pid", "started_at", "last_seen_at", "job_id")
    readonly_fields = list_display

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
