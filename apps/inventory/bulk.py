"""Writing many inventory rows and movements at once.

Django's ``bulk_update`` builds one ``CASE WHEN id = … THEN …`` per field, which PostgreSQL
evaluates branch by branch: quadratic in the batch size. On PostgreSQL the rows go in as
arrays instead (``UPDATE … FROM unnest(…)``): one statement, linear, whatever the count.
Movements go in with ``COPY``, several times faster than a multi-row ``INSERT`` for big
batches. A small write (an API call) sends the row update and the movements' ``INSERT`` as
one statement: one round trip instead of four. Other databases (SQLite) use Django's bulk
methods. Every statement goes through Django's cursor wrapper (``apps.core.batching``), so
query counts and APM see them.
"""

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from django.db import connection

from apps.core.batching import execute_binary, execute_through
from apps.inventory.models import Inventory, Movement
from apps.inventory.planning import Snapshot
from apps.inventory.selectors import SNAPSHOT_FIELDS

STOCK_FIELDS = (*SNAPSHOT_FIELDS, "updated_at")
_POSTGRES_TYPES = {
    "total_quantity": "bigint",
    "reserved_quantity": "bigint",
    "allocated_quantity": "bigint",
    "unlimited": "boolean",
    "lead_time": "interval",
    "balance_as_of": "timestamptz",
    "version": "bigint",
    "updated_at": "timestamptz",
}


def _postgres_update(placeholder: str) -> str:
    arrays = ["bigint", *(_POSTGRES_TYPES[f] for f in STOCK_FIELDS)]
    return (
        "UPDATE {table} AS t SET {assignments} "
        "FROM unnest({arrays}) AS v(id, {columns}) WHERE t.id = v.id"
    ).format(
        table=Inventory._meta.db_table,
        assignments=", ".join(
            f"{f} = COALESCE(v.{f}, t.{f})" if f == "updated_at" else f"{f} = v.{f}"
            for f in STOCK_FIELDS
        ),
        arrays=", ".join(f"{placeholder}::{kind}[]" for kind in arrays),
        columns=", ".join(STOCK_FIELDS),
    )


_UPDATE = _postgres_update("%s")
_UPDATE_BINARY = _postgres_update("%b")


RowUpdates = Mapping[int, tuple[Snapshot, datetime | None]]
"""Inventory id → (new figures, ``updated_at`` or None to keep it)."""


def write_stock(rows: RowUpdates, movements: Collection[dict[str, Any]]) -> None:
    """Save the rows' new figures and append the movements (given as field values: a
    100,000-row import would spend seconds building model instances) to the ledger.

    The caller holds the rows' locks.
    """
    if connection.vendor != "postgresql":
        _update_with_django(rows)
        Movement.objects.bulk_create([Movement(**values) for values in movements], batch_size=1000)
        return
    if max(len(rows), len(movements)) > SMALL_WRITE:
        if rows:
            execute_binary(_UPDATE_BINARY, _update_arrays(rows))
        if movements:
            _copy_movements(movements)
        return
    statements = [(_UPDATE, _update_arrays(rows))] if rows else []
    if movements:
        statements.append(_insert_statement(movements))
    if len(statements) == 2:  # a data-modifying CTE runs whether or not it is read
        (update, update_params), (insert, insert_params) = statements
        statements = [(f"WITH updated AS ({update}) {insert}", update_params + insert_params)]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _update_with_django(rows: RowUpdates) -> None:
    objects = [_as_model(pk, snapshot, updated_at) for pk, (snapshot, updated_at) in rows.items()]
    for fields, group in (
        (STOCK_FIELDS, [o for o in objects if o.updated_at is not None]),
        (STOCK_FIELDS[:-1], [o for o in objects if o.updated_at is None]),
    ):
        Inventory.objects.bulk_update(group, fields, batch_size=500)


def _update_arrays(rows: RowUpdates) -> list[list]:
    snapshots = [snapshot for snapshot, _ in rows.values()]
    return [
        list(rows),
        [s.total for s in snapshots],
        [s.reserved for s in snapshots],
        [s.allocated for s in snapshots],
        [s.unlimited for s in snapshots],
        [s.lead_time for s in snapshots],
        [s.balance_as_of for s in snapshots],
        [s.version for s in snapshots],
        [updated_at for _, updated_at in rows.values()],
    ]


def _as_model(pk: int, snapshot: Snapshot, updated_at: datetime | None) -> Inventory:
    return Inventory(
        pk=pk,
        total_quantity=snapshot.total,
        reserved_quantity=snapshot.reserved,
        allocated_quantity=snapshot.allocated,
        unlimited=snapshot.unlimited,
        lead_time=snapshot.lead_time,
        balance_as_of=snapshot.balance_as_of,
        version=snapshot.version,
        updated_at=updated_at,
    )


MOVEMENT_COLUMNS = tuple(
    field.column for field in Movement._meta.concrete_fields if not field.primary_key
)
SMALL_WRITE = 20
"""Up to this many rows and movements go in as one statement; more by arrays and COPY."""
_COPY_MOVEMENTS = f"COPY {Movement._meta.db_table} ({', '.join(MOVEMENT_COLUMNS)}) FROM STDIN"


def _copy_movements(movements: Collection[dict[str, Any]]) -> None:
    with connection.cursor() as cursor:

        def copy_rows() -> None:
            with cursor.cursor.copy(_COPY_MOVEMENTS) as copy:
                for values in movements:
                    copy.write_row(_movement_row(values))

        execute_through(cursor, _COPY_MOVEMENTS, copy_rows)


def _insert_statement(movements: Collection[dict[str, Any]]) -> tuple[str, list]:
    placeholders = ", ".join("%s::jsonb" if c == "details" else "%s" for c in MOVEMENT_COLUMNS)
    values = ", ".join([f"({placeholders})"] * len(movements))
    sql = f"INSERT INTO {Movement._meta.db_table} ({', '.join(MOVEMENT_COLUMNS)}) VALUES {values}"
    return sql, [value for values in movements for value in _movement_row(values)]


def _movement_row(values: dict[str, Any]) -> list:
    row = [values.get(column, default) for column, default in _COLUMN_DEFAULTS]
    details = row[_DETAILS]  # as JSON text; most movements have none
    row[_DETAILS] = json.dumps(details) if details else "{}"
    return row


_DEFAULTS = {"actor": "", "reason": "", "reference": "", "details": None, "as_of": None}
_COLUMN_DEFAULTS = [(column, _DEFAULTS.get(column)) for column in MOVEMENT_COLUMNS]
_DETAILS = MOVEMENT_COLUMNS.index("details")
