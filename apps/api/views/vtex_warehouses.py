"""VTEX warehouse endpoints: create or update, list, get, delete, activation, deactivation."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import selectors
from apps.api.bodies import validated_body
from apps.api.serializers.vtex_warehouses import (
    VtexWarehouseSerializer,
    VtexWarehouseWriteSerializer,
)
from apps.api.views.base import WAREHOUSE_ID, errors
from apps.warehouses import services

TAGS = ["Warehouses"]
READ_PERMISSIONS = ("warehouses.view_warehouse",)


class Warehouses(APIView):
    session_read_permissions = READ_PERMISSIONS
    session_write_permissions = ("warehouses.add_warehouse", "warehouses.change_warehouse")

    @extend_schema(
        operation_id="AllWarehouses",
        summary="List all warehouses",
        description="A plain list (as VTEX's), by priority then id.",
        tags=TAGS,
        responses={200: VtexWarehouseSerializer(many=True), **errors()},
    )
    def get(self, request) -> Response:
        return Response(VtexWarehouseSerializer(selectors.vtex_warehouses(), many=True).data)

    @extend_schema(
        operation_id="Create/UpdateWarehouse",
        summary="Create or update warehouse",
        description=(
            "Creates the warehouse `id` or updates its name; `priority` and `isActive` change "
            "only when given (new warehouses: 0 and active). Loading docks are accepted and "
            "ignored."
        ),
        tags=TAGS,
        request=VtexWarehouseWriteSerializer,
        responses={200: VtexWarehouseSerializer, **errors(400)},
    )
    def post(self, request) -> Response:
        data = validated_body(request, VtexWarehouseWriteSerializer).validated_data
        warehouse, _ = services.warehouse_save(
            warehouse_id=data["id"],
            name=data["name"],
            priority=data.get("priority"),
            is_active=data.get("isActive"),
        )
        return Response(VtexWarehouseSerializer(warehouse).data)


class WarehouseDetail(APIView):
    session_read_permissions = READ_PERMISSIONS
    session_write_permissions = ("warehouses.delete_warehouse",)

    @extend_schema(
        operation_id="WarehouseById",
        summary="List warehouse by ID",
        tags=TAGS,
        parameters=[WAREHOUSE_ID],
        responses={200: VtexWarehouseSerializer, **errors(404)},
    )
    def get(self, request, warehouseId: str) -> Response:
        warehouse = selectors.vtex_warehouse(warehouse_id=warehouseId)
        return Response(VtexWarehouseSerializer(warehouse).data)

    @extend_schema(
        operation_id="RemoveWarehouse",
        summary="Remove warehouse",
        description=(
            "Refused with 422 `warehouse_has_stock` while any of its inventories has units "
            "counted or reserved, and with 422 `warehouse_has_history` once its stock has "
            "ledger movements (the ledger is kept forever: deactivate it instead)."
        ),
        tags=TAGS,
        parameters=[WAREHOUSE_ID],
        responses={
            200: OpenApiResponse(description="Deleted; empty body."),
            **errors(404, 409, 422),
        },
    )
    def delete(self, request, warehouseId: str) -> Response:
        services.warehouse_delete(warehouse_id=warehouseId)
        return Response(status=200)


class _WarehouseActiveView(APIView):
    session_write_permissions = ("warehouses.change_warehouse",)
    is_active: bool

    def post(self, request, warehouseId: str) -> Response:
        warehouse = services.warehouse_set_active(
            warehouse_id=warehouseId, is_active=self.is_active
        )
        return Response(VtexWarehouseSerializer(warehouse).data)


def _active_schema(operation_id: str, summary: str):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description="Idempotent; answers the warehouse.",
        tags=TAGS,
        parameters=[WAREHOUSE_ID],
        request=None,
        responses={200: VtexWarehouseSerializer, **errors(404)},
    )


class WarehouseActivation(_WarehouseActiveView):
    is_active = True

    @_active_schema("ActivateWarehouse", "Activate warehouse")
    def post(self, request, warehouseId: str) -> Response:
        return super().post(request, warehouseId)


class WarehouseDeactivation(_WarehouseActiveView):
    is_active = False

    @_active_schema("DeactivateWarehouse", "Deactivate warehouse")
    def post(self, request, warehouseId: str) -> Response:
        return super().post(request, warehouseId)
