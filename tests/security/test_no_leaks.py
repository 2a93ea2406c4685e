"""No secret and no stack trace in any response. With DEBUG off, an unexpected error inside
every API endpoint, in the middleware before DRF, and in an admin view answers the generic
error (JSON under /api/), never the exception's text, a traceback, the secret key or the
database settings. An API key's token is shown once, on creation, and never again.
tests/api/test_errors.py covers the JSON 500 shape on one endpoint (also with DEBUG on) and
tests/api/test_auth.py, tests/api/test_api_key_admin.py that tokens are stored hashed."""

import re

import pytest
from django.conf import settings as django_settings
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from rest_framework.test import APIClient

from apps.api.errors import SERVER_ERROR
from apps.api.models import ApiKey
from apps.api.permissions import HasScope
from tests.api.conftest import key_client
from tests.security.api_endpoints import PUBLIC, SKU, WAREHOUSE, endpoints, served_methods
from tests.security.conftest import ADMIN_VIEWS, admin_call

pytestmark = pytest.mark.django_db

TRACE_MARKERS = ("Traceback", 'File "', "RuntimeError", "site-packages")


def secrets() -> list[str]:
    database = django_settings.DATABASES["default"]
    found = [django_settings.SECRET_KEY, str(database["NAME"]), "sensitive-internals"]
    found += [str(database[k]) for k in ("USER", "PASSWORD", "HOST") if database.get(k)]
    return [s for s in found if len(s) >= 6]  # shorter ones could match by chance


def explode(*args, **kwargs):
    """An unexpected error whose message carries the secrets a careless page would show."""
    raise RuntimeError(f"sensitive-internals {' '.join(secrets())}")


def assert_nothing_leaks(response) -> None:
    text = response.content.decode()
    for marker in TRACE_MARKERS + tuple(secrets()):
        assert marker not in text, (response.request["PATH_INFO"], marker)


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def test_an_error_in_any_api_endpoint_is_a_bare_json_500(api, api_rows, monkeypatch):
    monkeypatch.setattr(HasScope, "has_permission", explode)
    answered = 0

    for name, path, view_class in endpoints(str(api_rows.pk)):
        if name in PUBLIC:
            continue
        for method in served_methods(view_class):
            if method == "HEAD":
                continue
            response = api.generic(method, path, "{}", content_type="application/json")
            answered += 1
            assert response.status_code == 500, (method, path)
            assert response.json() == {
                "code": "server_error",
                "message": SERVER_ERROR,
                "details": {},
            }
            assert_nothing_leaks(response)

    assert answered >= 50


def test_an_error_before_the_api_view_is_a_bare_json_500(write_key, api_rows, monkeypatch):
    monkeypatch.setattr("apps.api.idempotency._claim", explode)
    client = key_client(write_key)
    client.raise_request_exception = False

    response = client.post(
        f"/api/v1/inventories/{SKU}/{WAREHOUSE}/transactions",
        {"action": "decrement", "quantity": 1},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )

    assert response.status_code == 500
    assert response.json() == {"code": "server_error", "message": SERVER_ERROR, "details": {}}
    assert_nothing_leaks(response)


def test_an_error_in_an_admin_view_is_a_bare_500_page(staff, inventory, previewed_job, monkeypatch):
    monkeypatch.setattr("apps.inventory.admin_counts.inventory_changes_plan", explode)
    name = "inventory_inventory_preview_counts"
    client = staff(*ADMIN_VIEWS[name][1])
    client.raise_request_exception = False

    response = admin_call(client, name, inventory, previewed_job)

    assert response.status_code == 500
    assert "Server Error (500)" in response.content.decode()
    assert_nothing_leaks(response)


def test_an_api_keys_token_is_shown_once_then_never_again(superuser):
    created = superuser.post(
        reverse("admin:api_apikey_add"),
        {"app_key": "ak-erp", "name": "ERP", "can_read": "on", "can_write": "on"},
        follow=True,
    )
    token = re.search(r"<code>([^<]+)</code>", created.content.decode())[1]
    key = ApiKey.objects.get()
    pages = [  # each shows the key (the index in its recent actions), none its token
        reverse("admin:api_apikey_changelist"),
        reverse("admin:api_apikey_change", args=[key.pk]),
        reverse("admin:api_apikey_history", args=[key.pk]),
        reverse("admin:index"),
    ]

    for page in pages:
        html = superuser.get(page).content.decode()
        assert key.app_key in html, page
        assert token not in html, page
        assert "shown only now" not in html, page
    assert all(token not in str(row) for row in LogEntry.objects.values_list())
    answer = APIClient(HTTP_X_VTEX_API_APPKEY=key.app_key, HTTP_X_VTEX_API_APPTOKEN=token)
    assert answer.get("/api/v1/skus").status_code == 200  # what was shown is the real token
