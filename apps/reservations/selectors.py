"""Reads of reservations."""

from apps.reservations import errors
from apps.reservations.models import Reservation


def reservation_by_id(reservation_id: str, *, lock: bool = False) -> Reservation:
    """The reservation, its items prefetched; ``ReservationNotFound`` (404) if unknown."""
    queryset = Reservation.objects.prefetch_related(
        "items__inventory__sku", "items__inventory__warehouse"
    )
    if lock:
        queryset = Reservation.objects.select_for_update()
    try:
        return queryset.get(reservation_id=reservation_id)
    except Reservation.DoesNotExist:
        raise errors.ReservationNotFound(
            errors.RESERVATION_NOT_FOUND.format(reservation_id=reservation_id),
            extra={"reservation_id": reservation_id},
        ) from None
