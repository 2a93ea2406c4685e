"""Native API v1: catalog reads, inventories (Webflow-style updates, Elastic Path
transactions, ETag/If-Match), Sellbrite-style bulk jobs and the ledger (SPEC §5.2)."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.authentication import actor_of
from apps.api.bodies import validated_body
from apps.api.concurrency import etag, expected_version, if_match_precondition
from apps.api.filters import InventoryFilter, MovementFilter, SkuFilter, WarehouseFilter
from apps.api.serializers import v1
from apps.api.views.base import errors
from apps.catalog.models import SKU
from apps.core.numbers import parse_whole_number
from apps.inventory.bulk_jobs import KIND as BULK_KIND
from apps.inventory.bulk_jobs import inventory_bulk_submit
from apps.inventory.errors import UNKNOWN_SKU, UNKNOWN_WAREHOUSE, UnknownSku, UnknownWarehouse
from apps.inventory.models import Inventory, Movement, Source
from apps.inventory.services import inventory_change_apply
from apps.jobs.models import Job
from apps.warehouses.models import Warehouse

READ_PERMISSIONS = ("inventory.view_inventory",)
WRITE_PERMISSIONS = ("inventory.update_count",)
BAD_PAGE_SIZE = "page_size must be one whole number from 1 to {limit}."


class ById(CursorPagination):
    """Stable pages over big tables without counting them; a bad ``page_size`` is a 400."""

    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        size = parse_whole_number(raw[0]) if len(raw) == 1 else None
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [BAD_PAGE_SIZE.format(limit=self.max_page_size)]}
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


class NewestFirst(ById):
    ordering = "-pk"


class SkuList(generics.ListAPIView):
    session_read_permissions = ("catalog.view_sku",)
    serializer_class = v1.SkuSerializer
    queryset = SKU.objects.all()
    pagination_class = ById
    filterset_class = SkuFilter

    @extend_schema(
        tags=["Catalog"], responses={200: v1.SkuSerializer(many=True), **errors(400, 404)}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WarehouseList(generics.ListAPIView):
    session_read_permissions = ("warehouses.view_warehouse",)
    serializer_class = v1.WarehouseSerializer
    queryset = Warehouse.objects.all()
    pagination_class = ById
    filterset_class = WarehouseFilter

    @extend_schema(
        tags=["Catalog"], responses={200: v1.WarehouseSerializer(many=True), **errors(400, 404)}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class InventoryList(generics.ListAPIView):
    session_read_permissions = READ_PERMISSIONS
    serializer_class = v1.InventorySerializer
    queryset = Inventory.objects.with_related()
    pagination_class = ById
    filterset_class = InventoryFilter

    @extend_schema(
        tags=["Inventory v1"],
        responses={200: v1.InventorySerializer(many=True), **errors(400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _inventory(sku_id: str, warehouse_id: str) -> Inventory:
    """The row, or the service's own 404 errors naming what is unknown."""
    inventory = (
        Inventory.objects.with_related()
        .filter(sku__sku_id=sku_id, warehouse__warehouse_id=warehouse_id)
        .first()
    )
    if inventory is not None:
        return inventory
    if not SKU.objects.filter(sku_id=sku_id).exists():
        raise UnknownSku(UNKNOWN_SKU.format(sku_id=sku_id), extra={"sku_id": sku_id})
    if not Warehouse.objects.filter(warehouse_id=warehouse_id).exists():
        raise UnknownWarehouse(
            UNKNOWN_WAREHOUSE.format(warehouse_id=warehouse_id),
            extra={"warehouse_id": warehouse_id},
        )
    return Inventory(
        sku=SKU.objects.get(sku_id=sku_id),
        warehouse=Warehouse.objects.get(warehouse_id=warehouse_id),
    )


def _with_etag(inventory: Inventory, code: int = status.HTTP_200_OK) -> Response:
    response = Response(v1.InventorySerializer(inventory).data, status=code)
    response["ETag"] = etag(inventory.version)
    return response


