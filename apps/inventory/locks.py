"""Row locks on inventories: the one place they are taken.

Always one ``SELECT … FOR UPDATE`` ordered by primary key, so two writers touching the same
rows in any order queue behind each other instead of deadlocking. On SQLite the whole
database is locked by the IMMEDIATE transaction instead (see settings).
"""

from collections.abc import Collection

from apps.inventory.selectors import StockRow, stock_row_by_key, stock_rows


def lock_inventories(inventory_ids: Collection[int]) -> dict[int, StockRow]:
    """Lock the rows (in the current transaction) and return them by id.

    Large sets are locked in consecutive id ranges, so the order stays global.
    """
    return stock_rows(inventory_ids, lock=True)


def lock_inventory_by_key(sku_id: str, warehouse_id: str) -> StockRow | None:
    """Lock the row of a SKU in a warehouse, if it exists, and return it.

    A single row: no order to keep, and a caller finding none has locked nothing.
    """
    return stock_row_by_key(sku_id, warehouse_id, lock=True)
