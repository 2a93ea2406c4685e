"""Rate limit per API key (or per session user): 429 with Retry-After (SPEC §5.3).

The rate comes from ``settings.API_RATE_LIMIT`` (e.g. ``"6000/min"``; empty turns it off).
Counts live in Django's cache: with the default in-process cache each worker process counts
on its own, so the effective limit is the rate times the number of web processes; configure
a shared cache (``CACHES``) to make it exact.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from apps.api.models import ApiKey


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
