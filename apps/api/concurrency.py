"""Optimistic concurrency over HTTP (SPEC §5.3): an inventory's ETag is its version; a write
sent with ``If-Match`` applies only if the row is still at that version, else 412."""

import re
from contextlib import contextmanager

from apps.core.errors import ApplicationError
from apps.inventory.errors import StaleCount

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')

BAD_IF_MATCH = 'If-Match must be an ETag this API gave, e.g. "12", got {value!r}.'


class PreconditionFailed(ApplicationError):
    code = "precondition_failed"
    http_status = 412


class InvalidPrecondition(ApplicationError):
    code = "invalid_if_match"


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(request) -> int | None:
    """The version ``If-Match`` asks for, or None without the header."""
    value = request.headers.get("If-Match")
    if value is None:
        return None
    match = _ETAG.match(value)
    if not match:
        raise InvalidPrecondition(BAD_IF_MATCH.format(value=value), extra={"If-Match": value})
    return int(match.group(1))


@contextmanager
def if_match_precondition():
    """Turn a version mismatch into 412 Precondition Failed."""
    try:
        yield
    except StaleCount as stale:
        raise PreconditionFailed(stale.message, extra=stale.extra) from None
