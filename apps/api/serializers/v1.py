"""Native API v1 bodies (SPEC §5.2): snake_case, strict types, explicit field lists.

Input serializers check types and ranges and build what the services take; the rules
themselves live in ``apps.inventory`` and ``apps.reservations``.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from apps.api.serializers.fields import (
    BalanceDateField,
    LeadTimeField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from apps.inventory.bulk_jobs import MAX_RECORDS
from apps.inventory.durations import format_lead_time
from apps.inventory.planning import Operation, StockChange
from apps.jobs.selectors import job_activity
from apps.reservations.services import ItemRequest

_LIMIT = settings.INVENTORY_MAX_QUANTITY
_QUANTITY = {"min_value": 0, "max_value": _LIMIT}
_POSITIVE = {"min_value": 1, "max_value": _LIMIT}
ONE_OF_QUANTITY = "Give exactly one of quantity (set) or updateQuantity (adjust by)."


ID_PATTERN = r"^[^\x00-\x1f\x7f]{1,64}$"


@extend_schema_field({"type": "string", "pattern": ID_PATTERN, "example": "25"})
class IdField(StrictCharField):
    """A SKU or warehouse id: 1 to 64 characters, no control characters (as in URLs)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=64, trim_whitespace=False, **kwargs)
        self.validators.append(
            RegexValidator(ID_PATTERN, "Must be 1 to 64 characters, no control characters.")
        )


TEXT_PATTERN = r"^[^\x00]*$"


@extend_schema_field({"type": "string", "pattern": TEXT_PATTERN})
class TextField(StrictCharField):
    """Free text: anything but NUL characters (which PostgreSQL cannot store)."""


@extend_schema_field({"type": "string", "example": "01.12:00:00"})
class LeadTimeText(serializers.Field):
    def to_representation(self, value: timedelta) -> str:
        return format_lead_time(value)


# --- Reads -------------------------------------------------------------------------------


class SkuSerializer(serializers.Serializer):
    sku_id = serializers.CharField()
    name = serializers.CharField()
    product_name = serializers.CharField()
    ean = serializers.CharField()
    ref_id = serializers.CharField()
    is_active = serializers.BooleanField()


class WarehouseSerializer(serializers.Serializer):
    warehouse_id = serializers.CharField()
    name = serializers.CharField()
    priority = serializers.IntegerField()
    is_active = serializers.BooleanField()


class InventorySerializer(serializers.Serializer):
    sku_id = serializers.CharField(source="sku.sku_id")
    sku_name = serializers.CharField(source="sku.name")
    warehouse_id = serializers.CharField(source="warehouse.warehouse_id")
    total_quantity = serializers.IntegerField()
    reserved_quantity = serializers.IntegerField()
    available_quantity = serializers.IntegerField()
    unlimited = serializers.BooleanField()
    lead_time = LeadTimeText(help_text="DD.HH:MM:SS")
    balance_as_of = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="Also the ETag; send it as If-Match.")
    updated_at = serializers.DateTimeField()


class MovementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku_id = serializers.CharField(source="inventory.sku.sku_id")
    warehouse_id = serializers.CharField(source="inventory.warehouse.warehouse_id")
    kind = serializers.CharField()
    source = serializers.CharField()
    actor = serializers.CharField()
    total_before = serializers.IntegerField()
    total_after = serializers.IntegerField()
    reserved_before = serializers.IntegerField()
    reserved_after = serializers.IntegerField()
    delta = serializers.IntegerField()
    unlimited_after = serializers.BooleanField()
    lead_time_after = LeadTimeText()
    reason = serializers.CharField()
    reference = serializers.CharField()
    details = serializers.JSONField()
    as_of = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


# --- Inventory writes --------------------------------------------------------------------


class InventoryUpdateSerializer(serializers.Serializer):
    """Webflow's update: ``quantity`` sets the total, ``updateQuantity`` adjusts it."""

    quantity = StrictIntegerField(required=False, **_QUANTITY)
    updateQuantity = StrictIntegerField(required=False, min_value=-_LIMIT, max_value=_LIMIT)
    inventoryType = serializers.ChoiceField(choices=["finite", "infinite"], required=False)

    def validate(self, data):
        if ("quantity" in data) == ("updateQuantity" in data):
            raise serializers.ValidationError({"quantity": [ONE_OF_QUANTITY]})
        return data

    def stock_change(self, sku_id: str, warehouse_id: str, expected_version) -> StockChange:
        data = self.validated_data
        unlimited = None if "inventoryType" not in data else data["inventoryType"] == "infinite"
        absolute = "quantity" in data
        return StockChange(
            sku_id,
            warehouse_id,
            Operation.COUNT if absolute else Operation.ADJUST,
            data["quantity"] if absolute else data["updateQuantity"],
            unlimited=unlimited,
            expected_version=expected_version,
        )


class SetQuantityDoc(serializers.Serializer):
    """Schema only: set the total."""

    quantity = StrictIntegerField(**_QUANTITY)
    inventoryType = serializers.ChoiceField(choices=["finite", "infinite"], required=False)


class AdjustQuantityDoc(serializers.Serializer):
    """Schema only: adjust the total by a signed delta."""

    updateQuantity = StrictIntegerField(min_value=-_LIMIT, max_value=_LIMIT)
    inventoryType = serializers.ChoiceField(choices=["finite", "infinite"], required=False)


