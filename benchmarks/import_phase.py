"""One phase of a template import in a fresh process, as a web or worker process runs it,
so its peak memory is its own. Used by ``template_import.py``:

    python benchmarks/import_phase.py preview FILE     # prints the previewed job's id
    python benchmarks/import_phase.py apply JOB_ID     # confirm, in one transaction
    python benchmarks/import_phase.py worker JOB_ID    # queue it and run it as a worker does

``DATABASE_URL`` names the (already migrated) database. Prints one JSON line: seconds,
peak RSS in MB, and the phase's outcome.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inventory_site.settings")

import django  # noqa: E402

django.setup()

from django.test import override_settings  # noqa: E402

from apps.inventory.imports import inventory_import_confirm, inventory_import_preview  # noqa: E402
from apps.jobs.models import Job  # noqa: E402
from apps.jobs.runner import job_run  # noqa: E402
from apps.jobs.services import job_enqueue  # noqa: E402


def preview(path: str) -> str:
    content = Path(path).read_bytes()
    result = inventory_import_preview(content=content, file_name=Path(path).name)
    return f"{result.job.pk} {len(result.changed)} changed, {result.unchanged_count} unchanged"


def apply(job_id: str) -> str:
    with override_settings(INVENTORY_IMPORT_BACKGROUND_ROWS=10**9):
        job = inventory_import_confirm(job=Job.objects.get(pk=job_id))
    return f"{job.status}: {job.succeeded_count} applied, {job.failed_count} failed"


def worker(job_id: str) -> str:
    job_enqueue(job=Job.objects.get(pk=job_id))
    return job_run(job_id=job_id)


if __name__ == "__main__":
    phase, argument = sys.argv[1:3]
    start = time.perf_counter()
    outcome = {"preview": preview, "apply": apply, "worker": worker}[phase](argument)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "outcome": str(outcome)}))
