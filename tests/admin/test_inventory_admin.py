"""The Inventory management list, the inventory page with its history, and the other admins."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from apps.inventory import pagination
from apps.inventory.models import Inventory, Movement, Source
from apps.inventory.planning import Operation, StockChange
from apps.inventory.services import inventory_change_apply
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:inventory_inventory_changelist")
MAX_CHANGELIST_QUERIES = 8
"""Session, user, user and group permissions, warehouses (filter), search's exact-match check,
the (capped) count, the page's rows with their SKUs and warehouses."""


def listed(client, query="") -> list[str]:
    """The "sku @ warehouse" of each row the changelist shows."""
    response = client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    return [str(inventory) for inventory in response.context["cl"].result_list]


def allocate(inventory, quantity):
    inventory_change_apply(
        change=StockChange(
            inventory.sku.sku_id, inventory.warehouse.warehouse_id, Operation.ALLOCATE, quantity
        ),
        source=Source.API,
    )


def test_list_shows_stock_columns_negative_in_red_and_unlimited(superuser):
    oversold = stocked(10, lead_time=timedelta(days=2))
    allocate(oversold, 8)
    stocked(3, sku=oversold.sku, warehouse=oversold.warehouse)  # counted lower: available -5
    unlimited = stocked(0, unlimited=True)

    html = superuser.get(CHANGELIST).content.decode()

    for header in ("Inventory management", "SKU id", "SKU name", "Warehouse", "Total", "Reserved"):
        assert header in html
    for header in ("Available", "Lead time", "Last change", "Update count"):
        assert header in html
    assert '<strong class="stock-negative" title="Oversold">-5</strong>' in html
    assert oversold.sku.name in html and "2 d" in html
    assert '<span class="stock-unlimited">Unlimited</span>' in html
    assert unlimited.warehouse.warehouse_id in html


def test_filters_by_warehouse_stock_state_and_active_sku(superuser):
    north, south = WarehouseFactory(warehouse_id="north"), WarehouseFactory(warehouse_id="south")
    active, retired = SKUFactory(sku_id="A1"), SKUFactory(sku_id="R1", is_active=False)
    stocked(0, sku=active, warehouse=north)
    stocked(3, sku=active, warehouse=south)
    stocked(50, sku=retired, warehouse=north)
    stocked(0, sku=retired, warehouse=south, unlimited=True)

    assert listed(superuser, f"warehouse__id__exact={north.pk}") == ["A1 @ north", "R1 @ north"]
    assert listed(superuser, "stock=out_of_stock") == ["A1 @ north"]
    assert listed(superuser, "stock=low") == ["A1 @ south"]
    assert listed(superuser, "stock=in_stock") == ["R1 @ north"]
    assert listed(superuser, "stock=unlimited") == ["R1 @ south"]
    assert listed(superuser, "active=no") == ["R1 @ north", "R1 @ south"]
    assert listed(superuser, f"active=yes&warehouse__id__exact={south.pk}") == ["A1 @ south"]


def test_negative_stock_state_lists_oversold_rows(superuser):
    oversold, fine = stocked(10), stocked(10)
    allocate(oversold, 10)
    stocked(4, sku=oversold.sku, warehouse=oversold.warehouse)

    assert listed(superuser, "stock=negative") == [str(oversold)]
    assert str(fine) not in listed(superuser, "stock=negative")


def test_search_by_sku_id_name_ean_and_ref(superuser):
    warehouse = WarehouseFactory(warehouse_id="w")
    stocked(
        1,
        sku=SKUFactory(sku_id="501", name="Linen Shirt", ean="111", ref_id="REF-9"),
        warehouse=warehouse,
    )
    stocked(1, sku=SKUFactory(sku_id="5012", name="Wool Sweater", ean="222"), warehouse=warehouse)

    assert listed(superuser, "q=501") == ["501 @ w"]  # exact SKU id, not a prefix
    assert listed(superuser, "q=linen") == ["501 @ w"]
    assert listed(superuser, "q=222") == ["5012 @ w"]
    assert listed(superuser, "q=REF-9") == ["501 @ w"]
    assert listed(superuser, "q=wool sw") == ["5012 @ w"]


