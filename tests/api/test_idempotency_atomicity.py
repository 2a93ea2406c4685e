"""A write and the answer kept for its Idempotency-Key commit together (found by the soak:
PostgreSQL restarted after a write committed but before its answer was stored, the client
got a 500, and its retry with the same key ran the write again)."""

from unittest import mock

import pytest
from django.db import OperationalError

from apps.api.models import IdempotencyRecord
from apps.inventory.models import Inventory, Movement
from apps.reservations.models import Reservation
from tests.factories import SKUFactory, WarehouseFactory, stocked


@pytest.fixture
def shelf(db):
    warehouse = WarehouseFactory(warehouse_id="main")
    return stocked(10, sku=SKUFactory(sku_id="A"), warehouse=warehouse)


def connection_lost_after_the_write(*args, **kwargs):
    raise OperationalError("terminating connection due to administrator command")


@pytest.mark.django_db
def test_a_delta_answered_500_after_its_write_is_applied_once_when_retried(api, shelf):
    url, body = "/api/v1/inventories/A/main", {"updateQuantity": -3}
    api.raise_request_exception = False
    with mock.patch(
        "apps.api.views.v1_inventory._with_etag", side_effect=connection_lost_after_the_write
    ):
        failed = api.patch(url, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-delta-1")

    retried = api.patch(url, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-delta-1")

    assert failed.status_code == 500
    assert retried.status_code == 200
    assert retried.json()["total_quantity"] == 7
    assert Inventory.objects.get(sku__sku_id="A").total_quantity == 7
    assert Movement.objects.filter(inventory=shelf, source="api").count() == 1


@pytest.mark.django_db
def test_a_reservation_answered_500_after_its_write_is_created_by_the_retry(api, shelf):
    body = {
        "reservation_id": "order-9",
        "items": [{"sku_id": "A", "warehouse_id": "main", "quantity": 2}],
    }
    api.raise_request_exception = False
    with mock.patch(
        "apps.api.views.v1_reservations.reservation_by_id",
        side_effect=connection_lost_after_the_write,
    ):
        failed = api.post(
            "/api/v1/reservations", body, format="json", HTTP_IDEMPOTENCY_KEY="erp-res-9"
        )

    retried = api.post(
        "/api/v1/reservations", body, format="json", HTTP_IDEMPOTENCY_KEY="erp-res-9"
    )

    assert failed.status_code == 500
    assert retried.status_code == 201, retried.json()
    assert Reservation.objects.filter(reservation_id="order-9").count() == 1
    assert Inventory.objects.get(sku__sku_id="A").reserved_quantity == 2
    assert IdempotencyRecord.objects.get(key="erp-res-9").status_code == 201
