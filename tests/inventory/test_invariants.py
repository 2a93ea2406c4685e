"""Random sequences of service calls keep the stock invariants after every call."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.inventory.models import Inventory, Movement, Source
from apps.inventory.planning import ChangeStatus, Operation, StockChange
from apps.inventory.services import inventory_changes_apply
from tests.factories import SKUFactory, WarehouseFactory

SKUS = ["inv-1", "inv-2", "unknown-sku"]
WAREHOUSES = ["inv-a", "inv-b"]
ABSOLUTE = (Operation.COUNT, Operation.SET_AVAILABLE)
SIGNED = (Operation.COUNT, Operation.SET_AVAILABLE, Operation.ADJUST)
BASE = datetime(2026, 1, 1, tzinfo=UTC)

changes = st.builds(
    StockChange,
    # Weighted towards one row, so operations pile up on it and interact.
    sku_id=st.sampled_from(["inv-1", "inv-1", "inv-1", "inv-2", "unknown-sku"]),
    warehouse_id=st.sampled_from(["inv-a", "inv-a", "inv-b"]),
    operation=st.sampled_from(list(Operation)),
    quantity=st.integers(-3, 30) | st.integers(0, 30) | st.integers(0, 10) | st.none(),
    unlimited=st.none() | st.booleans(),
    as_of=st.none() | st.integers(0, 10).map(lambda minutes: BASE + timedelta(minutes=minutes)),
)


def expected_after(change: StockChange, row: dict) -> dict | None:
    """An independent, deliberately naive model of each operation (None: must be refused)."""
    q, op = change.quantity, change.operation
    total, reserved, allocated = row["total"], row["reserved"], row["allocated"]
    available = float("inf") if row["unlimited"] else total - reserved
    if change.sku_id == "unknown-sku":
        return None
    if op in (Operation.SETTINGS, Operation.RELEASE):
        if q is not None or (op is Operation.SETTINGS and change.unlimited is None):
            return None
    elif q is None or (op in ABSOLUTE and q < 0) or (op not in SIGNED and q <= 0):
        return None
    if op in ABSOLUTE:
        as_of = change.as_of or datetime.now(UTC)
        if row["balance_as_of"] and as_of < row["balance_as_of"]:
            return None
        row = {**row, "balance_as_of": as_of}
    match op:
        case Operation.COUNT:
            total = q
        case Operation.SET_AVAILABLE:
            total = q + reserved
        case Operation.ADJUST | Operation.INCREMENT:
            total += q
        case Operation.DECREMENT | Operation.ALLOCATE | Operation.RESERVE if q > available:
            return None
        case Operation.DECREMENT:
            total -= q
        case Operation.ALLOCATE:
            reserved, allocated = reserved + q, allocated + q
        case Operation.RESERVE:
            reserved += q
        case Operation.DEALLOCATE if q > allocated:
            return None
        case Operation.DEALLOCATE:
            reserved, allocated = reserved - q, allocated - q
    if total < 0:
        return None
    unlimited = row["unlimited"] if change.unlimited is None else change.unlimited
    return {
        **row,
        "total": total,
        "reserved": reserved,
        "allocated": allocated,
        "unlimited": unlimited,
    }


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=st.lists(changes, min_size=1, max_size=20))
def test_random_service_calls_keep_every_invariant(sequence):
    with transaction.atomic():
        for sku_id in SKUS[:2]:
            SKUFactory(sku_id=sku_id)
        for warehouse_id in WAREHOUSES:
            WarehouseFactory(warehouse_id=warehouse_id)
        model = {}
        for change in sequence:
            row = model.get(change.key) or {
                "total": 0,
                "reserved": 0,
                "allocated": 0,
                "unlimited": False,
                "balance_as_of": None,
            }
            expected = expected_after(change, row)
            versions_before = dict(Inventory.objects.values_list("pk", "version"))

            outcome = inventory_changes_apply(changes=[change], source=Source.API).outcomes[0]

            assert (outcome.status is ChangeStatus.ERROR) == (expected is None), outcome
            if expected is not None:
                model[change.key] = expected
            _assert_invariants(model, versions_before, outcome)
        transaction.set_rollback(True)


def _assert_invariants(model: dict, versions_before: dict, outcome) -> None:
    for inventory in Inventory.objects.select_related("sku", "warehouse"):
        key = (inventory.sku.sku_id, inventory.warehouse.warehouse_id)
        expected = model.get(key)
        if expected:
            assert inventory.total_quantity == expected["total"]
            assert inventory.reserved_quantity == expected["reserved"]
            assert inventory.allocated_quantity == expected["allocated"]
            assert inventory.unlimited == expected["unlimited"]
        assert inventory.total_quantity >= 0
        assert 0 <= inventory.allocated_quantity <= inventory.reserved_quantity
        assert (
            inventory.available_quantity == inventory.total_quantity - inventory.reserved_quantity
        )
        movements = Movement.objects.filter(inventory=inventory)
        assert sum(movements.values_list("delta", flat=True)) == inventory.total_quantity
        assert movements.count() == inventory.version
        bumped = inventory.version - versions_before.get(inventory.pk, 0)
        touched = outcome.status is ChangeStatus.CHANGED and outcome.change.key == key
        assert bumped == (1 if touched else 0)
