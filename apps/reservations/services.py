"""Reservation lifecycle (SPEC §4). Stock moves only through ``inventory_changes_apply``.

Lock order everywhere: inventory rows first (inside the inventory service), then the
reservation row. Counts free acknowledged items in that order too, so the two never deadlock.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.inventory import errors as stock_errors
from apps.inventory.models import Source
from apps.inventory.planning import Operation, PlannedChange, StockChange
from apps.inventory.services import inventory_changes_apply
from apps.reservations import errors
from apps.reservations.models import Reservation, ReservationItem, ReservationStatus
from apps.reservations.selectors import reservation_by_id

Status = ReservationStatus
EXPIRY_ACTOR = "system:expiry"


@dataclass(frozen=True)
class ItemRequest:
    sku_id: str
    warehouse_id: str
    quantity: int


def reservation_create(
    *,
    items: Sequence[ItemRequest],
    reference: str = "",
    sales_channel: str = "1",
    reservation_id: str | None = None,
    ttl: timedelta | None = None,
    source: Source = Source.API,
    actor: str = "",
) -> Reservation:
    """Reserve every item or none. Refused with ``InsufficientStock`` naming every short
    item; unknown SKUs, warehouses and bad quantities are refused the same way."""
    ttl = settings.RESERVATION_DEFAULT_TTL if ttl is None else ttl
    if ttl <= timedelta(0):
        raise errors.InvalidReservation(errors.INVALID_TTL, extra={"field": "ttl"})
    if not items:
        raise errors.InvalidReservation(errors.NO_ITEMS, extra={"field": "items"})
    reservation_id = reservation_id or uuid.uuid4().hex
    merged = _merge(items)
    now = timezone.now()
    with transaction.atomic():
        if Reservation.objects.filter(reservation_id=reservation_id).exists():
            raise errors.ReservationExists(
                errors.RESERVATION_EXISTS.format(reservation_id=reservation_id)
            )
        plan = inventory_changes_apply(
            changes=[
                StockChange(sku, wh, Operation.RESERVE, quantity) for (sku, wh), quantity in merged
            ],
            source=source,
            actor=actor,
            reference=reservation_id,
            all_or_nothing=True,
        )
        if plan.errors:
            raise _refusal(plan.errors)
        reservation = Reservation.objects.create(
            reservation_id=reservation_id,
            reference=reference,
            sales_channel=sales_channel,
            status=Status.AUTHORIZED,
            created_at=now,
            expires_at=now + ttl,
            actor=actor,
        )
        ReservationItem.objects.bulk_create(
            ReservationItem(
                reservation=reservation, inventory_id=outcome.inventory_id, quantity=quantity
            )
            for outcome, (_, quantity) in zip(plan.outcomes, merged, strict=True)
        )
    return reservation


def reservation_confirm(
    *, reservation_id: str, source: Source = Source.API, actor: str = ""
) -> Reservation:
    """authorized → confirmed (payment approved): it no longer expires."""
    return _transition(
        reservation_id,
        action="confirmed",
        to=Status.CONFIRMED,
        allowed_from=(Status.AUTHORIZED,),
        source=source,
        actor=actor,
    )


def reservation_acknowledge(
    *, reservation_id: str, at: datetime | None = None, source: Source = Source.API, actor: str = ""
) -> Reservation:
    """confirmed → acknowledged (handling started, units left the shelf at ``at``)."""
    return _transition(
        reservation_id,
        action="acknowledged",
        to=Status.ACKNOWLEDGED,
        allowed_from=(Status.CONFIRMED,),
        source=source,
        actor=actor,
        at=at,
    )


def reservation_cancel(
    *, reservation_id: str, source: Source = Source.API, actor: str = ""
) -> Reservation:
    """authorized or confirmed → cancelled; its stock is released."""
    return _transition(
        reservation_id,
        action="cancelled",
        to=Status.CANCELLED,
        allowed_from=(Status.AUTHORIZED, Status.CONFIRMED),
        source=source,
        actor=actor,
    )


def reservations_expire(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Expire overdue authorized reservations and release their stock; return how many.

    Works in batches so that no transaction holds many row locks for long.
    """
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            ids = list(
                Reservation.objects.overdue(now)
                .order_by("expires_at")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return expired
            _free(
                ReservationItem.objects.filter(reservation_id__in=ids), Source.SYSTEM, EXPIRY_ACTOR
            )
            # The release marks them expired; this also covers any whose items were already free.
            Reservation.objects.filter(pk__in=ids).overdue(now).update(
                status=Status.EXPIRED, expired_at=now
            )
            expired += len(ids)


def _transition(
    reservation_id: str,
    *,
    action: str,
    to: Status,
    allowed_from: tuple[Status, ...],
    source: Source,
    actor: str,
    at: datetime | None = None,
) -> Reservation:
    """Move a reservation to ``to``; repeating a done transition is a no-op.

    An overdue authorized reservation is expired first (lazily), whatever the request.
    """
    _expire_if_overdue(reservation_id)
    with transaction.atomic():
        reservation = reservation_by_id(reservation_id)
        if to == Status.CANCELLED and reservation.status in allowed_from:
            _free(reservation.items.all(), source, actor)
        reservation = reservation_by_id(reservation_id, lock=True)
        if reservation.status == to:
            return reservation
        if reservation.status not in allowed_from:
            # Raising inside the block also rolls back any release made above.
            raise errors.InvalidTransition(
                errors.INVALID_TRANSITION.format(
                    reservation_id=reservation_id, status=reservation.status, action=action
                ),
                extra={"status": reservation.status},
            )
        reservation.status = to
        setattr(reservation, f"{to}_at", at or timezone.now())
        reservation.expires_at = None
        reservation.save()
    return reservation


def _expire_if_overdue(reservation_id: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        overdue = Reservation.objects.filter(reservation_id=reservation_id).overdue(now)
        if overdue.exists():
            _free(
                ReservationItem.objects.filter(reservation__in=overdue), Source.SYSTEM, EXPIRY_ACTOR
            )
            overdue.update(status=Status.EXPIRED, expired_at=now)


def _free(items, source: Source, actor: str) -> None:
    """Release the items that still hold stock: one RELEASE change per inventory row."""
    item_ids: dict[tuple[str, str], set[int]] = defaultdict(set)
    reservation_ids: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows = items.filter(released_at__isnull=True).values_list(
        "pk",
        "inventory__sku__sku_id",
        "inventory__warehouse__warehouse_id",
        "reservation__reservation_id",
    )
    for pk, sku_id, warehouse_id, reservation_id in rows:
        item_ids[(sku_id, warehouse_id)].add(pk)
        reservation_ids[(sku_id, warehouse_id)].add(reservation_id)
    if item_ids:
        inventory_changes_apply(
            changes=[
                StockChange(
                    *key,
                    Operation.RELEASE,
                    release_items=frozenset(pks),
                    reference=",".join(sorted(reservation_ids[key]))[:255],
                )
                for key, pks in item_ids.items()
            ],
            source=source,
            actor=actor,
            all_or_nothing=True,
        )


def _merge(items: Sequence[ItemRequest]) -> list[tuple[tuple[str, str], int]]:
    """Validate quantities and add up items for the same SKU and warehouse."""
    merged: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        quantity = item.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise errors.InvalidReservation(
                errors.INVALID_ITEM_QUANTITY.format(index=index, value=quantity),
                extra={"field": f"items[{index}].quantity"},
            )
        key = (item.sku_id, item.warehouse_id)
        merged[key] = merged.get(key, 0) + quantity
    return list(merged.items())


def _refusal(refused: list[PlannedChange]) -> Exception:
    """One error for a refused reservation: the first error that is not about stock, else
    ``InsufficientStock`` naming every short item."""
    errors_ = [outcome.error for outcome in refused]
    other = [e for e in errors_ if not isinstance(e, stock_errors.InsufficientStock)]
    if other:
        return other[0]
    return stock_errors.InsufficientStock(
        errors.SHORT_ITEMS.format(
            count=len(errors_),
            items="; ".join(errors.SHORT_ITEM.format(**e.extra) for e in errors_),
        ),
        extra={"items": [e.extra for e in errors_]},
    )
