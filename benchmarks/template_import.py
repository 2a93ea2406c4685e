"""The spreadsheet template at 100,000 rows on PostgreSQL: export, preview, apply, memory.

Baseline: stock django-import-export (a ModelResource keyed on SKU and warehouse, row by
row) importing a 10,000-row subset of the same file.

    .venv/bin/python benchmarks/template_import.py [ROWS]
"""

import atexit
import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import setup_django, timed

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
WORKDIR = Path(tempfile.mkdtemp(prefix="template_import_"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
setup_django("template_import")

import openpyxl  # noqa: E402
import tablib  # noqa: E402
from import_export import fields, resources, widgets  # noqa: E402

from apps.catalog.models import SKU  # noqa: E402
from apps.inventory.models import Inventory, Source  # noqa: E402
from apps.inventory.planning import StockChange  # noqa: E402
from apps.inventory.services import inventory_changes_apply  # noqa: E402
from apps.inventory.spreadsheets import export_template  # noqa: E402
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


def filled(name: str, bump: int) -> Path:
    """The exported template with every ``update_count`` filled in, saved as ``name``."""
    for number, record in enumerate(records):
        record["update_count"] = str(40 + bump + number % 20)
    path = WORKDIR / name
    if path.suffix == ".xlsx":
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(list(records[0]))
        for record in records:
            sheet.append([int(v) if v.isdigit() else v for v in record.values()])
        workbook.save(path)
    else:
        with path.open("w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
    return path


def phase(label: str, name: str, argument: str) -> str:
    """Run one phase in a fresh process (``import_phase.py``); print its time and peak."""
    script = Path(__file__).resolve().parent / "import_phase.py"
    done = subprocess.run(
        [sys.executable, str(script), name, str(argument)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.splitlines()[-1])
    print(
        f"{label:<58} {result['seconds'] * 1000:>9,.0f} ms"
        f"  ({ROWS / result['seconds']:,.0f} rows/s)  peak RSS {result['peak_mb']:,.0f} MB"
    )
    print(f"  {result['outcome']}")
    return result["outcome"].split()[0]


print("each phase below in a fresh process, as a web or worker process runs it:")
phase("preview of an .xlsx (parse, check, plan; writes nothing)", "preview", filled("a.xlsx", 0))
job_id = phase(
    "preview of a .csv (parse, check, plan; writes nothing)", "preview", filled("a.csv", 0)
)
phase("apply in one transaction (all or nothing)", "apply", job_id)
job_id = phase("preview of the next .csv", "preview", filled("b.csv", 1))
phase("apply as a worker does (batches of 5,000, progress saved)", "worker", job_id)


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
