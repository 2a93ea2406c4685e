"""Reservation admin: lifecycle actions ask for confirmation, then report what changed."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from apps.reservations.models import Reservation, ReservationStatus
from apps.reservations.services import ItemRequest, reservation_cancel, reservation_create
from tests.factories import stocked

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:reservations_reservation_changelist")


@pytest.fixture
def clerk(client):
    user = User.objects.create_user("clerk", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="reservations",
            codename__in=["view_reservation", "change_reservation"],
        )
    )
    client.force_login(user)
    return client


def reservations(count=2):
    inventory = stocked(10)
    item = ItemRequest(inventory.sku.sku_id, inventory.warehouse.warehouse_id, 1)
    return [reservation_create(items=[item], reference=f"order-{n}") for n in range(count)]


def test_action_shows_a_confirmation_page_and_changes_nothing_yet(clerk):
    first, second = reservations()

    response = clerk.post(
        CHANGELIST, {"action": "confirm_reservations", "_selected_action": [first.pk, second.pk]}
    )

    assert response.status_code == 200
    assert "Are you sure you want to confirm these reservations?" in response.content.decode()
    assert set(Reservation.objects.values_list("status", flat=True)) == {"authorized"}


def test_confirmed_action_applies_and_reports_changes_and_refusals(clerk):
    first, second = reservations()
    reservation_cancel(reservation_id=second.reservation_id)

    response = clerk.post(
        CHANGELIST,
        {
            "action": "confirm_reservations",
            "_selected_action": [first.pk, second.pk],
            "confirm": "yes",
        },
        follow=True,
    )

    first.refresh_from_db()
    assert first.status == ReservationStatus.CONFIRMED
    text = [str(m) for m in response.context["messages"]]
    assert f"1 reservation(s) confirmed: {first.reservation_id}." in text
    assert any(
        f"Refused: Reservation '{second.reservation_id}' is cancelled; it cannot be confirmed." in m
        for m in text
    )


def test_view_only_staff_get_no_lifecycle_actions(client):
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_reservation"))
    client.force_login(user)
    (reservation,) = reservations(1)

    listing = client.get(CHANGELIST)
    client.post(
        CHANGELIST,
        {"action": "cancel_reservations", "_selected_action": [reservation.pk], "confirm": "yes"},
    )

    assert "cancel_reservations" not in listing.content.decode()
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.AUTHORIZED


def test_list_filters_by_status_and_searches_by_sku(clerk):
    first, second = reservations()
    reservation_cancel(reservation_id=second.reservation_id)
    sku_id = first.items.get().inventory.sku.sku_id

    cancelled = clerk.get(CHANGELIST, {"status__exact": "cancelled"})
    by_sku = clerk.get(CHANGELIST, {"q": sku_id})

    assert list(cancelled.context["cl"].result_list) == [second]
    assert set(by_sku.context["cl"].result_list) == {first, second}


def test_inventory_reserved_figure_links_to_its_active_reservations(client):
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    first, second = reservations()
    reservation_cancel(reservation_id=second.reservation_id)
    inventory = first.items.get().inventory
    elsewhere = reservations(1)[0]

    listing = client.get(reverse("admin:inventory_inventory_changelist")).content.decode()
    link = f"{CHANGELIST}?items__inventory__id__exact={inventory.pk}&amp;active=yes"
    linked = client.get(f"{CHANGELIST}?items__inventory__id__exact={inventory.pk}&active=yes")

    assert f'<a href="{link}"' in listing
    assert list(linked.context["cl"].result_list) == [first]
    assert elsewhere not in linked.context["cl"].result_list
