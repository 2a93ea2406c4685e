"""The inventory template (SPEC §7): exporting it and reading a filled-in one back.

Formats come from django-import-export (CSV, XLSX; XLSX exports are streamed with openpyxl
directly, see ``export_template``). Uploads are checked before they are
parsed (size, type, uncompressed size, row count), and every problem in a row is reported
with its spreadsheet row number and column. Reading a template produces ``StockChange``s
for the set-based services; nothing here writes.
"""

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePath

import tablib
from django.conf import settings
from django.db.models import QuerySet
from import_export.formats import base_formats

from apps.core.errors import ApplicationError
from apps.inventory.durations import format_lead_time, parse_lead_time
from apps.inventory.models import Inventory
from apps.inventory.planning import Operation, StockChange

COLUMNS = (
    "sku_id",
    "sku_name",
    "warehouse_id",
    "warehouse_name",
    "total_quantity",
    "reserved_quantity",
    "available_quantity",
    "unlimited",
    "lead_time",
    "update_count",
)
REQUIRED_COLUMNS = ("sku_id", "warehouse_id", "update_count")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

TOO_LARGE = "The file is {size:,} bytes; the limit is {limit:,}."
WRONG_TYPE = "Unsupported file type {suffix!r}: upload the template as .csv or .xlsx."
NOT_XLSX = "The file is not a readable .xlsx workbook."
NOT_UTF8 = "The .csv file is not UTF-8 text."
EXPANDS_TOO_MUCH = "The workbook expands to {size:,} bytes; the limit is {limit:,}."
TOO_MANY_ROWS = "The file has more than {limit:,} rows."
UNREADABLE = "The file could not be read: {reason}"
MISSING_COLUMNS = "Missing required column(s): {columns}."
REQUIRED = "{column} is required."
NOT_WHOLE = "{column} must be a whole number, got {value!r}."
NEGATIVE = "{column} cannot be negative, got {value}."
NOT_BOOLEAN = "unlimited must be TRUE or FALSE, got {value!r}."
DUPLICATED = "{sku_id} @ {warehouse_id} appears more than once (rows {rows})."


class SpreadsheetRejected(ApplicationError):
    code = "invalid_file"


class BoundedXLSX(base_formats.XLSX):
    """django-import-export's XLSX format, read with calamine (a Rust reader, about ten
    times faster than openpyxl: 100,000 rows in about a second), stopping past
    ``max_rows`` (decompression bombs). Whole numbers come back as ``int`` (spreadsheets
    store every number as a float: SKU id 25 must not read as "25.0")."""

    def __init__(self, max_rows: int):
        super().__init__()
        self.max_rows = max_rows

    def create_dataset(self, in_stream):
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_filelike(BytesIO(in_stream)).get_sheet_by_index(0).iter_rows()
        dataset = tablib.Dataset(headers=[str(v or "").strip() for v in next(rows, ())])
        for count, values in enumerate(rows, start=1):
            if count > self.max_rows:
                raise SpreadsheetRejected(TOO_MANY_ROWS.format(limit=self.max_rows))
            if any(value not in (None, "") for value in values):
                dataset.append(_fit([_whole(value) for value in values], len(dataset.headers)))
        return dataset


