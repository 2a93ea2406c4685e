"""Reservation lifecycle (SPEC §4): creation, transitions, expiry, movements."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.inventory import errors as stock_errors
from apps.inventory.models import Inventory, Movement
from apps.inventory.selectors import inventory_discrepancies
from apps.reservations import errors
from apps.reservations.models import Reservation, ReservationStatus
from apps.reservations.services import (
    ItemRequest,
    reservation_acknowledge,
    reservation_cancel,
    reservation_confirm,
    reservation_create,
    reservations_expire,
)
from tests.factories import stocked

pytestmark = pytest.mark.django_db


def reserve(inventory: Inventory, quantity: int = 1, **kwargs) -> Reservation:
    return reservation_create(
        items=[ItemRequest(inventory.sku.sku_id, inventory.warehouse.warehouse_id, quantity)],
        **kwargs,
    )


def figures(inventory: Inventory) -> tuple[int, int, int]:
    inventory.refresh_from_db()
    return inventory.total_quantity, inventory.reserved_quantity, inventory.available_quantity


def test_create_reserves_stock_and_records_a_reserve_movement():
    inventory = stocked(5)

    reservation = reserve(inventory, 2, reference="order-1", actor="key:ERP")

    assert reservation.status == ReservationStatus.AUTHORIZED
    assert reservation.expires_at > timezone.now()
    assert figures(inventory) == (5, 2, 3)
    movement = inventory.movements.latest("id")
    assert (movement.kind, movement.reference, movement.reserved_after, movement.delta) == (
        "reserve",
        reservation.reservation_id,
        2,
        0,
    )


def test_create_is_all_or_nothing_and_names_every_short_item():
    plenty, short_a, short_b = stocked(10), stocked(1), stocked(0)

    with pytest.raises(stock_errors.InsufficientStock) as refused:
        reservation_create(
            items=[
                ItemRequest(plenty.sku.sku_id, plenty.warehouse.warehouse_id, 3),
                ItemRequest(short_a.sku.sku_id, short_a.warehouse.warehouse_id, 2),
                ItemRequest(short_b.sku.sku_id, short_b.warehouse.warehouse_id, 1),
            ]
        )

    assert refused.value.code == "insufficient_stock"
    assert refused.value.message.startswith("Insufficient stock for 2 item(s): ")
    assert (
        f"{short_a.sku.sku_id} @ {short_a.warehouse.warehouse_id} (requested 2, available 1)"
        in (refused.value.message)
    )
    assert [item["sku_id"] for item in refused.value.extra["items"]] == [
        short_a.sku.sku_id,
        short_b.sku.sku_id,
    ]
    assert figures(plenty) == (10, 0, 10)
    assert not Reservation.objects.exists()


def test_create_on_unlimited_stock_never_fails():
    inventory = stocked(0, unlimited=True)

    reservation = reserve(inventory, 500)

    assert reservation.status == ReservationStatus.AUTHORIZED
    assert figures(inventory)[1] == 500


def test_create_refuses_unknown_sku_bad_quantity_and_duplicate_id():
    inventory = stocked(5)
    reserve(inventory, 1, reservation_id="r-1")

    with pytest.raises(stock_errors.UnknownSku):
        reservation_create(items=[ItemRequest("nope", inventory.warehouse.warehouse_id, 1)])
    with pytest.raises(errors.InvalidReservation, match=r"items\[0\].quantity must be a whole"):
        reserve(inventory, 0)
    with pytest.raises(errors.InvalidReservation, match="at least one item"):
        reservation_create(items=[])
    with pytest.raises(errors.ReservationExists, match="'r-1' already exists"):
        reserve(inventory, 1, reservation_id="r-1")
    assert figures(inventory) == (5, 1, 4)


def test_items_for_the_same_sku_and_warehouse_are_added_up():
    inventory = stocked(5)
    item = ItemRequest(inventory.sku.sku_id, inventory.warehouse.warehouse_id, 2)

    reservation = reservation_create(items=[item, item])

    assert list(reservation.items.values_list("quantity", flat=True)) == [4]
    assert figures(inventory) == (5, 4, 1)


def test_confirm_acknowledge_keep_stock_reserved_and_stop_expiry():
    inventory = stocked(5)
    reservation = reserve(inventory, 2)

    reservation_confirm(reservation_id=reservation.reservation_id)
    acknowledged = reservation_acknowledge(reservation_id=reservation.reservation_id)

    assert acknowledged.status == ReservationStatus.ACKNOWLEDGED
    assert acknowledged.confirmed_at is not None and acknowledged.acknowledged_at is not None
    assert acknowledged.expires_at is None
    assert figures(inventory) == (5, 2, 3)


def test_repeating_a_done_transition_is_a_no_op():
    inventory = stocked(5)
    reservation = reserve(inventory, 2)
    first = reservation_confirm(reservation_id=reservation.reservation_id)

    again = reservation_confirm(reservation_id=reservation.reservation_id)

    assert again.status == ReservationStatus.CONFIRMED
    assert again.confirmed_at == first.confirmed_at


@pytest.mark.parametrize("status_path", [("confirm",), ("confirm", "acknowledge")])
def test_cancel_releases_stock_from_authorized_or_confirmed(status_path):
    inventory = stocked(5)
    reservation = reserve(inventory, 2)
    if status_path == ("confirm",):
        reservation_confirm(reservation_id=reservation.reservation_id)
        cancelled = reservation_cancel(reservation_id=reservation.reservation_id)
        assert cancelled.status == ReservationStatus.CANCELLED
        assert figures(inventory) == (5, 0, 5)
        release = inventory.movements.latest("id")
        assert (release.kind, release.reference, release.reserved_before) == (
            "release",
            reservation.reservation_id,
            2,
        )
        assert release.details["released"][0]["quantity"] == 2
    else:
        reservation_confirm(reservation_id=reservation.reservation_id)
        reservation_acknowledge(reservation_id=reservation.reservation_id)
        with pytest.raises(errors.InvalidTransition) as refused:
            reservation_cancel(reservation_id=reservation.reservation_id)
        assert refused.value.message == (
            f"Reservation '{reservation.reservation_id}' is acknowledged; it cannot be cancelled."
        )
        assert figures(inventory) == (5, 2, 3)


def test_cancelling_twice_releases_once():
    inventory = stocked(5)
    reservation = reserve(inventory, 2)

    reservation_cancel(reservation_id=reservation.reservation_id)
    reservation_cancel(reservation_id=reservation.reservation_id)

    assert figures(inventory) == (5, 0, 5)
    assert inventory.movements.filter(kind="release").count() == 1


@pytest.mark.parametrize(
    ("action", "status", "message_action"),
    [
        (reservation_confirm, "cancelled", "confirmed"),
        (reservation_acknowledge, "cancelled", "acknowledged"),
    ],
)
def test_invalid_transitions_name_the_current_status(action, status, message_action):
    inventory = stocked(5)
    reservation = reserve(inventory, 1)
    reservation_cancel(reservation_id=reservation.reservation_id)

    with pytest.raises(errors.InvalidTransition) as refused:
        action(reservation_id=reservation.reservation_id)

    assert refused.value.code == "invalid_transition"
    assert refused.value.http_status == 422
    assert refused.value.message == (
        f"Reservation '{reservation.reservation_id}' is {status}; it cannot be {message_action}."
    )


def test_acknowledging_an_authorized_reservation_is_refused():
    reservation = reserve(stocked(5), 1)

    with pytest.raises(errors.InvalidTransition, match="is authorized; it cannot be acknowledged"):
        reservation_acknowledge(reservation_id=reservation.reservation_id)


def test_unknown_reservation_is_not_found():
    with pytest.raises(errors.ReservationNotFound, match="'missing' does not exist"):
        reservation_confirm(reservation_id="missing")


def test_expiry_job_expires_overdue_reservations_and_releases_stock():
    inventory = stocked(5)
    overdue = reserve(inventory, 2, ttl=timedelta(minutes=5))
    fresh = reserve(inventory, 1, ttl=timedelta(hours=5))
    confirmed = reserve(inventory, 1, ttl=timedelta(minutes=5))
    reservation_confirm(reservation_id=confirmed.reservation_id)

    count = reservations_expire(now=timezone.now() + timedelta(minutes=10))

    assert count == 1
    statuses = dict(Reservation.objects.values_list("reservation_id", "status"))
    assert statuses == {
        overdue.reservation_id: "expired",
        fresh.reservation_id: "authorized",
        confirmed.reservation_id: "confirmed",
    }
    assert figures(inventory) == (5, 2, 3)
    assert inventory_discrepancies() == []


def test_expire_command_runs_the_job(capsys):
    inventory = stocked(5)
    reserve(inventory, 2, ttl=timedelta(microseconds=1))

    call_command("expire_reservations")

    assert "Expired 1 reservation(s)." in capsys.readouterr().out
    assert figures(inventory) == (5, 0, 5)


def test_overdue_reservation_never_counts_even_before_the_job_runs():
    inventory = stocked(3)
    reserve(inventory, 3, ttl=timedelta(microseconds=1))

    second = reserve(inventory, 3)

    assert second.status == ReservationStatus.AUTHORIZED
    assert figures(inventory) == (3, 3, 0)
    assert Reservation.objects.exclude(pk=second.pk).get().status == ReservationStatus.EXPIRED
    expiry = Movement.objects.filter(inventory=inventory, kind="reserve").latest("id")
    assert expiry.details["expired"][0]["quantity"] == 3
    assert inventory_discrepancies() == []


def test_touching_an_overdue_reservation_expires_it_and_refuses_the_transition():
    inventory = stocked(3)
    reservation = reserve(inventory, 2, ttl=timedelta(microseconds=1))

    with pytest.raises(errors.InvalidTransition, match="is expired; it cannot be confirmed"):
        reservation_confirm(reservation_id=reservation.reservation_id)

    reservation.refresh_from_db()
    assert (reservation.status, reservation.expired_at is not None) == ("expired", True)
    assert figures(inventory) == (3, 0, 3)
