"""No input reaches a 500: every query parameter of every GET in the served schema, and every
write body, with Unicode digits, huge numbers and deep nesting."""

import uuid

import pytest
from django.test import Client

from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db

NASTY_VALUES = ["²", "٣", "１２", "9" * 5000, "-9" + "9" * 30, "1e309", "NaN", "[" * 1000, "\x00"]
PATH_VALUES = {
    "skuId": "25",
    "sku_id": "25",
    "warehouseId": "wh",
    "warehouse_id": "wh",
    "reservationId": "order-1",
    "reservation_id": "order-1",
    "job_id": str(uuid.uuid4()),
}
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def schema(api):
    stocked(5, sku=SKUFactory(sku_id="25"), warehouse=WarehouseFactory(warehouse_id="wh"))
    return Client().get("/api/schema/?format=json").json()


def operations(schema, methods):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in methods:
                yield path.format(**PATH_VALUES), method, operation


def test_every_query_parameter_with_unicode_digits_or_huge_numbers_is_never_a_500(api, schema):
    tried = 0
    for path, _, operation in operations(schema, {"get"}):
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for name in [*names, "page", "perPage", "format"]:
            for value in NASTY_VALUES:
                response = api.get(path, {name: value})
                tried += 1
                assert response.status_code < 500, (path, name, value, response.content[:200])
                assert response["Content-Type"].startswith("application/json"), (path, name)
    assert tried > 300  # the schema was walked, not skipped


def test_every_write_body_nested_100000_deep_is_a_400(api, schema):
    writes = list(operations(schema, {"post", "put", "patch"}))
    for path, method, operation in writes:
        response = api.generic(method.upper(), path, DEEP, content_type="application/json")
        if "requestBody" not in operation:  # transitions and (de)activation read no body
            assert response.status_code < 500, (method, path)
            continue
        assert response.status_code == 400, (method, path, response.status_code)
        assert response.json()["code"] == "malformed_json"
    assert len(writes) > 10
