"""API bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` are refused with 413 before they are read."""

import json

import pytest
from django.test import override_settings

from apps.inventory.models import Movement
from apps.jobs.models import Job
from tests.factories import stocked

pytestmark = pytest.mark.django_db
BULK = "/api/v1/inventories/bulk"


def bulk_body(inventory, padding: int) -> str:
    record = {
        "sku_id": inventory.sku.sku_id,
        "warehouse_id": inventory.warehouse.warehouse_id,
        "on_hand": 9,
    }
    return json.dumps({"records": [record], "note": " " * padding})


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_000)
@pytest.mark.parametrize("headers", [{}, {"HTTP_IDEMPOTENCY_KEY": "big-1"}])
def test_an_oversized_body_is_refused_with_413_and_nothing_happens(api, headers):
    inventory = stocked(4)
    body = bulk_body(inventory, 5_000)

    response = api.post(BULK, body, content_type="application/json", **headers)

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert response.json()["message"] == (
        f"The request body is {len(body):,} bytes; the limit is 2,000."
    )
    assert not Job.objects.exists()
    assert Movement.objects.count() == 1  # the stocking only


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_000)
def test_a_body_within_the_limit_goes_through(api):
    inventory = stocked(4)

    response = api.post(BULK, bulk_body(inventory, 100), content_type="application/json")

    assert response.status_code == 202
