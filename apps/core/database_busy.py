"""SQLite allows one writer at a time: a write that waited out the busy timeout
(``DJANGO_SQLITE_TIMEOUT``) answers 503 with a clear message, never a debug page or a bare
server error. Its transaction was rolled back, so nothing changed. (PostgreSQL has no such
error: writers wait for row locks only.)"""

import logging

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

DATABASE_BUSY = (
    "The database is busy with another write (an import, perhaps) and this request waited "
    "too long for it. Nothing was changed: try again in a moment."
)
RETRY_AFTER_SECONDS = "5"


def is_database_busy(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and "database is locked" in str(error)


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_busy(exception):
            return None
        logger.warning(
            "Database busy: %s %s gave up waiting for the write lock", request.method, request.path
        )
        headers = {"Retry-After": RETRY_AFTER_SECONDS}
        if request.path.startswith("/api/"):
            body = {"code": "database_busy", "message": DATABASE_BUSY, "details": {}}
            return JsonResponse(body, status=503, headers=headers)
        page = render_to_string("core/database_busy.html", {"message": DATABASE_BUSY})
        return HttpResponse(page, status=503, headers=headers)
