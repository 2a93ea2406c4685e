"""Who is calling: an API key (VTEX's headers or a bearer token) or a staff session.

``X-VTEX-API-AppKey`` + ``X-VTEX-API-AppToken`` as VTEX does, or ``Authorization: Bearer
<token>``. One indexed query per request; ``last_used_at`` is written at most once a minute.
Requests without any of these headers fall through to the session (the browsable API).
"""

import hmac
from dataclasses import dataclass

from rest_framework import authentication, exceptions

from apps.api.models import ApiKey
from apps.api.services import api_key_touch, hash_token
from apps.api.throttling import AuthFailureLimit

APP_KEY_HEADER = "HTTP_X_VTEX_API_APPKEY"
APP_TOKEN_HEADER = "HTTP_X_VTEX_API_APPTOKEN"

INCOMPLETE_CREDENTIALS = "Send both X-VTEX-API-AppKey and X-VTEX-API-AppToken."
INVALID_CREDENTIALS = "Invalid API key or token."
KEY_REVOKED = "This API key has been revoked."

_KEY_COLUMNS = ("id", "app_key", "token_hash", "can_read", "can_write", "is_active", "last_used_at")
# Every API request runs this lookup: a raw query on a unique index (compiling the ORM query
# took longer than the database takes to answer it).
_LOOKUP = "SELECT {columns} FROM {table} WHERE {{column}} = %s".format(
    columns=", ".join(_KEY_COLUMNS), table=ApiKey._meta.db_table
)
_BY_APP_KEY = _LOOKUP.format(column="app_key")
_BY_TOKEN_HASH = _LOOKUP.format(column="token_hash")


@dataclass(frozen=True)
class ApiKeyUser:
    """``request.user`` of a request authenticated by an API key (not a Django user)."""

    app_key: str
    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False

    @property
    def username(self) -> str:
        return f"key:{self.app_key}"

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perms, obj=None) -> bool:
        return False


class ApiKeyAuthentication(authentication.BaseAuthentication):
    www_authenticate_realm = "api"

    def authenticate(self, request):
        meta = request.META
        app_key, token = meta.get(APP_KEY_HEADER), meta.get(APP_TOKEN_HEADER)
        scheme, _, bearer = meta.get("HTTP_AUTHORIZATION", "").partition(" ")
        if app_key is None and token is None and scheme.lower() != "bearer":
            return None
        failures = AuthFailureLimit(request)
        if failures.exceeded():
            raise failures.refusal()
        try:
            if app_key is None and token is None:
                return self._checked(api_key_for_bearer(bearer))
            if not app_key or not token:
                raise exceptions.AuthenticationFailed(
                    INCOMPLETE_CREDENTIALS, "incomplete_credentials"
                )
            return self._checked(api_key_for(app_key, token))
        except exceptions.AuthenticationFailed:
            failures.record_failure()
            raise

    def _checked(self, key: ApiKey | None):
        if key is None:
            raise exceptions.AuthenticationFailed(INVALID_CREDENTIALS, "invalid_credentials")
        if not key.is_active:
            raise exceptions.AuthenticationFailed(KEY_REVOKED, "key_revoked")
        api_key_touch(key=key)
        return ApiKeyUser(key.app_key), key

    def authenticate_header(self, request) -> str:
        return f'Bearer realm="{self.www_authenticate_realm}"'


def api_key_for(app_key: str, token: str) -> ApiKey | None:
    """The API key ``app_key`` names if ``token`` is its token (revoked or not), else None."""
    return _matching_key(_BY_APP_KEY, app_key, token)


def api_key_for_bearer(token: str) -> ApiKey | None:
    """The API key whose token is ``token`` (revoked or not), else None."""
    return _matching_key(_BY_TOKEN_HASH, hash_token(token.strip()), None)


def _matching_key(sql: str, value: str, token: str | None) -> ApiKey | None:
    """The key ``sql`` finds by ``value``, unless a ``token`` is given and is not its own."""
    key = next(iter(ApiKey.objects.raw(sql, [value])), None)
    if key is None or (
        token is not None and not hmac.compare_digest(key.token_hash, hash_token(token))
    ):
        return None
    return key


def actor_of(request) -> str:
    """How the ledger names who made a change: ``key:<app_key>`` or ``user:<username>``."""
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.app_key}"
    return f"user:{request.user.get_username()}"
