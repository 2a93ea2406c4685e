"""VTEX inventory endpoints (SPEC §5.1): the ERP's PUT of a balance, its PATCHes, and reads.

Writes go through ``apps.inventory.services.inventory_change_apply`` with source ``api``
and the caller as actor; refusals come back as the error shape (404 unknown SKU or
warehouse, 422 ``stale_balance``, …).
"""

from dataclasses import replace

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import selectors
from apps.api.authentication import actor_of
from apps.api.bodies import validated_body
from apps.api.concurrency import expected_version, if_match_precondition
from apps.api.serializers.vtex_inventory import (
    VtexInventoryUpdateSerializer,
    VtexItemInventorySerializer,
    VtexLeadTimeUpdateSerializer,
    VtexQuantityUpdateSerializer,
    VtexSkuInventorySerializer,
)
from apps.api.views.base import SKU_ID, WAREHOUSE_ID, errors
from apps.inventory.models import Source
from apps.inventory.services import inventory_change_apply

TAGS = ["Inventory"]
READ_PERMISSIONS = ("inventory.view_inventory",)
WRITE_PERMISSIONS = ("inventory.update_count",)


def _apply(request, serializer_class, sku_id: str, warehouse_id: str) -> None:
    """Validate the body and apply it; with ``If-Match``, only if the row is at that version."""
    serializer = validated_body(request, serializer_class)
    change = replace(
        serializer.stock_change(sku_id, warehouse_id), expected_version=expected_version(request)
    )
    with if_match_precondition():
        inventory_change_apply(change=change, source=Source.API, actor=actor_of(request))


class InventoryBySkuAndWarehouse(APIView):
    session_write_permissions = WRITE_PERMISSIONS

    @extend_schema(
        operation_id="UpdateInventoryBySkuandWarehouse",
        summary="Update inventory by SKU and warehouse",
        description=(
            "Sets the counted total (SPEC §3) as of `dateUtcOnBalanceSystem` (now when null "
            "or empty; no offset means UTC). Missing or null fields take VTEX's defaults: "
            "quantity 0, unlimitedQuantity false, leadTime 0. A balance older than the "
            "stored one is refused with 422 `stale_balance`."
        ),
        tags=TAGS,
        parameters=[SKU_ID, WAREHOUSE_ID],
        request=VtexInventoryUpdateSerializer,
        examples=[
            OpenApiExample(
                "VTEX's example",
                value={
                    "quantity": 202,
                    "unlimitedQuantity": False,
                    "dateUtcOnBalanceSystem": "2024-06-13T00:52:16",
                    "leadTime": "10.10:00:00",
                },
                request_only=True,
            )
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.BOOL, "Always `true`."),
            **errors(400, 404, 409, 412, 422),
        },
    )
    def put(self, request, skuId: str, warehouseId: str) -> Response:
        _apply(request, VtexInventoryUpdateSerializer, skuId, warehouseId)
        return Response(True)


class InventoryQuantity(APIView):
    session_write_permissions = WRITE_PERMISSIONS

    @extend_schema(
        operation_id="UpdateInventoryQuantityBySkuandWarehouse",
        summary="Update inventory quantity by SKU and warehouse",
        description=(
            "A count of `quantity` as of `dateUtcOnBalanceSystem`; `unlimitedQuantity` "
            "changes the flag only when given; the lead time is kept."
        ),
        tags=TAGS,
        parameters=[SKU_ID, WAREHOUSE_ID],
        request=VtexQuantityUpdateSerializer,
        examples=[
            OpenApiExample(
                "A count",
                value={"quantity": 201, "unlimitedQuantity": False},
                request_only=True,
            )
        ],
        responses={
            204: OpenApiResponse(description="Applied."),
            **errors(400, 404, 409, 412, 422),
        },
    )
    def patch(self, request, skuId: str, warehouseId: str) -> Response:
        _apply(request, VtexQuantityUpdateSerializer, skuId, warehouseId)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InventoryLeadTime(APIView):
    session_write_permissions = WRITE_PERMISSIONS

    @extend_schema(
        operation_id="UpdateInventoryLeadTimeBySkuandWarehouse",
        summary="Update inventory lead time by SKU and warehouse",
        description="`DD.HH:MM:SS` or `DD`; empty or malformed is refused (400).",
        tags=TAGS,
        parameters=[SKU_ID, WAREHOUSE_ID],
        request=VtexLeadTimeUpdateSerializer,
        examples=[OpenApiExample("8 days", value={"leadTime": "8.00:00:00"}, request_only=True)],
        responses={204: OpenApiResponse(description="Applied."), **errors(400, 404, 412)},
    )
    def patch(self, request, skuId: str, warehouseId: str) -> Response:
        _apply(request, VtexLeadTimeUpdateSerializer, skuId, warehouseId)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InventoryBySku(APIView):
    session_read_permissions = READ_PERMISSIONS

    @extend_schema(
        operation_id="InventoryBySku",
        summary="List inventory by SKU",
        description="Every warehouse with an inventory row for the SKU.",
        tags=TAGS,
        parameters=[SKU_ID],
        responses={200: VtexSkuInventorySerializer, **errors(404)},
    )
    def get(self, request, skuId: str) -> Response:
        return Response(VtexSkuInventorySerializer(selectors.vtex_sku_balance(sku_id=skuId)).data)


class InventoryPerWarehouse(APIView):
    session_read_permissions = READ_PERMISSIONS

    @extend_schema(
        operation_id="Inventoryperwarehouse",
        summary="List inventory by SKU per warehouse",
        description="A one-item list; a pair never counted reads as zero stock.",
        tags=TAGS,
        parameters=[SKU_ID, WAREHOUSE_ID],
        responses={200: VtexItemInventorySerializer(many=True), **errors(404)},
    )
    def get(self, request, skuId: str, warehouseId: str) -> Response:
        item = selectors.vtex_item_inventory(sku_id=skuId, warehouse_id=warehouseId)
        return Response([VtexItemInventorySerializer(item).data])
