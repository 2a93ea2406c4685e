"""``Idempotency-Key`` on every API write (SPEC §5.3).

The first response to a key is stored for ``API_IDEMPOTENCY_TTL`` and replayed unchanged
(with ``Idempotent-Replayed: true``) to a retry with the same key and the same request. The
same key with a different request is refused (422); a retry while the first is still being
processed is refused (409 with ``Retry-After``: the one refusal worth retrying). Keys
belong to the caller (API key or user), never shared; the app key is public, so its token
is checked before anything is claimed or replayed.
The claim of a key, the request and the storing of its answer run in one transaction, so a
write commits only together with the answer a retry will get, and a request that dies
releases its key. Answers that did not do anything (401, 403, 429, 5xx; a 5xx's writes are
rolled back) are not kept, so the retry runs.
"""

import hashlib
import re
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from apps.api.authentication import api_key_for, api_key_for_bearer
from apps.api.errors import API_PREFIX, error_body
from apps.api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
KEPT_HEADERS = ("ETag", "Location")
NOT_KEPT = {401, 403, 429}
ABANDONED_AFTER = timedelta(minutes=5)
IN_FLIGHT_RETRY_AFTER_SECONDS = 1
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")

BAD_KEY = "Idempotency-Key must be 1 to 255 visible ASCII characters."
KEY_REUSED = "This Idempotency-Key was used for a different request; use a new key."
IN_FLIGHT = "A request with this Idempotency-Key is still being processed; retry later."


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if (
            key is None
            or request.method not in WRITE_METHODS
            or not request.path.startswith(API_PREFIX)
        ):
            return self.get_response(request)
        if not _KEY.match(key):
            return JsonResponse(
                error_body("invalid_idempotency_key", BAD_KEY, {HEADER: key}), status=400
            )
        caller = _caller(request)
        if caller is None:  # credentials that do not check out: the view answers 401
            return self.get_response(request)
        fingerprint = request_fingerprint(request)
        # The claim, the request's writes and the answer kept for the key commit together:
        # a write is never applied without its answer (a retry would apply it again), and
        # a request that dies (its connection lost, its process killed) takes its claim
        # with it, so the retry runs at once.
        with transaction.atomic():
            record, answer = _claim(caller, key, fingerprint)
            if answer is not None:
                return answer
            response = self.get_response(request)
            if response.status_code < 500 and response.status_code not in NOT_KEPT:
                record.finish(response, KEPT_HEADERS)
            else:
                transaction.set_rollback(True)  # a 5xx may have written half of its work
        return response


LOCK_NOT_AVAILABLE = "55P03"
CLAIM_WAIT = "200ms"
"""How long a claim waits for another request holding the same key (PostgreSQL) before
answering 409. SQLite runs one write transaction at a time: the retry waits its turn and
gets the stored answer."""


def _claim(caller: str, key: str, fingerprint: str):
    """Claim the key in the current transaction, or say how to answer a repeat of it."""
    now = timezone.now()
    for _ in range(2):
        try:
            with transaction.atomic(), _waiting_at_most(CLAIM_WAIT):
                record = IdempotencyRecord.objects.create(
                    caller=caller,
                    key=key,
                    fingerprint=fingerprint,
                    expires_at=now + settings.API_IDEMPOTENCY_TTL,
                )
            return record, None
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            return None, _in_flight()  # another request holds the key
        except IntegrityError:
            record = IdempotencyRecord.objects.filter(caller=caller, key=key).first()
            if record is None:
                continue  # it was just removed; claim it again
            if record.expires_at <= now or (
                record.status_code is None and record.created_at <= now - ABANDONED_AFTER
            ):
                record.delete()  # expired, or left in flight by an earlier version
                continue
            if record.fingerprint != fingerprint:
                return None, JsonResponse(
                    error_body("idempotency_key_reused", KEY_REUSED), status=422
                )
            if record.status_code is None:
                return None, _in_flight()
            return None, _replay(record)
    return None, _in_flight()


@contextmanager
def _waiting_at_most(timeout: str):
    """On PostgreSQL, lock waits in the block give up after ``timeout`` (and raise)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{timeout}'")
        yield
        cursor.execute("SET LOCAL lock_timeout = DEFAULT")


def _in_flight() -> JsonResponse:
    response = JsonResponse(error_body("idempotency_in_flight", IN_FLIGHT), status=409)
    response["Retry-After"] = str(IN_FLIGHT_RETRY_AFTER_SECONDS)
    return response


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    for name, value in record.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _caller(request) -> str | None:
    """Who owns the key: the API key, however it was sent (VTEX's headers or a bearer
    token: one namespace per key), once its token checks out; else the session user.
    ``None`` for credentials that do not check out."""
    app_key = request.headers.get("X-VTEX-API-AppKey")
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    if app_key:
        key = api_key_for(app_key, request.headers.get("X-VTEX-API-AppToken", ""))
    elif scheme.lower() == "bearer":
        key = api_key_for_bearer(bearer)
    else:
        user = getattr(request, "user", None)
        return f"user:{user.pk}" if user is not None and user.is_authenticated else "anonymous"
    if key is None or not key.is_active:
        return None
    return f"key:{key.app_key}"[:200]


def request_fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path()):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def idempotency_records_prune() -> int:
    """Forget answers past their time to live (run periodically); return how many."""
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
