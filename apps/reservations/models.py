"""Reservations hold stock for orders through VTEX's lifecycle (SPEC §4).

authorized → confirmed → acknowledged → fulfilled (cleared by a count); authorized or
confirmed → cancelled; authorized → expired. Rows are written only by
``apps.reservations.services``.
"""

from django.db import models
from django.db.models import Q

from apps.inventory.models import Inventory


class ReservationStatus(models.TextChoices):
    AUTHORIZED = "authorized", "Authorized"
    CONFIRMED = "confirmed", "Confirmed"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"


ACTIVE_STATUSES = (
    ReservationStatus.AUTHORIZED,
    ReservationStatus.CONFIRMED,
    ReservationStatus.ACKNOWLEDGED,
)
"""Statuses that hold stock. ``Inventory.reserved_quantity`` is the sum of the items that
still hold (``released_at`` is null), plus allocations."""


class ReservationQuerySet(models.QuerySet):
    def active(self) -> "ReservationQuerySet":
        return self.filter(status__in=ACTIVE_STATUSES)

    def overdue(self, now) -> "ReservationQuerySet":
        return self.filter(status=ReservationStatus.AUTHORIZED, expires_at__lte=now)


class Reservation(models.Model):
    reservation_id = models.CharField("reservation id", max_length=64, unique=True)
    reference = models.CharField(
        max_length=128, blank=True, db_index=True, help_text="Order id or other reference."
    )
    sales_channel = models.CharField(max_length=32, default="1")
    status = models.CharField(
        max_length=16, choices=ReservationStatus.choices, default=ReservationStatus.AUTHORIZED
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Only authorized reservations expire."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    actor = models.CharField(max_length=150, blank=True)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="reservation_status_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ReservationStatus.AUTHORIZED) | Q(expires_at__isnull=False),
                name="reservation_authorized_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reservation_id} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ReservationItem(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.PROTECT, related_name="items")
    inventory = models.ForeignKey(
        Inventory, on_delete=models.PROTECT, related_name="reservation_items"
    )
    quantity = models.PositiveBigIntegerField()
    released_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the item stopped holding stock: counted out, cancelled or expired.",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reservation", "inventory"], name="reservation_item_unique_inventory"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_item_positive"),
        ]
        indexes = [
            models.Index(
                fields=["inventory"],
                condition=Q(released_at__isnull=True),
                name="reservation_item_holding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × inventory {self.inventory_id}"
