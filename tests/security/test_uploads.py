"""Uploads to the admin's template import: a file over the size limit, and a zip bomb (a
small .xlsx that expands beyond the limit), are refused with a clear message before they
are read or parsed, and nothing is written. The reader's own checks are unit-tested in
tests/inventory/test_imports.py; these go through the admin view a user posts to."""

import io
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.inventory.models import Inventory
from tests.security.conftest import template_csv, written

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:inventory_inventory_import_template")


@pytest.fixture
def importer(staff):
    return staff("view_inventory", "import_inventory")


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A real workbook whose sheet is padded with whitespace (valid XML) to just over the
    default expanded-size limit: about 0.2 MB on the wire, over 200 MB once unzipped."""
    book = openpyxl.Workbook()
    book.active.append(["sku_id", "warehouse_id", "update_count"])
    plain = io.BytesIO()
    book.save(plain)
    padding, chunk = settings.INVENTORY_IMPORT_MAX_UNCOMPRESSED_BYTES + 1, b" " * (1 << 20)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for name in source.namelist():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, source.read(name))
                continue
            with archive.open(name, "w", force_zip64=True) as sheet:
                sheet.write(source.read(name))
                for start in range(0, padding, len(chunk)):
                    sheet.write(chunk[: padding - start])
    return bomb.getvalue()


@pytest.fixture
def never_parsed(monkeypatch):
    """Fails the test if a workbook is opened at all."""
    calls = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: calls.append(a) or 1 / 0)
    yield
    assert calls == [], "the workbook was parsed"


def uploaded(client, name: str, content: bytes):
    return client.post(IMPORT, {"template": SimpleUploadedFile(name, content)})


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_zip_bomb_is_refused_unparsed_and_nothing_is_written(
    importer, inventory, zip_bomb, never_parsed
):
    with zipfile.ZipFile(io.BytesIO(zip_bomb)) as archive:
        expanded = sum(info.file_size for info in archive.infolist())
    limit = settings.INVENTORY_IMPORT_MAX_UNCOMPRESSED_BYTES
    assert len(zip_bomb) < settings.INVENTORY_IMPORT_MAX_BYTES // 50 and expanded > limit
    before = written()

    response = uploaded(importer, "bomb.xlsx", zip_bomb)

    assert response.status_code == 200
    assert page_messages(response) == [
        f"The workbook expands to {expanded:,} bytes; the limit is {limit:,}. (bomb.xlsx)"
    ]
    assert "Confirm import" not in response.content.decode()
    assert written() == before


def test_upload_over_the_size_limit_is_refused_before_it_is_read(
    importer, inventory, settings, monkeypatch
):
    content = template_csv(inventory) + b"\n" * 200
    settings.INVENTORY_IMPORT_MAX_BYTES = len(content) - 1
    read = []
    monkeypatch.setattr(
        "apps.inventory.admin_templates.inventory_import_preview",
        lambda **kwargs: read.append(kwargs) or 1 / 0,
    )
    before = written()

    response = uploaded(importer, "counts.csv", content)

    assert response.status_code == 200
    assert page_messages(response) == [
        f"The file is {len(content):,} bytes; the limit is {len(content) - 1:,}. (counts.csv)"
    ]
    assert read == []  # refused on the upload's size, not after reading it into memory
    assert written() == before


def test_upload_at_the_size_limit_is_previewed(importer, inventory, settings):
    content = template_csv(inventory)
    settings.INVENTORY_IMPORT_MAX_BYTES = len(content)

    response = uploaded(importer, "counts.csv", content)

    assert "10 → 3" in response.content.decode()
    assert Inventory.objects.get(pk=inventory.pk).total_quantity == 10
