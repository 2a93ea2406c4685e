"""The inventory template: export, fill in, preview, confirm — with real CSV and XLSX files."""

import csv
import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.test import override_settings

from apps.inventory.imports import (
    ImportNotConfirmable,
    inventory_import_confirm,
    inventory_import_preview,
)
from apps.inventory.models import Inventory, Movement
from apps.inventory.planning import StockChange
from apps.inventory.services import inventory_change_apply
from apps.inventory.spreadsheets import COLUMNS, SpreadsheetRejected, export_template
from apps.jobs.models import JobStatus
from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    warehouse = WarehouseFactory(warehouse_id="main")
    return [
        stocked(10, sku=SKUFactory(sku_id="A1", name="Blue mug"), warehouse=warehouse),
        stocked(5, sku=SKUFactory(sku_id="B2", name='=HYPERLINK("x")'), warehouse=warehouse),
        stocked(0, sku=SKUFactory(sku_id="C3", name="Red mug"), warehouse=warehouse),
    ]


def exported(file_format: str) -> bytes:
    return export_template(Inventory.objects.with_related().order_by("sku__sku_id"), file_format)


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def to_csv(records: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode()


def to_xlsx(records: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for record in records:
        book.active.append(record)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview_a1_to_7_and_c3_to_9(file_name: str):
    """The exported template with A1 counted 7 and C3 counted 9, previewed."""
    records = csv_rows(exported("csv"))
    records[0]["update_count"], records[2]["update_count"] = "7", "9"
    return inventory_import_preview(content=to_csv(records), file_name=file_name)


def test_csv_export_has_the_template_columns_current_values_and_escaped_formulas(rows):
    records = csv_rows(exported("csv"))

    assert list(records[0]) == list(COLUMNS)
    assert [(r["sku_id"], r["total_quantity"], r["update_count"]) for r in records] == [
        ("A1", "10", ""),
        ("B2", "5", ""),
        ("C3", "0", ""),
    ]
    assert records[1]["sku_name"] == '\'=HYPERLINK("x")'


def test_xlsx_export_writes_no_live_formula(rows):
    sheet = openpyxl.load_workbook(io.BytesIO(exported("xlsx"))).active

    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Blue mug", '\'=HYPERLINK("x")', "Red mug"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_csv_round_trip_previews_without_writing_then_applies_exactly(rows):
    records = csv_rows(exported("csv"))
    records[0]["update_count"] = "7"
    records[2]["update_count"] = "0"  # unchanged
    records[1]["lead_time"] = "2"

    preview = inventory_import_preview(
        content=to_csv(records), file_name="counts.csv", actor="user:ann"
    )

    assert preview.errors == []
    assert [(row, o.before.total, o.after.total, o.delta) for row, o in preview.changed] == [
        (2, 10, 7, -3),
        (3, 5, 5, 0),
    ]
    assert preview.unchanged_count == 1
    assert Movement.objects.count() == 2  # the fixture's two non-zero counts: nothing new

    job = inventory_import_confirm(job=preview.job)

    assert job.status == JobStatus.SUCCEEDED
    totals = dict(Inventory.objects.values_list("sku__sku_id", "total_quantity"))
    assert totals == {"A1": 7, "B2": 5, "C3": 0}
    assert Inventory.objects.get(sku__sku_id="B2").lead_time == timedelta(days=2)
    movement = Movement.objects.filter(source="import").get(inventory__sku__sku_id="A1")
    assert (movement.delta, movement.actor, movement.reference) == (
        -3,
        "user:ann",
        "import:counts.csv",
    )


def test_xlsx_round_trip_applies(rows):
    sheet = openpyxl.load_workbook(io.BytesIO(exported("xlsx"))).active
    records = [list(row) for row in sheet.iter_rows(values_only=True)]
    records[3][COLUMNS.index("update_count")] = 4  # C3, as a number cell

    preview = inventory_import_preview(content=to_xlsx(records), file_name="counts.xlsx")
    inventory_import_confirm(job=preview.job)

    assert Inventory.objects.get(sku__sku_id="C3").total_quantity == 4


@pytest.mark.parametrize(
    ("update_count", "message"),
    [
        ("abc", "update_count must be a whole number, got 'abc'."),
        ("2.5", "update_count must be a whole number, got '2.5'."),
        ("-1", "update_count cannot be negative, got -1."),
    ],
)
def test_bad_counts_are_row_errors_and_block_confirmation(rows, update_count, message):
    records = csv_rows(exported("csv"))
    records[1]["update_count"] = update_count

    preview = inventory_import_preview(content=to_csv(records), file_name="counts.csv")

    assert [(e.row, e.column, e.message) for e in preview.errors] == [(3, "update_count", message)]
    assert not preview.can_confirm and preview.job is None


def test_unknown_sku_and_warehouse_are_reported_with_row_and_column(rows):
    records = csv_rows(exported("csv"))
    records[0]["sku_id"], records[0]["update_count"] = "ZZ9", "1"
    records[2]["warehouse_id"], records[2]["update_count"] = "nowhere", "1"

    preview = inventory_import_preview(content=to_csv(records), file_name="counts.csv")

    assert [(e.row, e.column, e.message) for e in preview.errors] == [
        (2, "sku_id", "SKU 'ZZ9' does not exist."),
        (4, "warehouse_id", "Warehouse 'nowhere' does not exist."),
    ]


def test_duplicated_rows_are_errors_on_every_copy(rows):
    records = csv_rows(exported("csv"))
    records[0]["update_count"] = "1"
    records.append({**records[0], "update_count": "2"})

    preview = inventory_import_preview(content=to_csv(records), file_name="counts.csv")

    assert [(e.row, e.column) for e in preview.errors] == [(2, "sku_id"), (5, "sku_id")]
    assert preview.errors[0].message == "A1 @ main appears more than once (rows 2, 5)."


def test_missing_required_column_rejects_the_file(rows):
    records = [
        {k: v for k, v in r.items() if k != "update_count"} for r in csv_rows(exported("csv"))
    ]

    with pytest.raises(SpreadsheetRejected, match=r"Missing required column\(s\): update_count."):
        inventory_import_preview(content=to_csv(records), file_name="counts.csv")


@pytest.mark.parametrize(
    ("content", "file_name", "message"),
    [
        (b"sku_id,warehouse_id\n", "counts.txt", "Unsupported file type '.txt'"),
        (b"not a zip", "counts.xlsx", "The file is not a readable .xlsx workbook."),
        ("é".encode("latin-1") + b",x\n", "counts.csv", "The .csv file is not UTF-8 text."),
    ],
)
def test_wrong_or_unreadable_files_are_rejected(content, file_name, message):
    with pytest.raises(SpreadsheetRejected, match=message):
        inventory_import_preview(content=content, file_name=file_name)


@override_settings(INVENTORY_IMPORT_MAX_BYTES=100)
def test_oversized_upload_is_rejected_before_parsing(rows):
    with pytest.raises(SpreadsheetRejected, match="the limit is 100"):
        inventory_import_preview(content=exported("csv"), file_name="counts.csv")


@override_settings(INVENTORY_IMPORT_MAX_UNCOMPRESSED_BYTES=10_000)
def test_workbook_that_expands_too_much_is_rejected_unparsed():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 100_000)

    with pytest.raises(SpreadsheetRejected, match="expands to 600,000 bytes"):
        inventory_import_preview(content=bomb.getvalue(), file_name="bomb.xlsx")


@override_settings(INVENTORY_IMPORT_MAX_ROWS=5)
def test_too_many_rows_are_rejected():
    records = [COLUMNS] + [[f"S{n}", "", "main", "", 0, 0, 0, "FALSE", "", 1] for n in range(6)]

    with pytest.raises(SpreadsheetRejected, match="more than 5 rows"):
        inventory_import_preview(content=to_xlsx(records), file_name="counts.xlsx")


def test_row_changed_since_the_preview_is_reported_and_nothing_applied(rows):
    preview = preview_a1_to_7_and_c3_to_9("counts.csv")
    inventory_change_apply(change=StockChange("C3", "main", quantity=1), source="api")

    job = inventory_import_confirm(job=preview.job)

    assert job.status == JobStatus.FAILED
    assert job.error == "1 row(s) changed since the preview; nothing was applied."
    assert [(r["row"], r["error"]["code"]) for r in job.results] == [(4, "stale_count")]
    totals = dict(Inventory.objects.values_list("sku__sku_id", "total_quantity"))
    assert totals == {"A1": 10, "B2": 5, "C3": 1}


def test_a_confirmed_import_cannot_be_confirmed_again(rows):
    records = csv_rows(exported("csv"))
    records[0]["update_count"] = "7"
    preview = inventory_import_preview(content=to_csv(records), file_name="counts.csv")
    inventory_import_confirm(job=preview.job)

    with pytest.raises(ImportNotConfirmable):
        inventory_import_confirm(job=preview.job)


@pytest.mark.django_db(transaction=True)
@override_settings(INVENTORY_IMPORT_BACKGROUND_ROWS=1)
def test_large_import_runs_in_the_worker_in_batches_with_progress(rows, monkeypatch):
    monkeypatch.setattr("apps.inventory.imports.BATCH_SIZE", 1)
    preview = preview_a1_to_7_and_c3_to_9("big.csv")

    job = inventory_import_confirm(job=preview.job)
    assert job.status == JobStatus.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.processed, job.total, job.progress_percent) == (
        JobStatus.SUCCEEDED,
        2,
        2,
        100,
    )
    assert (job.succeeded_count, job.failed_count, job.results) == (2, 0, [])
    totals = dict(Inventory.objects.values_list("sku__sku_id", "total_quantity"))
    assert totals == {"A1": 7, "B2": 5, "C3": 9}


