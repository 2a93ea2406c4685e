"""The admin's own views (added with ``get_urls()``), found from the admin's URL patterns:
each checks its model permissions itself (``admin_view`` only checks staff status). Staff
missing any one of them get 403 and nothing is written; with exactly them the view works;
anonymous users are sent to the login page."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import URLPattern, reverse

from apps.inventory.models import Inventory
from tests.security.conftest import ADMIN_VIEWS, NEW_COUNT, admin_call, written

pytestmark = pytest.mark.django_db

IMPLIED_BY = {"view_inventory": {"change_inventory"}}
"""Django lets the change permission stand in for view: taken away together."""


def custom_admin_views() -> set[str]:
    """URL names our ModelAdmins add to those of the Django admin class they build on, and
    the site's own views beyond a plain AdminSite's."""
    names = set()
    for model, model_admin in admin.site._registry.items():
        django_base = next(
            c for c in type(model_admin).__mro__ if c.__module__.startswith("django.contrib.")
        )
        plain = {p.name for p in django_base(model, admin.site).get_urls()}
        names |= {p.name for p in model_admin.get_urls() if p.name not in plain}
    plain_site = admin.AdminSite()
    plain_site._registry = admin.site._registry
    site, plain = (
        {p.name for p in each.get_urls() if isinstance(p, URLPattern)}
        for each in (admin.site, plain_site)
    )
    return names | (site - plain)


def test_every_custom_admin_view_is_listed_with_its_permissions():
    assert custom_admin_views() == set(ADMIN_VIEWS)


@pytest.mark.parametrize(
    ("name", "missing"),
    [(name, perm) for name, (_, perms) in sorted(ADMIN_VIEWS.items()) for perm in sorted(perms)],
)
def test_staff_missing_one_permission_get_403_and_nothing_is_written(
    staff, inventory, previewed_job, name, missing
):
    every = Permission.objects.filter(content_type__app_label="inventory")
    held = (
        set(every.values_list("codename", flat=True)) - {missing} - IMPLIED_BY.get(missing, set())
    )
    client = staff(*held)
    before = written()

    response = admin_call(client, name, inventory, previewed_job)

    assert response.status_code == 403
    assert inventory.sku.sku_id not in response.content.decode()
    assert written() == before


@pytest.mark.parametrize("name", sorted(ADMIN_VIEWS))
def test_staff_with_exactly_the_permissions_are_let_in(staff, inventory, previewed_job, name):
    client = staff(*ADMIN_VIEWS[name][1])

    response = admin_call(client, name, inventory, previewed_job)

    assert response.status_code in (200, 302), response.content[:500]
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("admin:login"))
    if name.endswith(("apply_counts", "import_confirm")):
        assert Inventory.objects.get(pk=inventory.pk).total_quantity == NEW_COUNT


@pytest.mark.parametrize("name", sorted(ADMIN_VIEWS))
def test_anonymous_users_are_sent_to_the_login_page(client, inventory, previewed_job, name):
    before = written()

    response = admin_call(client, name, inventory, previewed_job)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login") + "?next=")
    assert written() == before