INVENTORY_UPDATE_DOC = PolymorphicProxySerializer(
    component_name="InventoryUpdate",
    serializers=[SetQuantityDoc, AdjustQuantityDoc],
    resource_type_field_name=None,
)


class TransactionSerializer(serializers.Serializer):
    """Elastic Path's stock transactions."""

    action = serializers.ChoiceField(choices=["increment", "decrement", "allocate", "deallocate"])
    quantity = StrictIntegerField(**_POSITIVE)

    def stock_change(self, sku_id: str, warehouse_id: str, expected_version) -> StockChange:
        data = self.validated_data
        return StockChange(
            sku_id,
            warehouse_id,
            Operation(data["action"]),
            data["quantity"],
            expected_version=expected_version,
        )


class TransactionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The ledger movement that records it.")
    action = serializers.CharField(source="kind")
    quantity = serializers.SerializerMethodField()
    sku_id = serializers.CharField(source="inventory.sku.sku_id")
    warehouse_id = serializers.CharField(source="inventory.warehouse.warehouse_id")
    total_quantity = serializers.IntegerField(source="total_after")
    reserved_quantity = serializers.IntegerField(source="reserved_after")
    created_at = serializers.DateTimeField()

    def get_quantity(self, movement) -> int:
        return abs(movement.delta or movement.reserved_after - movement.reserved_before)


# --- Bulk --------------------------------------------------------------------------------


class BulkRecordSerializer(serializers.Serializer):
    sku_id = IdField()
    warehouse_id = IdField()
    on_hand = StrictIntegerField(required=False, allow_null=True, **_QUANTITY)
    available = StrictIntegerField(required=False, allow_null=True, **_QUANTITY)
    unlimited = StrictBooleanField(required=False, allow_null=True)
    lead_time = LeadTimeField(required=False, allow_null=True)
    as_of = BalanceDateField(required=False, allow_null=True)


class OnHandRecordDoc(BulkRecordSerializer):
    """Schema only: a record that counts the total."""

    available = None
    on_hand = StrictIntegerField(**_QUANTITY)


class AvailableRecordDoc(BulkRecordSerializer):
    """Schema only: a record that sets what is available."""

    on_hand = None
    available = StrictIntegerField(**_QUANTITY)


class BulkDoc(serializers.Serializer):
    """Schema only: the bulk body, each record with exactly one of on_hand or available."""

    records = serializers.ListField(
        child=PolymorphicProxySerializer(
            component_name="BulkRecord",
            serializers=[OnHandRecordDoc, AvailableRecordDoc],
            resource_type_field_name=None,
        ),
        min_length=1,
        max_length=MAX_RECORDS,
    )


class BulkSerializer(serializers.Serializer):
    records = serializers.ListField(child=serializers.DictField(), allow_empty=False)

    def validate_records(self, records):
        """Shape first (count, one of on_hand/available: the service's rules), then types."""
        if len(records) > MAX_RECORDS:
            raise serializers.ValidationError(
                f"At most {MAX_RECORDS} records per call, got {len(records)}."
            )
        problems = {}
        typed = []
        for index, record in enumerate(records):
            serializer = BulkRecordSerializer(data=record)
            if serializer.is_valid():
                typed.append(serializer.validated_data)
            else:
                problems[str(index)] = serializer.errors
        if problems:
            raise serializers.ValidationError(problems)
        return typed


class JobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()
    total = serializers.IntegerField()
    processed = serializers.IntegerField()
    succeeded = serializers.IntegerField(source="succeeded_count")
    failed = serializers.IntegerField(source="failed_count")
    attempts = serializers.IntegerField()
    error = serializers.CharField(help_text="Why the last attempt failed, if it did.")
    activity = serializers.SerializerMethodField(
        help_text='What an unfinished job waits for, e.g. "Waiting for a worker".'
    )
    results = serializers.JSONField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_activity(self, job) -> str:
        return job_activity(job)


# --- Reservations ------------------------------------------------------------------------


class ReservationItemInSerializer(serializers.Serializer):
    sku_id = IdField()
    warehouse_id = IdField()
    quantity = StrictIntegerField(**_POSITIVE)


class ReservationCreateSerializer(serializers.Serializer):
    reservation_id = serializers.RegexField(r"^[A-Za-z0-9._:-]{1,64}$", required=False)
    reference = TextField(max_length=128, required=False, default="", allow_blank=True)
    sales_channel = TextField(max_length=32, required=False, default="1")
    ttl_seconds = StrictIntegerField(required=False, min_value=1, max_value=30 * 86400)
    items = serializers.ListField(child=ReservationItemInSerializer(), min_length=1, max_length=100)

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {
            "items": [ItemRequest(**item) for item in data["items"]],
            "reference": data["reference"],
            "sales_channel": data["sales_channel"],
            "reservation_id": data.get("reservation_id"),
            "ttl": timedelta(seconds=data["ttl_seconds"]) if "ttl_seconds" in data else None,
        }


class ReservationItemOutSerializer(serializers.Serializer):
    sku_id = serializers.CharField(source="inventory.sku.sku_id")
    warehouse_id = serializers.CharField(source="inventory.warehouse.warehouse_id")
    quantity = serializers.IntegerField()
    released_at = serializers.DateTimeField(allow_null=True)


class ReservationSerializer(serializers.Serializer):
    reservation_id = serializers.CharField()
    reference = serializers.CharField()
    sales_channel = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    fulfilled_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    expired_at = serializers.DateTimeField(allow_null=True)
    items = ReservationItemOutSerializer(many=True)
