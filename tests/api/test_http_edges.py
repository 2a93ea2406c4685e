"""Requests as real ERP clients send them, through a real gunicorn (``live_server.py``):
chunked bodies, empty bodies, PascalCase fields, VTEX's Accept header, .NET's default date.
Each case checks the inventory row and its ledger afterwards: a request is applied exactly
or refused with nothing changed."""

import json

import pytest

from apps.api.services import api_key_create
from apps.inventory.models import Inventory, Movement

pytestmark = pytest.mark.django_db(transaction=True)

PUT = "/api/logistics/pvt/inventory/skus/{sku}/warehouses/{warehouse}"


@pytest.fixture
def key_headers():
    issued = api_key_create(name="ERP", can_read=True, can_write=True)
    return {
        "X-VTEX-API-AppKey": issued.key.app_key,
        "X-VTEX-API-AppToken": issued.token,
        "Content-Type": "application/json; charset=utf-8",
    }


def put_path(inventory: Inventory) -> str:
    return PUT.format(sku=inventory.sku.sku_id, warehouse=inventory.warehouse.warehouse_id)


def reloaded(inventory: Inventory) -> Inventory:
    return Inventory.objects.get(pk=inventory.pk)


def ledger(inventory: Inventory) -> list[tuple[int | None, int]]:
    """(total before, total after) of each movement, oldest first."""
    return list(
        Movement.objects.filter(inventory=inventory)
        .order_by("pk")
        .values_list("total_before", "total_after")
    )


def pieces(body: bytes, size: int = 7):
    """``body`` in small pieces: http.client sends each as one chunk."""
    return (body[start : start + size] for start in range(0, len(body), size))


def test_a_chunked_put_is_read_and_applied(gunicorn_server, key_headers, row):
    body = json.dumps({"quantity": 50}).encode()

    status, _, answer = gunicorn_server.json_request(
        "PUT", put_path(row), pieces(body), key_headers
    )

    assert (status, answer) == (200, True)
    assert reloaded(row).total_quantity == 50
    assert ledger(row) == [(0, 10), (10, 50)]


def test_an_oversized_chunked_body_is_refused_with_413_and_nothing_changes(
    gunicorn_server, key_headers, row
):
    padding = " " * (2_621_440 + 10)  # over Django's DATA_UPLOAD_MAX_MEMORY_SIZE
    body = ('{"quantity": 50, "note": "' + padding + '"}').encode()

    status, _, answer = gunicorn_server.json_request(
        "PUT", put_path(row), pieces(body, 65_536), key_headers
    )

    assert status == 413
    assert answer["code"] == "request_too_large"
    assert answer["message"] == "The request body (chunked) is over the limit of 2,621,440 bytes."
    assert reloaded(row).total_quantity == 10
    assert ledger(row) == [(0, 10)]


def test_a_chunked_retry_is_fingerprinted_by_its_real_body(gunicorn_server, key_headers, row):
    headers = {**key_headers, "Idempotency-Key": "chunked-1"}
    first = json.dumps({"quantity": 50}).encode()
    other = json.dumps({"quantity": 60}).encode()

    applied = gunicorn_server.json_request("PUT", put_path(row), pieces(first), headers)
    replayed = gunicorn_server.request("PUT", put_path(row), pieces(first), headers)
    reused = gunicorn_server.json_request("PUT", put_path(row), pieces(other), headers)

    assert applied[0] == 200
    assert replayed[0] == 200 and replayed[1].get("Idempotent-Replayed") == "true"
    assert reused[0] == 422 and reused[2]["code"] == "idempotency_key_reused"
    assert reloaded(row).total_quantity == 50
    assert ledger(row) == [(0, 10), (10, 50)]


def test_an_empty_body_is_a_400_not_a_count_of_zero(gunicorn_server, key_headers, row):
    status, _, answer = gunicorn_server.json_request("PUT", put_path(row), b"", key_headers)

    assert status == 400
    assert answer["code"] == "empty_body"
    assert reloaded(row).total_quantity == 10
    assert ledger(row) == [(0, 10)]


def test_pascal_case_fields_are_applied(gunicorn_server, key_headers, row):
    body = json.dumps({"Quantity": 8, "UnlimitedQuantity": False, "LeadTime": "1.02:03:04.5"})

    status, _, answer = gunicorn_server.json_request(
        "PUT", put_path(row), body.encode(), key_headers
    )

    assert (status, answer) == (200, True)
    assert reloaded(row).total_quantity == 8
    assert ledger(row) == [(0, 10), (10, 8)]


def test_vtex_accept_header_gets_json_and_the_write_applies(gunicorn_server, key_headers, row):
    headers = {**key_headers, "Accept": "application/vnd.vtex.ds.v10+json"}

    status, response_headers, answer = gunicorn_server.json_request(
        "PUT", put_path(row), b'{"quantity": 6}', headers
    )

    assert (status, answer) == (200, True)
    assert response_headers["Content-Type"] == "application/json"
    assert reloaded(row).total_quantity == 6
    assert ledger(row) == [(0, 10), (10, 6)]


def test_dotnet_default_date_is_now_not_a_stale_balance(gunicorn_server, key_headers, row):
    body = b'{"quantity": 4, "dateUtcOnBalanceSystem": "0001-01-01T00:00:00"}'

    status, _, answer = gunicorn_server.json_request("PUT", put_path(row), body, key_headers)

    assert (status, answer) == (200, True)
    assert reloaded(row).total_quantity == 4
    assert ledger(row) == [(0, 10), (10, 4)]
