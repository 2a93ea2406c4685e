"""The bulk write paths on PostgreSQL (arrays, ``COPY``, binary parameters) go through
Django's cursor wrapper: query counts pin them and execute wrappers (APM) see them."""

from dataclasses import replace

import pytest
from django.db import connection

from apps.catalog.models import SKU
from apps.inventory.bulk import SMALL_WRITE
from apps.inventory.models import Movement, Source
from apps.inventory.planning import Operation, StockChange
from apps.inventory.selectors import SMALL_BATCH_PAIRS
from apps.inventory.services import inventory_changes_apply
from apps.warehouses.models import Warehouse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _counts(skus: int, warehouses: int, quantity: int = 5) -> list[StockChange]:
    SKU.objects.bulk_create(
        [SKU(sku_id=f"s{i}", name=f"SKU {i}") for i in range(skus)], ignore_conflicts=True
    )
    Warehouse.objects.bulk_create(
        [Warehouse(warehouse_id=f"w{i}", name=f"W {i}") for i in range(warehouses)],
        ignore_conflicts=True,
    )
    return [
        StockChange(f"s{s}", f"w{w}", Operation.COUNT, quantity)
        for s in range(skus)
        for w in range(warehouses)
    ]


def _statements_seen(changes: list[StockChange]) -> list[str]:
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql.split()[0] + " " + ("unnest" if "unnest(" in sql else ""))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        inventory_changes_apply(changes=changes, source=Source.IMPORT)
    return seen


def test_a_large_count_batch_runs_a_fixed_number_of_queries(django_assert_num_queries):
    changes = _counts(skus=SMALL_BATCH_PAIRS // 10 + 1, warehouses=10)  # pairs by arrays
    inventory_changes_apply(changes=changes, source=Source.IMPORT)  # rows exist now
    again = [replace(change, quantity=6) for change in changes]

    # savepoint, SKUs, warehouses, row ids by pairs (binary arrays), lock, UPDATE … unnest
    # (binary arrays), COPY of the movements, release
    with django_assert_num_queries(8) as captured:
        inventory_changes_apply(changes=again, source=Source.IMPORT)

    sql = [query["sql"] for query in captured.captured_queries]
    assert sum(q.startswith("SELECT i.sku_id") and "unnest($1" in q for q in sql) == 1
    assert sum(q.startswith("UPDATE") and "unnest($1" in q for q in sql) == 1
    assert sum(q.startswith("COPY") for q in sql) == 1
    assert Movement.objects.filter(total_after=6).count() == len(changes)


def test_apm_execute_wrappers_see_the_array_update_and_the_copy():
    changes = _counts(skus=SMALL_WRITE + 1, warehouses=1)
    inventory_changes_apply(changes=changes, source=Source.IMPORT)

    seen = _statements_seen([replace(change, quantity=9) for change in changes])

    assert "UPDATE unnest" in seen
    assert "COPY " in seen


def test_a_single_count_is_one_write_statement(django_assert_num_queries):
    changes = _counts(skus=1, warehouses=1)
    inventory_changes_apply(changes=changes, source=Source.API)

    # savepoint, lock, the row update and its movement in one statement, release
    with django_assert_num_queries(4):
        inventory_changes_apply(changes=[replace(changes[0], quantity=8)], source=Source.API)
