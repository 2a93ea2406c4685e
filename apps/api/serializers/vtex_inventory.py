"""VTEX inventory bodies (SPEC §5.1): camelCase as VTEX publishes them.

Input serializers check types and ranges and map VTEX's fields and defaults onto a
``StockChange``; the rules themselves live in ``apps.inventory``.
"""

from datetime import timedelta

from django.conf import settings
from rest_framework import serializers

from apps.api.bodies import CaseInsensitiveFields
from apps.api.serializers.fields import (
    BalanceDateField,
    LeadTimeField,
    StrictBooleanField,
    StrictIntegerField,
)
from apps.inventory.planning import Operation, StockChange

_QUANTITY = {"min_value": 0, "max_value": settings.INVENTORY_MAX_QUANTITY}


class VtexInventoryUpdateSerializer(CaseInsensitiveFields, serializers.Serializer):
    """PUT …/skus/{skuId}/warehouses/{warehouseId}: every field optional; missing or null
    take VTEX's defaults (quantity 0, not unlimited, lead time 0, as of now)."""

    quantity = StrictIntegerField(required=False, allow_null=True, **_QUANTITY)
    unlimitedQuantity = StrictBooleanField(required=False, allow_null=True)
    leadTime = LeadTimeField(required=False, allow_null=True)
    dateUtcOnBalanceSystem = BalanceDateField(required=False, allow_null=True)

    def stock_change(self, sku_id: str, warehouse_id: str) -> StockChange:
        data = self.validated_data
        return StockChange(
            sku_id,
            warehouse_id,
            operation=Operation.COUNT,
            quantity=data.get("quantity") or 0,
            unlimited=bool(data.get("unlimitedQuantity")),
            lead_time=data.get("leadTime") or timedelta(0),
            as_of=data.get("dateUtcOnBalanceSystem"),
        )


class VtexQuantityUpdateSerializer(CaseInsensitiveFields, serializers.Serializer):
    """PATCH …/quantity: a count; the unlimited flag changes only when given, the lead time
    never."""

    quantity = StrictIntegerField(**_QUANTITY)
    unlimitedQuantity = StrictBooleanField(required=False, allow_null=True)
    dateUtcOnBalanceSystem = BalanceDateField(required=False, allow_null=True)

    def stock_change(self, sku_id: str, warehouse_id: str) -> StockChange:
        data = self.validated_data
        return StockChange(
            sku_id,
            warehouse_id,
            operation=Operation.COUNT,
            quantity=data["quantity"],
            unlimited=data.get("unlimitedQuantity"),
            as_of=data.get("dateUtcOnBalanceSystem"),
        )


class VtexLeadTimeUpdateSerializer(CaseInsensitiveFields, serializers.Serializer):
    """PATCH …/lead-time: only the lead time; empty or malformed is refused."""

    leadTime = LeadTimeField()

    def stock_change(self, sku_id: str, warehouse_id: str) -> StockChange:
        return StockChange(
            sku_id,
            warehouse_id,
            operation=Operation.SETTINGS,
            lead_time=self.validated_data["leadTime"],
        )


class VtexBalanceSerializer(serializers.Serializer):
    warehouseId = serializers.CharField()
    warehouseName = serializers.CharField()
    totalQuantity = serializers.IntegerField(help_text="1000000 when unlimited.")
    reservedQuantity = serializers.IntegerField()
    hasUnlimitedQuantity = serializers.BooleanField()
    timeToRefill = serializers.CharField(allow_null=True, help_text="Always null.")
    dateOfSupplyUtc = serializers.CharField(allow_null=True, help_text="Always null.")
    leadTime = LeadTimeField()


class VtexSkuInventorySerializer(serializers.Serializer):
    skuId = serializers.CharField()
    balance = VtexBalanceSerializer(many=True)


class VtexItemInventorySerializer(serializers.Serializer):
    skuId = serializers.CharField()
    warehouseId = serializers.CharField()
    totalQuantity = serializers.IntegerField(help_text="1000000 when unlimited.")
    reservedQuantity = serializers.IntegerField()
    availableQuantity = serializers.IntegerField(
        help_text="total − reserved (may be negative when oversold); 1000000 when unlimited."
    )
    isUnlimited = serializers.BooleanField()
    salesChannel = serializers.ListField(child=serializers.CharField())
    deliveryChannel = serializers.ListField(child=serializers.CharField())
    keepSellingAfterExpiration = serializers.BooleanField()
    leadTime = LeadTimeField()
