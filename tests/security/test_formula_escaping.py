"""Exports escape formulas (OWASP CSV injection): text starting with =, +, -, @, tab or
carriage return comes out of the admin's template download, CSV and XLSX, prefixed with
an apostrophe, and the XLSX holds no live formula. tests/inventory/test_imports.py checks
a leading "=" in the exporter; here every prefix, in every text column, through the view."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import SKUFactory, WarehouseFactory, stocked

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]
PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list, not the app's constant
TEXT_COLUMNS = ("sku_id", "sku_name", "warehouse_id", "warehouse_name")


@pytest.fixture
def exporter(staff):
    return staff("view_inventory", "export_inventory")


@pytest.fixture
def hostile_rows():
    """One row per dangerous prefix, in the SKU name and also in the ids and warehouse name."""
    for n, text in enumerate(DANGEROUS):
        stocked(
            n,
            sku=SKUFactory(sku_id=f"{text}-{n}", name=text),
            warehouse=WarehouseFactory(warehouse_id=f"{text}wh{n}", name=text),
        )


def download(client, file_format: str) -> bytes:
    response = client.get(
        reverse("admin:inventory_inventory_download_template", args=[file_format])
    )
    assert response.status_code == 200
    return response.content


def assert_neutralised(records: list[dict]) -> None:
    """Each text cell is the apostrophe then the original text."""
    assert sorted(r["sku_name"] for r in records) == sorted("'" + text for text in DANGEROUS)
    for record in records:
        for column in TEXT_COLUMNS:
            value = record[column]
            assert value.startswith("'") and value[1:].startswith(PREFIXES), (
                column,
                value,
            )


def test_csv_export_neutralises_every_formula_prefix(exporter, hostile_rows):
    content = download(exporter, "csv").decode("utf-8-sig")

    records = list(csv.DictReader(io.StringIO(content, newline="")))

    assert len(records) == len(DANGEROUS)
    assert_neutralised(records)


def test_xlsx_export_neutralises_every_formula_prefix_and_has_no_formula(exporter, hostile_rows):
    sheet = openpyxl.load_workbook(io.BytesIO(download(exporter, "xlsx"))).active
    header, *rows = sheet.iter_rows()

    records = [{h.value: cell.value for h, cell in zip(header, row, strict=True)} for row in rows]

    assert len(records) == len(DANGEROUS)
    assert_neutralised(records)
    assert [c.coordinate for row in rows for c in row if c.data_type == "f"] == []