@pytest.mark.parametrize("rows", [3, 40])
def test_changelist_query_count_does_not_grow_with_rows(clerk, django_assert_max_num_queries, rows):
    warehouses = [WarehouseFactory() for _ in range(2)]
    for n in range(rows):
        stocked(n, warehouse=warehouses[n % 2])

    with django_assert_max_num_queries(MAX_CHANGELIST_QUERIES):
        response = clerk.get(CHANGELIST)
    with django_assert_max_num_queries(MAX_CHANGELIST_QUERIES):
        clerk.get(f"{CHANGELIST}?warehouse__id__exact={warehouses[0].pk}&stock=in_stock&q=x")

    assert len(response.context["cl"].result_list) == rows


def test_filtered_lists_count_only_up_to_the_limit(superuser, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    warehouse = WarehouseFactory()
    for _ in range(5):
        stocked(1, warehouse=warehouse)

    response = superuser.get(f"{CHANGELIST}?warehouse__id__exact={warehouse.pk}")

    html = response.content.decode()
    assert "more than 3 inventories" in html  # pagination line
    assert "more than 3 results" in html  # beside the search box


@pytest.mark.postgres
def test_unfiltered_big_list_uses_the_table_estimate_instead_of_counting(superuser, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 3)
    for _ in range(5):
        stocked(1)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Inventory._meta.db_table}")

    response = superuser.get(CHANGELIST)

    assert "about 5 inventories" in response.content.decode()
    assert response.context["cl"].paginator.count_label == "about 5"


def test_small_lists_are_counted_exactly(superuser):
    stocked(1), stocked(2)

    html = superuser.get(CHANGELIST).content.decode()

    assert "2 inventories" in html and "about" not in html.split('class="paginator"')[1]


def test_inventory_page_is_read_only_with_movements_and_a_chart(superuser):
    inventory = stocked(10)
    stocked(14, sku=inventory.sku, warehouse=inventory.warehouse)
    url = reverse("admin:inventory_inventory_change", args=[inventory.pk])

    response = superuser.get(url)
    superuser.post(url, {"total_quantity": 99})

    html = response.content.decode()
    assert response.context["adminform"].form.fields == {}  # every field is read-only
    assert "History" in html and html.count('class="movement"') == 2
    assert "10 → 14" in html and "+4" in html
    assert '<svg class="stock-chart"' in html and 'class="total"' in html
    assert 'class="available"' in html
    assert f"?inventory__id__exact={inventory.pk}" in html
    assert Inventory.objects.get(pk=inventory.pk).total_quantity == 14


def test_movement_admin_is_read_only_even_for_superusers(superuser):
    inventory = stocked(10)
    movement = Movement.objects.get(inventory=inventory)
    add = reverse("admin:inventory_movement_add")
    delete = reverse("admin:inventory_movement_delete", args=[movement.pk])

    listing = superuser.get(
        reverse("admin:inventory_movement_changelist") + f"?inventory__id__exact={inventory.pk}"
    )
    change = superuser.get(reverse("admin:inventory_movement_change", args=[movement.pk]))

    assert list(listing.context["cl"].result_list) == [movement]
    assert change.status_code == 200 and change.context["adminform"].form.fields == {}
    assert superuser.get(add).status_code == 403
    assert superuser.post(delete, {"post": "yes"}).status_code == 403
    assert Movement.objects.filter(pk=movement.pk).exists()


def test_sku_and_warehouse_autocomplete_search(superuser):
    inventory = stocked(1, sku=SKUFactory(sku_id="77", name="Denim Jacket"))
    autocomplete = reverse("admin:autocomplete")

    skus = superuser.get(
        autocomplete,
        {"app_label": "inventory", "model_name": "inventory", "field_name": "sku", "term": "denim"},
    ).json()
    warehouses = superuser.get(
        autocomplete,
        {
            "app_label": "inventory",
            "model_name": "inventory",
            "field_name": "warehouse",
            "term": inventory.warehouse.warehouse_id,
        },
    ).json()

    assert [r["id"] for r in skus["results"]] == [str(inventory.sku.pk)]
    assert [r["id"] for r in warehouses["results"]] == [str(inventory.warehouse.pk)]


def test_sku_and_warehouse_lists_search_and_filter(superuser):
    SKUFactory(sku_id="9", name="Cast Iron Skillet", is_active=False)
    SKUFactory(sku_id="10", name="Canvas Sneakers")

    skus = superuser.get(reverse("admin:catalog_sku_changelist") + "?q=skillet&is_active__exact=0")
    warehouses = superuser.get(reverse("admin:warehouses_warehouse_changelist") + "?q=nowhere")

    assert [sku.sku_id for sku in skus.context["cl"].result_list] == ["9"]
    assert list(warehouses.context["cl"].result_list) == []