class InventoryDetail(APIView):
    """One SKU in one warehouse: read it (with its ETag) or update it, Webflow-style."""

    session_read_permissions = READ_PERMISSIONS

    session_write_permissions = WRITE_PERMISSIONS

    @extend_schema(tags=["Inventory v1"], responses={200: v1.InventorySerializer, **errors(404)})
    def get(self, request, sku_id: str, warehouse_id: str) -> Response:
        return _with_etag(_inventory(sku_id, warehouse_id))

    @extend_schema(
        tags=["Inventory v1"],
        description=(
            "Exactly one of `quantity` (set the total, as of now) or `updateQuantity` (a signed "
            "delta; the total may not go below 0). `inventoryType` `infinite` makes the stock "
            "unlimited, `finite` limited. Send `If-Match` with the ETag to refuse the update "
            "(412) if the row changed since you read it."
        ),
        request=v1.INVENTORY_UPDATE_DOC,
        responses={
            200: v1.InventorySerializer,
            **errors(400, 404, 409, 412, 422),
        },
    )
    def patch(self, request, sku_id: str, warehouse_id: str) -> Response:
        serializer = validated_body(request, v1.InventoryUpdateSerializer)
        with if_match_precondition():
            inventory_change_apply(
                change=serializer.stock_change(sku_id, warehouse_id, expected_version(request)),
                source=Source.API,
                actor=actor_of(request),
            )
        return _with_etag(_inventory(sku_id, warehouse_id))


class Transactions(APIView):
    """Elastic Path's stock transactions on one SKU in one warehouse."""

    session_write_permissions = WRITE_PERMISSIONS

    @extend_schema(
        tags=["Inventory v1"],
        description=(
            "`increment` / `decrement` the total, `allocate` stock without an order (it counts "
            "as reserved) or `deallocate` it. 422 `insufficient_stock` when a decrement or an "
            "allocation exceeds what is available, `exceeds_allocated` when a deallocation "
            "exceeds what is allocated; nothing changes then."
        ),
        request=v1.TransactionSerializer,
        responses={
            201: v1.TransactionOutSerializer,
            **errors(400, 404, 412, 422),
        },
    )
    def post(self, request, sku_id: str, warehouse_id: str) -> Response:
        serializer = validated_body(request, v1.TransactionSerializer)
        with transaction.atomic(), if_match_precondition():
            outcome = inventory_change_apply(
                change=serializer.stock_change(sku_id, warehouse_id, expected_version(request)),
                source=Source.API,
                actor=actor_of(request),
            )
            # Still inside the transaction holding the row lock: the newest movement is ours.
            movement = (
                Movement.objects.select_related("inventory__sku", "inventory__warehouse")
                .filter(inventory_id=outcome.inventory_id)
                .latest("pk")
            )
        response = Response(
            v1.TransactionOutSerializer(movement).data, status=status.HTTP_201_CREATED
        )
        response["ETag"] = etag(outcome.after.version)
        return response


class Bulk(APIView):
    """Sellbrite's bulk update: validated now, applied by a worker."""

    session_write_permissions = WRITE_PERMISSIONS

    @extend_schema(
        tags=["Inventory v1"],
        description=(
            "Up to 50 records, each with exactly one of `on_hand` (the counted total) or "
            "`available` (total = available + reserved when the worker applies it). If any "
            "record is malformed the whole call is refused (400, details by record index) "
            "and nothing is queued. Otherwise 202 with the job; poll `status_url`."
        ),
        request=v1.BulkDoc,
        responses={202: v1.JobSerializer, **errors(400)},
    )
    def post(self, request) -> Response:
        serializer = validated_body(request, v1.BulkSerializer)
        job = inventory_bulk_submit(
            records=serializer.validated_data["records"], actor=actor_of(request)
        )
        body = {**v1.JobSerializer(job).data, "status_url": reverse("api-v1-job", args=[job.pk])}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class JobDetail(APIView):
    session_read_permissions = ()  # visible to its creator and superusers only

    @extend_schema(tags=["Inventory v1"], responses={200: v1.JobSerializer, **errors(404)})
    def get(self, request, job_id) -> Response:
        jobs = Job.objects.filter(kind=BULK_KIND)
        if not request.user.is_superuser:
            jobs = jobs.filter(actor=actor_of(request))  # another caller's job is a 404
        return Response(v1.JobSerializer(get_object_or_404(jobs, pk=job_id)).data)


class MovementList(generics.ListAPIView):
    """The ledger, newest first."""

    session_read_permissions = ("inventory.view_movement",)

    serializer_class = v1.MovementSerializer
    queryset = Movement.objects.select_related("inventory__sku", "inventory__warehouse")
    pagination_class = NewestFirst
    filterset_class = MovementFilter

    @extend_schema(
        tags=["Ledger"], responses={200: v1.MovementSerializer(many=True), **errors(400, 404)}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
