"""VTEX reservation endpoints (SPEC §4, §5.1): create, get, confirm, acknowledge, cancel, and
the reservations holding a SKU in a warehouse.

Writes go through ``apps.reservations.services`` with source ``api`` and the caller as actor;
refusals come back as the error shape (404 ``reservation_not_found`` / ``unknown_sku`` /
``unknown_warehouse``, 422 ``invalid_transition`` / ``reservation_exists`` /
``insufficient_stock``). Every answer is the reservation in VTEX's shape (see
``serializers.vtex_reservations``); VTEX documents 200 for all of them.
"""

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.authentication import actor_of
from apps.api.bodies import validated_body
from apps.api.paging import PAGE_PARAMETERS, vtex_page, vtex_page_schema
from apps.api.serializers.vtex_reservations import (
    VtexReservationCreateSerializer,
    VtexReservationSerializer,
    vtex_reservation,
)
from apps.api.views.base import SKU_ID, WAREHOUSE_ID, errors
from apps.inventory.models import Source
from apps.reservations.selectors import reservation_by_id, reservations_holding
from apps.reservations.services import (
    reservation_acknowledge,
    reservation_cancel,
    reservation_confirm,
    reservation_create,
)

TAGS = ["Reservations"]
READ_PERMISSIONS = ("reservations.view_reservation",)
WRITE_PERMISSIONS = ("reservations.change_reservation",)
RESERVATION_ID = OpenApiParameter(
    "reservationId",
    str,
    OpenApiParameter.PATH,
    description="The reservation's id (VTEX's `lockId`).",
    examples=[OpenApiExample("Reservation", value="00-1336411707838-01")],
)


def _answer(reservation_id: str) -> Response:
    """The reservation as it is now, in VTEX's shape."""
    reservation = reservation_by_id(reservation_id)
    return Response(vtex_reservation(reservation, now=timezone.now()))


class Reservations(APIView):
    session_write_permissions = WRITE_PERMISSIONS

    @extend_schema(
        operation_id="CreateReservation",
        summary="Create reservation",
        description=(
            "Reserves every item or none (SPEC §4): 422 `insufficient_stock` names every "
            "short item; unknown SKUs or warehouses are 404; a `lockId` already used is 422 "
            "`reservation_exists`. The reservation is authorized (Status 1) until "
            "`MaximumConfirmationDateUtc`. Only `item.id`, `item.quantity` and `wareHouseId` "
            "of each line are used (required here: warehouses are not picked by SLA)."
        ),
        tags=TAGS,
        request=VtexReservationCreateSerializer,
        examples=[
            OpenApiExample(
                "One unit",
                value={
                    "salesChannel": "1",
                    "lockId": None,
                    "autorizationExpirationTTL": "00:10:00",
                    "deliveryItemOptions": [
                        {"item": {"id": "25", "quantity": 1}, "wareHouseId": "store-warehouse"}
                    ],
                },
                request_only=True,
            )
        ],
        responses={200: VtexReservationSerializer, **errors(400, 404, 409, 422)},
    )
    def post(self, request) -> Response:
        serializer = validated_body(request, VtexReservationCreateSerializer)
        reservation = reservation_create(
            **serializer.service_kwargs(), source=Source.API, actor=actor_of(request)
        )
        return _answer(reservation.reservation_id)


class ReservationDetail(APIView):
    session_read_permissions = READ_PERMISSIONS

    @extend_schema(
        operation_id="ReservationById",
        summary="Get reservation",
        tags=TAGS,
        parameters=[RESERVATION_ID],
        responses={200: VtexReservationSerializer, **errors(404)},
    )
    def get(self, request, reservationId: str) -> Response:
        return _answer(reservationId)


def _transition_view(service, operation_id: str, summary: str, description: str):
    class Transition(APIView):
        session_write_permissions = WRITE_PERMISSIONS

        @extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=(
                f"{description} Repeating it is a no-op success; from any other status it is "
                "refused with 422 `invalid_transition` naming the current status. Answers the "
                "reservation (VTEX documents no body)."
            ),
            tags=TAGS,
            parameters=[RESERVATION_ID],
            request=None,
            responses={200: VtexReservationSerializer, **errors(404, 409, 422)},
        )
        def post(self, request, reservationId: str) -> Response:
            service(reservation_id=reservationId, source=Source.API, actor=actor_of(request))
            return _answer(reservationId)

    Transition.__name__ = Transition.__qualname__ = operation_id
    return Transition


ConfirmReservation = _transition_view(
    reservation_confirm,
    "ConfirmReservation",
    "Confirm reservation",
    "Authorized → confirmed (Status 2, payment approved): it no longer expires.",
)
AcknowledgeReservation = _transition_view(
    reservation_acknowledge,
    "AcknowledgmentReservation",
    "Acknowledgment reservation",
    "Confirmed → acknowledged (handling started; VTEX still reads Status 2): the next count "
    "as of a later time settles its units (SPEC §3.2).",
)
CancelReservation = _transition_view(
    reservation_cancel,
    "CancelReservation",
    "Cancel reservation",
    "Authorized or confirmed → cancelled (Status 5); the stock is released.",
)


class ReservationsByWarehouseAndSku(APIView):
    session_read_permissions = READ_PERMISSIONS

    @extend_schema(
        operation_id="ReservationbyWarehouseandSku",
        summary="List reservation by warehouse and SKU",
        description=(
            "The reservations holding units of the SKU in the warehouse (authorized and not "
            "past expiry, confirmed, or acknowledged and not yet counted out), oldest first, "
            "each with all its lines, in VTEX's paged shape (`items` and `paging`; "
            "`page` from 1, `perPage` up to 1000). Unknown SKU or warehouse: 404. A SKU "
            "whose id is "
            "`confirm`, `acknowledge` or `cancel` cannot be listed here (those paths are the "
            "transitions)."
        ),
        tags=TAGS,
        parameters=[WAREHOUSE_ID, SKU_ID, *PAGE_PARAMETERS],
        responses={200: vtex_page_schema(VtexReservationSerializer), **errors(400, 404)},
    )
    def get(self, request, warehouseId: str, skuId: str) -> Response:
        now = timezone.now()
        reservations = reservations_holding(sku_id=skuId, warehouse_id=warehouseId, now=now)
        return Response(
            vtex_page(
                request, reservations, lambda reservation: vtex_reservation(reservation, now=now)
            )
        )
