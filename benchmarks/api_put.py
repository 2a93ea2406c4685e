"""Throughput and latency of the VTEX PUT under gunicorn on PostgreSQL, beside a minimal
plain-Django view doing one UPDATE, in the same run.

    apt-get install -y wrk          # the load generator (Debian package)
    .venv/bin/python benchmarks/api_put.py [SECONDS] [CONNECTIONS]

A throwaway database (see harness.py) gets 1,000 SKUs with stock in one warehouse and a
write API key. gunicorn serves the site with ``WEB_CONCURRENCY`` sync workers (default
2 × cores + 1, as in production) and ``DJANGO_DEBUG=false``; wrk, in its own process,
PUTs a random quantity to a random SKU (every request is a real change: auth, validation,
row lock, ledger movement). The baseline view parses the body and runs one UPDATE, with
no auth and no ledger. The rate limit is turned off for the run.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from harness import ROOT, setup_django

SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 15
CONNECTIONS = int(sys.argv[2]) if len(sys.argv) > 2 else 16
SKUS = 1000
PORT = int(os.environ.get("BENCH_PORT", "8765"))

if shutil.which("wrk") is None:
    sys.exit("wrk is not installed: apt-get install -y wrk")

url = setup_django("api_put")

from apps.api.services import api_key_create  # noqa: E402
from apps.catalog.models import SKU  # noqa: E402
from apps.inventory.models import Inventory, Movement, Source  # noqa: E402
from apps.inventory.planning import StockChange  # noqa: E402
from apps.inventory.services import inventory_changes_apply  # noqa: E402
from apps.warehouses.models import Warehouse  # noqa: E402

SKU.objects.bulk_create(SKU(sku_id=str(n), name=f"SKU {n}") for n in range(1, SKUS + 1))
Warehouse.objects.create(warehouse_id="bench", name="Bench")
inventory_changes_apply(
    changes=[StockChange(str(n), "bench", quantity=10) for n in range(1, SKUS + 1)],
    source=Source.SYSTEM,
)
issued = api_key_create(name="bench", can_write=True)

LUA = """
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local skus, path_of, body_of = %(skus)d, %(path)s, %(body)s
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-VTEX-API-AppKey"] = "%(app_key)s"
wrk.headers["X-VTEX-API-AppToken"] = "%(token)s"
request = function()
  local sku = math.random(1, skus)
  return wrk.format(nil, path_of(sku), nil, body_of(math.random(0, 100000)))
end
"""
API_PATH = 'function(s) return "/api/logistics/pvt/inventory/skus/" .. s .. "/warehouses/bench" end'
PLAIN_PATH = 'function(s) return "/bench/plain/" .. s .. "/bench" end'
API_BODY = (
    "function(q) return '{\"quantity\": ' .. q .. "
    '\', "unlimitedQuantity": false, "leadTime": "1.00:00:00"}\' end'
)
PLAIN_BODY = "function(q) return '{\"quantity\": ' .. q .. '}' end"


LOG_PATH = Path(tempfile.gettempdir()) / f"api_put_gunicorn_{os.getpid()}.log"


def start_gunicorn() -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.api_put_site",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "ERROR",
        "API_RATE_LIMIT": "",
        "PORT": str(PORT),
    }
    log = LOG_PATH.open("w")  # gunicorn's errors, if it fails to start
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "inventory_site/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--max-requests",
            "0",
            "inventory_site.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"gunicorn did not start; see {LOG_PATH}")


def wrk(path_fn: str, body_fn: str, seconds: int) -> dict[str, str]:
    script = LUA % {
        "skus": SKUS,
        "path": path_fn,
        "body": body_fn,
        "app_key": issued.key.app_key,
        "token": issued.token,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            handle.name,
            f"http://127.0.0.1:{PORT}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(handle.name)
    found = {
        "rps": re.search(r"Requests/sec:\s+([\d.]+)", out).group(1),
        "p50": re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1),
        "p99": re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1),
        "requests": re.search(r"(\d+) requests in", out).group(1),
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    found["errors"] = errors.group(1) if errors else "0"
    return found


server = start_gunicorn()
try:
    movements_before = Movement.objects.count()
    results = {}
    for label, path_fn, body_fn in (
        ("plain Django view, one UPDATE (baseline)", PLAIN_PATH, PLAIN_BODY),
        ("VTEX PUT (auth, validation, lock, ledger)", API_PATH, API_BODY),
    ):
        wrk(path_fn, body_fn, 3)  # warm-up: workers import, connect, fill caches
        results[label] = wrk(path_fn, body_fn, SECONDS)
finally:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)

workers = os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) * 2 + 1))
print(
    f"gunicorn {workers} sync workers, wrk 2 threads × {CONNECTIONS} connections, "
    f"{SECONDS} s each, PostgreSQL, {SKUS:,} SKUs"
)
print(f"{'':<44} {'req/s':>9} {'p50':>9} {'p99':>9} {'non-2xx':>8}")
for label, r in results.items():
    print(f"{label:<44} {r['rps']:>9} {r['p50']:>9} {r['p99']:>9} {r['errors']:>8}")

movements = Movement.objects.count() - movements_before
print(f"ledger: {movements:,} movements written by the PUT runs (warm-up included)")
assert Inventory.objects.filter(warehouse__warehouse_id="bench").count() == SKUS
