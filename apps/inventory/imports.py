"""Importing a filled-in inventory template: preview, then confirm (SPEC §7).

The preview parses the file, plans every row with the set-based planner (nothing is
written) and keeps what it showed in a job awaiting confirmation: the changes and the
version of each row the user saw. Confirming applies them through the count service:
small files at once in one transaction, large ones in a worker, batch by batch with a
progress bar. A file with any row error cannot be confirmed; a row changed by someone else
since the preview is reported and nothing is applied (the user previews again).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from apps.core.batching import chunked
from apps.core.errors import Conflict
from apps.inventory.models import Source
from apps.inventory.planning import ChangeStatus, Operation, Plan, PlannedChange, StockChange
from apps.inventory.selectors import inventory_changes_plan, inventory_versions
from apps.inventory.services import inventory_changes_apply
from apps.inventory.spreadsheets import RowError, TemplateRows, parse_rows, read_upload
from apps.jobs.models import Job, JobStatus
from apps.jobs.runner import job_checkpoint, job_finish
from apps.jobs.services import job_create, job_enqueue

KIND = "inventory_import"
BATCH_SIZE = 5000
"""Rows applied and committed (with the progress) per step of a background import."""
SQLITE_BATCH_SIZE = 500
"""The same on SQLite, whose one writer at a time blocks every other write: a 5,000-row
batch held the write lock ~25 s (others give up after the 30 s busy timeout), 500 ~2.5 s."""
ERROR_COLUMNS = {"unknown_sku": "sku_id", "unknown_warehouse": "warehouse_id"}

NOT_CONFIRMABLE = "This import has errors or was already confirmed; upload the file again."
CHANGED_SINCE_PREVIEW = "{count} row(s) changed since the preview; nothing was applied."


class ImportNotConfirmable(Conflict):
    code = "import_not_confirmable"


@dataclass
class ImportPreview:
    """A previewed file: every row's outcome, in spreadsheet row order."""

    job: Job | None
    template: TemplateRows
    plan: Plan

    @property
    def errors(self) -> list[RowError]:
        return sorted(
            self.template.errors + [_row_error(row, o) for row, o in self._rows() if o.error],
            key=lambda error: (error.row, error.column),
        )

    @property
    def changed(self) -> list[tuple[int, PlannedChange]]:
        return [(row, o) for row, o in self._rows() if o.status is ChangeStatus.CHANGED]

    @property
    def unchanged_count(self) -> int:
        return len(self.plan.unchanged) + self.template.untouched_rows

    @property
    def summary(self) -> str:
        """E.g. "2 rows will change, 1 skipped (unchanged or blank), 0 errors."."""
        changed, errors = len(self.changed), len(self.errors)
        return (
            f"{changed} row{'s' * (changed != 1)} will change, "
            f"{self.unchanged_count} skipped (unchanged or blank), "
            f"{errors} error{'s' * (errors != 1)}."
        )

    @property
    def can_confirm(self) -> bool:
        return self.job is not None and not self.errors

    def _rows(self):
        return zip(self.template.rows, self.plan.outcomes, strict=True)


def inventory_import_preview(*, content: bytes, file_name: str, actor: str = "") -> ImportPreview:
    """Read, check and plan a template; keep it for confirmation if it has no errors.

    Raises ``SpreadsheetRejected`` for a file that cannot be read at all.
    """
    template = parse_rows(read_upload(content=content, file_name=file_name))
    plan = inventory_changes_plan(changes=template.changes)
    preview = ImportPreview(job=None, template=template, plan=plan)
    if not preview.errors:
        preview.job = job_create(
            kind=KIND,
            payload={"changes": [_to_json(row, outcome) for row, outcome in preview.changed]},
            total=len(preview.changed),
            actor=actor,
            reference=file_name,
            queue=False,
        )
    return preview


