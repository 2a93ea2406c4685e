"""Native API v1: bulk jobs with a worker, reservations, idempotent replays."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from apps.api.idempotency import request_fingerprint
from apps.api.models import IdempotencyRecord
from apps.inventory.models import Inventory
from apps.jobs.models import Job
from tests.factories import SKUFactory, WarehouseFactory, stocked

BULK = "/api/v1/inventories/bulk"
RESERVATIONS = "/api/v1/reservations"


@pytest.fixture
def shelf(db):
    warehouse = WarehouseFactory(warehouse_id="main")
    return [stocked(10, sku=SKUFactory(sku_id=sku), warehouse=warehouse) for sku in ("A", "B")]


@pytest.mark.django_db
def test_bulk_prevalidation_refuses_the_whole_call_naming_records(api, shelf):
    response = api.post(
        BULK,
        {
            "records": [
                {"sku_id": "A", "warehouse_id": "main", "on_hand": 1},
                {"sku_id": "B", "warehouse_id": "main", "on_hand": 1, "available": 1},
                {"sku_id": "B", "warehouse_id": "main"},
            ]
        },
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bulk_rejected"
    assert set(body["details"]["records"]) == {"1", "2"}
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_bulk_with_more_than_fifty_records_is_refused(api, shelf):
    records = [{"sku_id": "A", "warehouse_id": "main", "on_hand": 1}] * 51

    response = api.post(BULK, {"records": records}, format="json")

    assert response.status_code == 400
    assert "At most 50 records per call, got 51." in str(response.json()["details"])


@pytest.mark.django_db
def test_bulk_wrong_types_are_400_by_record_index(api, shelf):
    response = api.post(
        BULK, {"records": [{"sku_id": "A", "warehouse_id": "main", "on_hand": "7"}]}, format="json"
    )

    assert response.status_code == 400
    assert "on_hand" in response.json()["details"]["records"]["0"]


@pytest.mark.django_db(transaction=True)
def test_bulk_job_runs_in_the_worker_and_reports_per_record(api, shelf):
    accepted = api.post(
        BULK,
        {
            "records": [
                {"sku_id": "A", "warehouse_id": "main", "on_hand": 3},
                {"sku_id": "NOPE", "warehouse_id": "main", "available": 2},
            ]
        },
        format="json",
    )
    assert accepted.status_code == 202
    status_url = accepted.json()["status_url"]
    assert api.get(status_url).json()["status"] == "queued"

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job = api.get(status_url).json()
    assert (job["status"], job["succeeded"], job["failed"]) == ("partially_failed", 1, 1)
    assert job["results"][1]["error"]["code"] == "unknown_sku"
    assert Inventory.objects.get(sku__sku_id="A").total_quantity == 3


@pytest.mark.django_db
def test_reservation_lifecycle_over_the_api(api, shelf):
    created = api.post(
        RESERVATIONS,
        {"reference": "order-9", "items": [{"sku_id": "A", "warehouse_id": "main", "quantity": 2}]},
        format="json",
    )
    assert created.status_code == 201
    reservation_id = created.json()["reservation_id"]
    url = f"{RESERVATIONS}/{reservation_id}"

    confirmed = api.post(f"{url}/confirm")
    acknowledged = api.post(f"{url}/acknowledge")
    cancel = api.post(f"{url}/cancel")

    assert created.json()["status"] == "authorized"
    assert confirmed.json()["status"] == "confirmed"
    assert acknowledged.json()["status"] == "acknowledged"
    assert cancel.status_code == 422
    assert cancel.json()["message"] == (
        f"Reservation '{reservation_id}' is acknowledged; it cannot be cancelled."
    )
    listed = api.get(RESERVATIONS, {"status": "acknowledged", "sku_id": "A"}).json()["results"]
    assert [r["reservation_id"] for r in listed] == [reservation_id]
    assert api.get(url).json()["items"] == [
        {"sku_id": "A", "warehouse_id": "main", "quantity": 2, "released_at": None}
    ]


@pytest.mark.django_db
def test_reservation_short_of_stock_names_every_short_item(api, shelf):
    response = api.post(
        RESERVATIONS,
        {
            "items": [
                {"sku_id": "A", "warehouse_id": "main", "quantity": 11},
                {"sku_id": "B", "warehouse_id": "main", "quantity": 12},
            ]
        },
        format="json",
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "insufficient_stock"
    assert [item["sku_id"] for item in body["details"]["items"]] == ["A", "B"]


@pytest.mark.django_db
def test_unknown_reservation_is_404(api, shelf):
    response = api.post(f"{RESERVATIONS}/missing/confirm")

    assert response.status_code == 404
    assert response.json()["code"] == "reservation_not_found"


@pytest.mark.django_db
def test_idempotent_replay_returns_the_first_answer_and_changes_nothing_more(api, shelf):
    body = {"action": "decrement", "quantity": 2}
    url = "/api/v1/inventories/A/main/transactions"

    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="order-77-line-1")
    replay = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="order-77-line-1")

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Inventory.objects.get(sku__sku_id="A").total_quantity == 8


@pytest.mark.django_db
def test_same_key_with_another_body_is_refused(api, shelf):
    url = "/api/v1/inventories/A/main/transactions"
    api.post(url, {"action": "decrement", "quantity": 2}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    response = api.post(
        url, {"action": "decrement", "quantity": 3}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Inventory.objects.get(sku__sku_id="A").total_quantity == 8


@pytest.mark.django_db
def test_a_key_still_in_flight_gets_a_retryable_409_with_retry_after(api, write_key, shelf):
    url, body = "/api/v1/inventories/A/main/transactions", {"action": "decrement", "quantity": 2}
    same_request = APIRequestFactory().post(url, body, format="json")
    IdempotencyRecord.objects.create(  # the first request with this key is still running
        caller=f"key:{write_key.key.app_key}",
        key="k-2",
        fingerprint=request_fingerprint(same_request),
        expires_at=timezone.now() + timedelta(hours=1),
    )

    response = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert response.json()["code"] == "idempotency_in_flight"
    assert Inventory.objects.get(sku__sku_id="A").total_quantity == 10
