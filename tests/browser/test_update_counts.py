"""A clerk updates two counts in the real admin: filter, type, preview, save, history."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db(transaction=True)


def row(page, sku_id: str):
    return page.locator(f"#result_list tr:has(th.field-sku_code a:text-is('{sku_id}'))")


def test_clerk_filters_types_two_counts_previews_saves_and_sees_the_history(
    live_server, page, screenshots
):
    north = WarehouseFactory(warehouse_id="north", name="North DC")
    south = WarehouseFactory(warehouse_id="south", name="South store")
    shirt = stocked(10, sku=SKUFactory(sku_id="100", name="Linen Shirt"), warehouse=north)
    sweater = stocked(4, sku=SKUFactory(sku_id="200", name="Wool Sweater"), warehouse=north)
    stocked(7, sku=shirt.sku, warehouse=south)
    clerk = User.objects.create_user("clerk", password="s3cret-pw", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_inventory", "update_count"])
    )

    # Log in and open Inventory management.
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "s3cret-pw")
    page.click("input[type=submit]")
    page.click("a:text-is('Inventories')")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)

    # Filter by warehouse: only the north rows remain.
    page.click("#changelist-filter a:text('north · North DC')")
    expect(page).to_have_url(re.compile(rf"warehouse__id__exact={north.pk}"))
    expect(page.locator("#result_list tbody tr")).to_have_count(2)

    # Type two counts and preview them: nothing is saved yet.
    page.fill(f"input[name='count-{shirt.pk}']", "12")
    page.fill(f"input[name='count-{sweater.pk}']", "1")
    page.click("#update-counts button")
    expect(page.locator("h1")).to_have_text("Preview count updates")
    changes = page.locator(".preview-changes")
    expect(changes).to_contain_text("10 → 12")
    expect(changes).to_contain_text("4 → 1")
    expect(page.locator(".preview-summary")).to_contain_text("2 counts changed")
    page.screenshot(path=screenshots / "1-preview.png", full_page=True)

    # Save: back on the filtered list with the new totals and a message.
    page.click("input[type=submit][value='Save']")
    expect(page.locator(".messagelist")).to_contain_text("2 counts changed, 0 skipped (unchanged).")
    expect(page).to_have_url(re.compile(rf"warehouse__id__exact={north.pk}"))
    expect(row(page, "100").locator("td.field-total")).to_have_text("12")
    expect(row(page, "200").locator("td.field-total")).to_have_text("1")
    page.screenshot(path=screenshots / "2-saved-list.png", full_page=True)

    # The inventory page lists the count in its history, with the chart.
    row(page, "100").locator("th a").click()
    history = page.locator(".inventory-history")
    latest = history.locator("tr.movement").first
    expect(latest).to_contain_text("Count")
    expect(latest).to_contain_text("+2")
    expect(latest).to_contain_text("10 → 12")
    expect(latest).to_contain_text("user:clerk")
    expect(history.locator("svg.stock-chart polyline")).to_have_count(2)
    page.screenshot(path=screenshots / "3-history.png", full_page=True)
