"""Operational endpoints."""

from datetime import timedelta

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


@never_cache
@require_GET
def health(request):
    """200 when the database answers and the job queue is readable, 503 otherwise.

    Reports the queue's backlog and the age of its oldest waiting task, so a stuck or
    missing worker shows up in monitoring.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        checks["queue"] = {
            "waiting": waiting.count(),
            "oldest_waiting_seconds": int((timezone.now() - oldest) / timedelta(seconds=1))
            if oldest
            else 0,
        }
    except Exception as error:  # any failure is reported as unhealthy, never raised
        return JsonResponse({"status": "unavailable", "error": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", **checks})
