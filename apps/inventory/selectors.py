"""Reads of inventory state, shared by the services, the admin, the API and exports."""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.catalog.models import SKU
from apps.core.batching import execute_binary, filter_in
from apps.inventory import clearing
from apps.inventory.models import Inventory
from apps.inventory.planning import Key, Plan, RowState, Snapshot, StockChange, plan_changes
from apps.warehouses.models import Warehouse


@dataclass(frozen=True)
class ResolvedKeys:
    """Primary keys of the SKUs and warehouses a batch names (unknown ones are absent)."""

    sku_pks: dict[str, int]
    warehouse_pks: dict[str, int]

    def pair_pks(self, keys: Iterable[Key]) -> dict[tuple[int, int], Key]:
        """(sku pk, warehouse pk) → natural key, for the keys whose SKU and warehouse exist."""
        return {
            (self.sku_pks[sku], self.warehouse_pks[wh]): (sku, wh)
            for sku, wh in keys
            if sku in self.sku_pks and wh in self.warehouse_pks
        }


def resolve_keys(pairs: Collection[Key]) -> ResolvedKeys:
    """The primary keys of the SKUs and warehouses ``pairs`` name: two queries (per 5,000
    distinct ids), however many pairs."""
    sku_ids = {sku for sku, _ in pairs}
    warehouse_ids = {warehouse for _, warehouse in pairs}
    return ResolvedKeys(
        sku_pks={
            sku_id: pk
            for query in filter_in(SKU.objects, "sku_id", sku_ids)
            for sku_id, pk in query.values_list("sku_id", "pk")
        },
        warehouse_pks={
            warehouse_id: pk
            for query in filter_in(Warehouse.objects, "warehouse_id", warehouse_ids)
            for warehouse_id, pk in query.values_list("warehouse_id", "pk")
        },
    )


SMALL_BATCH_PAIRS = 500
"""Up to this many (SKU × warehouse) combinations, keys and row ids resolve in one query."""

_SKU, _WAREHOUSE, _INVENTORY = (
    SKU._meta.db_table,
    Warehouse._meta.db_table,
    Inventory._meta.db_table,
)
_RESOLVE_SMALL = (
    f"SELECT 's', sku_id, id, CAST(NULL AS bigint), CAST(NULL AS bigint) FROM {_SKU} "
    "WHERE sku_id IN ({skus}) "
    f"UNION ALL SELECT 'w', warehouse_id, id, NULL, NULL FROM {_WAREHOUSE} "
    "WHERE warehouse_id IN ({warehouses}) "
    f"UNION ALL SELECT 'i', CAST(NULL AS varchar), i.id, i.sku_id, i.warehouse_id "
    f"FROM {_INVENTORY} i "
    f"JOIN {_SKU} s ON s.id = i.sku_id JOIN {_WAREHOUSE} w ON w.id = i.warehouse_id "
    "WHERE s.sku_id IN ({skus}) AND w.warehouse_id IN ({warehouses})"
)
"""SKUs, warehouses and existing rows of a small batch, in one round trip."""


def resolve(
    pairs: Collection[Key],
) -> tuple[ResolvedKeys, dict[tuple[int, int], Key], dict[tuple[int, int], int]]:
    """The SKU and warehouse keys of a batch's (SKU id, warehouse id) pairs, the pairs by
    (SKU pk, warehouse pk) (those whose SKU and warehouse exist), and the ids of their
    existing inventory rows by (SKU pk, warehouse pk).

    A small batch (an API call) takes one query; a large one a few per 5,000 ids.
    """
    sku_ids = sorted({sku for sku, _ in pairs})
    warehouse_ids = sorted({warehouse for _, warehouse in pairs})
    if len(sku_ids) * len(warehouse_ids) > SMALL_BATCH_PAIRS:
        keys = resolve_keys(pairs)
        pair_keys = keys.pair_pks(pairs)
        return keys, pair_keys, inventory_ids_by_pair(pair_keys)
    sql = _RESOLVE_SMALL.format(
        skus=", ".join(["%s"] * len(sku_ids)), warehouses=", ".join(["%s"] * len(warehouse_ids))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sku_ids, *warehouse_ids, *sku_ids, *warehouse_ids])
        rows = cursor.fetchall()
    keys = ResolvedKeys(
        sku_pks={key: pk for kind, key, pk, *_ in rows if kind == "s"},
        warehouse_pks={key: pk for kind, key, pk, *_ in rows if kind == "w"},
    )
    pair_keys = keys.pair_pks(pairs)
    existing = {(sku, wh): pk for kind, _, pk, sku, wh in rows if kind == "i"}
    return keys, pair_keys, {pair: pk for pair, pk in existing.items() if pair in pair_keys}


