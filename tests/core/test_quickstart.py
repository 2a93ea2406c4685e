"""The quick start on SQLite, run for real in a subprocess: it supervises its processes
(a killed job worker is restarted and the queue keeps moving) and a write that waits out
SQLite's lock answers a clear message, not a debug page."""

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from apps.core.database_busy import DATABASE_BUSY

BOOT_SECONDS = 120


class Console:
    """The quick start's output, read line by line in a thread."""

    def __init__(self, process: subprocess.Popen):
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process):
        for line in process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, seconds: float = BOOT_SECONDS) -> re.Match:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := re.search(pattern, line):
                    return match
            time.sleep(0.2)
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.lines))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def _log_in(base: str, password: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = opener.open(f"{base}/admin/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode(
        {"username": "admin", "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    try:
        response = opener.open(f"{base}/admin/login/?next=/admin/", data=body, timeout=30)
        return response.status, response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def quickstart(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        DJANGO_SQLITE_TIMEOUT="2",
        JOBS_HEARTBEAT_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "quickstart", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        yield process, Console(process), env, f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_quickstart_restarts_a_killed_worker_and_answers_a_lock_timeout_clearly(quickstart):
    process, console, env, base = quickstart
    password = console.wait_for(r"password: (\S+)").group(1)
    worker_pid = int(console.wait_for(r"Started job worker \(pid (\d+)\)").group(1))
    console.wait_for(r"Started web server")

    os.kill(worker_pid, signal.SIGKILL)

    console.wait_for(rf"job worker \(pid {worker_pid}\) was killed by SIGKILL; restarting it")
    console.wait_for(rf"Started job worker \(pid (?!{worker_pid}\))\d+\)")
    job_id = _manage(
        env, "shell", "--no-imports", "-c",
        "from apps.inventory.models import Inventory; "
        "from apps.inventory.bulk_jobs import inventory_bulk_submit; "
        "row = Inventory.objects.select_related('sku', 'warehouse').order_by('pk').first(); "
        "print(inventory_bulk_submit(records=[{'sku_id': row.sku.sku_id, "
        "'warehouse_id': row.warehouse.warehouse_id, 'on_hand': 7}]).pk.hex)",
    )  # fmt: skip
    assert re.fullmatch(r"[0-9a-f]{32}", job_id), job_id
    database = sqlite3.connect(env["DJANGO_SQLITE_PATH"], timeout=30, isolation_level=None)
    query = "SELECT status FROM jobs_job WHERE id = ?"
    status = None
    deadline = time.monotonic() + 60
    while status != "succeeded" and time.monotonic() < deadline:
        time.sleep(0.5)
        status = database.execute(query, [job_id]).fetchone()[0]
    assert status == "succeeded", console.lines

    database.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the timeout
    try:
        locked_status, locked_page = _log_in(base, password)
    finally:
        database.execute("ROLLBACK")
    after_status, after_url = _log_in(base, password)

    assert locked_status == 503
    assert DATABASE_BUSY in locked_page.replace("&#x27;", "'")
    assert "Traceback" not in locked_page
    assert (after_status, after_url) == (200, f"{base}/admin/")
    assert process.poll() is None  # still supervising
