"""VTEX warehouse endpoints, checked against VTEX's published schema."""

import pytest

from apps.warehouses.errors import WAREHOUSE_HAS_HISTORY, WAREHOUSE_HAS_STOCK
from apps.warehouses.models import Warehouse
from tests.api.vtex_reference import assert_valid_request, assert_valid_response
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db

LIST = "/api/logistics/pvt/configuration/warehouses"
ONE = LIST + "/{warehouseId}"
ACTIVATION = ONE + "/activation"
DEACTIVATION = ONE + "/deactivation"

VTEX_BODY = {
    "id": "15bfc76",
    "name": "Main warehouse",
    "warehouseDocks": [
        {
            "dockId": "1a8bce3",
            "name": "Central dock",
            "time": "3.00:00:00",
            "cost": "5.00",
            "translateDays": "days",
            "costToDisplay": "5,00",
        }
    ],
    "priority": 2,
    "isActive": True,
}


def test_create_warehouse_from_vtex_body(api):
    assert_valid_request(LIST, "post", VTEX_BODY)

    response = api.post(LIST, VTEX_BODY, format="json")

    assert response.status_code == 200
    assert_valid_response(LIST, "post", response)
    assert response.json() == {
        "id": "15bfc76",
        "name": "Main warehouse",
        "warehouseDocks": [],
        "pickupPointIds": [],
        "priority": 2,
        "isActive": True,
    }
    warehouse = Warehouse.objects.get(warehouse_id="15bfc76")
    assert (warehouse.name, warehouse.priority, warehouse.is_active) == ("Main warehouse", 2, True)


def test_post_existing_id_updates_it_and_keeps_what_is_not_given(api):
    WarehouseFactory(warehouse_id="15bfc76", name="Old", priority=5, is_active=False)

    response = api.post(LIST, {"id": "15bfc76", "name": "Renamed"}, format="json")

    assert response.status_code == 200
    warehouse = Warehouse.objects.get(warehouse_id="15bfc76")
    assert (warehouse.name, warehouse.priority, warehouse.is_active) == ("Renamed", 5, False)
    assert Warehouse.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "No id"}, "id"),
        ({"id": "a/b", "name": "Slash"}, "id"),
        ({"id": 15, "name": "Number"}, "id"),
        ({"id": "w", "name": "  "}, "name"),
        ({"id": "w", "name": "W", "priority": "1"}, "priority"),
        ({"id": "w", "name": "W", "priority": 2**31}, "priority"),
        ({"id": "w", "name": "W", "isActive": "true"}, "isActive"),
        ({"id": "w", "name": "W", "warehouseDocks": "dock"}, "warehouseDocks"),
    ],
)
def test_create_bad_input_is_refused_naming_the_field(api, body, field):
    response = api.post(LIST, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["details"]
    assert not Warehouse.objects.exists()


def test_list_warehouses_in_vtex_shape(reader):
    WarehouseFactory(warehouse_id="b", name="B", priority=1)
    WarehouseFactory(warehouse_id="a", name="A", priority=1, is_active=False)
    WarehouseFactory(warehouse_id="c", name="C", priority=9)

    response = reader.get(LIST)

    assert response.status_code == 200
    assert_valid_response(LIST, "get", response)
    assert [(w["id"], w["isActive"]) for w in response.json()] == [
        ("c", True),
        ("a", False),
        ("b", True),
    ]


def test_get_warehouse(reader):
    WarehouseFactory(warehouse_id="main", name="Main", priority=3)

    response = reader.get(ONE.format(warehouseId="main"))

    assert response.status_code == 200
    assert_valid_response(ONE, "get", response)
    assert response.json()["name"] == "Main"


def test_get_unknown_warehouse_is_404(reader):
    response = reader.get(ONE.format(warehouseId="ghost"))

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_warehouse"
    assert response.json()["message"] == "Warehouse 'ghost' does not exist."


def test_delete_unused_warehouse(api):
    warehouse = WarehouseFactory(warehouse_id="empty")
    stocked(0, warehouse=warehouse)  # a row created by a zero count, no movement

    response = api.delete(ONE.format(warehouseId="empty"))

    assert response.status_code == 200
    assert response.content == b""
    assert_valid_response(ONE, "delete", response)
    assert not Warehouse.objects.filter(warehouse_id="empty").exists()


def test_delete_is_refused_while_stock_exists(api):
    warehouse = WarehouseFactory(warehouse_id="full")
    stocked(3, warehouse=warehouse)

    response = api.delete(ONE.format(warehouseId="full"))

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "warehouse_has_stock"
    assert body["message"] == WAREHOUSE_HAS_STOCK.format(warehouse_id="full", rows=1)
    assert Warehouse.objects.filter(warehouse_id="full").exists()


def test_delete_is_refused_while_units_are_reserved(api):
    warehouse = WarehouseFactory(warehouse_id="held")
    row = stocked(3, warehouse=warehouse)
    stocked(0, sku=row.sku, warehouse=warehouse)
    type(row).objects.filter(pk=row.pk).update(reserved_quantity=2)  # as a reservation would

    response = api.delete(ONE.format(warehouseId="held"))

    assert response.status_code == 422
    assert response.json()["code"] == "warehouse_has_stock"


def test_delete_is_refused_once_stock_has_history(api):
    warehouse = WarehouseFactory(warehouse_id="used")
    row = stocked(3, warehouse=warehouse)
    stocked(0, sku=row.sku, warehouse=warehouse)

    response = api.delete(ONE.format(warehouseId="used"))

    assert response.status_code == 422
    assert response.json()["code"] == "warehouse_has_history"
    assert response.json()["message"] == WAREHOUSE_HAS_HISTORY.format(warehouse_id="used", rows=1)


def test_delete_unknown_warehouse_is_404(api):
    assert api.delete(ONE.format(warehouseId="ghost")).status_code == 404


def test_deactivate_and_activate(api):
    WarehouseFactory(warehouse_id="main")

    response = api.post(DEACTIVATION.format(warehouseId="main"))
    assert response.status_code == 200
    assert_valid_response(DEACTIVATION, "post", response)
    assert response.json()["isActive"] is False
    assert Warehouse.objects.get().is_active is False

    assert api.post(DEACTIVATION.format(warehouseId="main")).status_code == 200  # idempotent

    response = api.post(ACTIVATION.format(warehouseId="main"))
    assert response.status_code == 200
    assert_valid_response(ACTIVATION, "post", response)
    assert Warehouse.objects.get().is_active is True


def test_activation_of_unknown_warehouse_is_404(api):
    response = api.post(ACTIVATION.format(warehouseId="ghost"))

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_warehouse"


def test_read_only_key_cannot_change_warehouses(reader):
    WarehouseFactory(warehouse_id="main")

    assert reader.post(DEACTIVATION.format(warehouseId="main")).status_code == 403
    assert reader.delete(ONE.format(warehouseId="main")).status_code == 403
    assert reader.post(LIST, VTEX_BODY, format="json").status_code == 403
    assert Warehouse.objects.get().is_active is True


def test_inactive_warehouse_still_accepts_counts(api):
    SKUFactory(sku_id="1")
    WarehouseFactory(warehouse_id="main", is_active=False)

    response = api.put(
        "/api/logistics/pvt/inventory/skus/1/warehouses/main", {"quantity": 2}, format="json"
    )

    assert response.status_code == 200
