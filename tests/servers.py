"""Real servers for tests that need them (gunicorn, Redis, nginx), each on a free loopback
port chosen by the OS, stopped when the test ends."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from deploy.nginx_local import nginx_config

START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_program(name: str) -> str:
    """The program's path; skipped locally without it, a failure in CI (``.ci/run`` installs
    it)."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin")
    if path is None:
        message = f"needs {name} (apt-get install -y {name}; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def database_url() -> str:
    """The test database, for processes started by the test (PostgreSQL only)."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_until_answering(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args[0]} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args[0]} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


@contextlib.contextmanager
def running(command: list[str], **popen) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(command, **popen)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A private, memory-only Redis; yields its URL."""
    port = free_port()
    command = [require_program("redis-server"), "--port", str(port), "--bind", "127.0.0.1"]
    with running([*command, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL) as p:
        wait_for_port(port, p)
        yield f"redis://127.0.0.1:{port}/0"


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2) -> Iterator[int]:
    """The app under gunicorn with the project's config on the test database; yields its
    port."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "WEB_CONCURRENCY": str(workers),
        **env,
        "PORT": str(port),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "inventory_site/gunicorn.conf.py"]
    with running(
        [*command, "--bind", f"127.0.0.1:{port}", "inventory_site.wsgi"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ) as process:  # fmt: skip
        wait_until_answering(f"http://127.0.0.1:{port}/healthz", process)
        yield port


@contextlib.contextmanager
def nginx(directory: Path, *, upstreams: list[int]) -> Iterator[int]:
    """nginx with the repository's site config in front of ``upstreams``; yields its port."""
    port = free_port()
    config = nginx_config(directory, port=port, upstreams=upstreams)
    command = [require_program("nginx"), "-c", str(config), "-g", "daemon off;"]
    with running(command, stderr=subprocess.DEVNULL) as process:
        wait_for_port(port, process)
        yield port
