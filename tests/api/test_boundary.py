"""The API's edges: paths, who owns an idempotency key, failed logins, session permissions,
job visibility."""

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.test import APIClient

from apps.api.services import api_key_create
from apps.inventory.models import Movement
from tests.api.conftest import key_client
from tests.api.test_input_rules import PUT, total
from tests.factories import bulk_count_job

pytestmark = pytest.mark.django_db


# --- Paths --------------------------------------------------------------------------------


def test_a_trailing_slash_reaches_the_endpoint(api, row):
    put = api.put(PUT + "/", {"quantity": 4}, format="json")
    read = api.get("/api/logistics/pvt/inventory/skus/25/")

    assert (put.status_code, put.json()) == (200, True)
    assert read.json()["balance"][0]["totalQuantity"] == 4
    assert total(row) == 4


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    "path", ["/API/logistics/pvt/inventory/skus/25", "/Api/", "/api/logistics/pvt/nothing/"]
)
def test_unknown_paths_under_api_in_any_case_answer_json(api, settings, debug, path):
    settings.DEBUG = debug

    response = api.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


# --- Idempotency keys belong to the API key -----------------------------------------------


def test_the_same_key_sent_as_vtex_headers_or_bearer_shares_one_idempotency_namespace(
    write_key, row
):
    vtex = key_client(write_key)
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {write_key.token}")
    url = "/api/v1/inventories/25/wh/transactions"
    body = {"action": "decrement", "quantity": 2}

    first = vtex.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="order-7")
    again = bearer.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="order-7")

    assert first.status_code == 201
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert total(row) == 8
    assert Movement.objects.filter(inventory=row).count() == 2


# --- Failed authentication ----------------------------------------------------------------


def test_failed_authentication_is_rate_limited_per_client_address(settings, write_key, row):
    settings.API_AUTH_FAILURE_RATE = "3/min"
    wrong = APIClient(REMOTE_ADDR="10.0.0.7")
    wrong.credentials(
        HTTP_X_VTEX_API_APPKEY=write_key.key.app_key, HTTP_X_VTEX_API_APPTOKEN="guess"
    )
    right_same_address = key_client(write_key)
    right_elsewhere = key_client(write_key)

    guesses = [wrong.get(PUT.replace("/warehouses/wh", "")).status_code for _ in range(4)]
    blocked = right_same_address.get(PUT.replace("/warehouses/wh", ""), REMOTE_ADDR="10.0.0.7")
    allowed = right_elsewhere.get(PUT.replace("/warehouses/wh", ""), REMOTE_ADDR="10.0.0.8")

    assert guesses == [401, 401, 401, 429]
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) >= 1
    assert "failed authentication attempts" in blocked.json()["message"]
    assert allowed.status_code == 200


# --- Sessions read with the admin's view permissions ---------------------------------------

READS = {
    "/api/v1/movements": "inventory.view_movement",
    "/api/v1/inventories": "inventory.view_inventory",
    "/api/v1/reservations": "reservations.view_reservation",
    "/api/logistics/pvt/inventory/skus/25": "inventory.view_inventory",
    "/api/logistics/pvt/configuration/warehouses": "warehouses.view_warehouse",
}


def session(*perms: str) -> APIClient:
    user = User.objects.create_user("clerk", password="x", is_staff=True)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("path", "perm"), READS.items())
def test_a_session_reads_only_with_the_admins_view_permission(row, path, perm):
    without = session().get(path)
    User.objects.all().delete()
    with_it = session(perm).get(path)

    assert without.status_code == 403
    assert perm in without.json()["message"]
    assert with_it.status_code == 200


# --- Jobs ---------------------------------------------------------------------------------


def test_a_bulk_job_is_visible_to_its_creator_and_superusers_only(write_key, row):
    other_key = key_client(api_key_create(name="Other ERP", can_read=True))
    creator = key_client(write_key)
    job = creator.post(
        "/api/v1/inventories/bulk",
        {"records": [{"sku_id": "25", "warehouse_id": "wh", "on_hand": 3}]},
        format="json",
    ).json()
    admin = APIClient()
    admin.force_login(User.objects.create_superuser("root", password="x"))
    url = f"/api/v1/jobs/{job['id']}"

    assert creator.get(url).status_code == 200
    assert admin.get(url).status_code == 200
    assert other_key.get(url).status_code == 404
    assert session().get(url).status_code == 404
    assert other_key.get(f"/api/v1/jobs/{bulk_count_job(row, 4).pk}").status_code == 404
