"""VTEX reservation endpoints: the lifecycle over VTEX's paths, the ledger, the refusals, and
bodies checked against VTEX's published schema."""

import copy
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.inventory.models import Inventory, Movement
from apps.reservations.models import Reservation
from tests.api.vtex_reference import assert_valid_request, assert_valid_response, operation
from tests.factories import SKUFactory, WarehouseFactory, stocked

CREATE = "/api/logistics/pvt/inventory/reservations"
DETAIL = "/api/logistics/pvt/inventory/reservations/{reservationId}"
CONFIRM = DETAIL + "/confirm"
ACKNOWLEDGE = DETAIL + "/acknowledge"
CANCEL = DETAIL + "/cancel"
BY_WAREHOUSE_AND_SKU = "/api/logistics/pvt/inventory/reservations/{warehouseId}/{skuId}"
UNSET = "0001-01-01T00:00:00+00:00"

pytestmark = pytest.mark.django_db


def vtex_example() -> dict:
    """VTEX's own example body for creating a reservation (SKU 29 in warehouse 1937054)."""
    content = operation(CREATE, "post")["requestBody"]["content"]["application/json"]
    return copy.deepcopy(content["example"])


def line(sku_id: str, warehouse_id: str, quantity: int) -> dict:
    """One ``deliveryItemOptions`` entry shaped as VTEX's example, for another item."""
    entry = vtex_example()["deliveryItemOptions"][0]
    entry["item"].update(id=sku_id, quantity=quantity)
    entry["wareHouseId"] = warehouse_id
    return entry


def body(*lines: dict, lock_id: str | None = None, ttl: str = "10.00:00:00") -> dict:
    data = vtex_example()
    data.update(lockId=lock_id, autorizationExpirationTTL=ttl, deliveryItemOptions=list(lines))
    assert_valid_request(CREATE, "post", data)
    return data


@pytest.fixture
def shelf():
    """SKU 29 (VTEX's example) with 5 units in warehouse 1937054, SKU 30 with 2."""
    warehouse = WarehouseFactory(warehouse_id="1937054")
    return {
        "29": stocked(5, sku=SKUFactory(sku_id="29"), warehouse=warehouse),
        "30": stocked(2, sku=SKUFactory(sku_id="30"), warehouse=warehouse),
    }


def reserved(row: Inventory) -> int:
    row.refresh_from_db()
    return row.reserved_quantity


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def create(api, *lines, **kwargs):
    response = api.post(CREATE, body(*lines, **kwargs), format="json")
    assert response.status_code == 200, response.json()
    return response


# --- Create and get ----------------------------------------------------------------------


def test_create_with_vtexs_example_reserves_and_answers_vtexs_shape(api, write_key, shelf):
    request = vtex_example()
    assert_valid_request(CREATE, "post", request)

    response = api.post(CREATE, request, format="json")

    assert response.status_code == 200
    assert_valid_response(CREATE, "post", response)
    data = response.json()
    reservation = Reservation.objects.get()
    assert data["LockId"] == reservation.reservation_id
    assert (data["Status"], data["SalesChannel"], data["IsSucess"]) == (1, "1", True)
    assert data["SlaRequest"] == [
        {
            "item": {
                "id": "29",
                "groupItemId": None,
                "quantity": 1,
                "price": 0.0,
                "additionalHandlingTime": "00:00:00",
                "kitItem": [],
                "unlimitedQuantity": False,
                "wareHouseId": "1937054",
            },
            "wareHouseId": "1937054",
        }
    ]
    created = parse(data["ReservationDateUtc"])
    assert created == reservation.created_at
    assert data["AuthorizedDateUtc"] == data["LastUpdateDateUtc"] == data["ReservationDateUtc"]
    # autorizationExpirationTTL "10.00:00:00"
    assert parse(data["MaximumConfirmationDateUtc"]) == created + timedelta(days=10)
    assert data["ConfirmedDateUtc"] == data["CanceledDateUtc"] == UNSET
    assert (reservation.status, reservation.sales_channel) == ("authorized", "1")
    assert reserved(shelf["29"]) == 1
    movement = Movement.objects.get(kind="reserve")
    assert (movement.source, movement.actor) == ("api", f"key:{write_key.key.app_key}")
    assert movement.reference == reservation.reservation_id


