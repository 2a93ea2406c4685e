"""VTEX reservation bodies (SPEC §4, §5.1), in VTEX's casing: camelCase requests, PascalCase
responses, as VTEX publishes them.

The create body maps onto ``reservation_create``: ``lockId`` → ``reservation_id``,
``salesChannel`` → ``sales_channel``, ``autorizationExpirationTTL`` → ``ttl`` and each
``deliveryItemOptions[]`` → an ``ItemRequest(item.id, wareHouseId, item.quantity)``. VTEX's
shipping details (SLA, prices, dimensions, dock, location…) are accepted and not stored.

Responses are built by ``vtex_reservation`` from a ``Reservation``: the status becomes VTEX's
number, unset dates read as .NET's ``DateTime.MinValue`` (``0001-01-01T00:00:00+00:00``, as
VTEX's own responses do) and the fields VTEX has that we do not keep are null or neutral.
"""

import re
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.api.bodies import CaseInsensitiveFields
from apps.api.serializers.fields import (
    LEAD_TIME_PATTERN,
    LeadTimeField,
    StrictCharField,
    StrictIntegerField,
)
from apps.api.serializers.v1 import IdField, TextField
from apps.reservations.models import Reservation, ReservationStatus
from apps.reservations.services import ItemRequest

MAX_ITEMS = 100
LOCK_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"
"""The same ids the native API accepts for ``reservation_id``: usable in a URL as they are."""

_LOCK_ID = re.compile(LOCK_ID_PATTERN.strip("^$"))
INVALID_LOCK_ID = "1 to 64 letters, digits and . _ : - only."

UNSET_DATE = "0001-01-01T00:00:00+00:00"
"""VTEX's value for a date that has not happened (.NET's ``DateTime.MinValue``)."""


class VtexStatus:
    """VTEX's reservation statuses. VTEX has no acknowledged or fulfilled status: both are
    still a confirmed reservation to VTEX (handling started / units counted out)."""

    NOT_COMMITTED = 0
    AUTHORIZED = 1
    CONFIRMED = 2
    CANCELED_ABORTED_COMMITTED = 3
    CANCELED_AUTHORIZATION_EXPIRED = 4
    CANCELED_MANUALLY = 5


STATUS_TO_VTEX = {
    ReservationStatus.AUTHORIZED: VtexStatus.AUTHORIZED,
    ReservationStatus.CONFIRMED: VtexStatus.CONFIRMED,
    ReservationStatus.ACKNOWLEDGED: VtexStatus.CONFIRMED,
    ReservationStatus.FULFILLED: VtexStatus.CONFIRMED,
    ReservationStatus.CANCELLED: VtexStatus.CANCELED_MANUALLY,
    ReservationStatus.EXPIRED: VtexStatus.CANCELED_AUTHORIZATION_EXPIRED,
}
STATUS_DESCRIPTION = (
    "VTEX's reservation status: `1` Authorized (authorized), `2` Confirmed (confirmed, "
    "acknowledged or fulfilled), `4` Canceled_AuthorizationExpired (expired, including an "
    "authorized reservation past its `MaximumConfirmationDateUtc` not yet swept by the expiry "
    "job), `5` Canceled_Manually (cancelled). `0` and `3` are never used."
)


# --- Create ------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "pattern": LEAD_TIME_PATTERN,
        "example": "10.00:00:00",
        "description": (
            "How long the reservation stays authorized before it expires, `DD.HH:MM:SS` or a "
            "number of days. Missing, null or zero: the server's default TTL."
        ),
    }
)
class ReservationTtlField(LeadTimeField):
    """VTEX's ``autorizationExpirationTTL``; zero reads as "the server's default" (a
    reservation that expired on creation would be of no use to anyone)."""


@extend_schema_field(
    {"type": "string", "pattern": LOCK_ID_PATTERN, "example": "00-1336411707838-01"}
)
class LockIdField(StrictCharField):
    """VTEX's ``lockId``: matched in full (a trailing newline is refused too), so every id
    stored can be used in the reservation's URLs."""

    def __init__(self, **kwargs):
        super().__init__(max_length=64, trim_whitespace=False, **kwargs)

    def to_internal_value(self, data) -> str:
        value = super().to_internal_value(data)
        if not _LOCK_ID.fullmatch(value):
            raise serializers.ValidationError(INVALID_LOCK_ID, code="invalid")
        return value


class VtexReservationItemSerializer(CaseInsensitiveFields, serializers.Serializer):
    """VTEX's `item`: only the SKU id and the quantity are used; `kitItem`, `price`,
    `modal`, `additionalHandlingTime` and `dimension` are accepted and ignored."""

    id = IdField(help_text="The SKU's id (its `sku_id`).")
    quantity = StrictIntegerField(min_value=1, max_value=settings.INVENTORY_MAX_QUANTITY)


class VtexDeliveryItemOptionSerializer(CaseInsensitiveFields, serializers.Serializer):
    """One reserved line. VTEX picks a warehouse by SLA when `wareHouseId` is null; this
    service does not route orders, so the warehouse is required."""

    item = VtexReservationItemSerializer()
    wareHouseId = IdField(help_text="The warehouse to reserve in (its `warehouse_id`).")


