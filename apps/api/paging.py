"""VTEX's paged lists: ``{"items": [...], "paging": {"page", "perPage", "total", "pages"}}``
with ``?page=`` (from 1) and ``?perPage=`` (1 to ``MAX_PER_PAGE``), as VTEX's Logistics
lists answer them (and vtexpy's ``VTEXPaginatedItemsResponse`` reads them). A page past the
last one is empty; a ``page`` or ``perPage`` that is not a whole number in range is a 400
naming it."""

from collections.abc import Callable, Sequence
from math import ceil
from typing import Any

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from apps.core.numbers import parse_whole_number

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
MAX_PAGE = 10**9
BAD_PARAMETER = "{name} must be one whole number from 1 to {limit}."

PAGE_PARAMETERS = [
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        OpenApiParameter.QUERY,
        description="Page number, from 1 (default 1).",
    ),
    OpenApiParameter(
        "perPage",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        OpenApiParameter.QUERY,
        description=f"Items per page, 1 to {MAX_PER_PAGE} (default {DEFAULT_PER_PAGE}).",
    ),
]


def _parameter(request, name: str, default: int, limit: int) -> int:
    values = request.query_params.getlist(name)
    if not values:
        return default
    value = parse_whole_number(values[0]) if len(values) == 1 else None
    if value is None or not 1 <= value <= limit:
        raise ValidationError({name: [BAD_PARAMETER.format(name=name, limit=limit)]})
    return value


def vtex_page(request, rows: Sequence, shape: Callable[[Any], dict]) -> dict[str, Any]:
    """The page of ``rows`` the request asks for, each shaped by ``shape``."""
    page = _parameter(request, "page", 1, MAX_PAGE)
    per_page = _parameter(request, "perPage", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    start = (page - 1) * per_page
    return {
        "items": [shape(row) for row in rows[start : start + per_page]],
        "paging": {
            "page": page,
            "perPage": per_page,
            "total": len(rows),
            "pages": ceil(len(rows) / per_page),
        },
    }


def vtex_page_schema(item_serializer: type[serializers.Serializer]) -> serializers.Serializer:
    """The schema of a page of ``item_serializer``."""
    return inline_serializer(
        name=f"{item_serializer.__name__.removesuffix('Serializer')}Page",
        fields={
            "items": item_serializer(many=True),
            "paging": inline_serializer(
                name="VtexPaging",
                fields={
                    "page": serializers.IntegerField(),
                    "perPage": serializers.IntegerField(),
                    "total": serializers.IntegerField(),
                    "pages": serializers.IntegerField(),
                },
            ),
        },
    )
