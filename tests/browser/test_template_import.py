"""A merchant downloads the template, fills it in, uploads it, previews and confirms."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from apps.inventory.models import Inventory
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db(transaction=True)


def test_download_fill_upload_preview_confirm(live_server, page, screenshots, tmp_path):
    north = WarehouseFactory(warehouse_id="north", name="North DC")
    mug = stocked(10, sku=SKUFactory(sku_id="MUG", name="Blue Mug"), warehouse=north)
    stocked(5, sku=SKUFactory(sku_id="CUP", name="Red Cup"), warehouse=north)
    merchant = User.objects.create_user("merchant", password="s3cret-pw", is_staff=True)
    merchant.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_inventory", "import_inventory", "export_inventory"]
        )
    )
    page.goto(f"{live_server.url}/admin/login/?next=/admin/inventory/inventory/")
    page.fill("#id_username", "merchant")
    page.fill("#id_password", "s3cret-pw")
    page.click("input[type=submit]")

    # Download the CSV template from the inventory list.
    with page.expect_download() as download_info:
        page.click("a.download-template:text('Template (CSV)')")
    records = list(csv.DictReader(io.StringIO(download_info.value.path().read_text("utf-8-sig"))))
    assert sorted(r["sku_id"] for r in records) == ["CUP", "MUG"]

    # Fill in one count and upload the file: the preview shows it, nothing is saved yet.
    next(r for r in records if r["sku_id"] == "MUG")["update_count"] = "7"
    filled = tmp_path / "counts.csv"
    with filled.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    page.click("a.import-template")
    page.set_input_files("#id_template", str(filled))
    page.click("input[type=submit][value='Upload and preview']")
    expect(page.locator(".preview-summary")).to_contain_text(
        "1 row will change, 1 skipped (unchanged or blank), 0 errors."
    )
    expect(page.locator(".preview-changes")).to_contain_text("10 → 7")
    page.screenshot(path=screenshots / "import-preview.png", full_page=True)
    assert Inventory.objects.get(pk=mug.pk).total_quantity == 10

    # Confirm: back on the list with the new total and a message.
    page.click("input[type=submit][value='Confirm import']")
    expect(page.locator(".messagelist")).to_contain_text("1 count(s) applied from counts.csv.")
    assert Inventory.objects.get(pk=mug.pk).total_quantity == 7
    page.screenshot(path=screenshots / "import-done.png", full_page=True)
