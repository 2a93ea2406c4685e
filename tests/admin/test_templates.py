"""Template download and import in the admin: filters, permissions, preview, confirm, progress."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from apps.inventory.models import Inventory, Movement
from apps.jobs.models import Job, JobStatus
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:inventory_inventory_changelist")
IMPORT = reverse("admin:inventory_inventory_import_template")


def template_url(file_format: str) -> str:
    return reverse("admin:inventory_inventory_download_template", args=[file_format])


@pytest.fixture
def importer(staff):
    return staff("view_inventory", "import_inventory", "export_inventory")


@pytest.fixture
def two_warehouses():
    north, south = WarehouseFactory(warehouse_id="north"), WarehouseFactory(warehouse_id="south")
    sku = SKUFactory(sku_id="MUG-1")
    return stocked(10, sku=sku, warehouse=north), stocked(3, sku=sku, warehouse=south)


def download(client, query: str = "") -> list[dict]:
    response = client.get(template_url("csv") + query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="inventory-')
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def upload(client, records: list[dict], name: str = "counts.csv"):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return client.post(IMPORT, {"template": SimpleUploadedFile(name, out.getvalue().encode())})


def test_download_follows_the_changelist_filter(importer, two_warehouses):
    north = two_warehouses[0].warehouse

    records = download(importer, f"?warehouse__id__exact={north.pk}")

    assert [(r["sku_id"], r["warehouse_id"], r["total_quantity"]) for r in records] == [
        ("MUG-1", "north", "10")
    ]


def test_xlsx_download_is_a_workbook(importer, two_warehouses):
    response = importer.get(template_url("xlsx"))

    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_staff_without_the_permissions_cannot_download_or_import(staff, two_warehouses):
    viewer = staff("view_inventory")

    listing = viewer.get(CHANGELIST).content.decode()

    assert "Import template" not in listing and "Template (CSV)" not in listing
    assert viewer.get(template_url("csv")).status_code == 403
    assert viewer.get(IMPORT).status_code == 403
    assert (
        upload(
            viewer, [{"sku_id": "MUG-1", "warehouse_id": "north", "update_count": "1"}]
        ).status_code
        == 403
    )


def test_upload_previews_then_confirm_applies_and_reports(importer, two_warehouses):
    records = download(importer)
    records[0]["update_count"] = "8"

    preview = upload(importer, records)

    html = preview.content.decode()
    assert (
        "1 row will change, 1 skipped (unchanged or blank), 0 errors. Nothing has been saved yet."
        in html
    )
    assert "10 → 8" in html
    assert Movement.objects.filter(source="import").count() == 0
    job = Job.objects.get(status=JobStatus.PREVIEWED)

    confirmed = importer.post(
        reverse("admin:inventory_inventory_import_confirm", args=[job.pk]), follow=True
    )

    assert "1 count(s) applied from counts.csv." in [str(m) for m in confirmed.context["messages"]]
    assert Inventory.objects.get(pk=two_warehouses[0].pk).total_quantity == 8


def test_row_errors_are_listed_with_row_and_column_and_cannot_be_confirmed(
    importer, two_warehouses
):
    records = download(importer)
    records[1]["update_count"] = "-4"

    html = upload(importer, records).content.decode()

    assert "<td>3</td><td>update_count</td>" in html
    assert "update_count cannot be negative, got -4." in html
    assert "Confirm import" not in html
    assert not Job.objects.exists()


def test_unreadable_upload_gets_a_clear_message(importer):
    response = importer.post(IMPORT, {"template": SimpleUploadedFile("counts.pdf", b"%PDF-1.7")})

    assert (
        "Unsupported file type &#x27;.pdf&#x27;: upload the template as .csv or .xlsx. (counts.pdf)"
        in response.content.decode()
    )


def test_confirm_needs_post(importer, two_warehouses):
    records = download(importer)
    records[0]["update_count"] = "8"
    upload(importer, records)
    job = Job.objects.get()

    response = importer.get(reverse("admin:inventory_inventory_import_confirm", args=[job.pk]))

    assert response.status_code == 405
    assert Inventory.objects.get(pk=two_warehouses[0].pk).total_quantity == 10


@pytest.mark.django_db(transaction=True)
@override_settings(INVENTORY_IMPORT_BACKGROUND_ROWS=1)
def test_large_import_shows_progress_then_its_result(importer, two_warehouses):
    records = download(importer)
    records[0]["update_count"], records[1]["update_count"] = "8", "2"
    upload(importer, records)
    job = Job.objects.get()

    confirmed = importer.post(reverse("admin:inventory_inventory_import_confirm", args=[job.pk]))
    status_url = reverse("admin:inventory_inventory_import_status", args=[job.pk])
    queued = importer.get(status_url)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    done = importer.get(status_url)
    polled = importer.get(status_url, {"format": "json"}).json()

    assert confirmed["Location"] == status_url
    assert '<meta http-equiv="refresh" content="2">' in queued.content.decode()
    assert "(Waiting for a worker)" in queued.content.decode()
    assert "2 counts applied, 0 not applied." in done.content.decode()
    assert polled == {
        "status": "succeeded", "activity": "", "processed": 2, "total": 2, "percent": 100
    }  # fmt: skip
    totals = sorted(Inventory.objects.values_list("total_quantity", flat=True))
    assert totals == [2, 8]
