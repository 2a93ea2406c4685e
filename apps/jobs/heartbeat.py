"""Worker heartbeats: each job worker process records that it is alive, and which job it
is running, every ``JOBS_HEARTBEAT_SECONDS``; stalled jobs are then seen in seconds.

The heartbeat runs in a thread of the worker (``db_worker`` starts it), with its own
database connection, so a long job does not delay it. After each beat it calls ``after_beat``
(``db_worker`` passes ``jobs_retry_lost``), so recovery needs no other process.
"""

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.jobs.models import Worker

logger = logging.getLogger(__name__)

_current: "Heartbeat | None" = None


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str, after_beat: Callable[[], object]):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id, self.after_beat = worker_id, after_beat
        self.job_id: str | None = None
        self.started_at = timezone.now()
        self._stopping = threading.Event()

    def beat(self) -> None:
        now = timezone.now()  # before reading the job: see selectors.stalled_jobs
        job_id = self.job_id
        Worker.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "last_seen_at": now,
                "job_id": job_id,
            },
        )

    def run(self) -> None:
        try:
            while not self._stopping.wait(settings.JOBS_HEARTBEAT_SECONDS):
                try:
                    self.beat()
                    self.after_beat()
                except Exception:  # the database may be restarting: beat again later
                    logger.warning("Worker heartbeat failed", exc_info=True)
                    connection.close()
        finally:
            connection.close()

    def stop(self) -> None:
        """Stop beating and forget this worker (it exits cleanly, it is not lost)."""
        self._stopping.set()
        self.join()
        with contextlib.suppress(Exception):
            Worker.objects.filter(worker_id=self.worker_id).delete()


@contextlib.contextmanager
def beating(worker_id: str, *, after_beat: Callable[[], object]) -> Iterator[Heartbeat]:
    """Run the body (a worker's loop) with a heartbeat for ``worker_id``."""
    global _current
    heartbeat = Heartbeat(worker_id, after_beat)
    heartbeat.beat()  # seen before it takes its first job
    heartbeat.start()
    _current = heartbeat
    try:
        yield heartbeat
    finally:
        _current = None
        heartbeat.stop()


@contextlib.contextmanager
def working_on(job_id: str) -> Iterator[None]:
    """Report ``job_id`` as this worker's job in its heartbeats while the body runs."""
    if _current is not None:
        _current.job_id = job_id
    try:
        yield
    finally:
        if _current is not None:
            _current.job_id = None