def test_create_with_a_lock_id_uses_it_and_adds_up_lines(api, shelf):
    response = create(
        api,
        line("29", "1937054", 2),
        line("30", "1937054", 1),
        line("29", "1937054", 1),
        lock_id="00-1336411707838-01",
        ttl="00:30:00",
    )

    data = response.json()
    assert data["LockId"] == "00-1336411707838-01"
    assert parse(data["MaximumConfirmationDateUtc"]) - parse(
        data["ReservationDateUtc"]
    ) == timedelta(minutes=30)
    assert [(entry["item"]["id"], entry["item"]["quantity"]) for entry in data["SlaRequest"]] == [
        ("29", 3),
        ("30", 1),
    ]
    assert (reserved(shelf["29"]), reserved(shelf["30"])) == (3, 1)


def test_create_without_ttl_or_with_zero_takes_the_default(api, shelf):
    without = vtex_example()
    del without["autorizationExpirationTTL"]
    zero = body(line("29", "1937054", 1), ttl="00:00:00")

    for request in (without, zero):
        data = api.post(CREATE, request, format="json").json()
        lifetime = parse(data["MaximumConfirmationDateUtc"]) - parse(data["ReservationDateUtc"])
        assert lifetime == settings.RESERVATION_DEFAULT_TTL


def test_get_answers_the_reservation_as_created(api, shelf):
    created = create(api, line("29", "1937054", 2), lock_id="order-1").json()

    response = api.get(DETAIL.format(reservationId="order-1"))

    assert response.status_code == 200
    assert_valid_response(DETAIL, "get", response)
    assert response.json() == created


# --- Transitions -------------------------------------------------------------------------


def test_confirm_then_acknowledge_then_a_count_settles_it(api, write_key, shelf):
    create(api, line("29", "1937054", 2), lock_id="order-1")

    confirmed = api.post(CONFIRM.format(reservationId="order-1"))
    acknowledged = api.post(ACKNOWLEDGE.format(reservationId="order-1"))

    for response, path in ((confirmed, CONFIRM), (acknowledged, ACKNOWLEDGE)):
        assert response.status_code == 200
        assert_valid_response(path, "post", response)
    assert_valid_response(DETAIL, "get", confirmed)  # the body is the reservation
    data = confirmed.json()
    assert data["Status"] == 2
    assert data["MaximumConfirmationDateUtc"] == UNSET
    reservation = Reservation.objects.get()
    assert parse(data["ConfirmedDateUtc"]) == reservation.confirmed_at
    assert acknowledged.json()["Status"] == 2  # VTEX has no acknowledged status
    assert reservation.status == "acknowledged"
    assert reserved(shelf["29"]) == 2
    # The ERP's next count clears it (SPEC §3.2): the units already left the shelf.
    api.put(
        "/api/logistics/pvt/inventory/skus/29/warehouses/1937054", {"quantity": 3}, format="json"
    )
    assert reserved(shelf["29"]) == 0
    assert api.get(DETAIL.format(reservationId="order-1")).json()["Status"] == 2
    actors = set(Movement.objects.filter(kind="reserve").values_list("source", "actor"))
    assert actors == {("api", f"key:{write_key.key.app_key}")}


def test_cancel_releases_the_stock_and_reads_cancelled_manually(api, write_key, shelf):
    create(api, line("29", "1937054", 4), lock_id="order-1")

    response = api.post(CANCEL.format(reservationId="order-1"))

    assert response.status_code == 200
    assert_valid_response(CANCEL, "post", response)
    data = response.json()
    assert data["Status"] == 5
    assert parse(data["CanceledDateUtc"]) == Reservation.objects.get().cancelled_at
    assert data["LastUpdateDateUtc"] == data["CanceledDateUtc"]
    assert reserved(shelf["29"]) == 0
    release = Movement.objects.get(kind="release")
    assert (release.source, release.actor) == ("api", f"key:{write_key.key.app_key}")


def test_repeating_a_transition_is_a_no_op_success(api, shelf):
    create(api, line("29", "1937054", 1), lock_id="order-1")
    first = api.post(CONFIRM.format(reservationId="order-1"))

    again = api.post(CONFIRM.format(reservationId="order-1"))

    assert again.status_code == 200
    assert again.json() == first.json()


