"""The API's endpoints, found by walking the root URL resolver, with their path parameters
filled in with the rows ``api_rows`` (tests/security/conftest.py) creates."""

import uuid

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter, UUIDConverter
from rest_framework.views import APIView

from apps.api.errors import api_not_found

PUBLIC = {"api-schema", "api-docs"}
"""The only endpoints anyone may read without credentials: the OpenAPI schema and its page."""
CATCH_ALL = {api_not_found}
"""Plain Django views allowed under /api/: the JSON 404 for paths no endpoint serves."""
SKU, WAREHOUSE, RESERVATION = "25", "wh", "order-1"


def api_patterns(patterns=None, prefix=""):
    """(route, URLPattern) of every pattern the root URLconf serves under /api/."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.lstrip("^").startswith("api/"):
            yield route, pattern


def plausible(name: str, converter) -> str:
    """A value for a path parameter that names a row the test created."""
    lowered = name.lower()
    if isinstance(converter, UUIDConverter):
        return str(uuid.uuid4())  # replaced by the job's id in ``endpoints``
    if isinstance(converter, IntConverter):
        return "1"
    for part, value in (("sku", SKU), ("warehouse", WAREHOUSE), ("reservation", RESERVATION)):
        if part in lowered:
            return value
    return "x"


def endpoints(job_id: str | None = None) -> list[tuple[str, str, type[APIView]]]:
    """(url name, path, view class) of every API endpoint, with its parameters filled in."""
    found = []
    for _route, pattern in api_patterns():
        view_class = getattr(pattern.callback, "cls", None)
        if view_class is None:
            assert pattern.callback in CATCH_ALL, f"{pattern} is not a DRF view: no API auth"
            continue
        assert issubclass(view_class, APIView)
        kwargs = {
            name: job_id if job_id and isinstance(conv, UUIDConverter) else plausible(name, conv)
            for name, conv in pattern.pattern.converters.items()
        }
        path = reverse(pattern.name, kwargs=kwargs)
        assert resolve(path).url_name == pattern.name, f"{path} reaches another endpoint"
        found.append((pattern.name, path, view_class))
    return found


def served_methods(view_class: type[APIView]) -> list[str]:
    view = view_class()  # as Django's View.setup does: HEAD is served wherever GET is
    methods = [m for m in view.http_method_names if hasattr(view, m)]
    return [m.upper() for m in (*methods, "head") if m != "head" or "get" in methods]
