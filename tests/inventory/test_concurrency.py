"""Concurrent writers on PostgreSQL: nothing lost, no overselling, no deadlocks."""

import pytest

from apps.inventory.models import Inventory, Source
from apps.inventory.planning import ChangeStatus, Operation, StockChange
from apps.inventory.selectors import inventory_discrepancies
from apps.inventory.services import inventory_changes_apply
from tests.concurrency import run_concurrently
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_writers_of_fifty_increments_lose_nothing():
    inventory = stocked(0)
    key = (inventory.sku.sku_id, inventory.warehouse.warehouse_id)

    def writer():
        for _ in range(50):
            inventory_changes_apply(
                changes=[StockChange(*key, Operation.INCREMENT, 1)], source=Source.API
            )

    results = run_concurrently([writer] * 20)

    assert results == [None] * 20
    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.version) == (1000, 1000)
    assert inventory.movements.count() == 1000
    assert inventory_discrepancies() == []


def test_racing_decrements_never_oversell():
    inventory = stocked(10)
    key = (inventory.sku.sku_id, inventory.warehouse.warehouse_id)

    def buyer():
        plan = inventory_changes_apply(
            changes=[StockChange(*key, Operation.DECREMENT, 1)], source=Source.API
        )
        return plan.outcomes[0].status

    results = run_concurrently([buyer] * 50)

    assert results.count(ChangeStatus.CHANGED) == 10
    assert results.count(ChangeStatus.ERROR) == 40
    inventory.refresh_from_db()
    assert inventory.total_quantity == 0


def test_multi_row_applies_in_opposite_orders_do_not_deadlock():
    warehouse = WarehouseFactory()
    skus = SKUFactory.create_batch(30)
    for sku in skus:
        stocked(0, sku=sku, warehouse=warehouse)
    forward = [StockChange(s.sku_id, warehouse.warehouse_id, Operation.INCREMENT, 1) for s in skus]
    backward = list(reversed(forward))

    def writer(changes):
        def run():
            for _ in range(20):
                inventory_changes_apply(changes=changes, source=Source.BULK)

        return run

    results = run_concurrently([writer(forward), writer(backward)] * 2)

    assert results == [None] * 4
    totals = set(
        Inventory.objects.filter(warehouse=warehouse).values_list("total_quantity", flat=True)
    )
    assert totals == {80}
    assert inventory_discrepancies() == []
