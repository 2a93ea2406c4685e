"""How fast the Inventory management changelist is at 1,000,000 inventory rows on PostgreSQL.

Rows are inserted with SQL (100,000 SKUs × 10 warehouses; the ledger is not needed to read
the list), then analyzed as autovacuum would. Each page is requested through Django's test
client as a logged-in clerk (view + update-count permissions), REPEAT times; the script
prints the median and the number of queries. Baseline: the same first page with Django's
default paginator, which counts the whole table on every load.

    .venv/bin/python benchmarks/admin_changelist.py [SKUS] [WAREHOUSES]
"""

import statistics
import sys
import time

from harness import setup_django, timed

SKUS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
WAREHOUSES = int(sys.argv[2]) if len(sys.argv) > 2 else 10
REPEAT = 15
setup_django("admin_changelist")

from django.contrib.auth.models import Permission, User  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from apps.inventory.admin import InventoryAdmin  # noqa: E402
from apps.warehouses.models import Warehouse  # noqa: E402

setup_test_environment()
ROWS = SKUS * WAREHOUSES
started = time.perf_counter()
with connection.cursor() as cursor:
    cursor.execute(
        "INSERT INTO catalog_sku (sku_id, name, product_name, ean, ref_id, is_active,"
        " created_at, updated_at)"
        " SELECT n::text, 'Product ' || n, 'Product', (7890000000000 + n)::text, 'REF-' || n,"
        " n %% 50 <> 0, now(), now() FROM generate_series(1, %s) AS n",
        [SKUS],
    )
    cursor.execute(
        "INSERT INTO warehouses_warehouse (warehouse_id, name, priority, is_active,"
        " created_at, updated_at)"
        " SELECT 'wh-' || n, 'Warehouse ' || n, n, true, now(), now()"
        " FROM generate_series(1, %s) AS n",
        [WAREHOUSES],
    )
    # Varied stock: mostly in stock, some low, out of stock, oversold (reserved > total)
    # and unlimited rows.
    cursor.execute(
        "INSERT INTO inventory_inventory (sku_id, warehouse_id, total_quantity,"
        " reserved_quantity, allocated_quantity, unlimited, lead_time, version, updated_at)"
        " SELECT s.id, w.id, (s.id * 7 + w.id) %% 120, r, r, (s.id + w.id) %% 97 = 0,"
        " interval '0', 1, now() - (s.id %% 1000) * interval '1 minute'"
        " FROM catalog_sku s CROSS JOIN warehouses_warehouse w"
        " CROSS JOIN LATERAL (SELECT CASE WHEN (s.id + w.id) %% 53 = 0 THEN 130 ELSE"
        " (s.id + w.id) %% 3 END AS r) AS reserved"
        " ORDER BY s.id, w.id",
        [],
    )
    cursor.execute("VACUUM ANALYZE inventory_inventory")
    cursor.execute("VACUUM ANALYZE catalog_sku")
print(
    f"{ROWS:,} inventory rows ({SKUS:,} SKUs × {WAREHOUSES} warehouses) "
    f"loaded in {time.perf_counter() - started:.0f} s"
)

clerk = User.objects.create_user("clerk", password="pw", is_staff=True)
clerk.user_permissions.add(
    *Permission.objects.filter(codename__in=["view_inventory", "update_count"])
)
client = Client()
client.force_login(clerk)
CHANGELIST = reverse("admin:inventory_inventory_changelist")
middle_sku = str(SKUS // 2)


def measure(label: str, query: str = "") -> None:
    url = f"{CHANGELIST}?{query}" if query else CHANGELIST
    timings = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        rows = len(response.context["cl"].result_list)
    print(
        f"  {label:<44} median {statistics.median(timings):>7.1f} ms"
        f"  (min {min(timings):.1f}, max {max(timings):.1f})"
        f"  {len(queries):>2} queries  {rows} rows"
    )


wh = Warehouse.objects.get(warehouse_id="wh-3").pk
print(f"changelist, {REPEAT} requests each (median; Django test client, PostgreSQL)")
measure("first page")
measure("warehouse-filtered page", f"warehouse__id__exact={wh}")
measure(f"exact SKU search (q={middle_sku})", f"q={middle_sku}")
measure("EAN search", f"q={7890000000000 + SKUS // 3}")
measure("name search (q=Product 4242)", "q=Product+4242")
deep = ROWS // 2 // 100
measure(f"deep page (p={deep}, rows {(deep - 1) * 100 + 1:,}–{deep * 100:,})", f"p={deep}")
measure("stock state: negative", "stock=negative")
measure("stock state: low, one warehouse", f"stock=low&warehouse__id__exact={wh}")
measure("inactive SKUs", "active=no")
measure("sorted by available", "o=5")

page = client.get(CHANGELIST).context["cl"].result_list
counts = {f"count-{inventory.pk}": str(inventory.total_quantity + 1) for inventory in page}
with CaptureQueriesContext(connection) as queries, timed("preview of 100 typed counts"):
    preview = client.post(reverse("admin:inventory_inventory_preview_counts"), counts)
print(f"{'':<58} {len(queries):>9} queries")
saved = {
    **counts,
    **{f"version-{inventory.pk}": str(inventory.version) for inventory in page},
}
with CaptureQueriesContext(connection) as queries, timed("save of 100 counts (one transaction)"):
    saved = client.post(reverse("admin:inventory_inventory_apply_counts"), saved, follow=True)
print(f"{'':<58} {len(queries):>9} queries; {[str(m) for m in saved.context['messages']]}")

InventoryAdmin.paginator = Paginator
print("baseline: Django's default paginator (counts every row on every load)")
measure("first page")
