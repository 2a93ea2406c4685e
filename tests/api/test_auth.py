"""API keys: VTEX headers or bearer token, scopes, revocation, last use; staff sessions."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from apps.api.authentication import INCOMPLETE_CREDENTIALS, INVALID_CREDENTIALS, KEY_REVOKED
from apps.api.models import ApiKey
from apps.api.permissions import MISSING_READ_SCOPE, MISSING_WRITE_SCOPE, NOT_STAFF
from apps.api.services import api_key_create, api_keys_revoke, hash_token
from apps.inventory.models import Inventory, Movement
from tests.api.conftest import key_client
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db

PUT = "/api/logistics/pvt/inventory/skus/25/warehouses/wh"
GET = "/api/logistics/pvt/inventory/skus/25"


@pytest.fixture(autouse=True)
def stock():
    return stocked(5, sku=SKUFactory(sku_id="25"), warehouse=WarehouseFactory(warehouse_id="wh"))


def total() -> int:
    return Inventory.objects.get().total_quantity


def test_missing_credentials_is_401_with_a_challenge():
    response = APIClient().put(PUT, {"quantity": 1}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert total() == 5


def test_wrong_token_is_401(write_key):
    client = APIClient()
    client.credentials(HTTP_X_VTEX_API_APPKEY=write_key.key.app_key, HTTP_X_VTEX_API_APPTOKEN="x")

    response = client.put(PUT, {"quantity": 1}, format="json")

    assert response.status_code == 401
    assert response.json() == {
        "code": "invalid_credentials",
        "message": INVALID_CREDENTIALS,
        "details": {},
    }
    assert total() == 5


def test_unknown_app_key_is_401(write_key):
    client = APIClient()
    client.credentials(HTTP_X_VTEX_API_APPKEY="nobody", HTTP_X_VTEX_API_APPTOKEN=write_key.token)

    assert client.get(GET).status_code == 401


def test_app_key_without_token_is_401():
    client = APIClient()
    client.credentials(HTTP_X_VTEX_API_APPKEY="ak-1")

    response = client.get(GET)

    assert response.status_code == 401
    assert response.json()["message"] == INCOMPLETE_CREDENTIALS


def test_revoked_key_is_401_even_with_the_right_token(write_key):
    api_keys_revoke(keys=ApiKey.objects.filter(pk=write_key.key.pk))

    response = key_client(write_key).put(PUT, {"quantity": 1}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "key_revoked"
    assert response.json()["message"] == KEY_REVOKED
    assert total() == 5


def test_read_only_key_cannot_write(reader):
    response = reader.put(PUT, {"quantity": 1}, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "code": "missing_scope",
        "message": MISSING_WRITE_SCOPE,
        "details": {},
    }
    assert total() == 5
    assert reader.get(GET).status_code == 200


def test_write_only_key_cannot_read():
    issued = api_key_create(name="push only", can_read=False, can_write=True)
    client = key_client(issued)

    assert client.put(PUT, {"quantity": 1}, format="json").status_code == 200
    response = client.get(GET)
    assert response.status_code == 403
    assert response.json()["message"] == MISSING_READ_SCOPE


def test_bearer_token_authenticates_and_names_the_key_in_the_ledger(write_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {write_key.token}")

    response = client.put(PUT, {"quantity": 9}, format="json")

    assert response.status_code == 200
    assert Movement.objects.first().actor == f"key:{write_key.key.app_key}"


def test_wrong_bearer_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert client.get(GET).status_code == 401


def test_token_is_stored_hashed_only(write_key):
    stored = ApiKey.objects.get(pk=write_key.key.pk)

    assert stored.token_hash == hash_token(write_key.token)
    assert write_key.token not in {
        value for value in vars(stored).values() if isinstance(value, str)
    }


def test_last_used_is_recorded_at_most_once_a_minute(api, write_key):
    assert write_key.key.last_used_at is None

    api.get(GET)
    first = ApiKey.objects.get(pk=write_key.key.pk).last_used_at
    api.get(GET)
    assert first is not None
    assert ApiKey.objects.get(pk=write_key.key.pk).last_used_at == first

    ApiKey.objects.filter(pk=write_key.key.pk).update(last_used_at=first - timedelta(minutes=2))
    api.get(GET)
    assert ApiKey.objects.get(pk=write_key.key.pk).last_used_at > first - timedelta(seconds=1)


def test_staff_session_can_read_and_write_with_the_permission():
    user = User.objects.create_user("clerk", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["update_count", "view_inventory"])
    )
    client = APIClient()
    client.force_login(user)

    assert client.get(GET).status_code == 200
    response = client.put(PUT, {"quantity": 8}, format="json")

    assert response.status_code == 200
    assert Movement.objects.first().actor == "user:clerk"


def test_staff_session_without_the_permission_cannot_write():
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    client = APIClient()
    client.force_login(user)

    response = client.put(PUT, {"quantity": 8}, format="json")

    assert response.status_code == 403
    assert "inventory.update_count" in response.json()["message"]
    assert total() == 5


def test_non_staff_session_is_refused():
    client = APIClient()
    client.force_login(User.objects.create_user("customer", password="x"))

    response = client.get(GET)

    assert response.status_code == 403
    assert response.json()["message"] == NOT_STAFF


def test_session_writes_need_a_csrf_token():
    user = User.objects.create_superuser("root", password="x")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.put(PUT, {"quantity": 8}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]


def test_staff_get_the_browsable_api_and_others_json():
    html = "text/html,application/xhtml+xml,*/*;q=0.8"
    staff = APIClient()
    staff.force_login(User.objects.create_superuser("root", password="x"))

    assert staff.get(GET, HTTP_ACCEPT=html)["Content-Type"].startswith("text/html")
    anonymous = APIClient().get(GET, HTTP_ACCEPT=html)
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/json"


@override_settings(API_RATE_LIMIT="2/min")
def test_rate_limit_per_key_answers_429_with_retry_after(api, reader):
    assert api.get(GET).status_code == 200
    assert api.get(GET).status_code == 200

    response = api.get(GET)

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert reader.get(GET).status_code == 200  # another key has its own budget


def test_revocation_is_recorded(write_key):
    before = timezone.now()
    assert api_keys_revoke(keys=ApiKey.objects.all()) == 1

    key = ApiKey.objects.get()
    assert key.is_active is False
    assert key.revoked_at >= before
