"""Warehouse services: create or update, activation, delete only when nothing refers to it."""

import pytest

from apps.inventory.errors import UnknownWarehouse
from apps.inventory.models import Inventory
from apps.warehouses.errors import WarehouseHasHistory, WarehouseHasStock
from apps.warehouses.models import Warehouse
from apps.warehouses.services import warehouse_delete, warehouse_save, warehouse_set_active
from tests.factories import WarehouseFactory, stocked

pytestmark = pytest.mark.django_db


def test_save_creates_with_defaults_then_updates_only_what_is_given():
    warehouse, created = warehouse_save(warehouse_id="main", name="Main")
    assert created is True
    assert (warehouse.priority, warehouse.is_active) == (0, True)

    warehouse, created = warehouse_save(warehouse_id="main", name="Main DC", priority=3)
    assert created is False
    warehouse, _ = warehouse_save(warehouse_id="main", name="Main DC", is_active=False)

    stored = Warehouse.objects.get()
    assert (stored.name, stored.priority, stored.is_active) == ("Main DC", 3, False)


def test_set_active_is_idempotent_and_unknown_is_refused():
    WarehouseFactory(warehouse_id="main")

    warehouse_set_active(warehouse_id="main", is_active=False)
    warehouse_set_active(warehouse_id="main", is_active=False)
    assert Warehouse.objects.get().is_active is False

    with pytest.raises(UnknownWarehouse):
        warehouse_set_active(warehouse_id="ghost", is_active=True)


def test_delete_removes_the_warehouse_and_its_empty_rows():
    warehouse = WarehouseFactory(warehouse_id="empty")
    stocked(0, warehouse=warehouse)

    warehouse_delete(warehouse_id="empty")

    assert not Warehouse.objects.exists()
    assert not Inventory.objects.exists()


def test_delete_with_stock_is_refused_and_changes_nothing():
    warehouse = WarehouseFactory(warehouse_id="full")
    stocked(2, warehouse=warehouse)
    stocked(0, warehouse=warehouse)

    with pytest.raises(WarehouseHasStock) as refused:
        warehouse_delete(warehouse_id="full")

    assert refused.value.extra == {"warehouse_id": "full", "inventories_with_stock": 1}
    assert Warehouse.objects.filter(warehouse_id="full").exists()
    assert Inventory.objects.count() == 2


def test_delete_with_history_is_refused():
    warehouse = WarehouseFactory(warehouse_id="used")
    row = stocked(2, warehouse=warehouse)
    stocked(0, sku=row.sku, warehouse=warehouse)

    with pytest.raises(WarehouseHasHistory):
        warehouse_delete(warehouse_id="used")

    assert Inventory.objects.filter(pk=row.pk).exists()
