"""Every write to stock goes through here (SPEC §3, §6).

``inventory_changes_apply`` is set-based: however many changes it is given, it resolves
keys in a few queries, creates missing rows in one, locks all rows in one
``SELECT … FOR UPDATE ORDER BY id``, plans them (``planning.plan_changes``), then writes
rows and ledger movements in bulk. A single API PUT is the same call with one change: it
resolves and locks its row in one query and writes it and its movement in another.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.inventory import clearing
from apps.inventory.bulk import write_stock
from apps.inventory.locks import lock_inventories, lock_inventory_by_key
from apps.inventory.models import Inventory, MovementKind, Source
from apps.inventory.planning import (
    ChangeStatus,
    Key,
    Plan,
    PlannedChange,
    StockChange,
    plan_changes,
)
from apps.inventory.selectors import (
    Discrepancy,
    ResolvedKeys,
    StockRow,
    inventory_discrepancies,
    inventory_ids_by_pair,
    release_items_of,
    resolve,
    row_states,
)

WRITE_BATCH_SIZE = 1000


def inventory_changes_apply(
    *,
    changes: Sequence[StockChange],
    source: Source,
    actor: str = "",
    reason: str = "",
    reference: str = "",
    all_or_nothing: bool = False,
) -> Plan:
    """Apply ``changes`` in one transaction and return the plan that was carried out.

    Changes in error are reported in the plan and skipped; with ``all_or_nothing`` a single
    error means nothing at all is written. Unchanged changes write nothing (no-op rule).
    A count without an as-of time is as of the moment its rows are locked, so counts that
    queue behind each other are never refused as stale.
    """
    with transaction.atomic():
        keys, pair_keys, locked = _lock_rows(changes)
        now = timezone.now()
        holds = clearing.registered()
        # Only rows with units reserved can have reservation items holding stock (reserved
        # is their sum plus allocations): most counts touch none and skip the query.
        reserved_ids = [pk for pk, row in locked.items() if row.snapshot.reserved > 0]
        plan = plan_changes(
            changes,
            rows=row_states(locked.values(), pair_keys),
            known_skus=keys.sku_pks,
            known_warehouses=keys.warehouse_pks,
            held=holds.held_items(reserved_ids, now=now, including=release_items_of(changes))
            if reserved_ids
            else {},
            now=now,
        )
        if all_or_nothing and plan.errors:
            transaction.set_rollback(True)
            return plan
        _write(plan, source=source, actor=actor, reason=reason, reference=reference, now=now)
        freed = [item for outcome in plan.changed for item in outcome.freed]
        if freed:
            holds.settle(
                fulfilled=[item for outcome in plan.changed for item in outcome.cleared],
                freed=freed,
                at=now,
            )
    return plan


def inventory_change_apply(*, change: StockChange, source: Source, **context) -> PlannedChange:
    """Apply one change; raise its error (an ``ApplicationError``) if it is refused."""
    outcome = inventory_changes_apply(changes=[change], source=source, **context).outcomes[0]
    if outcome.error is not None:
        raise outcome.error
    return outcome


def _lock_rows(
    changes: Sequence[StockChange],
) -> tuple[ResolvedKeys, dict[tuple[int, int], Key], dict[int, StockRow]]:
    """Resolve the changes' keys (also by (SKU pk, warehouse pk)) and lock their rows,
    creating the missing ones.

    Changes to one existing row (an API call) take one query; others a few, whatever
    their number.
    """
    pairs = {change.key for change in changes}
    if len(pairs) == 1:
        ((sku_id, warehouse_id),) = pairs
        row = lock_inventory_by_key(sku_id, warehouse_id)
        if row is not None:
            keys = ResolvedKeys({sku_id: row.sku_pk}, {warehouse_id: row.warehouse_pk})
            return keys, {(row.sku_pk, row.warehouse_pk): (sku_id, warehouse_id)}, {row.pk: row}
    keys, pair_keys, existing = resolve(pairs)
    return keys, pair_keys, lock_inventories(_ensure_inventories(pair_keys, existing))


def _ensure_inventories(
    pair_keys: dict[tuple[int, int], tuple[str, str]], existing: dict[tuple[int, int], int]
) -> list[int]:
    """Ids of the rows for these pairs (``existing``: those already there), creating the
    missing ones (zero stock)."""
    ids = dict(existing)
    missing = sorted(set(pair_keys) - set(ids))
    if missing:
        Inventory.objects.bulk_create(
            [Inventory(sku_id=sku, warehouse_id=wh) for sku, wh in missing],
            ignore_conflicts=True,
            batch_size=WRITE_BATCH_SIZE,
        )
        ids.update(inventory_ids_by_pair(missing))
    return list(ids.values())


def _write(
    plan: Plan,
    *,
    source: Source,
    actor: str,
    reason: str,
    reference: str,
    now: datetime,
) -> None:
    """Write the final state of each altered row once, and one movement per change."""
    write_stock(
        {
            outcome.inventory_id: (
                outcome.after,
                now if outcome.status is ChangeStatus.CHANGED else None,
            )
            for outcome in plan.rows_to_write
        },
        [
            dict(
                inventory_id=outcome.inventory_id,
                kind=outcome.change.operation.value,
                source=source,
                actor=actor,
                total_before=outcome.before.total,
                total_after=outcome.after.total,
                reserved_before=outcome.before.reserved,
                reserved_after=outcome.after.reserved,
                delta=outcome.delta,
                unlimited_after=outcome.after.unlimited,
                lead_time_after=outcome.after.lead_time,
                reason=reason,
                reference=outcome.change.reference or reference,
                details=_details(outcome),
                as_of=outcome.as_of,
                created_at=now,
            )
            for outcome in plan.changed
        ],
    )


def _details(outcome: PlannedChange) -> dict:
    """Which reservation items the change freed: ``cleared`` by a count, ``expired``, or
    ``released`` on request (cancellation)."""
    return {
        name: [
            {"item": item.item_id, "reservation": item.reservation_id, "quantity": item.quantity}
            for item in items
        ]
        for name, items in (
            ("cleared", outcome.cleared),
            ("expired", outcome.expired),
            ("released", outcome.released),
        )
        if items
    }


def inventory_reconcile(*, actor: str = "system:check_inventory") -> list[Discrepancy]:
    """Repair every discrepancy with one RECONCILE movement per inventory.

    The counted total is kept (it is what merchants see and what reservations were made
    against); the movement records the unexplained difference so the ledger sums to it.
    The reserved quantity is reset to what reservations and allocations really hold.
    """
    with transaction.atomic():
        locked = lock_inventories([d.inventory_id for d in inventory_discrepancies()])
        found = inventory_discrepancies(locked.keys())  # re-read under the locks
        now = timezone.now()
        movements, rows = [], {}
        for d in found:
            snapshot = locked[d.inventory_id].snapshot
            movements.append(
                dict(
                    inventory_id=d.inventory_id,
                    kind=MovementKind.RECONCILE,
                    source=Source.SYSTEM,
                    actor=actor,
                    total_before=d.ledger_total,
                    total_after=d.total_quantity,
                    reserved_before=d.reserved_quantity,
                    reserved_after=d.expected_reserved,
                    delta=d.total_quantity - d.ledger_total,
                    unlimited_after=snapshot.unlimited,
                    lead_time_after=snapshot.lead_time,
                    reason=d.describe(),
                    created_at=now,
                )
            )
            rows[d.inventory_id] = (
                replace(snapshot, reserved=d.expected_reserved, version=snapshot.version + 1),
                now,
            )
        write_stock(rows, movements)
    return found
