"""Bulk inventory updates (Sellbrite semantics), queued and run by a worker (SPEC §5.2).

Up to ``MAX_RECORDS`` records per call, each with exactly one of ``on_hand`` (a count) or
``available`` (total = available + reserved at processing time). The whole call is refused
before anything is queued if any record breaks that; otherwise one job applies them all
through the set-based service and reports a result per record.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.utils.dateparse import parse_datetime

from apps.core.errors import ApplicationError
from apps.inventory.models import Source
from apps.inventory.planning import Operation, StockChange
from apps.inventory.services import inventory_changes_apply
from apps.jobs.models import Job
from apps.jobs.services import job_create

KIND = "inventory_bulk"
MAX_RECORDS = 50

TOO_MANY = "At most {limit} records per call, got {count}."
NO_RECORDS = "Give at least one record."
BOTH_OR_NEITHER = "Give exactly one of on_hand or available."
MISSING_KEY = "{field} is required."


class BulkRejected(ApplicationError):
    code = "bulk_rejected"


def inventory_bulk_submit(*, records: Sequence[dict[str, Any]], actor: str = "") -> Job:
    """Check the records' shape and queue them as one job, or refuse the whole call.

    Records hold Python values: ``sku_id``, ``warehouse_id``, one of ``on_hand`` /
    ``available``, optional ``unlimited`` (bool), ``lead_time`` (timedelta), ``as_of``
    (aware datetime). Values are checked when the job runs; shapes are checked now.
    """
    if not records:
        raise BulkRejected(NO_RECORDS, extra={"records": NO_RECORDS})
    if len(records) > MAX_RECORDS:
        message = TOO_MANY.format(limit=MAX_RECORDS, count=len(records))
        raise BulkRejected(message, extra={"records": message})
    problems = {index: _shape_problems(record) for index, record in enumerate(records)}
    problems = {index: found for index, found in problems.items() if found}
    if problems:
        raise BulkRejected(
            f"{len(problems)} record(s) are invalid; nothing was queued: records "
            + ", ".join(str(index) for index in problems)
            + ".",
            extra={"records": {str(index): found for index, found in problems.items()}},
        )
    return job_create(
        kind=KIND,
        payload={"records": [_to_json(record) for record in records]},
        total=len(records),
        actor=actor,
    )


def process_bulk_job(job: Job) -> list[dict[str, Any]]:
    """The job handler: apply every record (valid ones land, invalid ones are reported)."""
    records = job.payload["records"]
    plan = inventory_changes_apply(
        changes=[_to_change(record) for record in records],
        source=Source.BULK,
        actor=job.actor,
        reference=f"job:{job.pk}",
    )
    results = []
    for record, outcome in zip(records, plan.outcomes, strict=True):
        result = {
            "index": outcome.index,
            "sku_id": record["sku_id"],
            "warehouse_id": record["warehouse_id"],
            "status": outcome.status.value,
        }
        if outcome.error is not None:
            result["error"] = outcome.error.as_dict()
        else:
            result["total_quantity"] = outcome.after.total
            result["reserved_quantity"] = outcome.after.reserved
            result["available_quantity"] = outcome.after.available
        results.append(result)
    return results


def _shape_problems(record: dict[str, Any]) -> list[str]:
    problems = [
        MISSING_KEY.format(field=f) for f in ("sku_id", "warehouse_id") if not record.get(f)
    ]
    if ("on_hand" in record and record["on_hand"] is not None) == (
        "available" in record and record["available"] is not None
    ):
        problems.append(BOTH_OR_NEITHER)
    return problems


def _to_json(record: dict[str, Any]) -> dict[str, Any]:
    lead_time: timedelta | None = record.get("lead_time")
    as_of: datetime | None = record.get("as_of")
    return {
        "sku_id": record["sku_id"],
        "warehouse_id": record["warehouse_id"],
        "on_hand": record.get("on_hand"),
        "available": record.get("available"),
        "unlimited": record.get("unlimited"),
        "lead_time_seconds": None if lead_time is None else lead_time.total_seconds(),
        "as_of": None if as_of is None else as_of.isoformat(),
    }


def _to_change(record: dict[str, Any]) -> StockChange:
    on_hand = record["on_hand"] is not None
    seconds = record["lead_time_seconds"]
    return StockChange(
        record["sku_id"],
        record["warehouse_id"],
        Operation.COUNT if on_hand else Operation.SET_AVAILABLE,
        record["on_hand"] if on_hand else record["available"],
        unlimited=record["unlimited"],
        lead_time=None if seconds is None else timedelta(seconds=seconds),
        as_of=None if record["as_of"] is None else parse_datetime(record["as_of"]),
    )
