"""Operational endpoints."""

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.jobs.selectors import queue_health


@never_cache
@require_GET
def health(request):
    """200 when the database answers and the job queue moves; 503 when the database does
    not answer or the queue is stuck (a stalled job, or due work and no live worker).

    Reports the queue: jobs waiting and the age of the oldest, stalled jobs, live workers.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        queue = queue_health(now=timezone.now())
    except Exception as error:  # any failure is reported as unhealthy, never raised
        return JsonResponse({"status": "unavailable", "error": type(error).__name__}, status=503)
    stuck = queue.pop("stuck")
    return JsonResponse(
        {"status": "stuck" if stuck else "ok", "database": "ok", "queue": queue},
        status=503 if stuck else 200,
    )