class VtexReservationCreateSerializer(CaseInsensitiveFields, serializers.Serializer):
    salesChannel = TextField(max_length=32, trim_whitespace=False)
    lockId = LockIdField(
        required=False,
        allow_null=True,
        help_text="The reservation's id (usually the order's); null or missing: generated.",
    )
    autorizationExpirationTTL = ReservationTtlField(required=False, allow_null=True)
    deliveryItemOptions = serializers.ListField(
        child=VtexDeliveryItemOptionSerializer(), min_length=1, max_length=MAX_ITEMS
    )

    def service_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``reservation_create`` (besides source and actor)."""
        data = self.validated_data
        ttl = data.get("autorizationExpirationTTL")
        return {
            "items": [
                ItemRequest(
                    sku_id=line["item"]["id"],
                    warehouse_id=line["wareHouseId"],
                    quantity=line["item"]["quantity"],
                )
                for line in data["deliveryItemOptions"]
            ],
            "sales_channel": data["salesChannel"],
            "reservation_id": data.get("lockId"),
            "ttl": ttl if ttl else None,
        }


# --- Responses ---------------------------------------------------------------------------


class VtexReservedItemSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The SKU's id.")
    groupItemId = serializers.CharField(allow_null=True, help_text="Always null.")
    quantity = serializers.IntegerField()
    price = serializers.FloatField(help_text="Always 0: prices are not stored.")
    additionalHandlingTime = serializers.CharField(help_text="Always `00:00:00`.")
    kitItem = serializers.ListField(child=serializers.CharField(), help_text="Always empty.")
    unlimitedQuantity = serializers.BooleanField(
        help_text="Whether the SKU has unlimited stock in that warehouse."
    )
    wareHouseId = serializers.CharField()


class VtexSlaRequestSerializer(serializers.Serializer):
    """One reserved line. VTEX's shipping fields (SLA, freight, prices, times, dock,
    location, delivery windows; the item's modal and dimensions) are not stored and not
    returned."""

    item = VtexReservedItemSerializer()
    wareHouseId = serializers.CharField()


class VtexReservationSerializer(serializers.Serializer):
    LastUpdateDateUtc = serializers.CharField(help_text="The latest of the dates below.")
    SalesChannel = serializers.CharField()
    LockId = serializers.CharField(help_text="The reservation's id.")
    ReservationDateUtc = serializers.CharField(help_text="When it was created.")
    MaximumConfirmationDateUtc = serializers.CharField(
        help_text=f"When it expires unless confirmed; `{UNSET_DATE}` once confirmed or cancelled."
    )
    Status = serializers.IntegerField(help_text=STATUS_DESCRIPTION)
    SlaRequest = VtexSlaRequestSerializer(many=True)
    PickupPointItemOptions = serializers.CharField(allow_null=True, help_text="Always null.")
    CanceledDateUtc = serializers.CharField(
        help_text=f"When it was cancelled or expired; `{UNSET_DATE}` otherwise."
    )
    AuthorizedDateUtc = serializers.CharField(help_text="When it was created (authorized).")
    ConfirmedDateUtc = serializers.CharField(help_text=f"`{UNSET_DATE}` until confirmed.")
    Errors = serializers.ListField(child=serializers.CharField(), help_text="Always empty.")
    IsSucess = serializers.BooleanField(help_text="Always true (VTEX's spelling).")


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat() if moment is not None else UNSET_DATE


def vtex_reservation(reservation: Reservation, *, now: datetime) -> dict[str, Any]:
    """``reservation`` (items prefetched with their SKU and warehouse) in VTEX's shape.

    An authorized reservation past its expiry reads as expired (4) even before the expiry
    job has swept it: it no longer holds stock (SPEC §4).
    """
    status = STATUS_TO_VTEX[reservation.status]
    cancelled_at = reservation.cancelled_at or reservation.expired_at
    overdue = (
        reservation.status == ReservationStatus.AUTHORIZED
        and reservation.expires_at is not None
        and reservation.expires_at <= now
    )
    if overdue:
        status, cancelled_at = VtexStatus.CANCELED_AUTHORIZATION_EXPIRED, reservation.expires_at
    moments = [
        reservation.created_at,
        reservation.confirmed_at,
        reservation.acknowledged_at,
        reservation.fulfilled_at,
        cancelled_at,
    ]
    lines = [
        {
            "item": {
                "id": item.inventory.sku.sku_id,
                "groupItemId": None,
                "quantity": item.quantity,
                "price": 0.0,
                "additionalHandlingTime": "00:00:00",
                "kitItem": [],
                "unlimitedQuantity": item.inventory.unlimited,
                "wareHouseId": item.inventory.warehouse.warehouse_id,
            },
            "wareHouseId": item.inventory.warehouse.warehouse_id,
        }
        for item in reservation.items.all()
    ]
    return {
        "LastUpdateDateUtc": _utc(max(moment for moment in moments if moment is not None)),
        "SalesChannel": reservation.sales_channel,
        "LockId": reservation.reservation_id,
        "ReservationDateUtc": _utc(reservation.created_at),
        "MaximumConfirmationDateUtc": _utc(reservation.expires_at),
        "Status": status,
        "SlaRequest": lines,
        "PickupPointItemOptions": None,
        "CanceledDateUtc": _utc(cancelled_at),
        "AuthorizedDateUtc": _utc(reservation.created_at),
        "ConfirmedDateUtc": _utc(reservation.confirmed_at),
        "Errors": [],
        "IsSucess": True,
    }