def inventory_import_confirm(*, job: Job) -> Job:
    """Apply a previewed import: now if it is small, else queue it for a worker."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job.pk, kind=KIND).first()
        if job is None or job.status != JobStatus.PREVIEWED:
            raise ImportNotConfirmable(NOT_CONFIRMABLE)
        if job.total > settings.INVENTORY_IMPORT_BACKGROUND_ROWS:
            job_enqueue(job=job)
            return job
        refused = _apply(job, job.payload["changes"], all_or_nothing=True)
        if refused:  # nothing was applied
            error = CHANGED_SINCE_PREVIEW.format(count=len(refused))
            job_finish(job=job, results=refused, error=error)
        else:
            job_finish(job=job, results=[], processed=job.total)
    return job


def process_import_job(job: Job) -> list[dict[str, Any]]:
    """The worker's side of a large import: refuse it whole if any row changed since the
    preview, else apply it in batches, each committed with its progress."""
    changes = job.payload["changes"]
    if job.processed == 0:
        stale = _stale_rows(changes)
        if stale:
            with transaction.atomic():
                job_checkpoint(job=job, done_before=0, done=len(stale), results=stale)
            return job.results
    size = BATCH_SIZE if connection.vendor == "postgresql" else min(BATCH_SIZE, SQLITE_BATCH_SIZE)
    for start in range(job.processed, len(changes), size):
        batch = changes[start : start + size]
        with transaction.atomic():
            refused = _apply(job, batch, all_or_nothing=False)
            job_checkpoint(job=job, done_before=start, done=len(batch), results=refused)
    return job.results


def _apply(job: Job, changes: list[dict], *, all_or_nothing: bool) -> list[dict[str, Any]]:
    """Apply ``changes``; return the rows that were refused (with ``all_or_nothing``, any
    refusal means nothing was applied)."""
    plan = inventory_changes_apply(
        changes=[_from_json(change) for change in changes],
        source=Source.IMPORT,
        actor=job.actor,
        reference=f"import:{job.reference}"[:255],
        all_or_nothing=all_or_nothing,
    )
    return [
        _refusal(change, outcome)
        for change, outcome in zip(changes, plan.outcomes, strict=True)
        if outcome.error is not None
    ]


def _stale_rows(changes: list[dict]) -> list[dict[str, Any]]:
    """Rows whose inventory changed since the preview, checked without locks: versions are
    compared in one query, and only the rows that moved on are planned again, for the
    reason each is refused. (A row that did not exist then has version 0.)"""
    versions = inventory_versions([(c["sku_id"], c["warehouse_id"]) for c in changes])
    moved = [
        change
        for change in changes
        if versions.get((change["sku_id"], change["warehouse_id"]), 0) != change["expected_version"]
    ]
    stale = []
    for chunk in chunked(moved):
        plan = inventory_changes_plan(changes=[_from_json(change) for change in chunk])
        stale += [
            _refusal(change, outcome)
            for change, outcome in zip(chunk, plan.outcomes, strict=True)
            if outcome.error is not None
        ]
    return stale


def _refusal(change: dict, outcome: PlannedChange) -> dict[str, Any]:
    return {
        "row": change["row"],
        "sku_id": change["sku_id"],
        "warehouse_id": change["warehouse_id"],
        "status": "error",
        "error": outcome.error.as_dict(),
    }


def _row_error(row: int, outcome: PlannedChange) -> RowError:
    return RowError(
        row, ERROR_COLUMNS.get(outcome.error.code, "update_count"), outcome.error.message
    )


def _to_json(row: int, outcome: PlannedChange) -> dict[str, Any]:
    change = outcome.change
    return {
        "row": row,
        "sku_id": change.sku_id,
        "warehouse_id": change.warehouse_id,
        "operation": change.operation.value,
        "quantity": change.quantity,
        "unlimited": change.unlimited,
        "lead_time_seconds": None if change.lead_time is None else change.lead_time.total_seconds(),
        "expected_version": outcome.before.version,
    }


def _from_json(change: dict[str, Any]) -> StockChange:
    seconds = change["lead_time_seconds"]
    return StockChange(
        change["sku_id"],
        change["warehouse_id"],
        Operation(change["operation"]),
        change["quantity"],
        unlimited=change["unlimited"],
        lead_time=None if seconds is None else timedelta(seconds=seconds),
        expected_version=change["expected_version"],
    )
