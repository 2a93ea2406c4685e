"""CSRF on the admin's own POST views: without the token they are refused and nothing
changes; the same POST with the token goes through (so the refusal is CSRF's)."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.inventory.models import Inventory
from tests.security.conftest import ADMIN_VIEWS, NEW_COUNT, admin_call, written

pytestmark = pytest.mark.django_db

POSTED = sorted(name for name, (method, _) in ADMIN_VIEWS.items() if method == "POST")
WRITING = ["inventory_inventory_apply_counts", "inventory_inventory_import_confirm"]


@pytest.fixture
def client():
    """Overrides pytest-django's client (which skips CSRF checks) for the ``staff`` fixture."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def clerk(staff):
    """Staff holding every permission the custom views ask for."""
    return staff(*set().union(*(perms for _, perms in ADMIN_VIEWS.values())))


def csrf_token(client) -> str:
    client.get(reverse("admin:inventory_inventory_changelist"))
    return client.cookies["csrftoken"].value


@pytest.mark.parametrize("name", POSTED)
def test_post_without_a_csrf_token_is_refused_and_changes_nothing(
    clerk, inventory, previewed_job, name
):
    before = written()

    response = admin_call(clerk, name, inventory, previewed_job)

    assert response.status_code == 403
    assert "CSRF verification failed" in response.content.decode()
    assert written() == before


@pytest.mark.parametrize("name", POSTED)
def test_post_with_a_wrong_csrf_token_is_refused(clerk, inventory, previewed_job, name):
    before = written()
    clerk.cookies["csrftoken"] = "x" * 32

    response = admin_call(clerk, name, inventory, previewed_job, csrfmiddlewaretoken="y" * 32)

    assert response.status_code == 403
    assert written() == before


@pytest.mark.parametrize("name", WRITING)
def test_the_same_post_with_the_csrf_token_is_applied(clerk, inventory, previewed_job, name):
    token = csrf_token(clerk)

    response = admin_call(clerk, name, inventory, previewed_job, csrfmiddlewaretoken=token)

    assert response.status_code == 302
    assert Inventory.objects.get(pk=inventory.pk).total_quantity == NEW_COUNT
