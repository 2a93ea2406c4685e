"""Random mixes of reservation lifecycles and stock changes keep every invariant."""

from contextlib import suppress
from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.core.errors import ApplicationError
from apps.inventory.models import Inventory, Source
from apps.inventory.planning import Operation, StockChange
from apps.inventory.selectors import inventory_discrepancies
from apps.inventory.services import inventory_changes_apply
from apps.reservations.models import Reservation, ReservationItem, ReservationStatus
from apps.reservations.services import (
    ItemRequest,
    reservation_acknowledge,
    reservation_cancel,
    reservation_confirm,
    reservation_create,
    reservations_expire,
)
from tests.factories import SKUFactory, WarehouseFactory

KEYS = [("res-1", "res-wh"), ("res-2", "res-wh")]
TRANSITIONS = {
    "confirm": reservation_confirm,
    "acknowledge": reservation_acknowledge,
    "cancel": reservation_cancel,
}

steps = st.one_of(
    st.tuples(
        st.just("reserve"),
        st.lists(st.tuples(st.sampled_from(KEYS), st.integers(1, 6)), min_size=1, max_size=2),
        st.sampled_from([timedelta(hours=1), timedelta(microseconds=1)]),
    ),
    st.tuples(st.sampled_from(sorted(TRANSITIONS)), st.integers(0, 20)),
    st.tuples(
        st.just("stock"),
        st.sampled_from(KEYS),
        st.sampled_from(
            [Operation.COUNT, Operation.SET_AVAILABLE, Operation.DECREMENT, Operation.ALLOCATE]
        ),
        st.integers(1, 12),
    ),
    st.tuples(st.just("expire")),
)


def run_step(step, reservation_ids: list[str]) -> None:
    match step:
        case ("reserve", items, ttl):
            reservation = reservation_create(
                items=[ItemRequest(*key, q) for key, q in items], ttl=ttl
            )
            reservation_ids.append(reservation.reservation_id)
        case ("stock", key, operation, quantity):
            inventory_changes_apply(
                changes=[StockChange(*key, operation, quantity)], source=Source.API
            )
        case ("expire",):
            reservations_expire()
        case (name, index) if reservation_ids:
            TRANSITIONS[name](reservation_id=reservation_ids[index % len(reservation_ids)])


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=st.lists(steps, min_size=1, max_size=15))
def test_reservations_and_stock_changes_keep_reserved_exact(sequence):
    with transaction.atomic():
        warehouse = WarehouseFactory(warehouse_id="res-wh")
        for sku_id, _ in KEYS:
            SKUFactory(sku_id=sku_id)
        inventory_changes_apply(
            changes=[StockChange(*key, quantity=10) for key in KEYS], source=Source.SYSTEM
        )
        reservation_ids: list[str] = []
        for step in sequence:
            with suppress(ApplicationError):  # refusals are fine; invariants must hold anyway
                run_step(step, reservation_ids)
            assert inventory_discrepancies() == []
            for row in Inventory.objects.filter(warehouse=warehouse):
                assert row.total_quantity >= 0
                assert 0 <= row.allocated_quantity <= row.reserved_quantity
            inactive = ReservationItem.objects.filter(
                reservation__status__in=[ReservationStatus.CANCELLED, ReservationStatus.FULFILLED],
                released_at__isnull=True,
            )
            assert not inactive.exists()
            assert not Reservation.objects.filter(
                status=ReservationStatus.FULFILLED, items__released_at__isnull=True
            ).exists()
        transaction.set_rollback(True)
