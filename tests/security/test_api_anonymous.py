"""Every endpoint under /api/, found by walking the URL resolver, refuses anonymous callers
with 401 and the JSON error shape, for every method its view serves. Only the schema and its
docs page are public; a new endpoint that answers anonymously fails here. An idempotent
replay, answered before the view authenticates, needs the key's token too."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.api.models import IdempotencyRecord
from apps.inventory.models import Inventory
from tests.api.conftest import key_client
from tests.security.api_endpoints import PUBLIC, SKU, WAREHOUSE, endpoints, served_methods

pytestmark = pytest.mark.django_db


def test_every_api_endpoint_is_found_by_the_resolver(api_rows):
    names = {name for name, _path, _view in endpoints(str(api_rows.pk))}

    assert names > PUBLIC
    assert len(names) >= 30  # the walk reached the VTEX and v1 endpoints, not just the schema
    assert {"vtex-inventory", "api-v1-bulk", "api-v1-job", "vtex-reservation-cancel"} <= names


def test_anonymous_calls_get_401_with_the_error_shape_on_every_method(api_rows):
    anonymous = APIClient()
    answered = []
    before = Inventory.objects.get().total_quantity

    for name, path, view_class in endpoints(str(api_rows.pk)):
        if name in PUBLIC:
            continue
        for method in served_methods(view_class):
            response = anonymous.generic(method, path, "{}", content_type="application/json")
            answered.append((method, path))
            assert response.status_code == 401, (method, path, response.content)
            assert response["WWW-Authenticate"] == 'Bearer realm="api"', (method, path)
            if method == "HEAD":
                continue  # no body
            assert response["Content-Type"] == "application/json", (method, path)
            body = response.json()
            assert set(body) == {"code", "message", "details"}, (method, path, body)
            assert body["code"] == "not_authenticated", (method, path, body)
            assert body["message"], (method, path)

    assert len(answered) >= 60
    assert {m for m, _path in answered} >= {"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"}
    assert Inventory.objects.get().total_quantity == before


def test_only_the_schema_and_its_docs_answer_anonymous_callers(api_rows):
    anonymous = APIClient()

    public = {
        name
        for name, path, _view in endpoints(str(api_rows.pk))
        if anonymous.get(path).status_code != 401
    }

    assert public == PUBLIC
    schema = anonymous.get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    assert anonymous.get(reverse("api-docs")).status_code == 200


def test_an_idempotent_replay_needs_the_right_token_not_just_the_public_app_key(
    api, write_key, api_rows
):
    url, body = (
        f"/api/v1/inventories/{SKU}/{WAREHOUSE}/transactions",
        {
            "action": "decrement",
            "quantity": 2,
        },
    )
    first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="order-77")
    impostor = APIClient()  # knows the app key (it is public) and the request, not the token
    impostor.credentials(HTTP_X_VTEX_API_APPKEY=write_key.key.app_key, HTTP_X_VTEX_API_APPTOKEN="x")

    replay = impostor.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="order-77")

    assert first.status_code == 201
    assert replay.status_code == 401
    assert replay.json()["code"] == "invalid_credentials"
    assert "Idempotent-Replayed" not in replay
    assert IdempotencyRecord.objects.count() == 1
    assert Inventory.objects.get().total_quantity == 8
    assert (
        key_client(write_key).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="order-77")[
            "Idempotent-Replayed"
        ]
        == "true"
    )
