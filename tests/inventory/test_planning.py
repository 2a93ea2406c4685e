"""The pure planner: every rule of SPEC §3 without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.inventory import errors
from apps.inventory.planning import (
    ChangeStatus,
    HeldItem,
    Operation,
    RowState,
    Snapshot,
    StockChange,
    plan_changes,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KEY = ("25", "store-warehouse")


def plan(*changes, snapshot=None, held=None, inventory_id=1):
    rows = {} if snapshot is None else {KEY: RowState(inventory_id, snapshot)}
    return plan_changes(
        changes,
        rows=rows,
        known_skus={"25"},
        known_warehouses={"store-warehouse"},
        held=held or {},
        now=NOW,
    )


def change(operation=Operation.COUNT, quantity=None, **kwargs):
    return StockChange(*KEY, operation=operation, quantity=quantity, **kwargs)


def test_count_sets_total_bumps_version_and_records_as_of():
    outcome = plan(change(quantity=7), snapshot=Snapshot(total=3, version=4)).outcomes[0]

    assert outcome.status is ChangeStatus.CHANGED
    assert (outcome.before.total, outcome.after.total, outcome.delta) == (3, 7, 4)
    assert outcome.after.version == 5
    assert outcome.after.balance_as_of == NOW


def test_count_on_missing_row_starts_from_zero():
    outcome = plan(change(quantity=4)).outcomes[0]

    assert outcome.status is ChangeStatus.CHANGED
    assert outcome.inventory_id is None
    assert (outcome.before.total, outcome.after.total, outcome.after.version) == (0, 4, 1)


def test_equal_count_is_unchanged_and_keeps_version():
    outcome = plan(change(quantity=3), snapshot=Snapshot(total=3, version=4)).outcomes[0]

    assert outcome.status is ChangeStatus.UNCHANGED
    assert outcome.after.version == 4
    assert outcome.delta == 0


def test_equal_count_with_new_lead_time_is_a_change():
    outcome = plan(
        change(quantity=3, lead_time=timedelta(days=2)), snapshot=Snapshot(total=3)
    ).outcomes[0]

    assert outcome.status is ChangeStatus.CHANGED
    assert outcome.after.lead_time == timedelta(days=2)


def test_count_older_than_balance_is_refused_as_stale():
    newer = NOW - timedelta(minutes=1)
    outcome = plan(
        change(quantity=9, as_of=NOW - timedelta(minutes=5)),
        snapshot=Snapshot(total=3, balance_as_of=newer),
    ).outcomes[0]

    assert outcome.status is ChangeStatus.ERROR
    assert isinstance(outcome.error, errors.StaleBalance)
    assert outcome.error.code == "stale_balance"
    assert "older than the current one" in outcome.error.message


def test_count_with_same_as_of_as_balance_is_accepted():
    outcome = plan(
        change(quantity=9, as_of=NOW), snapshot=Snapshot(total=3, balance_as_of=NOW)
    ).outcomes[0]

    assert outcome.status is ChangeStatus.CHANGED


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (-1, "quantity cannot be negative, got -1."),
        (2.5, "quantity must be a whole number, got 2.5."),
        ("5", "quantity must be a whole number, got '5'."),
        (True, "quantity must be a whole number, got True."),
        (None, "quantity must be a whole number, got None."),
        (10**12, "quantity cannot exceed 1000000000, got 1000000000000."),
    ],
)
def test_malformed_count_is_refused_with_the_reason(quantity, message):
    outcome = plan(change(quantity=quantity), snapshot=Snapshot(total=3)).outcomes[0]

    assert outcome.status is ChangeStatus.ERROR
    assert outcome.error.code == "invalid_quantity"
    assert outcome.error.message == message


def test_unknown_sku_and_warehouse_are_named():
    outcomes = plan_changes(
        [
            StockChange("404", "store-warehouse", quantity=1),
            StockChange("25", "nowhere", quantity=1),
        ],
        rows={},
        known_skus={"25"},
        known_warehouses={"store-warehouse"},
        held={},
        now=NOW,
    ).outcomes

    assert [o.error.code for o in outcomes] == ["unknown_sku", "unknown_warehouse"]
    assert outcomes[0].error.message == "SKU '404' does not exist."
    assert outcomes[1].error.message == "Warehouse 'nowhere' does not exist."


def test_set_available_adds_what_is_reserved():
    outcome = plan(
        change(Operation.SET_AVAILABLE, 5), snapshot=Snapshot(total=8, reserved=2)
    ).outcomes[0]

    assert (outcome.after.total, outcome.after.reserved, outcome.after.available) == (7, 2, 5)


def test_adjust_below_zero_is_refused():
    outcome = plan(change(Operation.ADJUST, -4), snapshot=Snapshot(total=3)).outcomes[0]

    assert isinstance(outcome.error, errors.NegativeTotal)
    assert (
        outcome.error.message == "Total of 25 @ store-warehouse would be -1; it cannot go below 0."
    )


def test_adjust_applies_signed_delta():
    outcome = plan(change(Operation.ADJUST, -2), snapshot=Snapshot(total=3)).outcomes[0]

    assert outcome.after.total == 1
    assert outcome.delta == -2


def test_decrement_beyond_available_is_insufficient_stock():
    outcome = plan(change(Operation.DECREMENT, 3), snapshot=Snapshot(total=5, reserved=3)).outcomes[
        0
    ]

    assert outcome.error.code == "insufficient_stock"
    assert outcome.error.message == (
        "Insufficient stock for 25 @ store-warehouse: requested 3, available 2."
    )


def test_unlimited_row_never_runs_out_for_allocations():
    outcome = plan(
        change(Operation.ALLOCATE, 50), snapshot=Snapshot(total=0, unlimited=True)
    ).outcomes[0]

    assert outcome.status is ChangeStatus.CHANGED
    assert (outcome.after.reserved, outcome.after.allocated) == (50, 50)


def test_allocate_then_deallocate_more_than_allocated_is_refused():
    outcomes = plan(
        change(Operation.ALLOCATE, 2),
        change(Operation.DEALLOCATE, 3),
        snapshot=Snapshot(total=5),
    ).outcomes

    assert outcomes[0].after.allocated == 2
    assert outcomes[1].error.code == "exceeds_allocated"
    assert "only 2 allocated" in outcomes[1].error.message


@pytest.mark.parametrize(
    "operation", [Operation.INCREMENT, Operation.DECREMENT, Operation.ALLOCATE]
)
def test_transactions_need_a_positive_quantity(operation):
    outcome = plan(change(operation, 0), snapshot=Snapshot(total=5)).outcomes[0]

    assert outcome.error.message == "quantity must be greater than zero, got 0."


def test_settings_change_only_flags_and_keeps_total():
    outcome = plan(change(Operation.SETTINGS, unlimited=True), snapshot=Snapshot(total=5)).outcomes[
        0
    ]

    assert outcome.status is ChangeStatus.CHANGED
    assert (outcome.after.total, outcome.after.unlimited, outcome.delta) == (5, True, 0)


def test_settings_change_without_anything_to_change_is_refused():
    outcome = plan(change(Operation.SETTINGS), snapshot=Snapshot(total=5)).outcomes[0]

    assert outcome.error.message == "Give unlimited or lead_time to change."


def test_expected_version_mismatch_is_a_stale_count():
    outcome = plan(
        change(quantity=1, expected_version=2), snapshot=Snapshot(total=5, version=3)
    ).outcomes[0]

    assert outcome.error.code == "stale_count"
    assert "version 2, now 3" in outcome.error.message


def test_later_changes_in_a_batch_see_earlier_results():
    outcomes = plan(
        change(quantity=5), change(Operation.DECREMENT, 4), change(Operation.DECREMENT, 2)
    ).outcomes

    assert [o.status for o in outcomes] == [
        ChangeStatus.CHANGED,
        ChangeStatus.CHANGED,
        ChangeStatus.ERROR,
    ]
    assert outcomes[1].after.total == 1
    assert outcomes[1].after.version == 2


def test_count_clears_acknowledged_items_up_to_its_as_of_only():
    before_t = HeldItem(1, quantity=1, acknowledged_at=NOW - timedelta(hours=1))
    after_t = HeldItem(2, quantity=2, acknowledged_at=NOW + timedelta(hours=1))
    outcome = plan(
        change(quantity=2, as_of=NOW),
        snapshot=Snapshot(total=3, reserved=3),
        held={1: [before_t, after_t]},
    ).outcomes[0]

    assert outcome.cleared == (before_t,)
    assert (outcome.after.total, outcome.after.reserved) == (2, 2)


def test_equal_count_that_clears_reservations_is_not_a_no_op():
    item = HeldItem(1, quantity=1, acknowledged_at=NOW - timedelta(hours=1))
    outcome = plan(
        change(quantity=3), snapshot=Snapshot(total=3, reserved=1), held={1: [item]}
    ).outcomes[0]

    assert outcome.status is ChangeStatus.CHANGED
    assert (outcome.delta, outcome.after.reserved) == (0, 0)


def test_oversold_result_carries_a_warning():
    outcome = plan(change(quantity=1), snapshot=Snapshot(total=5, reserved=3)).outcomes[0]

    assert outcome.after.available == -2
    assert outcome.warnings == ("Available would be -2: more is reserved than counted.",)
