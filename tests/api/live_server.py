"""A real gunicorn (the production server) serving the test database, for what Django's test
client cannot send: chunked bodies, raw framing, real HTTP clients from PyPI.

The server runs ``inventory_site.wsgi`` with production settings (``DJANGO_DEBUG=false``)
and one sync worker, on a port the OS picks, against the test database pytest-django made
(on SQLite a file, see ``tests/conftest.py``). Tests using it write through committed
transactions (``django_db(transaction=True)``) so the server sees their rows, and read the
rows and the ledger back through the ORM.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30


@dataclass(frozen=True)
class LiveServer:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | Iterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """Send one request with ``http.client``; an iterable body goes out chunked
        (``Transfer-Encoding: chunked``, no Content-Length)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            chunked = body is not None and not isinstance(body, bytes)
            conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def json_request(self, method: str, path: str, body=None, headers=None):
        status, response_headers, raw = self.request(method, path, body, headers)
        return status, response_headers, json.loads(raw) if raw else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_environment() -> dict[str, str]:
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        credentials = database["USER"] + password
        url = f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        return {"DATABASE_URL": url}
    return {"DATABASE_URL": "", "DJANGO_SQLITE_PATH": str(database["NAME"])}


def _wait_until_serving(server: subprocess.Popen, live: LiveServer, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            status, _, _ = live.request("GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    server.kill()
    pytest.fail(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def gunicorn_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """A gunicorn serving the test database until the module's tests are done."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
        pytest.skip("the SQLite test database is in memory; gunicorn cannot share it")
    live = LiveServer("127.0.0.1", _free_port())
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {
        **os.environ,
        **_database_environment(),
        "DJANGO_SETTINGS_MODULE": "inventory_site.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "tests-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_CONN_MAX_AGE": "0",
    }
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--config",
                "inventory_site/gunicorn.conf.py",
                "--bind",
                f"{live.host}:{live.port}",
                "--workers",
                "1",
                "--access-logfile",
                "-",
                "inventory_site.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(server, live, log)
        yield live
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
