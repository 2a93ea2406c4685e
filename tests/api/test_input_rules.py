"""How write bodies and headers are read (``apps.api.bodies``, ``parsers``, ``negotiation``):
understood exactly or refused with nothing changed."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.inventory.models import Inventory, Movement
from apps.reservations.models import Reservation
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db

PUT = "/api/logistics/pvt/inventory/skus/25/warehouses/wh"
RESERVATIONS = "/api/logistics/pvt/inventory/reservations"


def total(row) -> int:
    return Inventory.objects.get(pk=row.pk).total_quantity


def movements(row) -> int:
    return Movement.objects.filter(inventory=row).count()


def put_raw(api, body: bytes | str, content_type="application/json", **headers):
    return api.generic("PUT", PUT, body, content_type=content_type, **headers)


# --- Bodies -------------------------------------------------------------------------------


def test_pascal_case_fields_are_applied(api, row):
    body = {
        "Quantity": 8,
        "UnlimitedQuantity": False,
        "LeadTime": "2",
        "DateUtcOnBalanceSystem": "",
    }

    response = api.put(PUT, body, format="json")

    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.total_quantity, row.lead_time.days) == (8, 2)
    assert movements(row) == 2


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            b"",
            "empty_body",
            "The request body is empty; send a JSON object with at least one of: quantity, "
            "unlimitedQuantity, leadTime, dateUtcOnBalanceSystem.",
        ),
        (
            b"{}",
            "no_known_field",
            "The body has no field this endpoint knows (got an empty object); send at least "
            "one of: quantity, unlimitedQuantity, leadTime, dateUtcOnBalanceSystem.",
        ),
        (
            b'{"qty": 8, "sku": "25"}',
            "no_known_field",
            "The body has no field this endpoint knows (got qty, sku); send at least one of: "
            "quantity, unlimitedQuantity, leadTime, dateUtcOnBalanceSystem.",
        ),
        (b"[8]", "not_an_object", "The request body must be a JSON object, got a list."),
        (b"8", "not_an_object", "The request body must be a JSON object, got a number."),
        (b"null", "not_an_object", "The request body must be a JSON object, got null."),
    ],
)
def test_a_body_the_put_cannot_apply_exactly_is_a_400_and_changes_nothing(
    api, row, body, code, message
):
    response = put_raw(api, body)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["message"]) == (code, message)
    assert (total(row), movements(row)) == (10, 1)


def test_the_same_field_in_two_cases_is_refused(api, row):
    response = put_raw(api, b'{"quantity": 8, "Quantity": 9}')

    assert response.status_code == 400
    assert response.json()["details"] == {
        "quantity": ["Given more than once, as quantity and Quantity."]
    }
    assert total(row) == 10


def test_unknown_fields_beside_known_ones_are_ignored_and_missing_ones_take_vtex_defaults(api, row):
    stocked(10, sku=row.sku, warehouse=row.warehouse, unlimited=True)

    response = api.put(PUT, {"quantity": 7, "skuId": "25", "totalQuantity": 99}, format="json")

    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.total_quantity, row.unlimited) == (7, False)  # unlimitedQuantity missing: false


def test_nested_vtex_fields_match_whatever_their_case(api, row):
    body = {
        "SalesChannel": "1",
        "LockId": "order-1",
        "DeliveryItemOptions": [{"Item": {"Id": "25", "Quantity": 3}, "WareHouseId": "wh"}],
    }

    response = api.post(RESERVATIONS, body, format="json")

    assert response.status_code == 200
    assert Reservation.objects.get(reservation_id="order-1").items.get().quantity == 3
    assert Inventory.objects.get(pk=row.pk).reserved_quantity == 3


@pytest.mark.parametrize(("text", "expected"), [("5.0", 5), ("1e3", 1000), ("1.0E1", 10)])
def test_whole_numbers_written_with_a_fraction_or_exponent_are_accepted(api, row, text, expected):
    response = put_raw(api, '{"quantity": ' + text + "}")

    assert response.status_code == 200
    assert total(row) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5.5", "Must be a whole number, got 5.5."),
        ("1e-1", "Must be a whole number, got 0.1."),
        ("1e999999999", "Ensure this value is less than or equal to 1000000000."),
    ],
)
def test_numbers_that_are_not_whole_or_in_range_are_refused_by_name(api, row, text, message):
    response = put_raw(api, '{"quantity": ' + text + "}")

    assert response.status_code == 400
    assert response.json()["details"] == {"quantity": [message]}
    assert total(row) == 10


def test_a_utf8_byte_order_mark_before_the_json_is_skipped(api, row):
    response = put_raw(api, b"\xef\xbb\xbf" + json.dumps({"quantity": 4}).encode())

    assert response.status_code == 200
    assert total(row) == 4


def test_json_nested_100000_levels_deep_is_a_400_not_a_500(api, row):
    response = put_raw(api, "[" * 100_000 + "]" * 100_000)

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert "nested more than 64 levels" in response.json()["message"]


def test_nan_is_not_a_number_here(api, row):
    response = put_raw(api, b'{"quantity": NaN}')

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert total(row) == 10


# --- Headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["application/vnd.vtex.ds.v10+json", "text/plain;charset=UTF-8", "", "application/xml"],
)
def test_a_json_body_is_read_whatever_its_content_type(api, row, content_type):
    response = put_raw(api, b'{"quantity": 3}', content_type=content_type)

    assert response.status_code == 200
    assert total(row) == 3


@pytest.mark.parametrize(
    "accept",
    ["application/vnd.vtex.ds.v10+json", "*/*", "text/plain", "application/xml", None],
)
def test_answers_are_json_whatever_accept_asks_for(api, row, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    read = api.get("/api/logistics/pvt/inventory/skus/25", **headers)
    write = api.put(PUT, {"quantity": 2}, format="json", **headers)

    assert read.status_code == 200 and read["Content-Type"] == "application/json"
    assert read.json()["skuId"] == "25"
    assert (write.status_code, write.json()) == (200, True)
    assert total(row) == 2


# --- Dates and lead times -----------------------------------------------------------------


@pytest.mark.parametrize(
    "unset", ["0001-01-01T00:00:00", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000+03:00"]
)
def test_dotnet_default_date_means_now_even_after_a_dated_count(api, row, unset):
    recent = timezone.now().isoformat()
    dated = api.put(PUT, {"quantity": 5, "dateUtcOnBalanceSystem": recent}, format="json")
    before = timezone.now()

    response = api.put(PUT, {"quantity": 6, "dateUtcOnBalanceSystem": unset}, format="json")

    assert dated.status_code == 200 and response.status_code == 200
    row.refresh_from_db()
    assert row.total_quantity == 6
    assert row.balance_as_of >= before
    assert movements(row) == 3


def test_a_count_dated_a_little_ahead_counts_as_now_and_locks_nobody_out(api, row):
    ahead = (timezone.now() + timedelta(minutes=5)).isoformat()

    fast_clock = api.put(PUT, {"quantity": 5, "dateUtcOnBalanceSystem": ahead}, format="json")
    undated = api.put(PUT, {"quantity": 6}, format="json")

    assert (fast_clock.status_code, undated.status_code) == (200, 200)
    row.refresh_from_db()
    assert row.total_quantity == 6
    assert row.balance_as_of <= timezone.now()
    assert movements(row) == 3


def test_a_count_dated_far_ahead_is_refused(api, row):
    ahead = (timezone.now() + timedelta(hours=1)).isoformat()

    response = api.put(PUT, {"quantity": 5, "dateUtcOnBalanceSystem": ahead}, format="json")

    assert response.status_code == 400
    assert "more than 10 minutes in the future" in response.json()["message"]
    assert total(row) == 10


def test_lower_case_t_and_z_are_read(api):
    SKUFactory(sku_id="25")
    WarehouseFactory(warehouse_id="wh")

    response = api.put(
        PUT, {"quantity": 5, "dateUtcOnBalanceSystem": "2024-06-13t00:52:16z"}, format="json"
    )

    assert response.status_code == 200
    row = Inventory.objects.get(sku__sku_id="25", warehouse__warehouse_id="wh")
    assert row.balance_as_of == datetime(2024, 6, 13, 0, 52, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.02:03:04.5", timedelta(days=1, hours=2, minutes=3, seconds=4.5)),
        ("00:00:01.0000001", timedelta(seconds=1)),
        ("2.00:00:00.1234567", timedelta(days=2, microseconds=123457)),
    ],
)
def test_dotnet_timespans_with_fractions_of_a_second_are_read(api, row, text, expected):
    response = api.put(PUT, {"quantity": 5, "leadTime": text}, format="json")

    assert response.status_code == 200
    row.refresh_from_db()
    assert row.lead_time == expected
