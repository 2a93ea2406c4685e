"""Counts clear acknowledged reservations (SPEC §3.2): no double deduction, no overselling."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.inventory.models import Source
from apps.inventory.planning import ChangeStatus, Operation, StockChange
from apps.inventory.selectors import inventory_changes_plan, inventory_discrepancies
from apps.inventory.services import inventory_change_apply
from apps.reservations.models import Reservation, ReservationStatus
from apps.reservations.services import (
    ItemRequest,
    reservation_acknowledge,
    reservation_confirm,
    reservation_create,
)
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db


def acknowledged(inventory, quantity=1, at=None) -> Reservation:
    reservation = reservation_create(
        items=[ItemRequest(inventory.sku.sku_id, inventory.warehouse.warehouse_id, quantity)]
    )
    reservation_confirm(reservation_id=reservation.reservation_id)
    return reservation_acknowledge(reservation_id=reservation.reservation_id, at=at)


def count(inventory, quantity, as_of=None, operation=Operation.COUNT):
    return inventory_change_apply(
        change=StockChange(
            inventory.sku.sku_id, inventory.warehouse.warehouse_id, operation, quantity, as_of=as_of
        ),
        source=Source.API,
    )


def test_vtex_worked_example_total_2_reserved_0_available_2():
    # 3 units, 1 reserved and acknowledged (it left with the carrier), the ERP counts 2.
    inventory = stocked(3)
    reservation = acknowledged(inventory, 1)

    outcome = count(inventory, 2)

    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.reserved_quantity) == (2, 0)
    assert inventory.available_quantity == 2
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.FULFILLED
    assert reservation.fulfilled_at is not None
    movement = inventory.movements.latest("id")
    assert (movement.kind, movement.reserved_before, movement.reserved_after) == ("count", 1, 0)
    assert movement.details["cleared"] == [
        {
            "item": reservation.items.get().pk,
            "reservation": reservation.reservation_id,
            "quantity": 1,
        }
    ]
    assert outcome.cleared_quantity == 1
    assert inventory_discrepancies() == []


def test_acknowledged_after_the_count_time_is_kept():
    inventory = stocked(3)
    now = timezone.now()
    acknowledged(inventory, 1, at=now + timedelta(minutes=5))

    count(inventory, 3, as_of=now + timedelta(minutes=1))

    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.reserved_quantity) == (3, 1)
    assert Reservation.objects.get().status == ReservationStatus.ACKNOWLEDGED


def test_acknowledged_before_the_count_time_is_cleared_and_the_rest_kept():
    inventory = stocked(5)
    now = timezone.now()
    early = acknowledged(inventory, 1, at=now - timedelta(minutes=10))
    late = acknowledged(inventory, 2, at=now + timedelta(minutes=10))

    count(inventory, 4, as_of=now)

    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.reserved_quantity) == (4, 2)
    statuses = dict(Reservation.objects.values_list("reservation_id", "status"))
    assert statuses == {early.reservation_id: "fulfilled", late.reservation_id: "acknowledged"}


def test_confirmed_but_not_acknowledged_is_never_cleared_by_a_count():
    inventory = stocked(3)
    reservation = reservation_create(
        items=[ItemRequest(inventory.sku.sku_id, inventory.warehouse.warehouse_id, 1)]
    )
    reservation_confirm(reservation_id=reservation.reservation_id)

    count(inventory, 3, as_of=timezone.now() + timedelta(days=1))

    inventory.refresh_from_db()
    assert inventory.reserved_quantity == 1
    assert Reservation.objects.get().status == ReservationStatus.CONFIRMED


def test_equal_count_with_reservations_to_clear_is_accepted_not_skipped():
    inventory = stocked(3)
    acknowledged(inventory, 1)

    outcome = count(inventory, 3)

    assert outcome.status is ChangeStatus.CHANGED
    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.reserved_quantity, inventory.version) == (3, 0, 3)


def test_second_count_does_not_clear_twice():
    inventory = stocked(3)
    acknowledged(inventory, 1)
    count(inventory, 2)

    outcome = count(inventory, 2)

    assert outcome.status is ChangeStatus.UNCHANGED
    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.reserved_quantity) == (2, 0)


def test_set_available_counts_after_clearing():
    inventory = stocked(3)
    acknowledged(inventory, 1)
    reservation_create(
        items=[ItemRequest(inventory.sku.sku_id, inventory.warehouse.warehouse_id, 1)]
    )

    count(inventory, 4, operation=Operation.SET_AVAILABLE)

    inventory.refresh_from_db()
    assert (
        inventory.total_quantity,
        inventory.reserved_quantity,
        inventory.available_quantity,
    ) == (
        5,
        1,
        4,
    )


def test_preview_shows_what_a_count_would_clear_without_clearing():
    inventory = stocked(3)
    acknowledged(inventory, 2)

    plan = inventory_changes_plan(
        changes=[StockChange(inventory.sku.sku_id, inventory.warehouse.warehouse_id, quantity=1)]
    )

    assert plan.outcomes[0].cleared_quantity == 2
    inventory.refresh_from_db()
    assert inventory.reserved_quantity == 2
    assert Reservation.objects.get().status == ReservationStatus.ACKNOWLEDGED


def test_multi_item_reservation_is_fulfilled_when_every_item_is_counted_out():
    warehouse = WarehouseFactory()
    first = stocked(3, sku=SKUFactory(), warehouse=warehouse)
    second = stocked(3, sku=SKUFactory(), warehouse=warehouse)
    reservation = reservation_create(
        items=[
            ItemRequest(first.sku.sku_id, warehouse.warehouse_id, 1),
            ItemRequest(second.sku.sku_id, warehouse.warehouse_id, 1),
        ]
    )
    reservation_confirm(reservation_id=reservation.reservation_id)
    reservation_acknowledge(reservation_id=reservation.reservation_id)

    count(first, 2)
    reservation.refresh_from_db()
    status_after_first = reservation.status
    count(second, 2)
    reservation.refresh_from_db()

    assert status_after_first == ReservationStatus.ACKNOWLEDGED
    assert reservation.status == ReservationStatus.FULFILLED
    assert inventory_discrepancies() == []
