"""A write and the answer kept for its Idempotency-Key commit together (found by the soak:
PostgreSQL restarted after a write committed but before its answer was stored, the client
got a 500, and its retry with the same key ran the write again)."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, transaction
from django.db import connection as db_connection
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from apps.api.idempotency import request_fingerprint
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_key_held_by_a_running_request_is_409_then_free_once_that_request_dies(
    api, write_key, shelf
):
    url, body = "/api/v1/inventories/A/main/transactions", {"action": "decrement", "quantity": 2}
    same_request = APIRequestFactory().post(url, body, format="json")
    claimed, died = threading.Event(), threading.Event()

    def running_request():
        """Holds the key in an open transaction, as a request still being served does, then
        dies with its connection (a killed process, a database restart)."""
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    caller=f"key:{write_key.key.app_key}",
                    key="k-9",
                    fingerprint=request_fingerprint(same_request),
                    expires_at=timezone.now() + timedelta(hours=1),
                )
                claimed.set()
                died.wait(10)
                raise ConnectionAbortedError
        except ConnectionAbortedError:
            pass
        finally:
            db_connection.close()

    holder = threading.Thread(target=running_request)
    holder.start()
    assert claimed.wait(10)

    busy = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-9")
    died.set()
    holder.join()
    retried = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-9")

    assert (busy.status_code, busy.json()["code"]) == (409, "idempotency_in_flight")
    assert retried.status_code == 201
    assert Inventory.objects.get(sku__sku_id="A").total_quantity == 8
