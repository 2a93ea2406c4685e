"""API keys in the admin: superusers only; the token is shown once and stored hashed."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.test import APIClient

from apps.api.models import ApiKey
from apps.api.services import api_key_create, hash_token

pytestmark = pytest.mark.django_db

ADD = "/admin/api/apikey/add/"
CHANGELIST = "/admin/api/apikey/"


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def test_superuser_creates_a_key_and_sees_its_token_once(superuser_client):
    response = superuser_client.post(
        ADD,
        {"app_key": "ak-proposed", "name": "ERP", "can_read": "on", "can_write": "on"},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "shown only now" in page
    token = re.search(r"<code>([^<]+)</code>", page).group(1)
    key = ApiKey.objects.get()
    assert key.app_key == "ak-proposed"
    assert key.created_by.username == "root"
    assert (key.can_read, key.can_write, key.is_active) == (True, True, True)
    assert key.token_hash == hash_token(token)
    assert token not in superuser_client.get(f"{CHANGELIST}{key.pk}/change/").content.decode()

    api = APIClient()
    api.credentials(HTTP_X_VTEX_API_APPKEY=key.app_key, HTTP_X_VTEX_API_APPTOKEN=token)
    assert api.get("/api/logistics/pvt/configuration/warehouses").status_code == 200


def test_add_form_proposes_a_generated_app_key(superuser_client):
    form = superuser_client.get(ADD).context["adminform"].form

    assert form["app_key"].value().startswith("ak-")


def test_revoke_action_disables_keys(superuser_client):
    issued = api_key_create(name="old ERP", can_write=True)

    superuser_client.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [issued.key.pk]}, follow=True
    )

    key = ApiKey.objects.get()
    assert key.is_active is False
    assert key.revoked_at is not None


def test_staff_without_superuser_cannot_see_keys_even_with_model_permissions(client):
    user = User.objects.create_user("clerk", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="api"))
    client.force_login(user)

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(ADD).status_code == 403
