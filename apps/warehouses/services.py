"""Writes to warehouses: create or update, delete (only when nothing refers to it), activate.

Unknown warehouses raise ``apps.inventory.errors.UnknownWarehouse``, the same error (and
code) the stock services use.
"""

from django.db import transaction
from django.db.models import ProtectedError

from apps.inventory import errors as inventory_errors
from apps.inventory.locks import lock_inventories
from apps.inventory.models import Inventory, Movement
from apps.warehouses import errors
from apps.warehouses.models import Warehouse


def warehouse_save(
    *,
    warehouse_id: str,
    name: str,
    priority: int | None = None,
    is_active: bool | None = None,
) -> tuple[Warehouse, bool]:
    """Create the warehouse or update it; returns it and whether it was created.

    ``priority`` and ``is_active`` left as None keep their current values (0 and active for a
    new warehouse).
    """
    with transaction.atomic():
        warehouse = Warehouse.objects.select_for_update().filter(warehouse_id=warehouse_id).first()
        created = warehouse is None
        if created:
            warehouse = Warehouse(warehouse_id=warehouse_id)
        warehouse.name = name
        if priority is not None:
            warehouse.priority = priority
        if is_active is not None:
            warehouse.is_active = is_active
        warehouse.save()
    return warehouse, created


def warehouse_set_active(*, warehouse_id: str, is_active: bool) -> Warehouse:
    """Activate or deactivate; doing it twice is not an error."""
    with transaction.atomic():
        warehouse = _locked(warehouse_id)
        if warehouse.is_active != is_active:
            warehouse.is_active = is_active
            warehouse.save(update_fields=["is_active", "updated_at"])
    return warehouse


def warehouse_delete(*, warehouse_id: str) -> None:
    """Delete a warehouse nothing refers to.

    Refused with ``warehouse_has_stock`` while any of its inventories has units counted or
    reserved (reservations and allocations hold stock through ``reserved_quantity``), and
    with ``warehouse_has_history`` once any of its inventories has ledger movements: the ledger
    is never deleted, so such a warehouse can only be deactivated. Empty inventory rows
    without movements (created by a zero count) are deleted with it.
    """
    with transaction.atomic():
        warehouse = _locked(warehouse_id)
        ids = list(Inventory.objects.filter(warehouse=warehouse).values_list("pk", flat=True))
        rows = lock_inventories(ids)
        stocked = [
            row for row in rows.values() if row.snapshot.total > 0 or row.snapshot.reserved > 0
        ]
        if stocked:
            raise errors.WarehouseHasStock(
                errors.WAREHOUSE_HAS_STOCK.format(warehouse_id=warehouse_id, rows=len(stocked)),
                extra={"warehouse_id": warehouse_id, "inventories_with_stock": len(stocked)},
            )
        with_history = (
            Movement.objects.filter(inventory_id__in=ids).values("inventory_id").distinct().count()
        )
        if with_history:
            raise _has_history(warehouse_id, with_history)
        try:
            Inventory.objects.filter(pk__in=ids).delete()
            warehouse.delete()
        except ProtectedError as error:  # anything else still referring to it
            raise _has_history(warehouse_id, len(error.protected_objects)) from error


def _has_history(warehouse_id: str, rows: int) -> errors.WarehouseHasHistory:
    return errors.WarehouseHasHistory(
        errors.WAREHOUSE_HAS_HISTORY.format(warehouse_id=warehouse_id, rows=rows),
        extra={"warehouse_id": warehouse_id, "inventories_with_history": rows},
    )


def _locked(warehouse_id: str) -> Warehouse:
    warehouse = Warehouse.objects.select_for_update().filter(warehouse_id=warehouse_id).first()
    if warehouse is None:
        raise inventory_errors.UnknownWarehouse(
            inventory_errors.UNKNOWN_WAREHOUSE.format(warehouse_id=warehouse_id),
            extra={"warehouse_id": warehouse_id},
        )
    return warehouse
