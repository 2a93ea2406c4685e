"""Operational behaviour: health endpoint, request ids, logs, production settings."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from apps.core.logging import JsonFormatter, RequestIdFilter
from apps.core.request_id import current_request_id


@pytest.mark.django_db
def test_health_reports_database_and_queue(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["queue"] == {"waiting": 0, "oldest_waiting_seconds": 0, "stalled": 0, "workers": 0}


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_keeps_a_sane_incoming_one(client):
    generated = client.get("/healthz")
    kept = client.get("/healthz", headers={"X-Request-ID": "edge-42"})
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})

    assert len(generated["X-Request-ID"]) == 32
    assert kept["X-Request-ID"] == "edge-42"
    assert replaced["X-Request-ID"] != "bad id <script>"


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("inventory", logging.INFO, __file__, 1, "count saved", None, None)
    token = current_request_id.set("req-7")
    try:
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)

    line = json.loads(JsonFormatter().format(record))

    assert (line["message"], line["request_id"], line["level"]) == ("count saved", "req-7", "INFO")


def test_json_log_lines_keep_extra_fields():
    logger = logging.getLogger("tests.extra")
    record = logger.makeRecord(
        logger.name, logging.WARNING, __file__, 1, "job failed", None, None,
        extra={"job_id": "j-1", "attempt": 3, "worker": object()},
    )  # fmt: skip

    line = json.loads(JsonFormatter().format(record))

    assert (line["message"], line["job_id"], line["attempt"]) == ("job failed", "j-1", 3)
    assert line["worker"].startswith("<object object")
    assert "args" not in line and "levelno" not in line


def _settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "inventory_site.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        (
            {"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "inventory.example"},
            "DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_secrets(env, missing):
    result = _settings_in_subprocess(env)

    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_DEBUG is off." in result.stderr


def test_production_settings_turn_on_secure_cookies_and_hsts():
    result = _settings_in_subprocess(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "inventory.example",
        }
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True"]
