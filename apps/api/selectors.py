"""Reads shaped for VTEX's responses. Unlimited stock is reported with VTEX's sentinel."""

from datetime import timedelta
from typing import Any

from apps.catalog.models import SKU
from apps.inventory import errors
from apps.inventory.models import UNLIMITED_SENTINEL, Inventory
from apps.warehouses.models import Warehouse


def _unknown_sku(sku_id: str) -> errors.UnknownSku:
    return errors.UnknownSku(errors.UNKNOWN_SKU.format(sku_id=sku_id), extra={"sku_id": sku_id})


def _unknown_warehouse(warehouse_id: str) -> errors.UnknownWarehouse:
    return errors.UnknownWarehouse(
        errors.UNKNOWN_WAREHOUSE.format(warehouse_id=warehouse_id),
        extra={"warehouse_id": warehouse_id},
    )


def vtex_sku_balance(*, sku_id: str) -> dict[str, Any]:
    """The SKU's inventory in every warehouse that has a row for it (two queries)."""
    if not SKU.objects.filter(sku_id=sku_id).exists():
        raise _unknown_sku(sku_id)
    rows = (
        Inventory.objects.filter(sku__sku_id=sku_id)
        .order_by("-warehouse__priority", "warehouse__warehouse_id")
        .values_list(
            "warehouse__warehouse_id",
            "warehouse__name",
            "total_quantity",
            "reserved_quantity",
            "unlimited",
            "lead_time",
        )
    )
    return {
        "skuId": sku_id,
        "balance": [
            {
                "warehouseId": warehouse_id,
                "warehouseName": name,
                "totalQuantity": UNLIMITED_SENTINEL if unlimited else total,
                "reservedQuantity": reserved,
                "hasUnlimitedQuantity": unlimited,
                "timeToRefill": None,
                "dateOfSupplyUtc": None,
                "leadTime": lead_time,
            }
            for warehouse_id, name, total, reserved, unlimited, lead_time in rows
        ],
    }


def vtex_item_inventory(*, sku_id: str, warehouse_id: str) -> dict[str, Any]:
    """One SKU in one warehouse; a pair never counted reads as zero stock (two queries)."""
    row = (
        Inventory.objects.filter(sku__sku_id=sku_id, warehouse__warehouse_id=warehouse_id)
        .values_list(
            "total_quantity", "reserved_quantity", "available_quantity", "unlimited", "lead_time"
        )
        .first()
    )
    if row is None:
        if not SKU.objects.filter(sku_id=sku_id).exists():
            raise _unknown_sku(sku_id)
        if not Warehouse.objects.filter(warehouse_id=warehouse_id).exists():
            raise _unknown_warehouse(warehouse_id)
        row = (0, 0, 0, False, timedelta(0))
    total, reserved, available, unlimited, lead_time = row
    return {
        "skuId": sku_id,
        "warehouseId": warehouse_id,
        "totalQuantity": UNLIMITED_SENTINEL if unlimited else total,
        "reservedQuantity": reserved,
        "availableQuantity": UNLIMITED_SENTINEL if unlimited else available,
        "isUnlimited": unlimited,
        "salesChannel": [],
        "deliveryChannel": [],
        "keepSellingAfterExpiration": False,
        "leadTime": lead_time,
    }


def vtex_warehouses() -> list[Warehouse]:
    return list(Warehouse.objects.order_by("-priority", "warehouse_id"))


def vtex_warehouse(*, warehouse_id: str) -> Warehouse:
    warehouse = Warehouse.objects.filter(warehouse_id=warehouse_id).first()
    if warehouse is None:
        raise _unknown_warehouse(warehouse_id)
    return warehouse
