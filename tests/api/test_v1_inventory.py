"""Native API v1: Webflow-style updates, Elastic Path transactions, ETag/If-Match, reads."""

import pytest

from apps.inventory.models import Inventory, Movement
from apps.reservations.services import ItemRequest, reservation_create
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def mug():
    return stocked(
        10, sku=SKUFactory(sku_id="MUG"), warehouse=WarehouseFactory(warehouse_id="main")
    )


URL = "/api/v1/inventories/MUG/main"


def total() -> int:
    return Inventory.objects.get(sku__sku_id="MUG").total_quantity


def test_get_returns_the_inventory_with_its_etag(api, mug):
    response = api.get(URL)

    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert (body["total_quantity"], body["available_quantity"], body["version"]) == (10, 10, 1)


def test_quantity_sets_and_update_quantity_adjusts(api, mug):
    set_response = api.patch(URL, {"quantity": 4}, format="json")
    adjust_response = api.patch(URL, {"updateQuantity": -3}, format="json")

    assert set_response.json()["total_quantity"] == 4
    assert adjust_response.json()["total_quantity"] == 1
    assert adjust_response["ETag"] == '"3"'
    kinds = list(
        Movement.objects.filter(inventory=mug).order_by("id").values_list("kind", "source")
    )
    assert kinds == [("count", "system"), ("count", "api"), ("adjust", "api")]


@pytest.mark.parametrize(
    "body", [{"inventoryType": "finite"}, {"quantity": 1, "updateQuantity": 1}]
)
def test_both_or_neither_quantity_is_refused(api, mug, body):
    response = api.patch(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["details"]["quantity"] == [
        "Give exactly one of quantity (set) or updateQuantity (adjust by)."
    ]
    assert total() == 10


def test_infinite_inventory_type_makes_stock_unlimited(api, mug):
    response = api.patch(URL, {"updateQuantity": 0, "inventoryType": "infinite"}, format="json")

    assert response.json()["unlimited"] is True


def test_adjust_below_zero_is_refused_and_changes_nothing(api, mug):
    response = api.patch(URL, {"updateQuantity": -11}, format="json")

    assert response.status_code == 422
    assert response.json()["code"] == "negative_total"
    assert total() == 10


def test_if_match_with_a_stale_etag_gets_412(api, mug):
    current = api.get(URL)["ETag"]
    api.patch(URL, {"quantity": 5}, format="json")

    stale = api.patch(URL, {"quantity": 6}, format="json", HTTP_IF_MATCH=current)
    fresh = api.patch(URL, {"quantity": 6}, format="json", HTTP_IF_MATCH='"2"')

    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert fresh.status_code == 200
    assert total() == 6


def test_malformed_if_match_is_a_400(api, mug):
    response = api.patch(URL, {"quantity": 6}, format="json", HTTP_IF_MATCH="yesterday")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_if_match"


@pytest.mark.parametrize(
    ("action", "quantity", "figures"),
    [
        ("increment", 5, (15, 0)),
        ("decrement", 4, (6, 0)),
        ("allocate", 3, (10, 3)),
    ],
)
def test_transactions_apply_and_answer_201(api, mug, action, quantity, figures):
    response = api.post(
        f"{URL}/transactions", {"action": action, "quantity": quantity}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["action"], body["quantity"]) == (action, quantity)
    assert (body["total_quantity"], body["reserved_quantity"]) == figures
    assert body["id"] == Movement.objects.filter(inventory=mug).latest("id").pk


@pytest.mark.parametrize(
    ("action", "quantity", "code"),
    [
        ("decrement", 11, "insufficient_stock"),
        ("allocate", 11, "insufficient_stock"),
        ("deallocate", 1, "exceeds_allocated"),
    ],
)
def test_transactions_that_cannot_apply_get_422_and_change_nothing(
    api, mug, action, quantity, code
):
    response = api.post(
        f"{URL}/transactions", {"action": action, "quantity": quantity}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["code"] == code
    mug.refresh_from_db()
    assert (mug.total_quantity, mug.reserved_quantity, mug.version) == (10, 0, 1)


def test_deallocate_gives_back_what_was_allocated(api, mug):
    api.post(f"{URL}/transactions", {"action": "allocate", "quantity": 4}, format="json")

    response = api.post(
        f"{URL}/transactions", {"action": "deallocate", "quantity": 4}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["reserved_quantity"] == 0


def test_unknown_sku_is_a_404_naming_it(api, mug):
    response = api.post(
        "/api/v1/inventories/NOPE/main/transactions",
        {"action": "increment", "quantity": 1},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["message"] == "SKU 'NOPE' does not exist."


def test_lists_filter_and_paginate(api, mug):
    other = stocked(0, warehouse=mug.warehouse)
    reservation_create(items=[ItemRequest("MUG", "main", 2)])

    out_of_stock = api.get("/api/v1/inventories", {"state": "out_of_stock"}).json()
    first_page = api.get("/api/v1/inventories", {"page_size": 1}).json()
    reserves = api.get("/api/v1/movements", {"sku_id": "MUG", "kind": "reserve"}).json()

    assert [r["sku_id"] for r in out_of_stock["results"]] == [other.sku.sku_id]
    assert len(first_page["results"]) == 1 and first_page["next"]
    assert [(m["kind"], m["reserved_after"]) for m in reserves["results"]] == [("reserve", 2)]


@pytest.mark.parametrize(
    "query",
    [
        {"page_size": "0"},
        {"state": "sparkly"},
        {"changed_since": ""},
        {"changed_since": "yesterday"},
    ],
)
def test_bad_list_parameters_are_400_naming_them(api, mug, query):
    response = api.get("/api/v1/inventories", query)

    assert response.status_code == 400
    assert set(response.json()["details"]) == set(query)


def test_read_only_key_cannot_write(reader, mug):
    response = reader.patch(URL, {"quantity": 1}, format="json")

    assert response.status_code == 403
    assert total() == 10


def test_vtex_put_honours_if_match(api, mug):
    url = "/api/logistics/pvt/inventory/skus/MUG/warehouses/main"
    stale = api.put(url, {"quantity": 3}, format="json", HTTP_IF_MATCH='"0"')
    current = api.put(url, {"quantity": 3}, format="json", HTTP_IF_MATCH='"1"')

    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert current.status_code == 200
    assert total() == 3
