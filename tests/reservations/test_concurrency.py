"""Racing reservations on PostgreSQL: exactly as many successes as units, reserved exact."""

import random

import pytest

from apps.inventory import errors as stock_errors
from apps.inventory.models import Inventory, Source
from apps.inventory.planning import StockChange
from apps.inventory.selectors import inventory_discrepancies
from apps.inventory.services import inventory_change_apply
from apps.reservations.models import Reservation, ReservationItem
from apps.reservations.services import (
    ItemRequest,
    reservation_acknowledge,
    reservation_cancel,
    reservation_confirm,
    reservation_create,
)
from tests.concurrency import run_concurrently
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_clients_racing_for_the_last_ten_units_get_exactly_ten():
    inventory = stocked(10)
    item = ItemRequest(inventory.sku.sku_id, inventory.warehouse.warehouse_id, 1)

    results = run_concurrently([lambda: reservation_create(items=[item])] * 50)

    successes = [r for r in results if isinstance(r, Reservation)]
    refusals = [r for r in results if isinstance(r, stock_errors.InsufficientStock)]
    assert (len(successes), len(refusals)) == (10, 40)
    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.reserved_quantity) == (10, 10)
    assert inventory.available_quantity == 0
    assert inventory_discrepancies() == []


def test_concurrent_counts_and_reservation_lifecycles_keep_reserved_exact():
    warehouse = WarehouseFactory()
    rows = [stocked(40, sku=SKUFactory(), warehouse=warehouse) for _ in range(3)]
    keys = [(row.sku.sku_id, warehouse.warehouse_id) for row in rows]

    def shopper(seed):
        def run():
            rng = random.Random(seed)
            for _ in range(8):
                picked = rng.sample(keys, 2)
                try:
                    reservation = reservation_create(
                        items=[ItemRequest(*key, rng.randint(1, 3)) for key in picked]
                    )
                except stock_errors.InsufficientStock:
                    continue
                step = rng.random()
                if step < 0.3:
                    reservation_cancel(reservation_id=reservation.reservation_id)
                elif step < 0.8:
                    reservation_confirm(reservation_id=reservation.reservation_id)
                    reservation_acknowledge(reservation_id=reservation.reservation_id)

        return run

    def counter(seed):
        def run():
            rng = random.Random(seed)
            for _ in range(10):
                inventory_change_apply(
                    change=StockChange(*rng.choice(keys), quantity=rng.randint(20, 40)),
                    source=Source.API,
                )

        return run

    results = run_concurrently([shopper(n) for n in range(6)] + [counter(n) for n in range(3)])

    assert results == [None] * 9
    assert inventory_discrepancies() == []
    for row in Inventory.objects.filter(warehouse=warehouse):
        holding = ReservationItem.objects.filter(inventory=row, released_at__isnull=True)
        assert row.reserved_quantity == sum(holding.values_list("quantity", flat=True))
        assert row.total_quantity >= 0