def _whole(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


# --- Export ------------------------------------------------------------------------------


def escape_formula(value):
    """Neutralize text a spreadsheet would run as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """Undo ``escape_formula`` on a value read back from the template."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


_EXPORTED = (
    "sku__sku_id",
    "sku__name",
    "warehouse__warehouse_id",
    "warehouse__name",
    "total_quantity",
    "reserved_quantity",
    "available_quantity",
    "unlimited",
    "lead_time",
)


def template_rows(inventories: QuerySet[Inventory]) -> Iterator[tuple]:
    """The template's rows for these inventories (without the header): current figures and
    an empty ``update_count``, text escaped against formulas.

    Streams plain tuples (one query, no model instances), so 100,000 rows stay quick.
    """
    rows = inventories.values_list(*_EXPORTED).iterator(chunk_size=5000)
    for sku_id, sku_name, wh_id, wh_name, total, reserved, available, unlimited, lead in rows:
        yield (
            escape_formula(sku_id),
            escape_formula(sku_name),
            escape_formula(wh_id),
            escape_formula(wh_name),
            total,
            reserved,
            available,
            "TRUE" if unlimited else "FALSE",
            format_lead_time(lead),
            "",
        )


def export_template(inventories: QuerySet[Inventory], file_format: str) -> bytes:
    """The template as a ``csv`` or ``xlsx`` file.

    CSV goes through django-import-export's format; XLSX is streamed with openpyxl's
    write-only mode (the format's in-memory workbook takes twice the time and far more
    memory at 100,000 rows).
    """
    if file_format == "xlsx":
        return _xlsx(template_rows(inventories))
    dataset = tablib.Dataset(*template_rows(inventories), headers=list(COLUMNS))
    return base_formats.CSV().export_data(dataset).encode("utf-8")


def _xlsx(rows: Iterator[tuple]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Inventory")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Import ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class TemplateRows:
    """What a filled-in template asks for: one change per row that names a change."""

    changes: list[StockChange] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # spreadsheet row of each change
    errors: list[RowError] = field(default_factory=list)
    untouched_rows: int = 0  # rows that ask for no change (blank update_count and flags)


def check_upload_size(size: int) -> None:
    """Refuse a file over the upload limit (callers check an upload's size before reading it)."""
    limit = settings.INVENTORY_IMPORT_MAX_BYTES
    if size > limit:
        raise SpreadsheetRejected(TOO_LARGE.format(size=size, limit=limit))


def read_upload(*, content: bytes, file_name: str) -> tablib.Dataset:
    """Check and parse an uploaded template; ``SpreadsheetRejected`` says what is wrong."""
    check_upload_size(len(content))
    suffix = PurePath(file_name).suffix.lower()
    max_rows = settings.INVENTORY_IMPORT_MAX_ROWS
    if suffix == ".xlsx":
        _check_workbook(content)
        reader, data = BoundedXLSX(max_rows), content
    elif suffix == ".csv":
        try:
            data = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SpreadsheetRejected(NOT_UTF8) from None
        if data.count("\n") > max_rows + 1:
            raise SpreadsheetRejected(TOO_MANY_ROWS.format(limit=max_rows))
        reader = base_formats.CSV()
    else:
        raise SpreadsheetRejected(WRONG_TYPE.format(suffix=suffix or file_name))
    try:
        dataset = reader.create_dataset(data)
    except SpreadsheetRejected:
        raise
    except Exception as error:  # any parser failure means an unreadable file
        raise SpreadsheetRejected(UNREADABLE.format(reason=error)) from None
    missing = [c for c in REQUIRED_COLUMNS if c not in (h.strip() for h in dataset.headers or [])]
    if missing:
        raise SpreadsheetRejected(
            MISSING_COLUMNS.format(columns=", ".join(missing)), extra={"columns": missing}
        )
    return dataset


def parse_rows(dataset: tablib.Dataset) -> TemplateRows:
    """Turn template rows into changes, collecting every row problem (nothing is written).

    A row with a blank ``update_count`` only changes ``unlimited``/``lead_time`` (and is
    reported unchanged when they are as they were).
    """
    columns = {header.strip(): index for index, header in enumerate(dataset.headers)}
    parsed = TemplateRows()
    first_row_of: dict[tuple[str, str], int] = {}
    duplicates: dict[tuple[str, str], list[int]] = {}
    for row_number, values in enumerate(dataset, start=2):
        cell = _Cells(values, columns, row_number)
        change = cell.change()
        if cell.errors:
            parsed.errors.extend(cell.errors)
            continue
        if change is None:
            parsed.untouched_rows += 1
            continue
        if change.key in first_row_of:
            duplicates.setdefault(change.key, [first_row_of[change.key]]).append(row_number)
            continue
        first_row_of[change.key] = row_number
        parsed.changes.append(change)
        parsed.rows.append(row_number)
    for (sku_id, warehouse_id), rows in duplicates.items():
        message = DUPLICATED.format(
            sku_id=sku_id, warehouse_id=warehouse_id, rows=", ".join(map(str, rows))
        )
        parsed.errors.extend(RowError(row, "sku_id", message) for row in rows)
    duplicated = {key for key in duplicates}
    kept = [
        (c, r) for c, r in zip(parsed.changes, parsed.rows, strict=True) if c.key not in duplicated
    ]
    parsed.changes, parsed.rows = [c for c, _ in kept], [r for _, r in kept]
    parsed.errors.sort(key=lambda error: (error.row, error.column))
    return parsed


class _Cells:
    """One template row: typed values and the problems found in them."""

    def __init__(self, values, columns: dict[str, int], row: int):
        self.values, self.columns, self.row = values, columns, row
        self.errors: list[RowError] = []

    def text(self, column: str) -> str:
        index = self.columns.get(column)
        value = None if index is None or index >= len(self.values) else self.values[index]
        return "" if value is None else str(value).strip()

    def change(self) -> StockChange | None:
        sku_id = unescape_formula(self.text("sku_id"))
        warehouse_id = unescape_formula(self.text("warehouse_id"))
        if not any(self.text(column) for column in self.columns):
            return None  # an empty line
        for column, value in (("sku_id", sku_id), ("warehouse_id", warehouse_id)):
            if not value:
                self._error(column, REQUIRED.format(column=column))
        count = self._whole_number("update_count")
        unlimited = self._boolean("unlimited")
        lead_time = self._lead_time()
        if self.errors:
            return None
        if count is None:
            if unlimited is None and lead_time is None:
                return None
            return StockChange(
                sku_id, warehouse_id, Operation.SETTINGS, unlimited=unlimited, lead_time=lead_time
            )
        return StockChange(
            sku_id, warehouse_id, quantity=count, unlimited=unlimited, lead_time=lead_time
        )

    def _whole_number(self, column: str) -> int | None:
        raw = self.text(column)
        if not raw:
            return None
        if not re.fullmatch(r"[+-]?\d+(\.0+)?", raw):
            self._error(column, NOT_WHOLE.format(column=column, value=raw))
            return None
        number = int(float(raw)) if "." in raw else int(raw)
        if number < 0:
            self._error(column, NEGATIVE.format(column=column, value=number))
            return None
        return number

    def _boolean(self, column: str) -> bool | None:
        raw = self.text(column).lower()
        if not raw:
            return None
        if raw in {"true", "yes", "1", "y"}:
            return True
        if raw in {"false", "no", "0", "n"}:
            return False
        self._error(column, NOT_BOOLEAN.format(value=self.text(column)))
        return None

    def _lead_time(self):
        raw = self.text("lead_time")
        if not raw:
            return None
        try:
            return parse_lead_time(raw)
        except ValueError as error:
            self._error("lead_time", str(error))
            return None

    def _error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))


def _check_workbook(content: bytes) -> None:
    """Refuse workbooks that are not zip files or that expand beyond the limit."""
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise SpreadsheetRejected(NOT_XLSX) from None
    limit = settings.INVENTORY_IMPORT_MAX_UNCOMPRESSED_BYTES
    if expanded > limit:
        raise SpreadsheetRejected(EXPANDS_TOO_MUCH.format(size=expanded, limit=limit))


def _fit(values, width: int) -> list:
    values = list(values)[:width]
    return values + [None] * (width - len(values))