_IDS_BY_PAIR = (
    f"SELECT i.sku_id, i.warehouse_id, i.id FROM {_INVENTORY} i "
    "JOIN unnest(%b::bigint[], %b::bigint[]) AS p(sku, warehouse) "
    "ON i.sku_id = p.sku AND i.warehouse_id = p.warehouse"
)


def inventory_ids_by_pair(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Existing inventory ids for (sku pk, warehouse pk) pairs: one query on PostgreSQL
    (joined on the pairs themselves, so it probes the (warehouse, SKU) index whatever the
    table statistics say), one per 5,000 SKUs elsewhere."""
    pairs = set(pairs)
    if connection.vendor == "postgresql":
        skus, warehouses = zip(*pairs, strict=True) if pairs else ((), ())
        rows = execute_binary(_IDS_BY_PAIR, [list(skus), list(warehouses)])
        return {(sku, warehouse): pk for sku, warehouse, pk in rows}
    found = {}
    rows = Inventory.objects.filter(warehouse_id__in={wh for _, wh in pairs}).order_by()
    for query in filter_in(rows, "sku_id", {sku for sku, _ in pairs}):
        for sku, wh, pk in query.values_list("sku_id", "warehouse_id", "pk"):
            if (sku, wh) in pairs:
                found[(sku, wh)] = pk
    return found


_VERSIONS = (
    f"SELECT s.sku_id, w.warehouse_id, i.version FROM {_INVENTORY} i "
    f"JOIN {_SKU} s ON s.id = i.sku_id JOIN {_WAREHOUSE} w ON w.id = i.warehouse_id "
    "JOIN unnest(%b::text[], %b::text[]) AS p(sku, warehouse) "
    "ON s.sku_id = p.sku AND w.warehouse_id = p.warehouse"
)


def inventory_versions(keys: Collection[Key]) -> dict[Key, int]:
    """The version of each existing row among ``keys`` (a cheap way to find the rows that
    moved on since a preview): one query on PostgreSQL, one per 5,000 SKUs elsewhere."""
    keys = set(keys)
    if connection.vendor == "postgresql":
        skus, warehouses = zip(*keys, strict=True) if keys else ((), ())
        rows = execute_binary(_VERSIONS, [list(skus), list(warehouses)])
        return {(sku, warehouse): version for sku, warehouse, version in rows}
    rows = Inventory.objects.filter(
        warehouse__warehouse_id__in={warehouse for _, warehouse in keys}
    ).order_by()
    versions = {}
    for query in filter_in(rows, "sku__sku_id", {sku for sku, _ in keys}):
        for sku, warehouse, version in query.values_list(
            "sku__sku_id", "warehouse__warehouse_id", "version"
        ):
            if (sku, warehouse) in keys:
                versions[(sku, warehouse)] = version
    return versions


class StockRow(NamedTuple):
    """An inventory row's identity and figures, read without building a model instance."""

    pk: int
    sku_pk: int
    warehouse_pk: int
    snapshot: Snapshot


SNAPSHOT_FIELDS = (
    "total_quantity",
    "reserved_quantity",
    "allocated_quantity",
    "unlimited",
    "lead_time",
    "balance_as_of",
    "version",
)
"""The inventory fields a ``Snapshot`` holds, in its order."""
_STOCK_COLUMNS = ("pk", "sku_id", "warehouse_id", *SNAPSHOT_FIELDS)


def stock_rows(inventory_ids: Iterable[int], *, lock: bool = False) -> dict[int, StockRow]:
    """The rows by id, one query per 5,000; with ``lock``, ``FOR UPDATE`` in id order
    (only ``apps.inventory.locks`` asks for that)."""
    rows = {}
    queryset = Inventory.objects.order_by("pk")
    if lock:
        queryset = queryset.select_for_update()
    for query in filter_in(queryset, "pk", set(inventory_ids)):
        for pk, sku, wh, *figures in query.values_list(*_STOCK_COLUMNS):
            rows[pk] = StockRow(pk, sku, wh, Snapshot(*figures))
    return rows


def stock_row_by_key(sku_id: str, warehouse_id: str, *, lock: bool = False) -> StockRow | None:
    """The row of a SKU in a warehouse, by their ids, or None if it (or either) does not
    exist: one query; with ``lock``, ``FOR UPDATE`` of the row."""
    queryset = Inventory.objects.filter(sku__sku_id=sku_id, warehouse__warehouse_id=warehouse_id)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    for pk, sku, wh, *figures in queryset.values_list(*_STOCK_COLUMNS):
        return StockRow(pk, sku, wh, Snapshot(*figures))
    return None


def row_states(
    rows: Iterable[StockRow], pair_keys: dict[tuple[int, int], Key]
) -> dict[Key, RowState]:
    return {
        pair_keys[(row.sku_pk, row.warehouse_pk)]: RowState(row.pk, row.snapshot) for row in rows
    }


def inventory_changes_plan(*, changes: Sequence[StockChange]) -> Plan:
    """What ``changes`` would do now, without locking or writing anything (previews)."""
    pairs = {change.key for change in changes}
    keys = resolve_keys(pairs)
    pair_keys = keys.pair_pks(pairs)
    ids = inventory_ids_by_pair(pair_keys)
    now = timezone.now()
    return plan_changes(
        changes,
        rows=row_states(stock_rows(ids.values()).values(), pair_keys),
        known_skus=keys.sku_pks,
        known_warehouses=keys.warehouse_pks,
        held=clearing.registered().held_items(
            ids.values(), now=now, including=release_items_of(changes)
        ),
        now=now,
    )


@dataclass(frozen=True)
class Discrepancy:
    """An inventory that breaks an invariant: its total is not the sum of its movement
    deltas, or its reserved quantity is not what active reservations and allocations hold."""

    inventory_id: int
    total_quantity: int
    ledger_total: int
    reserved_quantity: int
    expected_reserved: int

    def describe(self) -> str:
        problems = []
        if self.total_quantity != self.ledger_total:
            problems.append(f"total {self.total_quantity}, ledger sums to {self.ledger_total}")
        if self.reserved_quantity != self.expected_reserved:
            problems.append(
                f"reserved {self.reserved_quantity}, reservations and allocations hold "
                f"{self.expected_reserved}"
            )
        return f"inventory {self.inventory_id}: " + "; ".join(problems)


def inventory_discrepancies(inventory_ids: Iterable[int] | None = None) -> list[Discrepancy]:
    """Every inventory breaking the ledger or the reserved invariant (three queries)."""
    rows = (
        Inventory.objects.all()
        if inventory_ids is None
        else Inventory.objects.filter(pk__in=inventory_ids)
    )
    held = clearing.registered().reserved_by_inventory()
    ledger = dict(
        rows.annotate(ledger_total=Coalesce(Sum("movements__delta"), 0))
        .exclude(total_quantity=F("ledger_total"))
        .values_list("pk", "ledger_total")
    )
    candidates = rows.filter(
        Q(pk__in=ledger) | Q(pk__in=held) | ~Q(reserved_quantity=F("allocated_quantity"))
    ).values_list("pk", "total_quantity", "reserved_quantity", "allocated_quantity")
    found = [
        Discrepancy(
            inventory_id=pk,
            total_quantity=total,
            ledger_total=ledger.get(pk, total),
            reserved_quantity=reserved,
            expected_reserved=held.get(pk, 0) + allocated,
        )
        for pk, total, reserved, allocated in candidates
    ]
    return sorted(
        (
            d
            for d in found
            if d.ledger_total != d.total_quantity or d.expected_reserved != d.reserved_quantity
        ),
        key=lambda d: d.inventory_id,
    )


def release_items_of(changes: Iterable[StockChange]) -> set[int]:
    """Reservation item ids the changes ask to release."""
    return {item for change in changes for item in change.release_items}
