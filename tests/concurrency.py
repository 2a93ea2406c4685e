"""Run callables in real threads, each with its own database connection."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection


def run_concurrently(tasks: list[Callable[[], object]]) -> list[object]:
    """Start all ``tasks`` together; return each one's result or the exception it raised."""
    barrier = threading.Barrier(len(tasks))

    def run(task):
        try:
            barrier.wait()
            return task()
        except Exception as error:  # reported to the test, which asserts on it
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return list(pool.map(run, tasks))