@pytest.mark.django_db(transaction=True)
@override_settings(INVENTORY_IMPORT_BACKGROUND_ROWS=1)
def test_background_import_with_a_row_changed_since_the_preview_applies_nothing(rows):
    preview = preview_a1_to_7_and_c3_to_9("big.csv")
    inventory_change_apply(change=StockChange("A1", "main", quantity=3), source="api")

    job = inventory_import_confirm(job=preview.job)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert [(r["row"], r["error"]["code"]) for r in job.results] == [(2, "stale_count")]
    totals = dict(Inventory.objects.values_list("sku__sku_id", "total_quantity"))
    assert totals == {"A1": 3, "B2": 5, "C3": 0}


def test_xlsx_numbers_typed_by_a_spreadsheet_app_read_as_whole_numbers():
    """Spreadsheet apps turn a SKU id like 25 into a number cell, stored as a float."""
    stocked(3, sku=SKUFactory(sku_id="25"), warehouse=WarehouseFactory(warehouse_id="main"))
    records = [COLUMNS, [25, "", "main", "", 3, 0, 3, "FALSE", "", 7.0]]

    preview = inventory_import_preview(content=to_xlsx(records), file_name="counts.xlsx")

    assert preview.errors == []
    assert [
        (row, outcome.change.key, outcome.change.quantity) for row, outcome in preview.changed
    ] == [(2, ("25", "main"), 7)]
