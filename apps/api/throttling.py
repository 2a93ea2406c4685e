"""Rate limit per API key (or per session user): 429 with Retry-After (SPEC §5.3).

The rate comes from ``settings.API_RATE_LIMIT`` (e.g. ``"6000/min"``; empty turns it off).
Each key counts its requests in a fixed window (one minute for ``/min``) with the cache's
atomic ``incr``, so concurrent requests never overwrite each other's counts (DRF's own
throttle reads, appends and writes back a list: four concurrent clients got 30 requests
through a limit of 20). Counts live in Django's cache: shared by every process and machine
with ``REDIS_URL``, per process with the in-process default. A fixed window lets through
at most twice the rate across a window boundary. While the cache is unreachable (Redis
restarting) requests are served unlimited and a warning is logged, rather than refused.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from apps.api.models import ApiKey

logger = logging.getLogger(__name__)


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_rate(self) -> str | None:
        return settings.API_RATE_LIMIT or None

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiKey):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.app_key}
        if request.user and request.user.is_authenticated:
            return self.cache_format % {"scope": "session", "ident": request.user.pk}
        return None

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        try:
            return self._count(f"{self.key}:{int(self.now // self.duration)}")
        except Exception:  # the cache (Redis) is unreachable: serve rather than fail
            logger.warning("Rate limit not checked: the cache is unavailable", exc_info=True)
            return True

    def _count(self, window: str) -> bool:
        self.cache.add(window, 0, self.duration)
        try:
            count = self.cache.incr(window)
        except ValueError:  # the window expired between add and incr: a new one starts
            self.cache.add(window, 1, self.duration)
            count = 1
        return count <= self.num_requests

    def wait(self) -> float:
        """Seconds until the current window ends (``Retry-After``)."""
        return self.duration - self.now % self.duration


AUTH_FAILURES_EXCEEDED = (
    "Too many failed authentication attempts from this address; retry in {wait} s."
)


class AuthFailureLimit:
    """Failed authentication attempts per client address (``REMOTE_ADDR``), at most
    ``settings.API_AUTH_FAILURE_RATE`` (e.g. ``"30/min"``; empty turns it off). Past it, every
    request with credentials from that address is refused (429, ``Retry-After``) until the
    window ends, right ones too, so guessing tokens gets nowhere. Counted in fixed windows in
    Django's cache (shared between processes when ``CACHES`` is)."""

    def __init__(self, request):
        rate = settings.API_AUTH_FAILURE_RATE
        self.limit, self.duration = SimpleRateThrottle.parse_rate(None, rate) if rate else (0, 0)
        now = time.time()
        window = int(now // self.duration) if self.duration else 0
        self.wait = math.ceil(self.duration - now % self.duration) if self.duration else 0
        address = request.META.get("REMOTE_ADDR", "")
        self.key = f"api-auth-failures:{address}:{window}"

    def exceeded(self) -> bool:
        if not self.limit:
            return False
        try:
            return cache.get(self.key, 0) >= self.limit
        except Exception:  # the cache (Redis) is unreachable: serve rather than fail
            logger.warning("Auth failure limit not checked: no cache", exc_info=True)
            return False

    def record_failure(self) -> None:
        if not self.limit:
            return
        try:
            cache.add(self.key, 0, self.duration + 1)
            try:
                cache.incr(self.key)
            except ValueError:  # expired between add and incr
                cache.set(self.key, 1, self.duration + 1)
        except Exception:  # the cache (Redis) is unreachable: the failure goes uncounted
            logger.warning("Auth failure not counted: the cache is unavailable", exc_info=True)

    def refusal(self) -> exceptions.Throttled:
        return exceptions.Throttled(self.wait, AUTH_FAILURES_EXCEEDED.format(wait=self.wait))
