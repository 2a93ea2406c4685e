"""What every API view shares: documented error responses and the write-path helpers.

A new endpoint is an ``APIView`` subclass: authentication (API key or staff session),
scopes (``HasScope``), the per-key rate limit and the error shape come from
``REST_FRAMEWORK`` in settings. Set ``session_write_permissions`` to the model permissions
a staff session user needs to write through it; decorate handlers with ``extend_schema``
and ``errors(...)`` so the schema lists each status they can answer.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from apps.api.serializers.errors import ErrorSerializer

_MEANINGS = {
    400: "Malformed JSON, wrong types, out-of-range values (details name the fields).",
    401: "No valid credentials (missing, wrong or revoked API key).",
    403: "The key lacks the scope (read for GET, write otherwise).",
    404: "Unknown SKU, warehouse or path.",
    409: "idempotency_in_flight: the same Idempotency-Key is still running; retry after "
    "Retry-After (the only refusal worth retrying besides 429 and 5xx).",
    412: "If-Match no longer matches the inventory's ETag (it changed since you read it).",
    422: "Refused by a rule (insufficient_stock, stale_balance, invalid_transition, "
    "reservation_exists, …): final, nothing changed; do not retry.",
    429: "Rate limit of the key exceeded; see Retry-After.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Documented error responses: 401, 403 and 429 always, plus ``statuses``."""
    codes = sorted({401, 403, 429, *statuses})
    return {
        code: OpenApiResponse(response=ErrorSerializer, description=_MEANINGS[code])
        for code in codes
    }


SKU_ID = OpenApiParameter(
    "skuId",
    str,
    OpenApiParameter.PATH,
    description="The SKU's id (its `sku_id`).",
    examples=[OpenApiExample("SKU", value="25")],
)
WAREHOUSE_ID = OpenApiParameter(
    "warehouseId",
    str,
    OpenApiParameter.PATH,
    description="The warehouse's id (its `warehouse_id`).",
    examples=[OpenApiExample("Warehouse", value="store-warehouse")],
)
