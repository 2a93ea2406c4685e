"""Native API v1 reservations (SPEC §4): create, read, list and move through the lifecycle."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.authentication import actor_of
from apps.api.bodies import validated_body
from apps.api.filters import ReservationFilter
from apps.api.serializers import v1
from apps.api.views.base import errors
from apps.api.views.v1_inventory import NewestFirst
from apps.inventory.models import Source
from apps.reservations.models import Reservation
from apps.reservations.selectors import reservation_by_id
from apps.reservations.services import (
    reservation_acknowledge,
    reservation_cancel,
    reservation_confirm,
    reservation_create,
)

TAGS = ["Reservations v1"]
READ_PERMISSIONS = ("reservations.view_reservation",)
WRITE_PERMISSIONS = ("reservations.change_reservation",)
WITH_ITEMS = Reservation.objects.prefetch_related(
    "items__inventory__sku", "items__inventory__warehouse"
)


class Reservations(generics.ListAPIView):
    session_read_permissions = READ_PERMISSIONS
    serializer_class = v1.ReservationSerializer
    queryset = WITH_ITEMS
    pagination_class = NewestFirst
    filterset_class = ReservationFilter
    session_write_permissions = WRITE_PERMISSIONS

    @extend_schema(
        tags=TAGS, responses={200: v1.ReservationSerializer(many=True), **errors(400, 404)}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        description=(
            "Reserve every item or none: 422 `insufficient_stock` names every short item. "
            "The reservation is `authorized` and expires after `ttl_seconds` (default from "
            "the server's settings) unless confirmed."
        ),
        request=v1.ReservationCreateSerializer,
        responses={201: v1.ReservationSerializer, **errors(400, 404, 409, 422)},
    )
    def post(self, request) -> Response:
        serializer = validated_body(request, v1.ReservationCreateSerializer)
        reservation = reservation_create(
            **serializer.service_kwargs(), source=Source.API, actor=actor_of(request)
        )
        data = v1.ReservationSerializer(reservation_by_id(reservation.reservation_id)).data
        return Response(data, status=status.HTTP_201_CREATED)


class ReservationDetail(APIView):
    session_read_permissions = READ_PERMISSIONS

    @extend_schema(tags=TAGS, responses={200: v1.ReservationSerializer, **errors(404)})
    def get(self, request, reservation_id: str) -> Response:
        return Response(v1.ReservationSerializer(reservation_by_id(reservation_id)).data)


def _transition_view(service, summary: str):
    class Transition(APIView):
        session_write_permissions = WRITE_PERMISSIONS

        @extend_schema(
            tags=TAGS,
            summary=summary,
            description=(
                "Repeating a transition already done is a no-op success; an invalid one is "
                "refused with 422 `invalid_transition` naming the current status."
            ),
            request=None,
            responses={200: v1.ReservationSerializer, **errors(404, 409, 422)},
        )
        def post(self, request, reservation_id: str) -> Response:
            service(reservation_id=reservation_id, source=Source.API, actor=actor_of(request))
            return Response(v1.ReservationSerializer(reservation_by_id(reservation_id)).data)

    Transition.__name__ = Transition.__qualname__ = f"Reservation{summary.split()[0]}"
    return Transition


ConfirmReservation = _transition_view(reservation_confirm, "Confirm (payment approved)")
AcknowledgeReservation = _transition_view(reservation_acknowledge, "Acknowledge (handling started)")
CancelReservation = _transition_view(reservation_cancel, "Cancel and release the stock")
