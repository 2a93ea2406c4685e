"""API request bodies: read whatever their framing, and never past a size limit.

Django sizes a request body by ``CONTENT_LENGTH`` alone (0 when missing). A chunked body
(``Transfer-Encoding: chunked``, no Content-Length: what Node, Java's and Go's streaming
clients and .NET's ``PutAsJsonAsync`` send) reaches the application de-chunked in
``wsgi.input`` (gunicorn does that) but would read as empty, and an empty VTEX PUT is a count
of 0. So chunked API bodies are read here, up to the limit, and handed to Django as an
ordinary sized body; past the limit they get the same 413 as a declared oversized body.

DRF's parsers read the request stream directly, so Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``
(which guards ``request.body``) never applies to them: this middleware is that guard for
every framing, before anything else reads the body.
"""

from io import BytesIO

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import JsonResponse

from apps.api.errors import error_body, is_api_path

TOO_LARGE = "The request body is {length:,} bytes; the limit is {limit:,}."
CHUNKED_TOO_LARGE = "The request body (chunked) is over the limit of {limit:,} bytes."
READ_SIZE = 64 * 1024


class RequestSizeLimitMiddleware:
    """API bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` get a 413 in the error shape before
    anything reads them; chunked bodies are read (bounded) and then look like sized ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_path(request.path):
            return self.get_response(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if _is_chunked(request):
            body = _read_at_most(request.environ["wsgi.input"], limit)
            if body is None:
                message = CHUNKED_TOO_LARGE.format(limit=limit)
                details = {"Transfer-Encoding": "chunked", "limit": limit}
                return JsonResponse(error_body("request_too_large", message, details), status=413)
            _use_body(request, body)
        elif limit is not None:
            length = _content_length(request)
            if length > limit:
                message = TOO_LARGE.format(length=length, limit=limit)
                details = {"Content-Length": length, "limit": limit}
                return JsonResponse(error_body("request_too_large", message, details), status=413)
        return self.get_response(request)


def _is_chunked(request) -> bool:
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "")
    return "chunked" in encoding.lower() and not request.META.get("CONTENT_LENGTH")


def _read_at_most(stream, limit: int | None) -> bytes | None:
    """The whole stream, or None as soon as it is longer than ``limit`` bytes."""
    buffer = bytearray()
    while chunk := stream.read(READ_SIZE):
        buffer += chunk
        if limit is not None and len(buffer) > limit:
            return None
    return bytes(buffer)


def _use_body(request, body: bytes) -> None:
    """Make ``body`` the request's body, as if it had come with a Content-Length."""
    request.META["CONTENT_LENGTH"] = str(len(body))
    request._stream = LimitedStream(BytesIO(body), len(body))


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
