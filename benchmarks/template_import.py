"""The spreadsheet template at 100,000 rows on PostgreSQL: export, preview, apply, memory.

Baseline: stock django-import-export (a ModelResource keyed on SKU and warehouse, row by
row) importing a 10,000-row subset of the same file.

    .venv/bin/python benchmarks/template_import.py [ROWS]
"""

import csv
import io
import resource as rusage
import sys

from harness import setup_django, timed

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
setup_django("template_import")

import tablib  # noqa: E402
from django.test import override_settings  # noqa: E402
from import_export import fields, resources, widgets  # noqa: E402

from apps.catalog.models import SKU  # noqa: E402
from apps.inventory.imports import inventory_import_confirm, inventory_import_preview  # noqa: E402
from apps.inventory.models import Inventory, Source  # noqa: E402
from apps.inventory.planning import StockChange  # noqa: E402
from apps.inventory.services import inventory_changes_apply  # noqa: E402
from apps.inventory.spreadsheets import export_template  # noqa: E402
from apps.jobs.services import job_enqueue, job_run  # noqa: E402
from apps.warehouses.models import Warehouse  # noqa: E402

WAREHOUSES = ["north", "south", "east"]
skus = ROWS // len(WAREHOUSES) + 1
SKU.objects.bulk_create(SKU(sku_id=f"S{n:06d}", name=f"Product {n}") for n in range(skus))
Warehouse.objects.bulk_create(Warehouse(warehouse_id=w, name=w.title()) for w in WAREHOUSES)
keys = [(f"S{n:06d}", w) for n in range(skus) for w in WAREHOUSES][:ROWS]
for start in range(0, ROWS, 20_000):
    batch = keys[start : start + 20_000]
    inventory_changes_apply(
        changes=[StockChange(*key, quantity=50) for key in batch], source=Source.SYSTEM
    )
rows = Inventory.objects.with_related().order_by("pk")
print(f"{ROWS:,} inventory rows, PostgreSQL")

with timed("export template, CSV", ROWS, memory=True):
    csv_file = export_template(rows, "csv")
with timed("export template, XLSX", ROWS, memory=True):
    xlsx_file = export_template(rows, "xlsx")
print(f"  sizes: CSV {len(csv_file) / 1e6:.1f} MB, XLSX {len(xlsx_file) / 1e6:.1f} MB")

records = list(csv.DictReader(io.StringIO(csv_file.decode("utf-8-sig"))))
for number, record in enumerate(records):
    record["update_count"] = str(40 + number % 20)
out = io.StringIO()
writer = csv.DictWriter(out, fieldnames=list(records[0]))
writer.writeheader()
writer.writerows(records)
filled = out.getvalue().encode()

with timed("preview (parse, check, plan every row; writes nothing)", ROWS, memory=True):
    preview = inventory_import_preview(content=filled, file_name="counts.csv")
print(
    f"  {len(preview.changed):,} changed, {preview.unchanged_count:,} unchanged, "
    f"{len(preview.errors)} errors"
)

with (
    override_settings(INVENTORY_IMPORT_BACKGROUND_ROWS=10**9),
    timed("apply in one transaction (all or nothing)", ROWS, memory=True),
):
    job = inventory_import_confirm(job=preview.job)
print(f"  job {job.status}: {job.succeeded_count:,} applied, {job.failed_count} failed")

for record in records:
    record["update_count"] = str(int(record["update_count"]) + 1)
out = io.StringIO()
writer = csv.DictWriter(out, fieldnames=list(records[0]))
writer.writeheader()
writer.writerows(records)
second = inventory_import_preview(content=out.getvalue().encode(), file_name="again.csv")
job_enqueue(job=second.job)
with timed("apply as a worker does (batches of 5,000, progress saved)", ROWS, memory=True):
    status = job_run(job_id=str(second.job.pk))
print(f"  job {status}")
peak = rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss / 1024
print(f"peak memory of this whole benchmark process (it also holds the files): {peak:,.0f} MB")


class StockInventoryResource(resources.ModelResource):
    """What django-import-export does out of the box: one row at a time."""

    sku = fields.Field(
        attribute="sku", column_name="sku_id", widget=widgets.ForeignKeyWidget(SKU, "sku_id")
    )
    warehouse = fields.Field(
        attribute="warehouse",
        column_name="warehouse_id",
        widget=widgets.ForeignKeyWidget(Warehouse, "warehouse_id"),
    )
    total_quantity = fields.Field(attribute="total_quantity", column_name="update_count")

    class Meta:
        model = Inventory
        import_id_fields = ("sku", "warehouse")
        fields = ("sku", "warehouse", "total_quantity")


subset = 10_000
dataset = tablib.Dataset(headers=["sku_id", "warehouse_id", "update_count"])
for record in records[:subset]:
    dataset.append([record["sku_id"], record["warehouse_id"], int(record["update_count"]) + 5])
print(f"baseline: stock django-import-export, {subset:,}-row subset")
with timed("  import_data(dry_run=False), row by row", subset):
    result = StockInventoryResource().import_data(dataset, dry_run=False, raise_errors=True)
print(f"  {result.totals}")
