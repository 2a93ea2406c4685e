"""Shared fixtures and helpers. The API and admin fixtures are imported from their own
conftest modules, not copied."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from apps.inventory.imports import inventory_import_preview
from apps.inventory.models import Inventory, Movement
from apps.jobs.models import Job
from apps.reservations.services import ItemRequest, reservation_create
from tests.admin.conftest import staff, superuser  # noqa: F401
from tests.api.conftest import _fresh_rate_limits, api, write_key  # noqa: F401
from tests.factories import SKUFactory, WarehouseFactory, bulk_count_job, stocked
from tests.security.api_endpoints import RESERVATION, SKU, WAREHOUSE

NEW_COUNT = 3
"""The count every admin call below asks for (the inventory starts at 10)."""

ADMIN_VIEWS = {
    "inventory_inventory_preview_counts": ("POST", {"view_inventory", "update_count"}),
    "inventory_inventory_apply_counts": ("POST", {"view_inventory", "update_count"}),
    "inventory_inventory_download_template": ("GET", {"export_inventory"}),
    "inventory_inventory_import_template": ("POST", {"import_inventory"}),
    "inventory_inventory_import_confirm": ("POST", {"import_inventory"}),
    "inventory_inventory_import_status": ("GET", {"import_inventory"}),
}
"""Every custom admin view: how it is called and the permissions it needs. A new one must be
added here (``test_every_custom_admin_view_is_listed_with_its_permissions``)."""


def template_csv(inventory: Inventory, count: int = NEW_COUNT) -> bytes:
    sku, warehouse = inventory.sku.sku_id, inventory.warehouse.warehouse_id
    return f"sku_id,warehouse_id,update_count\n{sku},{warehouse},{count}\n".encode()


@pytest.fixture
def api_rows(db) -> Job:
    """The SKU, warehouse, reservation and bulk job the API paths name, so an endpoint that
    lost its protection would answer about real data (200, 4xx), not 401 or 500."""
    inventory = stocked(
        10, sku=SKUFactory(sku_id=SKU), warehouse=WarehouseFactory(warehouse_id=WAREHOUSE)
    )
    reservation_create(items=[ItemRequest(SKU, WAREHOUSE, 1)], reservation_id=RESERVATION)
    return bulk_count_job(inventory, on_hand=3)


@pytest.fixture
def inventory(db):
    return stocked(10)


@pytest.fixture
def previewed_job(inventory):
    """An import previewed by someone allowed to, waiting for confirmation."""
    preview = inventory_import_preview(
        content=template_csv(inventory), file_name="counts.csv", actor="user:importer"
    )
    assert preview.job is not None, preview.errors
    return preview.job


def admin_call(client, name: str, inventory: Inventory, job: Job, **extra):
    """What a user of each custom admin view sends: counts to preview or save, the template
    to upload, a confirmation; ``extra`` goes into POSTed forms (e.g. a CSRF token)."""
    url = f"admin:{name}"
    if name.endswith("_counts"):
        form = {
            f"count-{inventory.pk}": str(NEW_COUNT),
            f"version-{inventory.pk}": inventory.version,
        }
        return client.post(reverse(url), {**form, **extra})
    if name.endswith("download_template"):
        return client.get(reverse(url, args=["csv"]))
    if name.endswith("import_template"):
        upload = SimpleUploadedFile("counts.csv", template_csv(inventory))
        return client.post(reverse(url), {"template": upload, **extra})
    if name.endswith("import_confirm"):
        return client.post(reverse(url, args=[job.pk]), extra)
    return client.get(reverse(url, args=[job.pk]))


def written() -> tuple:
    """Everything the admin views could write: stock, ledger, jobs, queued tasks."""
    return (
        list(Inventory.objects.order_by("pk").values_list("pk", "total_quantity", "version")),
        Movement.objects.count(),
        list(Job.objects.order_by("pk").values_list("pk", "status")),
        DBTaskResult.objects.count(),
    )
