"""Reads of reservations."""

from datetime import datetime

from apps.catalog.models import SKU
from apps.inventory import errors as stock_errors
from apps.reservations import errors
from apps.reservations.models import Reservation, ReservationStatus
from apps.warehouses.models import Warehouse

_ITEMS = ("items__inventory__sku", "items__inventory__warehouse")


def reservation_by_id(reservation_id: str, *, lock: bool = False) -> Reservation:
    """The reservation, its items prefetched; ``ReservationNotFound`` (404) if unknown."""
    queryset = Reservation.objects.prefetch_related(*_ITEMS)
    if lock:
        queryset = Reservation.objects.select_for_update()
    try:
        return queryset.get(reservation_id=reservation_id)
    except Reservation.DoesNotExist:
        raise errors.ReservationNotFound(
            errors.RESERVATION_NOT_FOUND.format(reservation_id=reservation_id),
            extra={"reservation_id": reservation_id},
        ) from None


def reservations_holding(*, sku_id: str, warehouse_id: str, now: datetime) -> list[Reservation]:
    """The reservations holding units of a SKU in a warehouse (authorized and not past
    expiry, confirmed, or acknowledged and not yet counted out), oldest first, items
    prefetched. ``UnknownSku`` / ``UnknownWarehouse`` (404) if either does not exist."""
    reservations = list(
        Reservation.objects.active()
        .exclude(status=ReservationStatus.AUTHORIZED, expires_at__lte=now)
        .filter(
            items__inventory__sku__sku_id=sku_id,
            items__inventory__warehouse__warehouse_id=warehouse_id,
            items__released_at__isnull=True,
        )
        .prefetch_related(*_ITEMS)
        .order_by("created_at", "id")
    )
    if not reservations:
        _check_exists(sku_id=sku_id, warehouse_id=warehouse_id)
    return reservations


def _check_exists(*, sku_id: str, warehouse_id: str) -> None:
    if not SKU.objects.filter(sku_id=sku_id).exists():
        raise stock_errors.UnknownSku(
            stock_errors.UNKNOWN_SKU.format(sku_id=sku_id), extra={"sku_id": sku_id}
        )
    if not Warehouse.objects.filter(warehouse_id=warehouse_id).exists():
        raise stock_errors.UnknownWarehouse(
            stock_errors.UNKNOWN_WAREHOUSE.format(warehouse_id=warehouse_id),
            extra={"warehouse_id": warehouse_id},
        )
