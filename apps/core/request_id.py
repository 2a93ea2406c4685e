"""A request id on every request, response and log line, so one request can be followed
through the web and the logs. A sane incoming ``X-Request-ID`` (from a proxy) is kept."""

import re
import uuid
from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
HEADER = "X-Request-ID"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _SANE.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        request.request_id = request_id
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response
