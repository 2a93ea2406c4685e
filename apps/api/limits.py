"""A size limit on API request bodies.

DRF's parsers read the request stream directly, so Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``
(which guards ``request.body``) never applies to them: without this, a multi-megabyte body
is read and parsed in full before any validation refuses it.
"""

from django.conf import settings
from django.http import JsonResponse

from apps.api.errors import API_PREFIX, error_body

TOO_LARGE = "The request body is {length:,} bytes; the limit is {limit:,}."


class RequestSizeLimitMiddleware:
    """API requests declaring a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` get a 413 in the
    error shape before anything reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and request.path.startswith(API_PREFIX):
            length = _content_length(request)
            if length > limit:
                message = TOO_LARGE.format(length=length, limit=limit)
                details = {"Content-Length": length, "limit": limit}
                return JsonResponse(error_body("request_too_large", message, details), status=413)
        return self.get_response(request)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
