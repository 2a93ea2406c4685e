"""One JSON error shape for every 4xx and 5xx under /api/, never an HTML page."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from apps.api.errors import SERVER_ERROR
from tests.factories import SKUFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "details"}
PUT = "/api/logistics/pvt/inventory/skus/25/warehouses/wh"


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_unknown_api_path_is_a_json_404(api):
    body = assert_error_shape(api.get("/api/logistics/pvt/nothing/here"), 404, "not_found")
    assert "/api/logistics/pvt/nothing/here" in body["message"]


def test_unknown_api_path_is_json_even_with_debug_on(api, settings):
    settings.DEBUG = True
    assert_error_shape(api.get("/api/nope/"), 404, "not_found")


def test_ids_with_control_characters_are_a_json_404(api):
    assert_error_shape(api.get("/api/logistics/pvt/inventory/skus/a%00b"), 404, "not_found")


def test_wrong_method_is_a_json_405(api):
    body = assert_error_shape(api.delete(PUT), 405, "method_not_allowed")
    assert "DELETE" in body["message"]


def test_a_body_that_is_not_json_is_a_json_400_whatever_its_content_type(api):
    SKUFactory(sku_id="25")
    WarehouseFactory(warehouse_id="wh")
    response = api.generic("PUT", PUT, "quantity=1", content_type="text/plain")
    assert_error_shape(response, 400, "malformed_json")


def test_validation_error_names_each_field(api):
    response = api.put(PUT, {"quantity": "x", "leadTime": 5}, format="json")

    body = assert_error_shape(response, 400, "validation_error")
    assert set(body["details"]) == {"quantity", "leadTime"}
    assert "quantity: " in body["message"] and "leadTime: " in body["message"]


def test_nested_validation_errors_are_named_by_path(api):
    response = api.post(
        "/api/logistics/pvt/configuration/warehouses",
        {"id": "w1", "name": "W", "warehouseDocks": ["not an object"]},
        format="json",
    )

    body = assert_error_shape(response, 400, "validation_error")
    assert "warehouseDocks[0]" in body["message"] or "warehouseDocks.0" in body["message"]


def test_unexpected_error_is_a_json_500_without_a_trace(api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("apps.api.views.vtex_inventory.inventory_change_apply", broken)

    response = api.put(PUT, {"quantity": 1}, format="json")

    body = assert_error_shape(response, 500, "server_error")
    assert body["message"] == SERVER_ERROR
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


@override_settings(DEBUG=True)
def test_unexpected_error_is_json_even_with_debug_on(api, monkeypatch):
    monkeypatch.setattr(
        "apps.api.views.vtex_inventory.inventory_change_apply",
        lambda **kwargs: 1 / 0,
    )

    assert_error_shape(api.put(PUT, {"quantity": 1}, format="json"), 500, "server_error")


def test_pages_outside_the_api_keep_django_404():
    response = APIClient().get("/not-the-api/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