def test_an_overdue_authorized_reservation_reads_expired_and_is_not_listed(api, shelf):
    create(api, line("29", "1937054", 1), lock_id="order-1")
    past = timezone.now() - timedelta(minutes=1)
    Reservation.objects.filter(reservation_id="order-1").update(expires_at=past)

    data = api.get(DETAIL.format(reservationId="order-1")).json()
    listed = api.get(BY_WAREHOUSE_AND_SKU.format(warehouseId="1937054", skuId="29")).json()
    confirm = api.post(CONFIRM.format(reservationId="order-1"))

    assert data["Status"] == 4
    assert parse(data["CanceledDateUtc"]) == past
    assert listed["items"] == []
    assert confirm.status_code == 422  # touching it expires it for good
    assert api.get(DETAIL.format(reservationId="order-1")).json()["Status"] == 4
    assert reserved(shelf["29"]) == 0


# --- List by warehouse and SKU -----------------------------------------------------------


def test_list_by_warehouse_and_sku_answers_the_reservations_holding_it(api, shelf):
    create(api, line("29", "1937054", 1), line("30", "1937054", 1), lock_id="a")
    create(api, line("29", "1937054", 1), lock_id="b")
    create(api, line("29", "1937054", 1), lock_id="cancelled")
    create(api, line("30", "1937054", 1), lock_id="other-sku")
    api.post(CANCEL.format(reservationId="cancelled"))
    api.post(CONFIRM.format(reservationId="b"))

    response = api.get(BY_WAREHOUSE_AND_SKU.format(warehouseId="1937054", skuId="29"))

    assert response.status_code == 200
    assert_valid_response(BY_WAREHOUSE_AND_SKU, "get", response)
    assert response.json()["paging"] == {"page": 1, "perPage": 50, "total": 2, "pages": 1}
    data = response.json()["items"]
    assert [(r["LockId"], r["Status"]) for r in data] == [("a", 1), ("b", 2)]
    assert [entry["item"]["id"] for entry in data[0]["SlaRequest"]] == ["29", "30"]
    assert sum(
        entry["item"]["quantity"]
        for r in data
        for entry in r["SlaRequest"]
        if entry["item"]["id"] == "29"
    ) == reserved(shelf["29"])


def test_list_by_warehouse_and_sku_honours_page_and_per_page(api, shelf):
    for lock_id in ("a", "b", "c"):
        create(api, line("29", "1937054", 1), lock_id=lock_id)
    url = BY_WAREHOUSE_AND_SKU.format(warehouseId="1937054", skuId="29")

    second = api.get(url, {"page": 2, "perPage": 2}).json()
    past_the_end = api.get(url, {"page": 3, "perPage": 2}).json()
    refused = api.get(url, {"perPage": "²"})

    assert [r["LockId"] for r in second["items"]] == ["c"]
    assert second["paging"] == {"page": 2, "perPage": 2, "total": 3, "pages": 2}
    assert past_the_end["items"] == []
    assert refused.status_code == 400
    assert refused.json()["details"] == {
        "perPage": ["perPage must be one whole number from 1 to 1000."]
    }


def test_list_for_a_known_pair_without_reservations_is_empty(api, shelf):
    WarehouseFactory(warehouse_id="empty")

    response = api.get(BY_WAREHOUSE_AND_SKU.format(warehouseId="empty", skuId="29"))

    assert response.status_code == 200
    assert response.json() == {
        "items": [],
        "paging": {"page": 1, "perPage": 50, "total": 0, "pages": 0},
    }


@pytest.mark.parametrize(
    ("warehouse_id", "sku_id", "code"),
    [("1937054", "404", "unknown_sku"), ("nowhere", "29", "unknown_warehouse")],
)
def test_list_for_an_unknown_sku_or_warehouse_is_404(api, shelf, warehouse_id, sku_id, code):
    response = api.get(BY_WAREHOUSE_AND_SKU.format(warehouseId=warehouse_id, skuId=sku_id))

    assert response.status_code == 404
    assert response.json()["code"] == code


# --- Refusals ----------------------------------------------------------------------------


