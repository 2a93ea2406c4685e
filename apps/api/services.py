"""Writes to API keys: creation (the token is returned once), revocation, last use."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.api.models import ApiKey, new_app_key

LAST_USED_RESOLUTION = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per key, not on every request."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(40)


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    token: str
    """The secret: shown once, never stored."""


def api_key_create(
    *,
    name: str,
    can_read: bool = True,
    can_write: bool = False,
    created_by=None,
    app_key: str = "",
) -> IssuedKey:
    """Create a key with a fresh token; the token is only in the return value."""
    token = new_token()
    key = ApiKey.objects.create(
        app_key=app_key or new_app_key(),
        name=name,
        token_hash=hash_token(token),
        token_hint=token[:6],
        can_read=can_read,
        can_write=can_write,
        created_by=created_by,
    )
    return IssuedKey(key=key, token=token)


def api_keys_revoke(*, keys) -> int:
    """Revoke keys for good (issue a new one instead of reactivating); returns how many."""
    with transaction.atomic():
        return keys.filter(is_active=True).update(is_active=False, revoked_at=timezone.now())


def api_key_touch(*, key: ApiKey, now: datetime | None = None) -> bool:
    """Record a use of ``key`` if the last recorded one is older than the resolution.

    One conditional UPDATE at most once a minute per key (per process that notices), so the
    hot path of the API does not write on every request.
    """
    now = now or timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_RESOLUTION:
        return False
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now
    return True
