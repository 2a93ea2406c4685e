"""One JSON error shape for every 4xx and 5xx of the API (SPEC §5.3)::

    {"code": "unknown_sku", "message": "SKU '25' does not exist.", "details": {...}}

``code`` is stable, ``message`` is for people, ``details`` names fields (``{"quantity":
["…"]}``) or carries the error's extra values. ``api_exception_handler`` is DRF's exception
handler; the ``*_handler`` views are the root URLconf's handlers, answering JSON under
``/api/`` and Django's usual pages elsewhere, so no HTML page and no stack trace ever comes
back from the API.
"""

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from apps.core.errors import ApplicationError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

SERVER_ERROR = "Internal server error; it has been logged."
NOT_FOUND = "No API endpoint at {path}."
INVALID_INPUT = "Invalid input: {summary}"

# Codes of DRF's exceptions, stable whatever DRF's own wording.
_CODES: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ParseError, "malformed_json"),
    (exceptions.ValidationError, "validation_error"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "rate_limited"),
]


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}


def api_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's ``EXCEPTION_HANDLER``: every exception becomes the error shape."""
    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        view = context.get("view")
        logger.exception("Unhandled error in %s", type(view).__name__ if view else "API view")
        set_rollback()
        return Response(
            error_body("server_error", SERVER_ERROR), status=status.HTTP_500_INTERNAL_SERVER_ERROR
        )
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    set_rollback()
    return Response(_describe(exc), status=exc.status_code, headers=headers)


def _describe(exc: exceptions.APIException) -> dict[str, Any]:
    code = next((code for cls, code in _CODES if isinstance(exc, cls)), exc.default_code)
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        details = _plain(detail if isinstance(detail, dict) else {"non_field_errors": detail})
        return error_body(code, INVALID_INPUT.format(summary=_summary(details)), details)
    # A specific code given where the exception is raised (e.g. "key_revoked") wins.
    specific = getattr(detail, "code", None)
    if specific and specific != exc.default_code:
        code = specific
    return error_body(code, str(detail))


def _plain(detail: Any) -> Any:
    """ErrorDetail trees as plain strings, lists and dicts."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(value) for value in detail]
    return str(detail)


def _summary(details: Any) -> str:
    """``quantity: must be …; warehouseDocks[0].dockId: …`` from nested details."""
    return "; ".join(f"{name}: {text}" if name else text for name, text in _flatten(details))


def _flatten(details: Any, prefix: str = ""):
    if isinstance(details, dict):
        for key, value in details.items():
            name = prefix if key == "non_field_errors" else f"{prefix}.{key}" if prefix else key
            yield from _flatten(value, name)
    elif isinstance(details, list) and all(isinstance(item, str) for item in details):
        yield prefix, " ".join(details)
    elif isinstance(details, list):
        for index, item in enumerate(details):
            if item:
                yield from _flatten(item, f"{prefix}[{index}]")
    else:
        yield prefix, str(details)


def is_api_path(path: str) -> bool:
    """Under /api/, in any case (``/API/…`` gets the API's JSON errors too)."""
    return path[: len(API_PREFIX)].lower() == API_PREFIX


def _is_api(request) -> bool:
    return is_api_path(request.path)


@csrf_exempt  # a 404 whatever the method; CSRF would answer an HTML 403 first
def api_not_found(request, *args, **kwargs) -> HttpResponse:
    """Any path under /api/ (in any case) that no endpoint serves; a path that only has a
    trailing slash too many is served by its endpoint (ERPs often add one)."""
    if request.path_info.endswith("/"):
        match = _resolve(request.path_info.rstrip("/"))
        if match is not None and match.func is not api_not_found:
            request.resolver_match = match
            return match.func(request, *match.args, **match.kwargs)
    return JsonResponse(
        error_body("not_found", NOT_FOUND.format(path=request.path)),
        status=status.HTTP_404_NOT_FOUND,
    )


def _resolve(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


def not_found_handler(request, exception=None):
    if _is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error_handler(request):
    if _is_api(request):
        return JsonResponse(error_body("server_error", SERVER_ERROR), status=500)
    return defaults.server_error(request)


def bad_request_handler(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("bad_request", "Bad request."), status=400)
    return defaults.bad_request(request, exception)


def permission_denied_handler(request, exception=None):
    if _is_api(request):
        return JsonResponse(
            error_body("permission_denied", "You do not have permission to do this."), status=403
        )
    return defaults.permission_denied(request, exception)


def csrf_failure_handler(request, reason=""):
    """``CSRF_FAILURE_VIEW``: JSON under /api/ (DRF's views check CSRF themselves)."""
    if _is_api(request):
        return JsonResponse(error_body("permission_denied", f"CSRF failed: {reason}"), status=403)
    return csrf.csrf_failure(request, reason)