def test_unknown_sku_is_404_and_reserves_nothing(api, shelf):
    response = api.post(
        CREATE, body(line("29", "1937054", 1), line("missing", "1937054", 1)), format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_sku"
    assert "missing" in response.json()["message"]
    assert not Reservation.objects.exists()
    assert reserved(shelf["29"]) == 0


def test_insufficient_stock_is_422_naming_every_short_item_and_changes_nothing(api, shelf):
    response = api.post(
        CREATE,
        body(line("29", "1937054", 6), line("30", "1937054", 1), line("30", "1937054", 2)),
        format="json",
    )

    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "insufficient_stock"
    assert error["message"] == (
        "Insufficient stock for 2 item(s): 29 @ 1937054 (requested 6, available 5); "
        "30 @ 1937054 (requested 3, available 2)."
    )
    assert [item["sku_id"] for item in error["details"]["items"]] == ["29", "30"]
    assert not Reservation.objects.exists()
    assert (reserved(shelf["29"]), reserved(shelf["30"])) == (0, 0)


def test_invalid_transition_is_a_final_422_naming_the_current_status(api, shelf):
    create(api, line("29", "1937054", 1), lock_id="order-1")
    api.post(CANCEL.format(reservationId="order-1"))

    response = api.post(CONFIRM.format(reservationId="order-1"))

    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid_transition"
    assert error["message"] == "Reservation 'order-1' is cancelled; it cannot be confirmed."
    assert Reservation.objects.get().status == "cancelled"


def test_acknowledged_cannot_be_cancelled(api, shelf):
    create(api, line("29", "1937054", 1), lock_id="order-1")
    api.post(CONFIRM.format(reservationId="order-1"))
    api.post(ACKNOWLEDGE.format(reservationId="order-1"))

    response = api.post(CANCEL.format(reservationId="order-1"))

    assert response.status_code == 422
    assert "is acknowledged" in response.json()["message"]
    assert reserved(shelf["29"]) == 1


@pytest.mark.parametrize("path", [DETAIL, CONFIRM, ACKNOWLEDGE, CANCEL])
def test_unknown_reservation_is_404(api, shelf, path):
    url = path.format(reservationId="missing")
    response = api.get(url) if path == DETAIL else api.post(url)

    assert response.status_code == 404
    assert response.json()["code"] == "reservation_not_found"
    assert response.json()["message"] == "Reservation 'missing' does not exist."


def test_a_lock_id_already_used_is_a_final_422_and_keeps_the_first(api, shelf):
    create(api, line("29", "1937054", 1), lock_id="order-1")

    response = api.post(CREATE, body(line("29", "1937054", 2), lock_id="order-1"), format="json")

    assert response.status_code == 422
    assert response.json()["code"] == "reservation_exists"
    assert reserved(shelf["29"]) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["deliveryItemOptions"][0].update(wareHouseId=None), "deliveryItemOptions"),
        (lambda b: b["deliveryItemOptions"][0]["item"].update(quantity="1"), "deliveryItemOptions"),
        (lambda b: b["deliveryItemOptions"][0]["item"].update(quantity=0), "deliveryItemOptions"),
        (lambda b: b.update(deliveryItemOptions=[]), "deliveryItemOptions"),
        (lambda b: b.update(lockId="a/b"), "lockId"),
        (lambda b: b.update(lockId="order-1\n"), "lockId"),
        (lambda b: b.update(autorizationExpirationTTL="ten days"), "autorizationExpirationTTL"),
        (lambda b: b.update(salesChannel=1), "salesChannel"),
    ],
)
def test_malformed_bodies_are_400_naming_the_field(api, shelf, change, field):
    request = vtex_example()
    change(request)

    response = api.post(CREATE, request, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["details"]
    assert not Reservation.objects.exists()


# --- Scopes ------------------------------------------------------------------------------


def test_a_read_only_key_reads_but_cannot_write(api, reader, shelf):
    create(api, line("29", "1937054", 1), lock_id="order-1")

    refused = [
        reader.post(CREATE, body(line("29", "1937054", 1)), format="json"),
        *(reader.post(path.format(reservationId="order-1")) for path in (CONFIRM, CANCEL)),
        reader.post(ACKNOWLEDGE.format(reservationId="order-1")),
    ]

    assert [(r.status_code, r.json()["code"]) for r in refused] == [(403, "missing_scope")] * 4
    assert Reservation.objects.get().status == "authorized"
    assert reserved(shelf["29"]) == 1
    assert reader.get(DETAIL.format(reservationId="order-1")).status_code == 200
    listed = reader.get(BY_WAREHOUSE_AND_SKU.format(warehouseId="1937054", skuId="29"))
    assert listed.status_code == 200


def test_dates_are_utc(api, shelf):
    data = create(api, line("29", "1937054", 1)).json()

    assert parse(data["ReservationDateUtc"]).utcoffset() == timedelta(0)
    assert data["ReservationDateUtc"].endswith("+00:00")
    assert parse(data["ReservationDateUtc"]) <= datetime.now(UTC)
