"""The count and transaction services against the database: rows, versions, ledger."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.utils import IntegrityError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.inventory import errors
from apps.inventory.models import ImmutableLedgerError, Inventory, Movement, Source
from apps.inventory.planning import ChangeStatus, Operation, StockChange
from apps.inventory.selectors import inventory_changes_plan
from apps.inventory.services import inventory_change_apply, inventory_changes_apply
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db


def apply(*changes, **context):
    return inventory_changes_apply(
        changes=changes, source=context.pop("source", Source.API), **context
    )


def test_count_creates_the_missing_row_and_one_movement():
    sku, warehouse = SKUFactory(sku_id="25"), WarehouseFactory(warehouse_id="store-warehouse")

    plan = apply(
        StockChange("25", "store-warehouse", quantity=12), actor="key:ERP1", reason="nightly"
    )

    inventory = Inventory.objects.get(sku=sku, warehouse=warehouse)
    assert (inventory.total_quantity, inventory.version) == (12, 1)
    assert inventory.balance_as_of is not None
    movement = Movement.objects.get(inventory=inventory)
    assert (movement.kind, movement.source, movement.actor, movement.reason) == (
        "count",
        "api",
        "key:ERP1",
        "nightly",
    )
    assert (movement.total_before, movement.total_after, movement.delta) == (0, 12, 12)
    assert movement.as_of == inventory.balance_as_of
    assert plan.outcomes[0].inventory_id == inventory.pk


def test_equal_count_writes_nothing():
    inventory = stocked(5)

    plan = apply(StockChange(inventory.sku.sku_id, inventory.warehouse.warehouse_id, quantity=5))

    assert plan.outcomes[0].status is ChangeStatus.UNCHANGED
    inventory.refresh_from_db()
    assert inventory.version == 1
    assert inventory.movements.count() == 1


def test_stale_balance_changes_nothing():
    inventory = stocked(5)
    old = inventory.balance_as_of - timedelta(seconds=30)

    plan = apply(
        StockChange(inventory.sku.sku_id, inventory.warehouse.warehouse_id, quantity=99, as_of=old)
    )

    assert plan.outcomes[0].error.code == "stale_balance"
    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.version) == (5, 1)
    assert inventory.movements.count() == 1


def test_newer_balance_is_accepted_and_becomes_the_reference():
    inventory = stocked(5)
    later = inventory.balance_as_of + timedelta(minutes=1)

    apply(
        StockChange(inventory.sku.sku_id, inventory.warehouse.warehouse_id, quantity=8, as_of=later)
    )

    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.balance_as_of) == (8, later)


def test_decrement_beyond_stock_raises_and_changes_nothing():
    inventory = stocked(2)

    with pytest.raises(errors.InsufficientStock) as refused:
        inventory_change_apply(
            change=StockChange(
                inventory.sku.sku_id, inventory.warehouse.warehouse_id, Operation.DECREMENT, 3
            ),
            source=Source.API,
        )

    assert refused.value.extra["available"] == 2
    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.version) == (2, 1)
    assert inventory.movements.count() == 1


def test_negative_count_is_refused_and_changes_nothing():
    inventory = stocked(2)

    with pytest.raises(errors.InvalidQuantity, match="cannot be negative"):
        inventory_change_apply(
            change=StockChange(inventory.sku.sku_id, inventory.warehouse.warehouse_id, quantity=-1),
            source=Source.API,
        )

    inventory.refresh_from_db()
    assert inventory.total_quantity == 2


def test_negative_total_is_also_refused_by_the_database():
    inventory = stocked(2)

    with pytest.raises(IntegrityError):
        Inventory.objects.filter(pk=inventory.pk).update(total_quantity=-1)


def test_adjust_increment_decrement_and_set_available_each_write_one_movement():
    inventory = stocked(10)
    key = (inventory.sku.sku_id, inventory.warehouse.warehouse_id)

    plan = apply(
        StockChange(*key, Operation.ADJUST, -3),
        StockChange(*key, Operation.INCREMENT, 5),
        StockChange(*key, Operation.DECREMENT, 2),
        StockChange(*key, Operation.ALLOCATE, 4),
        StockChange(*key, Operation.SET_AVAILABLE, 1),
        StockChange(*key, Operation.DEALLOCATE, 4),
    )

    assert [o.status for o in plan.outcomes] == [ChangeStatus.CHANGED] * 6
    inventory.refresh_from_db()
    assert (
        inventory.total_quantity,
        inventory.reserved_quantity,
        inventory.allocated_quantity,
    ) == (
        5,
        0,
        0,
    )
    assert inventory.available_quantity == 5
    assert inventory.version == 7
    kinds = list(inventory.movements.order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "count",
        "adjust",
        "increment",
        "decrement",
        "allocate",
        "set_available",
        "deallocate",
    ]


def test_movement_deltas_sum_to_the_total():
    inventory = stocked(10)
    key = (inventory.sku.sku_id, inventory.warehouse.warehouse_id)

    apply(StockChange(*key, Operation.ADJUST, 7), StockChange(*key, quantity=4))
    apply(StockChange(*key, Operation.DECREMENT, 1))

    inventory.refresh_from_db()
    deltas = inventory.movements.values_list("delta", flat=True)
    assert sum(deltas) == inventory.total_quantity == 3


def test_all_or_nothing_writes_nothing_when_one_change_fails():
    good, bad = stocked(1), stocked(1)
    new_sku = SKUFactory()

    plan = apply(
        StockChange(good.sku.sku_id, good.warehouse.warehouse_id, quantity=50),
        StockChange(new_sku.sku_id, good.warehouse.warehouse_id, quantity=3),
        StockChange(bad.sku.sku_id, bad.warehouse.warehouse_id, Operation.DECREMENT, 2),
        all_or_nothing=True,
    )

    assert [o.status for o in plan.outcomes][-1] is ChangeStatus.ERROR
    good.refresh_from_db()
    assert good.total_quantity == 1
    assert not Inventory.objects.filter(sku=new_sku).exists()
    assert Movement.objects.count() == 2


def test_partial_mode_applies_valid_changes_and_reports_the_rest():
    inventory = stocked(1)

    plan = apply(
        StockChange(inventory.sku.sku_id, inventory.warehouse.warehouse_id, quantity=50),
        StockChange("no-such-sku", inventory.warehouse.warehouse_id, quantity=3),
    )

    assert [o.status for o in plan.outcomes] == [ChangeStatus.CHANGED, ChangeStatus.ERROR]
    inventory.refresh_from_db()
    assert inventory.total_quantity == 50


def _half_stocked_changes(count: int) -> list[StockChange]:
    warehouse = WarehouseFactory()
    skus = SKUFactory.create_batch(count)
    apply(*[StockChange(sku.sku_id, warehouse.warehouse_id, quantity=1) for sku in skus[::2]])
    return [StockChange(sku.sku_id, warehouse.warehouse_id, quantity=7) for sku in skus]


def test_apply_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    changes = _half_stocked_changes(40)

    with django_assert_max_num_queries(12):
        plan = apply(*changes)

    assert len(plan.changed) == 40
    assert Movement.objects.filter(total_after=7).count() == 40


@pytest.mark.postgres
def test_apply_query_count_does_not_grow_with_rows_on_postgres(django_assert_max_num_queries):
    changes = _half_stocked_changes(2000)

    with django_assert_max_num_queries(12):
        plan = apply(*changes)

    assert len(plan.changed) == 2000
    assert Movement.objects.filter(total_after=7).count() == 2000


@pytest.mark.postgres
def test_a_count_on_an_existing_row_locks_it_and_writes_in_two_queries():
    inventory = stocked(4)
    change = StockChange(inventory.sku.sku_id, inventory.warehouse.warehouse_id, quantity=9)

    with CaptureQueriesContext(connection) as captured:
        inventory_change_apply(change=change, source=Source.API)

    statements = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]  # the test's
    assert len(statements) == 2, statements  # lock, keys resolved with it; row and movement
    assert "FOR UPDATE" in statements[0]

    inventory.refresh_from_db()
    assert inventory.total_quantity == 9
    assert list(inventory.movements.values_list("delta", flat=True).order_by("id")) == [4, 5]


def test_preview_plan_writes_nothing():
    inventory = stocked(4)

    plan = inventory_changes_plan(
        changes=[StockChange(inventory.sku.sku_id, inventory.warehouse.warehouse_id, quantity=9)]
    )

    assert plan.outcomes[0].after.total == 9
    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.version) == (4, 1)
    assert Movement.objects.count() == 1


def test_unlimited_and_lead_time_are_stored_and_recorded():
    inventory = stocked(4)

    apply(
        StockChange(
            inventory.sku.sku_id,
            inventory.warehouse.warehouse_id,
            Operation.SETTINGS,
            unlimited=True,
            lead_time=timedelta(days=3),
        )
    )

    inventory.refresh_from_db()
    assert (inventory.unlimited, inventory.lead_time, inventory.total_quantity) == (
        True,
        timedelta(days=3),
        4,
    )
    movement = inventory.movements.latest("id")
    assert (movement.kind, movement.unlimited_after, movement.lead_time_after, movement.delta) == (
        "settings",
        True,
        timedelta(days=3),
        0,
    )


def test_movements_cannot_be_edited_or_deleted_through_the_orm():
    movement = stocked(4).movements.get()

    movement.reason = "rewritten"
    with pytest.raises(ImmutableLedgerError):
        movement.save()
    with pytest.raises(ImmutableLedgerError):
        movement.delete()
    with pytest.raises(ImmutableLedgerError):
        Movement.objects.all().update(reason="rewritten")
    with pytest.raises(ImmutableLedgerError):
        Movement.objects.all().delete()


def test_movements_cannot_be_edited_even_with_raw_sql():
    movement = stocked(4).movements.get()

    with pytest.raises(IntegrityError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_movement SET delta = 0 WHERE id = %s", [movement.pk])


def test_updated_at_moves_with_every_change():
    inventory = stocked(4)
    before = inventory.updated_at

    apply(StockChange(inventory.sku.sku_id, inventory.warehouse.warehouse_id, quantity=5))

    inventory.refresh_from_db()
    assert before < inventory.updated_at <= timezone.now()


@pytest.mark.postgres
def test_movements_cannot_be_deleted_with_raw_sql_on_postgres():
    movement = stocked(4).movements.get()

    with (
        pytest.raises(IntegrityError, match="append-only: DELETE refused"),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM inventory_movement WHERE id = %s", [movement.pk])


def test_unchanged_count_still_refuses_older_counts_after_it():
    inventory = stocked(5)
    key = (inventory.sku.sku_id, inventory.warehouse.warehouse_id)
    newer = inventory.balance_as_of + timedelta(hours=1)
    between = inventory.balance_as_of + timedelta(minutes=30)

    unchanged = apply(StockChange(*key, quantity=5, as_of=newer)).outcomes[0]
    late = apply(StockChange(*key, quantity=3, as_of=between)).outcomes[0]

    assert unchanged.status is ChangeStatus.UNCHANGED
    assert late.error.code == "stale_balance"
    inventory.refresh_from_db()
    assert (inventory.total_quantity, inventory.version, inventory.balance_as_of) == (5, 1, newer)
    assert inventory.movements.count() == 1
