"""VTEX inventory endpoints: behaviour, the ledger, and bodies checked against VTEX's schema."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.inventory.models import UNLIMITED_SENTINEL, Inventory, Movement
from tests.api.vtex_reference import assert_valid_request, assert_valid_response
from tests.factories import SKUFactory, WarehouseFactory, stocked

PUT = "/api/logistics/pvt/inventory/skus/{skuId}/warehouses/{warehouseId}"
QUANTITY = PUT + "/quantity"
LEAD_TIME = PUT + "/lead-time"
BY_SKU = "/api/logistics/pvt/inventory/skus/{skuId}"
ITEM = "/api/logistics/pvt/inventory/items/{skuId}/warehouses/{warehouseId}"

pytestmark = pytest.mark.django_db


@pytest.fixture
def sku():
    return SKUFactory(sku_id="25")


@pytest.fixture
def warehouse():
    return WarehouseFactory(warehouse_id="store-warehouse", name="Store")


def url(template: str, **ids) -> str:
    return template.format(**ids)


def inventory(sku, warehouse) -> Inventory:
    return Inventory.objects.get(sku=sku, warehouse=warehouse)


# --- PUT --------------------------------------------------------------------------------


def test_put_sets_the_count_lead_time_and_as_of_and_answers_true(api, write_key, sku, warehouse):
    body = {
        "quantity": 202,
        "unlimitedQuantity": False,
        "dateUtcOnBalanceSystem": "2024-06-13T00:52:16",
        "leadTime": "10.10:00:00",
    }
    assert_valid_request(PUT, "put", body)

    response = api.put(url(PUT, skuId="25", warehouseId="store-warehouse"), body, format="json")

    assert response.status_code == 200
    assert response.json() is True
    assert_valid_response(PUT, "put", response)
    row = inventory(sku, warehouse)
    assert row.total_quantity == 202
    assert row.unlimited is False
    assert row.lead_time == timedelta(days=10, hours=10)
    assert row.balance_as_of == datetime(2024, 6, 13, 0, 52, 16, tzinfo=UTC)
    movement = row.movements.get()
    assert (movement.source, movement.actor) == ("api", f"key:{write_key.key.app_key}")
    assert (movement.total_before, movement.total_after, movement.delta) == (0, 202, 202)


def test_put_with_missing_or_null_fields_takes_vtex_defaults(api, sku, warehouse):
    stocked(7, sku=sku, warehouse=warehouse, unlimited=True, lead_time=timedelta(days=3))

    response = api.put(
        url(PUT, skuId="25", warehouseId="store-warehouse"),
        {"quantity": None, "leadTime": None},
        format="json",
    )

    assert response.status_code == 200
    row = inventory(sku, warehouse)
    assert (row.total_quantity, row.unlimited, row.lead_time) == (0, False, timedelta(0))


def test_put_with_an_empty_body_is_refused_not_a_count_of_zero(api, sku, warehouse):
    stocked(4, sku=sku, warehouse=warehouse)

    response = api.put(url(PUT, skuId="25", warehouseId="store-warehouse"))

    assert response.status_code == 400
    assert response.json()["code"] == "empty_body"
    assert inventory(sku, warehouse).total_quantity == 4


def test_put_lead_time_in_days_and_dotnet_hours_as_days(api, sku, warehouse):
    api.put(url(PUT, skuId="25", warehouseId="store-warehouse"), {"leadTime": "3"}, format="json")
    assert inventory(sku, warehouse).lead_time == timedelta(days=3)

    # VTEX documents that "78:00:00" means 78 days (.NET's TimeSpan reading).
    api.put(
        url(PUT, skuId="25", warehouseId="store-warehouse"), {"leadTime": "78:00:00"}, format="json"
    )
    assert inventory(sku, warehouse).lead_time == timedelta(days=78)


def test_put_unlimited_is_reported_with_vtex_sentinel(api, sku, warehouse):
    api.put(
        url(PUT, skuId="25", warehouseId="store-warehouse"),
        {"quantity": 5, "unlimitedQuantity": True, "leadTime": "00:00:00"},
        format="json",
    )

    response = api.get(url(ITEM, skuId="25", warehouseId="store-warehouse"))

    assert response.status_code == 200
    [item] = response.json()
    assert item["isUnlimited"] is True
    assert item["totalQuantity"] == item["availableQuantity"] == UNLIMITED_SENTINEL
    assert_valid_response(ITEM, "get", response)


def test_put_older_balance_is_refused_with_stale_balance_and_changes_nothing(api, sku, warehouse):
    stocked(10, sku=sku, warehouse=warehouse, as_of=datetime(2024, 6, 13, 12, 0, tzinfo=UTC))

    response = api.put(
        url(PUT, skuId="25", warehouseId="store-warehouse"),
        {"quantity": 3, "dateUtcOnBalanceSystem": "2024-06-13T11:00:00Z", "leadTime": "0"},
        format="json",
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "stale_balance"
    assert "older than the current one" in body["message"]
    assert inventory(sku, warehouse).total_quantity == 10


def test_put_date_with_offset_is_converted_to_utc(api, sku, warehouse):
    api.put(
        url(PUT, skuId="25", warehouseId="store-warehouse"),
        {"quantity": 1, "dateUtcOnBalanceSystem": "2024-01-31T19:12:01.025662+02:00"},
        format="json",
    )

    assert inventory(sku, warehouse).balance_as_of == datetime(
        2024, 1, 31, 17, 12, 1, 25662, tzinfo=UTC
    )


def test_put_empty_date_means_now(api, sku, warehouse):
    before = timezone.now()
    api.put(
        url(PUT, skuId="25", warehouseId="store-warehouse"),
        {"quantity": 1, "dateUtcOnBalanceSystem": ""},
        format="json",
    )
    assert inventory(sku, warehouse).balance_as_of >= before


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"quantity": -1}, "quantity", "greater than or equal to 0"),
        ({"quantity": 1_000_000_001}, "quantity", "less than or equal to 1000000000"),
        ({"quantity": "5"}, "quantity", "got a string"),
        ({"quantity": 2.5}, "quantity", "Must be a whole number, got 2.5."),
        ({"quantity": True}, "quantity", "got a boolean"),
        ({"unlimitedQuantity": "yes"}, "unlimitedQuantity", "Must be true or false"),
        ({"leadTime": "ten days"}, "leadTime", "is not a lead time"),
        ({"leadTime": "1.25:00:00"}, "leadTime", "is not a lead time"),
        ({"leadTime": 3}, "leadTime", "Must be a string"),
        ({"dateUtcOnBalanceSystem": "13/06/2024"}, "dateUtcOnBalanceSystem", "not a date"),
        ({"dateUtcOnBalanceSystem": "2024-02-30T00:00:00"}, "dateUtcOnBalanceSystem", "not a"),
        ({"dateUtcOnBalanceSystem": "2999-01-01T00:00:00Z"}, "dateUtcOnBalanceSystem", "future"),
    ],
)
def test_put_bad_input_is_refused_naming_the_field_and_changes_nothing(
    api, sku, warehouse, body, field, words
):
    stocked(10, sku=sku, warehouse=warehouse)
    movements = Movement.objects.count()

    response = api.put(url(PUT, skuId="25", warehouseId="store-warehouse"), body, format="json")

    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "validation_error"
    assert list(error["details"]) == [field]
    assert words in error["details"][field][0]
    assert error["message"].startswith(f"Invalid input: {field}: ")
    assert inventory(sku, warehouse).total_quantity == 10
    assert Movement.objects.count() == movements


def test_put_malformed_json_is_a_json_400(api, sku, warehouse):
    response = api.generic(
        "PUT",
        url(PUT, skuId="25", warehouseId="store-warehouse"),
        '{"quantity": 3,',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "malformed_json"
    assert "JSON parse error" in response.json()["message"]


def test_put_body_that_is_not_an_object_is_refused(api, sku, warehouse):
    response = api.put(url(PUT, skuId="25", warehouseId="store-warehouse"), [1], format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "The request body must be a JSON object, got a list."


@pytest.mark.parametrize(
    ("sku_id", "warehouse_id", "code", "message"),
    [
        ("404", "store-warehouse", "unknown_sku", "SKU '404' does not exist."),
        ("25", "nowhere", "unknown_warehouse", "Warehouse 'nowhere' does not exist."),
    ],
)
def test_put_unknown_sku_or_warehouse_is_a_404_naming_it(
    api, sku, warehouse, sku_id, warehouse_id, code, message
):
    response = api.put(
        url(PUT, skuId=sku_id, warehouseId=warehouse_id), {"quantity": 1}, format="json"
    )

    assert response.status_code == 404
    assert response.json() == {
        "code": code,
        "message": message,
        "details": {"sku_id": sku_id} if code == "unknown_sku" else {"warehouse_id": warehouse_id},
    }
    assert not Inventory.objects.exists()


def test_put_runs_a_bounded_number_of_queries(api, sku, warehouse, django_assert_max_num_queries):
    stocked(1, sku=sku, warehouse=warehouse)
    api.get(url(BY_SKU, skuId="25"))  # records the key's last use, outside the measure

    with django_assert_max_num_queries(10):
        response = api.put(
            url(PUT, skuId="25", warehouseId="store-warehouse"), {"quantity": 2}, format="json"
        )

    assert response.status_code == 200


# --- PATCH quantity and lead time -------------------------------------------------------


def test_patch_quantity_counts_and_keeps_the_lead_time(api, write_key, sku, warehouse):
    stocked(10, sku=sku, warehouse=warehouse, lead_time=timedelta(days=2))
    body = {"quantity": 201, "unlimitedQuantity": False}
    assert_valid_request(QUANTITY, "patch", body)

    response = api.patch(url(QUANTITY, skuId="25", warehouseId="store-warehouse"), body, "json")

    assert response.status_code == 204
    assert response.content == b""
    assert_valid_response(QUANTITY, "patch", response)
    row = inventory(sku, warehouse)
    assert (row.total_quantity, row.lead_time) == (201, timedelta(days=2))
    assert row.movements.first().actor == f"key:{write_key.key.app_key}"


def test_patch_quantity_without_unlimited_keeps_the_flag(api, sku, warehouse):
    stocked(10, sku=sku, warehouse=warehouse, unlimited=True)

    api.patch(url(QUANTITY, skuId="25", warehouseId="store-warehouse"), {"quantity": 3}, "json")

    row = inventory(sku, warehouse)
    assert (row.total_quantity, row.unlimited) == (3, True)


def test_patch_quantity_requires_quantity(api, sku, warehouse):
    response = api.patch(
        url(QUANTITY, skuId="25", warehouseId="store-warehouse"),
        {"unlimitedQuantity": True},
        "json",
    )

    assert response.status_code == 400
    assert response.json()["details"] == {"quantity": ["This field is required."]}
    assert_valid_response(QUANTITY, "patch", response)


def test_patch_quantity_stale_balance_is_a_final_422(api, sku, warehouse):
    stocked(10, sku=sku, warehouse=warehouse, as_of=datetime(2024, 6, 13, tzinfo=UTC))

    response = api.patch(
        url(QUANTITY, skuId="25", warehouseId="store-warehouse"),
        {"quantity": 1, "dateUtcOnBalanceSystem": "2024-06-12T00:00:00Z"},
        "json",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "stale_balance"


def test_patch_lead_time_changes_only_the_lead_time(api, sku, warehouse):
    stocked(10, sku=sku, warehouse=warehouse)
    body = {"leadTime": "8.00:00:00"}
    assert_valid_request(LEAD_TIME, "patch", body)

    response = api.patch(url(LEAD_TIME, skuId="25", warehouseId="store-warehouse"), body, "json")

    assert response.status_code == 204
    row = inventory(sku, warehouse)
    assert (row.total_quantity, row.lead_time) == (10, timedelta(days=8))
    movement = row.movements.first()
    assert (movement.kind, movement.source, movement.delta) == ("settings", "api", 0)


@pytest.mark.parametrize("lead_time", ["", None, "8 days", "1.00:60:00"])
def test_patch_lead_time_empty_or_malformed_is_400(api, sku, warehouse, lead_time):
    stocked(10, sku=sku, warehouse=warehouse, lead_time=timedelta(days=1))

    response = api.patch(
        url(LEAD_TIME, skuId="25", warehouseId="store-warehouse"), {"leadTime": lead_time}, "json"
    )

    assert response.status_code == 400
    assert list(response.json()["details"]) == ["leadTime"]
    assert_valid_response(LEAD_TIME, "patch", response)
    assert inventory(sku, warehouse).lead_time == timedelta(days=1)


def test_patch_lead_time_unknown_sku_is_404(api, warehouse):
    response = api.patch(
        url(LEAD_TIME, skuId="nope", warehouseId="store-warehouse"), {"leadTime": "1"}, "json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_sku"


# --- GET --------------------------------------------------------------------------------


def test_get_by_sku_lists_every_warehouse_balance_in_vtex_shape(reader, sku, warehouse):
    other = WarehouseFactory(warehouse_id="dc-2", name="Second DC", priority=-1)
    stocked(10, sku=sku, warehouse=warehouse, lead_time=timedelta(days=1, hours=12))
    stocked(4, sku=sku, warehouse=other, unlimited=True)

    response = reader.get(url(BY_SKU, skuId="25"))

    assert response.status_code == 200
    assert_valid_response(BY_SKU, "get", response)
    assert response.json() == {
        "skuId": "25",
        "balance": [
            {
                "warehouseId": "store-warehouse",
                "warehouseName": "Store",
                "totalQuantity": 10,
                "reservedQuantity": 0,
                "hasUnlimitedQuantity": False,
                "timeToRefill": None,
                "dateOfSupplyUtc": None,
                "leadTime": "1.12:00:00",
            },
            {
                "warehouseId": "dc-2",
                "warehouseName": "Second DC",
                "totalQuantity": UNLIMITED_SENTINEL,
                "reservedQuantity": 0,
                "hasUnlimitedQuantity": True,
                "timeToRefill": None,
                "dateOfSupplyUtc": None,
                "leadTime": "00:00:00",
            },
        ],
    }


def test_get_by_sku_without_inventory_has_an_empty_balance(reader, sku):
    response = reader.get(url(BY_SKU, skuId="25"))

    assert response.status_code == 200
    assert response.json() == {"skuId": "25", "balance": []}


def test_get_by_unknown_sku_is_404(reader):
    response = reader.get(url(BY_SKU, skuId="999"))

    assert response.status_code == 404
    assert response.json()["message"] == "SKU '999' does not exist."


def test_get_item_reports_available_and_reserved(reader, sku, warehouse):
    stocked(10, sku=sku, warehouse=warehouse)
    Inventory.objects.filter(sku=sku).update(reserved_quantity=3)  # as reservations would

    response = reader.get(url(ITEM, skuId="25", warehouseId="store-warehouse"))

    assert response.status_code == 200
    assert_valid_response(ITEM, "get", response)
    [item] = response.json()
    assert item["skuId"] == "25"
    assert item["warehouseId"] == "store-warehouse"
    assert (item["totalQuantity"], item["reservedQuantity"], item["availableQuantity"]) == (
        10,
        3,
        7,
    )
    assert item["isUnlimited"] is False


def test_get_item_never_counted_reads_as_zero(reader, sku, warehouse):
    response = reader.get(url(ITEM, skuId="25", warehouseId="store-warehouse"))

    [item] = response.json()
    assert (item["totalQuantity"], item["availableQuantity"], item["isUnlimited"]) == (0, 0, False)


@pytest.mark.parametrize(
    ("sku_id", "warehouse_id", "code"),
    [("1", "store-warehouse", "unknown_sku"), ("25", "elsewhere", "unknown_warehouse")],
)
def test_get_item_unknown_sku_or_warehouse_is_404(
    reader, sku, warehouse, sku_id, warehouse_id, code
):
    response = reader.get(url(ITEM, skuId=sku_id, warehouseId=warehouse_id))

    assert response.status_code == 404
    assert response.json()["code"] == code
