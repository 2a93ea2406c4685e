"""API keys for ERPs and integrations (SPEC §2, §5.3).

An ERP authenticates with ``X-VTEX-API-AppKey`` (the public ``app_key``) and
``X-VTEX-API-AppToken`` (the secret token), or ``Authorization: Bearer <token>``. Only the
SHA-256 of the token is stored: it is shown once, when the key is created, and cannot be
recovered. Tokens are long random strings, so a fast hash is enough (no password stretching,
which would cost milliseconds on every request). Rows are written by ``apps.api.services``.
"""

import secrets

from django.conf import settings
from django.db import models


def new_app_key() -> str:
    return f"ak-{secrets.token_hex(8)}"


class ApiKey(models.Model):
    app_key = models.CharField(
        "app key",
        max_length=64,
        unique=True,
        default=new_app_key,
        help_text="Public identifier, sent as X-VTEX-API-AppKey (a generated one is proposed).",
    )
    name = models.CharField(max_length=100, help_text='Who uses it, e.g. "ERP production".')
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField(
        max_length=8, editable=False, help_text="First characters of the token, to recognise it."
    )
    can_read = models.BooleanField("read scope", default=True, help_text="GET requests.")
    can_write = models.BooleanField(
        "write scope", default=False, help_text="PUT, PATCH, POST and DELETE requests."
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Revoked keys are refused (401)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Updated at most once a minute."
    )

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(app_key=""), name="api_key_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.app_key} · {self.name}"

    @property
    def scopes(self) -> list[str]:
        return [scope for scope, on in (("read", self.can_read), ("write", self.can_write)) if on]


class IdempotencyRecord(models.Model):
    """The first answer to an ``Idempotency-Key`` of one caller (``apps.api.idempotency``)."""

    caller = models.CharField(max_length=200)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField(null=True, help_text="None while in flight.")
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="idempotency_unique_caller_key")
        ]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"

    def finish(self, response, kept_headers) -> None:
        """Keep the answer to replay it."""
        self.status_code = response.status_code
        self.content_type = response.get("Content-Type", "")
        self.body = response.content
        self.headers = {name: response[name] for name in kept_headers if response.has_header(name)}
        self.save(update_fields=["status_code", "content_type", "body", "headers"])
