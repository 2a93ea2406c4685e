"""The reservations app's side of ``apps.inventory.clearing``: which items hold stock that a
change may free, and recording that they were freed."""

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, Sum

from apps.core.batching import filter_in
from apps.inventory.planning import HeldItem
from apps.reservations.models import Reservation, ReservationItem, ReservationStatus


class ReservationItemHolds:
    def held_items(
        self, inventory_ids: Collection[int], *, now: datetime, including: Collection[int] = ()
    ) -> dict[int, list[HeldItem]]:
        held = defaultdict(list)
        holding = ReservationItem.objects.filter(released_at__isnull=True).filter(
            Q(reservation__status=ReservationStatus.ACKNOWLEDGED)
            | Q(reservation__expires_at__lte=now)
            | Q(pk__in=including)
        )
        for query in filter_in(holding, "inventory_id", set(inventory_ids)):
            items = query.values_list(
                "pk",
                "inventory_id",
                "quantity",
                "reservation__reservation_id",
                "reservation__status",
                "reservation__acknowledged_at",
                "reservation__expires_at",
            )
            for pk, inventory_id, quantity, reservation_id, status, acked_at, expires_at in items:
                acknowledged = status == ReservationStatus.ACKNOWLEDGED
                held[inventory_id].append(
                    HeldItem(
                        item_id=pk,
                        quantity=quantity,
                        reservation_id=reservation_id,
                        acknowledged_at=acked_at if acknowledged else None,
                        expires_at=None if acknowledged else expires_at,
                    )
                )
        return dict(held)

    def settle(
        self, *, fulfilled: Collection[HeldItem], freed: Collection[HeldItem], at: datetime
    ) -> None:
        """Mark items released; overdue reservations become expired, and acknowledged ones
        with nothing left holding become fulfilled."""
        ReservationItem.objects.filter(pk__in=[item.item_id for item in freed]).update(
            released_at=at
        )
        touched = {item.reservation_id for item in freed}
        Reservation.objects.filter(reservation_id__in=touched).overdue(at).update(
            status=ReservationStatus.EXPIRED, expired_at=at
        )
        if fulfilled:
            still_holding = ReservationItem.objects.filter(
                reservation=OuterRef("pk"), released_at__isnull=True
            )
            Reservation.objects.filter(
                reservation_id__in={item.reservation_id for item in fulfilled},
                status=ReservationStatus.ACKNOWLEDGED,
            ).exclude(Exists(still_holding)).update(
                status=ReservationStatus.FULFILLED, fulfilled_at=at
            )

    def reserved_by_inventory(self) -> dict[int, int]:
        return dict(
            ReservationItem.objects.filter(released_at__isnull=True)
            .values("inventory_id")
            .annotate(held=Sum("quantity"))
            .values_list("inventory_id", "held")
        )
