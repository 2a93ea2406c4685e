"""Shared set-up for benchmark scripts: a throwaway PostgreSQL database and Django.

``BENCH_PG`` (default ``postgres://postgres@127.0.0.1:5432``) names the server (a script
may pass another one to ``setup_django``); each run creates its own database, migrates it,
and drops it at exit.
"""

import atexit
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def setup_django(name: str, server: str | None = None) -> str:
    """Create database ``bench_<name>_<pid>`` on ``server`` (default ``BENCH_PG``), point
    Django at it, migrate; return its URL."""
    server = (server or SERVER).rstrip("/")
    database = f"bench_{name}_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    url = f"{server}/{database}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inventory_site.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    atexit.register(_drop, database, server)
    return url


def _drop(database: str, server: str = SERVER) -> None:
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@contextmanager
def timed(label: str, rows: int | None = None, *, memory: bool = False):
    """Print how long the block took (and rows per second when ``rows`` is given); with
    ``memory``, also the process's peak resident memory during the block, sampled every
    10 ms, and how much of it the block added."""
    sampler = _RssSampler() if memory else None
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    rate = f"  ({rows / elapsed:,.0f} rows/s)" if rows else ""
    print(f"{label:<58} {elapsed * 1000:>9,.0f} ms{rate}")
    if sampler:
        before, peak = sampler.stop()
        added = peak - before
        print(f"  peak RSS {peak:,.0f} MB ({added:+,.0f} MB over the {before:,.0f} MB before)")


class _RssSampler:
    _PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20

    def __init__(self):
        self.before = self.peak = self._rss()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _rss(self) -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self._PAGE_MB

    def _run(self) -> None:
        while not self._done.wait(0.01):
            self.peak = max(self.peak, self._rss())

    def stop(self) -> tuple[float, float]:
        self._done.set()
        self._thread.join()
        return self.before, max(self.peak, self._rss())
