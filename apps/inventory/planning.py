"""The stock plan: a pure computation of what a batch of changes would do (SPEC §3).

Given the current state of the rows a batch touches, ``plan_changes`` says for every
requested change whether it changes the row (and to what), leaves it unchanged (the
no-op rule), or is refused (and why). It reads nothing and writes nothing: the admin
preview, the import preview and ``services.inventory_changes_apply`` all call it, the
last one on rows it has locked.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings

from apps.core.errors import ApplicationError
from apps.inventory import errors
from apps.inventory.models import MovementKind

Key = tuple[str, str]
"""(sku_id, warehouse_id): the natural key of an inventory row."""


class Operation(StrEnum):
    COUNT = MovementKind.COUNT  # set total to a counted quantity (as of a time)
    SET_AVAILABLE = MovementKind.SET_AVAILABLE  # total = available + reserved (Sellbrite)
    ADJUST = MovementKind.ADJUST  # signed delta on the total (Webflow)
    INCREMENT = MovementKind.INCREMENT  # Elastic Path transactions
    DECREMENT = MovementKind.DECREMENT
    ALLOCATE = MovementKind.ALLOCATE
    DEALLOCATE = MovementKind.DEALLOCATE
    RESERVE = MovementKind.RESERVE  # a new reservation's items (apps.reservations)
    RELEASE = MovementKind.RELEASE  # reservation items given back: listed ones and overdue ones
    SETTINGS = MovementKind.SETTINGS  # unlimited flag and lead time only


ABSOLUTE_OPERATIONS = frozenset({Operation.COUNT, Operation.SET_AVAILABLE})
"""Operations that carry an as-of time, clear acknowledged reservations and obey §3.4."""

POSITIVE_QUANTITY_OPERATIONS = frozenset(
    {
        Operation.INCREMENT,
        Operation.DECREMENT,
        Operation.ALLOCATE,
        Operation.DEALLOCATE,
        Operation.RESERVE,
    }
)
NO_QUANTITY_OPERATIONS = frozenset({Operation.SETTINGS, Operation.RELEASE})


@dataclass(frozen=True)
class StockChange:
    """One requested change. ``quantity`` means, by operation: the counted total (COUNT),
    the available quantity (SET_AVAILABLE), a signed delta (ADJUST), a positive amount
    (transactions, RESERVE), nothing (SETTINGS, RELEASE). ``unlimited`` and ``lead_time`` are
    left as they are when None. ``expected_version`` refuses the change if the row moved on.
    ``release_items`` names reservation items a RELEASE gives back (if they still hold stock);
    ``reference`` overrides the batch's reference on this change's movement.
    """

    sku_id: str
    warehouse_id: str
    operation: Operation = Operation.COUNT
    quantity: int | None = None
    unlimited: bool | None = None
    lead_time: timedelta | None = None
    as_of: datetime | None = None
    expected_version: int | None = None
    release_items: frozenset[int] = frozenset()
    reference: str = ""

    @property
    def key(self) -> Key:
        return (self.sku_id, self.warehouse_id)


@dataclass(frozen=True)
class Snapshot:
    """The stock figures of one inventory row at one moment."""

    total: int = 0
    reserved: int = 0
    allocated: int = 0
    unlimited: bool = False
    lead_time: timedelta = timedelta(0)
    balance_as_of: datetime | None = None
    version: int = 0

    @property
    def available(self) -> int:
        return self.total - self.reserved


@dataclass(frozen=True)
class HeldItem:
    """A reservation item holding stock that a change may release.

    Acknowledged items (units left the shelf at ``acknowledged_at``) are cleared by a count
    as of that time or later (§3.2). Authorized items past ``expires_at`` are released by
    any change, so an overdue reservation never counts, even before the expiry job runs.
    """

    item_id: int
    quantity: int
    reservation_id: str = ""
    acknowledged_at: datetime | None = None
    expires_at: datetime | None = None

    def cleared_by_count_as_of(self, as_of: datetime) -> bool:
        return self.acknowledged_at is not None and self.acknowledged_at <= as_of

    def expired_at(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


@dataclass(frozen=True)
class RowState:
    """What the planner knows of a row: its id (None if it does not exist yet) and figures."""

    inventory_id: int | None
    snapshot: Snapshot


class ChangeStatus(StrEnum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class PlannedChange:
    """The outcome of one requested change."""

    index: int
    change: StockChange
    status: ChangeStatus
    inventory_id: int | None = None
    before: Snapshot | None = None
    after: Snapshot | None = None
    error: ApplicationError | None = None
    cleared: tuple[HeldItem, ...] = ()
    expired: tuple[HeldItem, ...] = ()
    released: tuple[HeldItem, ...] = ()
    as_of: datetime | None = None
    warnings: tuple[str, ...] = ()

    @property
    def delta(self) -> int:
        return self.after.total - self.before.total if self.before and self.after else 0

    @property
    def freed(self) -> tuple[HeldItem, ...]:
        """Every reservation item this change stops holding."""
        return self.cleared + self.expired + self.released

    @property
    def cleared_quantity(self) -> int:
        return sum(item.quantity for item in self.cleared)


@dataclass
class Plan:
    outcomes: list[PlannedChange] = field(default_factory=list)

    @property
    def rows_to_write(self) -> list[PlannedChange]:
        """Outcomes that alter their row: changes, and no-op counts that advance its balance."""
        return [
            o for o in self.outcomes if o.status is not ChangeStatus.ERROR and o.after != o.before
        ]

    @property
    def changed(self) -> list[PlannedChange]:
        return [o for o in self.outcomes if o.status is ChangeStatus.CHANGED]

    @property
    def unchanged(self) -> list[PlannedChange]:
        return [o for o in self.outcomes if o.status is ChangeStatus.UNCHANGED]

    @property
    def errors(self) -> list[PlannedChange]:
        return [o for o in self.outcomes if o.status is ChangeStatus.ERROR]


def plan_changes(
    changes: Sequence[StockChange],
    *,
    rows: Mapping[Key, RowState],
    known_skus: Iterable[str],
    known_warehouses: Iterable[str],
    held: Mapping[int, Sequence[HeldItem]],
    now: datetime,
) -> Plan:
    """Plan ``changes`` in order against ``rows``; later changes see earlier ones' results.

    A known (SKU, warehouse) pair missing from ``rows`` starts at zero (it will be created).
    ``held`` lists, per inventory id, the reservation items a change may release: acknowledged
    ones (cleared by counts) and overdue authorized ones (released by any change).
    """
    known_skus, known_warehouses = set(known_skus), set(known_warehouses)
    current = dict(rows)
    released_ids: set[int] = set()
    plan = Plan()
    for index, change in enumerate(changes):
        try:
            _check_keys(change, known_skus, known_warehouses)
            _check_input(change)
            row = current.get(change.key, RowState(None, Snapshot()))
            outcome = _plan_one(index, change, row, held, released_ids, now)
        except ApplicationError as error:
            plan.outcomes.append(PlannedChange(index, change, ChangeStatus.ERROR, error=error))
            continue
        plan.outcomes.append(outcome)
        current[change.key] = RowState(row.inventory_id, outcome.after)
        released_ids.update(item.item_id for item in outcome.freed)
    return plan


def _check_keys(change: StockChange, known_skus: set[str], known_warehouses: set[str]) -> None:
    if change.sku_id not in known_skus:
        raise errors.UnknownSku(
            errors.UNKNOWN_SKU.format(sku_id=change.sku_id), extra={"sku_id": change.sku_id}
        )
    if change.warehouse_id not in known_warehouses:
        raise errors.UnknownWarehouse(
            errors.UNKNOWN_WAREHOUSE.format(warehouse_id=change.warehouse_id),
            extra={"warehouse_id": change.warehouse_id},
        )


def _invalid(template: str, **values) -> errors.InvalidQuantity:
    field_name = values.get("field", "quantity")
    return errors.InvalidQuantity(template.format(**values), extra={"field": field_name})


def _check_input(change: StockChange) -> None:
    """Refuse malformed input: wrong types, negatives, zero amounts, absurd sizes."""
    op, quantity, limit = change.operation, change.quantity, settings.INVENTORY_MAX_QUANTITY
    if op in NO_QUANTITY_OPERATIONS:
        if quantity is not None:
            raise _invalid(errors.QUANTITY_NOT_USED, field="quantity", operation=op.value)
        if op is Operation.SETTINGS and change.unlimited is None and change.lead_time is None:
            raise errors.InvalidQuantity(errors.NOTHING_TO_CHANGE)
    else:
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise _invalid(errors.NOT_AN_INTEGER, field="quantity", value=quantity)
        if abs(quantity) > limit:
            raise _invalid(errors.TOO_LARGE, field="quantity", value=quantity, limit=limit)
        if op in ABSOLUTE_OPERATIONS and quantity < 0:
            raise _invalid(errors.NEGATIVE_QUANTITY, field="quantity", value=quantity)
        if op in POSITIVE_QUANTITY_OPERATIONS and quantity <= 0:
            raise _invalid(errors.NOT_POSITIVE, field="quantity", value=quantity)
    if change.lead_time is not None and change.lead_time < timedelta(0):
        raise errors.InvalidQuantity(errors.NEGATIVE_LEAD_TIME, extra={"field": "lead_time"})


def _plan_one(
    index: int,
    change: StockChange,
    row: RowState,
    held: Mapping[int, Sequence[HeldItem]],
    released_ids: set[int],
    now: datetime,
) -> PlannedChange:
    before = row.snapshot
    names = {"sku_id": change.sku_id, "warehouse_id": change.warehouse_id}
    if change.expected_version is not None and change.expected_version != before.version:
        raise errors.StaleCount(
            errors.STALE_COUNT.format(
                **names, expected=change.expected_version, current=before.version
            ),
            extra={"expected_version": change.expected_version, "version": before.version},
        )
    holding = [item for item in held.get(row.inventory_id, ()) if item.item_id not in released_ids]
    expired = tuple(item for item in holding if item.expired_at(now))
    released = tuple(
        item for item in holding if item.item_id in change.release_items and item not in expired
    )
    cleared: tuple[HeldItem, ...] = ()
    as_of = None
    if change.operation in ABSOLUTE_OPERATIONS:
        as_of = change.as_of or now
        if before.balance_as_of is not None and as_of < before.balance_as_of:
            raise errors.StaleBalance(
                errors.STALE_BALANCE.format(
                    **names, as_of=as_of.isoformat(), balance_as_of=before.balance_as_of.isoformat()
                ),
                extra={
                    "as_of": as_of.isoformat(),
                    "balance_as_of": before.balance_as_of.isoformat(),
                },
            )
        cleared = tuple(
            item
            for item in holding
            if item.cleared_by_count_as_of(as_of) and item not in expired + released
        )
    freed_quantity = sum(item.quantity for item in cleared + expired + released)
    total, reserved, allocated = _quantities_after(
        change, before, before.reserved - freed_quantity, names
    )
    unlimited = before.unlimited if change.unlimited is None else change.unlimited
    lead_time = before.lead_time if change.lead_time is None else change.lead_time
    unchanged = not freed_quantity and (total, reserved, allocated, unlimited, lead_time) == (
        before.total,
        before.reserved,
        before.allocated,
        before.unlimited,
        before.lead_time,
    )
    after = Snapshot(
        total=total,
        reserved=reserved,
        allocated=allocated,
        unlimited=unlimited,
        lead_time=lead_time,
        # Even a no-op count moves the balance forward, so an older one cannot follow it.
        balance_as_of=before.balance_as_of
        if as_of is None
        else max(as_of, before.balance_as_of or as_of),
        version=before.version if unchanged else before.version + 1,
    )
    common = {"inventory_id": row.inventory_id, "before": before, "as_of": as_of}
    if unchanged:
        return PlannedChange(index, change, ChangeStatus.UNCHANGED, after=after, **common)
    warnings = ()
    if not after.unlimited and after.available < 0:
        warnings = (f"Available would be {after.available}: more is reserved than counted.",)
    return PlannedChange(
        index,
        change,
        ChangeStatus.CHANGED,
        after=after,
        cleared=cleared,
        expired=expired,
        released=released,
        warnings=warnings,
        **common,
    )


def _quantities_after(
    change: StockChange, before: Snapshot, reserved: int, names: dict[str, str]
) -> tuple[int, int, int]:
    """Total, reserved and allocated after the change, or the error that refuses it.

    ``reserved`` is the row's reserved quantity once released reservations are taken out.
    """
    available = None if before.unlimited else before.total - reserved
    op, q = change.operation, change.quantity
    total, allocated = before.total, before.allocated
    match op:
        case Operation.COUNT:
            total = q
        case Operation.SET_AVAILABLE:
            total = q + reserved
        case Operation.ADJUST | Operation.INCREMENT:
            total += q
        case Operation.DECREMENT:
            _require_available(q, available, names)
            total -= q
        case Operation.ALLOCATE:
            _require_available(q, available, names)
            reserved += q
            allocated += q
        case Operation.DEALLOCATE:
            if q > allocated:
                raise errors.ExceedsAllocated(
                    errors.EXCEEDS_ALLOCATED.format(**names, requested=q, allocated=allocated),
                    extra={"requested": q, "allocated": allocated},
                )
            reserved -= q
            allocated -= q
        case Operation.RESERVE:
            _require_available(q, available, names)
            reserved += q
    if total < 0:
        raise errors.NegativeTotal(
            errors.NEGATIVE_TOTAL.format(**names, total=total), extra={"total": total}
        )
    limit = settings.INVENTORY_MAX_QUANTITY
    if total > limit:
        raise _invalid(errors.TOO_LARGE, field="total_quantity", value=total, limit=limit)
    return total, reserved, allocated


def _require_available(requested: int, available: int | None, names: dict[str, str]) -> None:
    """Refuse taking more than is available (``None``: unlimited, never short)."""
    if available is not None and requested > available:
        raise errors.InsufficientStock(
            errors.INSUFFICIENT_STOCK.format(**names, requested=requested, available=available),
            extra={
                "sku_id": names["sku_id"],
                "warehouse_id": names["warehouse_id"],
                "requested": requested,
                "available": available,
            },
        )
