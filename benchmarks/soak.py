"""Soak test: several processes behind nginx, on one PostgreSQL and one Redis, lose nothing
under load and faults.

    .venv/bin/python benchmarks/soak.py [--duration 75] [--clients 6] [--settle 330]
        [--pg-url postgres://postgres@127.0.0.1:5433] [--pg-cluster "15 soak"]

It restarts PostgreSQL, so it runs on a cluster of its own, never on one others use:
``--pg-url`` (or ``SOAK_PG``, default ``postgres://postgres@127.0.0.1:5433``) is the
server, ``--pg-cluster`` (or ``SOAK_PG_CLUSTER``, default ``"<version> soak"``) the
``pg_ctlcluster`` version and name restarted once (run as root); the harness refuses a
cluster whose port is not the URL's. Such a cluster, once:

    pg_createcluster 15 soak --port 5433 -- --auth-local=trust --auth-host=trust
    pg_ctlcluster --skip-systemctl-redirect 15 soak start

nginx (Debian's, with ``deploy/nginx-inventory.conf``) listens on ``SOAK_PORT`` (default
8790), the two web servers on the next two ports, its own memory-only ``redis-server`` on
the one after (loopback only). It stops by itself and removes its processes and its
throwaway database (see harness.py).

What it does:

1. A throwaway database with 200 SKUs × 2 warehouses in stock and a read+write API key.
2. Two gunicorn web servers (two sync workers each, own port) behind nginx, sharing the
   rate limit through Redis (``REDIS_URL``, a limit high enough never to refuse), two
   ``db_worker`` job workers (heartbeat every second, lost after 5 s) and one
   ``run_periodic --every 5 --stalled-minutes 0.2``. Like a process supervisor, the
   harness restarts any of them that exits by itself (and reports it).
3. ``--clients`` client processes send a mixed load for ``--duration`` seconds through
   nginx (which spreads it over both web servers): VTEX PUT counts, native deltas and transactions,
   reservations (create, then confirm or cancel), bulk jobs of 50 records and reads.
   Every write carries a fresh ``Idempotency-Key``; on a connection error, a 5xx or a 409
   ``idempotency_in_flight`` the client sends the same request with the same key again,
   as an ERP does, for up to 30 s; writes still unanswered are retried by the harness
   after the load for up to ``--settle`` seconds (a key left "in flight" by a request that
   died is released after 5 minutes).
4. Faults during the load: at 27% of it (20 s of 75) a burst of bulk jobs, then SIGKILL of
   a job worker while it runs one (a replacement is started); at 40% (30 s of 75) a Redis
   restart (its counters are lost); at 53% (40 s of 75) one PostgreSQL restart.
5. After the load every bulk job must finish, then the database is checked:

   - ``inventory_discrepancies()`` (as ``check_inventory``): totals equal their ledger,
     reserved equals what reservations and allocations hold;
   - exactly once: per row, the deltas of the acknowledged deltas and transactions (what
     the clients were told happened) equal the ``api`` adjust/increment/decrement movements
     in the ledger — a retry re-applied instead of replayed, or an acknowledged write
     lost, shows as a difference;
   - each acknowledged reservation exists with the status last acknowledged, and no
     reservation exists that was not acknowledged;
   - one job per acknowledged bulk call, every one finished (succeeded or partially
     failed), none queued or running.

It prints the figures and exits non-zero if any check fails.
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlsplit

SKUS = 200
WAREHOUSES = ("wh-a", "wh-b")
PROXY_PORT = int(os.environ.get("SOAK_PORT", "8790"))
PORTS = (PROXY_PORT + 1, PROXY_PORT + 2)  # the web servers
REDIS_PORT = PROXY_PORT + 3
KILL_AT, REDIS_AT, RESTART_AT = 0.27, 0.40, 0.53  # fractions of --duration
RETRY_WINDOW = 30.0  # seconds a client keeps retrying one request
HTTP_TIMEOUT = 15.0
VTEX = "/api/logistics/pvt/inventory"
BULK = "/api/v1/inventories/bulk"
ROOT = Path(__file__).resolve().parent.parent
DELTA_KINDS = ("adjust", "increment", "decrement")
RETRYABLE_409 = "idempotency_in_flight"


# --- HTTP client (runs in the client processes and in the harness) ---------------------------


class Client:
    """One ERP-like caller: retries a write with the same key until it gets an answer."""

    def __init__(self, name: str, auth: dict[str, str], t0: float, seed: int):
        self.name, self.t0 = name, t0
        self.rng = random.Random(seed)
        self.headers = {**auth, "Content-Type": "application/json", "Accept": "application/json"}
        self.stats = Counter()
        self.incidents = []  # requests that needed a retry: when, why, how they ended
        self.deltas = []  # (sku, warehouse, signed delta) of acknowledged deltas/transactions
        self.reservations = {}  # reservation id -> status last acknowledged
        self.bulk_jobs = []  # acknowledged job ids
        self.unresolved = []  # writes still without an answer after RETRY_WINDOW
        self.anomalies = []

    def now(self) -> float:
        return time.time() - self.t0

    def perform(self, kind, method, path, body=None, key=None, window=RETRY_WINDOW):
        """Send until a definitive answer (2xx or 4xx other than in-flight); return
        ``(status, json, attempts)``, status ``None`` when the window ran out."""
        write = method != "GET"
        key = key or (f"{self.name}-{uuid.uuid4()}" if write else None)
        self.stats[f"op:{kind}"] += 1
        started, attempts, failures = time.time(), 0, []
        while True:
            attempts += 1
            self.stats["http"] += 1
            if attempts > 1:
                self.stats["retries"] += 1
            status, payload, headers = self._send(method, path, body, key)
            failure = _failure(status, payload)
            if failure is None:
                break
            failures.append(failure)
            self.stats[f"error:{failure}"] += 1
            if time.time() - started > window:
                status = None
                break
            time.sleep(min(0.2 * 2 ** min(attempts, 4), 2.0) * (0.5 + self.rng.random()))
        self.stats[f"status:{status // 100}xx" if status else "status:unanswered"] += 1
        if headers.get("Idempotent-Replayed") == "true":
            self.stats["replays"] += 1
        if failures:
            self.incidents.append(
                {
                    "t": started - self.t0,
                    "kind": kind,
                    "failures": failures,
                    "attempts": attempts,
                    "took": time.time() - started,
                    "outcome": "unanswered" if status is None else f"{status // 100}xx",
                    "replayed": headers.get("Idempotent-Replayed") == "true",
                }
            )
        if status is None and write:
            self.unresolved.append(
                {"kind": kind, "method": method, "path": path, "body": body, "key": key}
            )
        return status, payload, attempts

    def _send(self, method, path, body, key):
        port = PROXY_PORT
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = key
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
                return response.status, _json(response.read()), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, _json(error.read()), dict(error.headers)
        except (
            OSError,
            urllib.error.URLError,
            ConnectionError,
        ) as error:  # refused, reset, timeout
            return None, {"error": type(error).__name__}, {}

    # --- what an acknowledged answer means ---

    def record(self, kind, status, payload, attempts, meta) -> None:
        if status is None or not 200 <= status < 300:
            if kind == "reserve" and status == 409 and attempts > 1:
                # reservation_exists on a retry: an earlier attempt was applied and its key
                # was forgotten instead of replayed.
                self.anomalies.append(f"reservation {meta['id']}: 409 on retry {payload}")
                self.reservations[meta["id"]] = "authorized"
            return
        if kind in ("delta", "transaction"):
            self.deltas.append((meta["sku"], meta["wh"], meta["delta"]))
        elif kind in ("reserve", "confirm", "cancel"):
            self.reservations[meta["id"]] = payload["status"]
        elif kind == "bulk":
            self.bulk_jobs.append(payload["id"])

    def report(self) -> dict:
        return {
            "stats": self.stats,
            "incidents": self.incidents,
            "deltas": self.deltas,
            "reservations": self.reservations,
            "bulk_jobs": self.bulk_jobs,
            "unresolved": self.unresolved,
            "anomalies": self.anomalies,
        }


def _json(raw: bytes):
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return {"raw": raw[:200].decode(errors="replace")}


def _failure(status, payload) -> str | None:
    """Why an answer calls for a retry with the same key, or None if it is definitive."""
    if status is None:
        return "connection"
    if status >= 500:
        return "5xx"
    if status == 409 and isinstance(payload, dict) and payload.get("code") == RETRYABLE_409:
        return "409_in_flight"
    return None


# --- the load --------------------------------------------------------------------------------


def _row(rng):
    return str(rng.randint(1, SKUS)), rng.choice(WAREHOUSES)


def op_put_count(c: Client):
    sku, wh = _row(c.rng)
    body = {"quantity": c.rng.randint(150, 300), "unlimitedQuantity": False, "leadTime": "1"}
    c.perform("put_count", "PUT", f"{VTEX}/skus/{sku}/warehouses/{wh}", body)


def op_delta(c: Client):
    sku, wh = _row(c.rng)
    delta = c.rng.choice((-3, -2, -1, 1, 2, 3, 4, 5))
    result = c.perform(
        "delta", "PATCH", f"/api/v1/inventories/{sku}/{wh}", {"updateQuantity": delta}
    )
    c.record("delta", *result, {"sku": sku, "wh": wh, "delta": delta})


def op_transaction(c: Client):
    sku, wh = _row(c.rng)
    action, quantity = c.rng.choice(("increment", "decrement")), c.rng.randint(1, 5)
    body = {"action": action, "quantity": quantity}
    result = c.perform("transaction", "POST", f"/api/v1/inventories/{sku}/{wh}/transactions", body)
    delta = quantity if action == "increment" else -quantity
    c.record("transaction", *result, {"sku": sku, "wh": wh, "delta": delta})


def op_reserve(c: Client):
    reservation_id = f"soak-{c.name}-{c.stats['op:reserve']}"
    rows = {_row(c.rng) for _ in range(c.rng.randint(1, 2))}
    items = [{"sku_id": s, "warehouse_id": w, "quantity": c.rng.randint(1, 3)} for s, w in rows]
    body = {"reservation_id": reservation_id, "items": items}
    result = c.perform("reserve", "POST", "/api/v1/reservations", body)
    c.record("reserve", *result, {"id": reservation_id})


def op_transition(c: Client):
    open_ = [r for r, s in c.reservations.items() if s in ("authorized", "confirmed")]
    if not open_:
        return op_reserve(c)
    reservation_id = c.rng.choice(open_)
    action = "cancel" if c.reservations[reservation_id] == "confirmed" else None
    action = action or c.rng.choice(("confirm", "confirm", "cancel"))
    result = c.perform(action, "POST", f"/api/v1/reservations/{reservation_id}/{action}")
    c.record(action, *result, {"id": reservation_id})


def bulk_body(rng) -> dict:
    rows = rng.sample([(str(s), w) for s in range(1, SKUS + 1) for w in WAREHOUSES], 50)
    field = rng.choice(("on_hand", "available"))
    return {
        "records": [{"sku_id": s, "warehouse_id": w, field: rng.randint(150, 300)} for s, w in rows]
    }


def op_bulk(c: Client):
    result = c.perform("bulk", "POST", BULK, bulk_body(c.rng))
    c.record("bulk", *result, {})


def op_read_list(c: Client):
    c.perform("read_list", "GET", "/api/v1/inventories?page_size=50")


def op_read_sku(c: Client):
    c.perform("read_sku", "GET", f"{VTEX}/skus/{c.rng.randint(1, SKUS)}")


OPERATIONS = (
    (op_put_count, 20),
    (op_delta, 15),
    (op_transaction, 20),
    (op_reserve, 10),
    (op_transition, 8),
    (op_bulk, 4),
    (op_read_list, 8),
    (op_read_sku, 15),
)


def client_run(index: int, auth: dict, t0: float, deadline: float) -> dict:
    """A client process: random operations until the deadline; returns what it saw."""
    client = Client(f"c{index}", auth, t0, seed=index)
    functions, weights = zip(*OPERATIONS, strict=True)
    while time.time() < deadline:
        client.rng.choices(functions, weights)[0](client)
    return client.report()


# --- processes ---------------------------------------------------------------------------------


class Processes:
    """The site's processes, started and (like a supervisor) restarted when they exit."""

    def __init__(self, database_url: str, log_dir: Path, t0_ref):
        self.log_dir, self.t0_ref = log_dir, t0_ref
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "inventory_site.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "soak-test-only-" + uuid.uuid4().hex,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SSL_REDIRECT": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
            "API_RATE_LIMIT": "1000000/min",  # counted in Redis, never reached
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "JOBS_HEARTBEAT_SECONDS": "1",
            "JOBS_STALLED_AFTER_SECONDS": "5",
            "WEB_CONCURRENCY": "2",
        }
        self.running: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, list[str]] = {}
        self.events: list[str] = []
        self.restarts = Counter()

    def start(self, name: str, command: list[str]) -> None:
        self.commands[name] = command
        log = (self.log_dir / f"{name}.log").open("a")
        self.running[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_all(self) -> None:
        from deploy.nginx_local import nginx_config

        bin_dir = Path(sys.executable).parent
        manage = [sys.executable, "manage.py"]
        self.start("redis", REDIS_COMMAND)
        nginx_dir = self.log_dir / "nginx"
        nginx_dir.mkdir()
        config = nginx_config(nginx_dir, port=PROXY_PORT, upstreams=list(PORTS))
        self.start("nginx", [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(config),
                             "-g", "daemon off;"])  # fmt: skip
        for port in PORTS:
            gunicorn = [str(bin_dir / "gunicorn"), "-c", "inventory_site/gunicorn.conf.py"]
            self.start(f"web-{port}", [*gunicorn, "--bind", f"127.0.0.1:{port}", *WSGI_ARGS])
        for n in (1, 2):
            self.start(f"worker-{n}", worker_command(manage, n))
        self.start(
            "periodic", [*manage, "run_periodic", "--every", "5", "--stalled-minutes", "0.2"]
        )
        for port in (*PORTS, PROXY_PORT):
            wait_healthy(port, self.log_dir)

    def kill(self, name: str) -> int:
        process = self.running.pop(name)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return process.pid

    def supervise(self) -> None:
        """Start again any process that exited by itself (as systemd's Restart= would)."""
        for name, process in list(self.running.items()):
            if process.poll() is not None:
                self.restarts[name] += 1
                self.events.append(
                    f"t={self.t0_ref():5.1f} s  {name} exited by itself "
                    f"(code {process.returncode}); restarted"
                )
                self.start(name, self.commands[name])

    def stop_all(self) -> None:
        for process in self.running.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.running.clear()


REDIS_COMMAND = [
    "redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
    "--appendonly", "no",
]  # fmt: skip
WSGI_ARGS = ["--max-requests", "0", "--access-logfile", "/dev/null", "inventory_site.wsgi"]


def worker_command(manage: list[str], n: int) -> list[str]:
    return [*manage, "db_worker", "--no-reload", "--no-startup-delay", "--worker-id", f"soak-{n}"]


def wait_healthy(port: int, log_dir: Path) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"web server on port {port} did not start; see {log_dir}")


# --- faults ------------------------------------------------------------------------------------


def kill_worker_with_jobs(procs: Processes, harness: Client, now) -> dict:
    """Queue a burst of bulk jobs, SIGKILL worker 1 while it runs one, start worker 3."""
    from django_tasks_db.models import DBTaskResult

    from apps.jobs.models import Job

    for _ in range(16):
        harness.record("bulk", *harness.perform("bulk", "POST", BULK, bulk_body(harness.rng)), {})
    running, give_up = [], time.time() + 15
    while not running and time.time() < give_up:
        # Its task claimed by soak-1 and the job's "running" committed: the work is under way.
        tasks = DBTaskResult.objects.filter(status="RUNNING", worker_ids__contains=["soak-1"])
        job_ids = [t["args"][0] for t in tasks.values_list("args_kwargs", flat=True)]
        running = list(Job.objects.filter(pk__in=job_ids, status="running"))
        if not running:
            time.sleep(0.005)
    pid = procs.kill("worker-1")
    at = now()
    statuses = dict(Job.objects.filter(pk__in=[j.pk for j in running]).values_list("pk", "status"))
    waiting = Job.objects.filter(status="queued").count()
    procs.start("worker-3", worker_command([sys.executable, "manage.py"], 3))
    return {
        "at": at,
        "pid": pid,
        "jobs": {str(k): v for k, v in statuses.items()},
        "queued": waiting,
        "finished": {},
    }


def restart_redis(procs: Processes) -> None:
    """Stop Redis (its counters go with it) and start it again on the same port."""
    procs.kill("redis")
    procs.start("redis", REDIS_COMMAND)
    for _ in range(50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", REDIS_PORT)) == 0:
                return
        time.sleep(0.1)


def killed_job_traces(kill: dict) -> dict[str, tuple[int, int]]:
    """Per killed job: its queue entries (the killed one is left "RUNNING" for good) and
    its ledger movements (one per changed record, none twice)."""
    from django_tasks_db.models import DBTaskResult

    from apps.inventory.models import Movement

    traces = {}
    for job_id in kill["jobs"]:
        entries = DBTaskResult.objects.filter(args_kwargs__args=[job_id])
        movements = Movement.objects.filter(reference=f"job:{job_id}").count()
        traces[job_id] = (dict(Counter(entries.values_list("status", flat=True))), movements)
    return traces


def default_cluster() -> str:
    return os.environ.get("SOAK_PG_CLUSTER") or f"{sorted(os.listdir('/etc/postgresql'))[0]} soak"


def check_cluster(cluster: str, pg_url: str) -> list[str]:
    """``[version, name]`` of the cluster to restart; refuse one that is not the URL's."""
    version, name = cluster.split()
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header", version, name], capture_output=True, text=True
    )
    fields = listing.stdout.split()
    url_port = str(urlsplit(pg_url).port or 5432)
    if listing.returncode or len(fields) < 4 or fields[3] != "online":
        raise SystemExit(f"cluster {cluster!r} is not online: {listing.stdout or listing.stderr}")
    if fields[2] != url_port:
        raise SystemExit(
            f"cluster {cluster!r} listens on port {fields[2]}, not on {pg_url}'s {url_port}: "
            "refusing to restart a cluster the soak does not run on"
        )
    return [version, name]


def check_ports_free() -> None:
    for port in (PROXY_PORT, *PORTS, REDIS_PORT):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise SystemExit(f"port {port} is in use; set SOAK_PORT to another first port")


def restart_postgres(cluster: list[str]) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "restart"],
        check=True,
        timeout=120,
        capture_output=True,
    )


def track_killed_jobs(kill: dict, now) -> None:
    """Note when the jobs that were running on the killed worker finish."""
    from apps.jobs.models import Job

    pending = [j for j in kill["jobs"] if j not in kill["finished"]]
    for pk, status, attempts in Job.objects.filter(pk__in=pending).values_list(
        "pk", "status", "attempts"
    ):
        if status in ("succeeded", "partially_failed", "failed"):
            kill["finished"][str(pk)] = (now(), status, attempts)


def safely(function, *args):
    """Run a harness query on a fresh connection if PostgreSQL restarted since the last one;
    while it is down, skip the query (None) and try again next time."""
    from django.db import DatabaseError, connections

    for _ in range(2):
        try:
            return function(*args)
        except DatabaseError:
            connections.close_all()
    return None


# --- after the load ----------------------------------------------------------------------------


def settle(harness: Client, unresolved: list[dict], seconds: float) -> list[dict]:
    """Retry the writes left unanswered (same key) until answered or ``seconds`` pass."""
    left, deadline = list(unresolved), time.time() + seconds
    while left and time.time() < deadline:
        still = []
        for request in left:
            status, payload, attempts = harness.perform(
                request["kind"],
                request["method"],
                request["path"],
                request["body"],
                key=request["key"],
                window=0,
            )
            if status is None:
                harness.unresolved.pop()  # perform() listed it again
                still.append(request)
            else:
                request["answer"], request["answered_at"] = status, harness.now()
                harness.record(request["kind"], status, payload, attempts, meta_of(request))
        left = still
        if left:
            time.sleep(5)
    return left


def wait_for_jobs(harness: Client, job_ids: list[str], seconds: float) -> dict[str, str]:
    """Poll each job's status URL until it finishes; return the last status of each."""
    statuses, deadline = {}, time.time() + seconds
    pending = list(job_ids)
    while pending and time.time() < deadline:
        for job_id in list(pending):
            status, payload, _ = harness.perform("job_status", "GET", f"/api/v1/jobs/{job_id}")
            if status == 200:
                statuses[job_id] = payload["status"]
                if payload["status"] in ("succeeded", "partially_failed", "failed"):
                    pending.remove(job_id)
        if pending:
            time.sleep(1)
    return statuses


def check_invariants() -> list[str]:
    from apps.inventory.selectors import inventory_discrepancies

    return [d.describe() for d in inventory_discrepancies()]


def check_exactly_once(deltas) -> list[str]:
    """Rows whose ``api`` delta movements do not add up to the acknowledged deltas."""
    from django.db.models import Sum

    from apps.inventory.models import Movement

    problems = []
    expected = defaultdict(int)
    for sku, wh, delta in deltas:
        expected[(sku, wh)] += delta
    ledger = {
        (row["inventory__sku__sku_id"], row["inventory__warehouse__warehouse_id"]): row["net"]
        for row in Movement.objects.filter(source="api", kind__in=DELTA_KINDS)
        .values("inventory__sku__sku_id", "inventory__warehouse__warehouse_id")
        .annotate(net=Sum("delta"))
    }
    for row in sorted(set(expected) | set(ledger)):
        if expected.get(row, 0) != ledger.get(row, 0):
            problems.append(
                f"{row[0]} @ {row[1]}: acknowledged deltas sum to {expected.get(row, 0)}, "
                f"the ledger's api deltas to {ledger.get(row, 0)}"
            )
    return problems


def check_reservations(acknowledged: dict[str, str]) -> list[str]:
    from apps.reservations.models import Reservation

    stored = dict(
        Reservation.objects.filter(reservation_id__startswith="soak-").values_list(
            "reservation_id", "status"
        )
    )
    problems = [
        f"reservation {rid}: acknowledged {status}, stored {stored.get(rid, 'missing')}"
        for rid, status in acknowledged.items()
        if stored.get(rid) != status
    ]
    problems += [
        f"reservation {rid} exists but was never acknowledged"
        for rid in stored.keys() - acknowledged.keys()
    ]
    return problems


def check_jobs(acknowledged: list[str]) -> list[str]:
    from django.db.models import Count

    from apps.inventory.bulk_jobs import KIND
    from apps.inventory.models import Movement
    from apps.jobs.models import Job

    stored = dict(Job.objects.filter(kind=KIND).values_list("pk", "status"))
    stored = {str(k): v for k, v in stored.items()}
    problems = [f"job {j} acknowledged but missing" for j in set(acknowledged) - stored.keys()]
    problems += [
        f"job {j} exists but was never acknowledged" for j in stored.keys() - set(acknowledged)
    ]
    problems += [
        f"job {j} is {s}" for j, s in stored.items() if s not in ("succeeded", "partially_failed")
    ]
    twice = (
        Movement.objects.filter(source="bulk")
        .values("reference", "inventory")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    problems += [
        f"{t['reference']} changed inventory {t['inventory']} {t['n']} times" for t in twice
    ]
    return problems


# --- report ------------------------------------------------------------------------------------


def merge(reports: list[dict]) -> dict:
    merged = {"stats": Counter(), "incidents": [], "deltas": [], "reservations": {}}
    merged.update(bulk_jobs=[], unresolved=[], anomalies=[])
    for report in reports:
        merged["stats"].update(report["stats"])
        for key in ("incidents", "deltas", "bulk_jobs", "unresolved", "anomalies"):
            merged[key] += report[key]
        merged["reservations"].update(report["reservations"])
    return merged


def describe_window(incidents, start, end) -> str:
    hit = [i for i in incidents if start <= i["t"] <= end]
    if not hit:
        return "no request needed a retry"
    failures = Counter(f for i in hit for f in i["failures"])
    outcomes = Counter(i["outcome"] for i in hit)
    replayed = sum(i["replayed"] for i in hit)
    return (
        f"{len(hit)} requests needed retries ({dict(failures)}); "
        f"outcome after retry {dict(outcomes)}, {replayed} of them answered by a replay; "
        f"longest {max(i['took'] for i in hit):.1f} s, "
        f"most attempts {max(i['attempts'] for i in hit)}"
    )


def print_figures(m: dict, clients: int, duration: float, kill, redis, restart, procs) -> None:
    stats = m["stats"]
    print(f"\n=== soak: {duration:.0f} s of load, {clients} client processes ===")
    ops = {k[3:]: v for k, v in sorted(stats.items()) if k.startswith("op:")}
    print("operations:", ", ".join(f"{k} {v}" for k, v in ops.items()))
    print(
        f"HTTP requests: {stats['http']:,} ({stats['http'] / duration:,.0f}/s overall), "
        f"{stats['retries']} retries, {stats['replays']} replays (Idempotent-Replayed: true)"
    )
    classes = {k[7:]: v for k, v in sorted(stats.items()) if k.startswith("status:")}
    print("final answers:", ", ".join(f"{k} {v}" for k, v in classes.items()))
    errors = {k[6:]: v for k, v in sorted(stats.items()) if k.startswith("error:")}
    print("failed attempts (retried):", errors or "none")
    if kill:
        finished = kill["finished"]
        print(
            f"worker kill: soak-1 (pid {kill['pid']}) SIGKILLed at t={kill['at']:.1f} s with "
            f"{len(kill['jobs'])} job(s) running {kill['jobs']} and {kill['queued']} queued; "
            f"{len(finished)}/{len(kill['jobs'])} finished afterwards: "
            + ", ".join(
                f"{j[:8]} {s} at t={t:.1f} s after {a} attempt(s)"
                for j, (t, s, a) in finished.items()
            )
        )
        for job_id, (entries, movements) in kill.get("traces", {}).items():
            print(
                f"  job {job_id[:8]}: queue entries {entries}, {movements} ledger movement(s) "
                f"referencing it; run_periodic: {kill.get('requeues') or 'no requeue logged'}"
            )
    if redis:
        print(
            f"Redis restart: t={redis[0]:.1f}–{redis[1]:.1f} s; then: "
            + describe_window(m["incidents"], redis[0] - 1, redis[1] + 5)
        )
    if restart:
        print(
            f"PostgreSQL restart: t={restart[0]:.1f}–{restart[1]:.1f} s; in flight then: "
            + describe_window(m["incidents"], restart[0] - 2, restart[1] + 15)
        )
    others = [
        i for i in m["incidents"] if not (restart and restart[0] - 2 <= i["t"] <= restart[1] + 15)
    ]
    print("outside the restart window:", describe_window(others, 0, 1e9))
    print("process events:", procs.events or "none")
    print(f"anomalies reported by clients: {m['anomalies'] or 'none'}")


# --- main --------------------------------------------------------------------------------------


def seed():
    from apps.api.services import api_key_create
    from apps.catalog.models import SKU
    from apps.inventory.models import Source
    from apps.inventory.planning import StockChange
    from apps.inventory.services import inventory_changes_apply
    from apps.warehouses.models import Warehouse

    SKU.objects.bulk_create(SKU(sku_id=str(n), name=f"SKU {n}") for n in range(1, SKUS + 1))
    for wh in WAREHOUSES:
        Warehouse.objects.create(warehouse_id=wh, name=wh)
    inventory_changes_apply(
        changes=[
            StockChange(str(n), wh, quantity=200) for n in range(1, SKUS + 1) for wh in WAREHOUSES
        ],
        source=Source.SYSTEM,
    )
    issued = api_key_create(name="soak", can_read=True, can_write=True)
    return {"X-VTEX-API-AppKey": issued.key.app_key, "X-VTEX-API-AppToken": issued.token}


def run_load(args, procs, auth, t0, harness):
    """Clients in their own processes; meanwhile supervise and inject the two faults."""
    now = lambda: time.time() - t0  # noqa: E731
    deadline = t0 + args.duration
    pool = get_context("spawn").Pool(args.clients)
    try:
        pending = pool.starmap_async(
            client_run, [(n, auth, t0, deadline) for n in range(args.clients)]
        )
        kill = redis = restart = None
        while not pending.ready():
            procs.supervise()
            if kill is None and now() >= KILL_AT * args.duration:
                kill = kill_worker_with_jobs(procs, harness, now)
            if redis is None and now() >= REDIS_AT * args.duration:
                began = now()
                restart_redis(procs)
                redis = (began, now())
            if restart is None and now() >= RESTART_AT * args.duration:
                began = now()
                restart_postgres(args.cluster)
                restart = (began, now())
            if kill:
                safely(track_killed_jobs, kill, now)
            if now() > args.duration + 2 * RETRY_WINDOW + HTTP_TIMEOUT + 30:
                raise SystemExit("clients did not stop in time")
            time.sleep(0.2)
        return pending.get(), kill, redis, restart
    finally:
        pool.terminate()
        pool.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=75)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--settle", type=float, default=330)
    parser.add_argument(
        "--pg-url", default=os.environ.get("SOAK_PG", "postgres://postgres@127.0.0.1:5433")
    )
    parser.add_argument("--pg-cluster", default=None, help='e.g. "15 soak" (pg_lsclusters)')
    args = parser.parse_args()
    args.cluster = check_cluster(args.pg_cluster or default_cluster(), args.pg_url)
    check_ports_free()

    from harness import setup_django

    database_url = setup_django("soak", args.pg_url)
    auth = seed()
    log_dir = Path(tempfile.mkdtemp(prefix="soak_"))
    clock = {"t0": time.time()}
    now = lambda: time.time() - clock["t0"]  # noqa: E731
    procs = Processes(database_url, log_dir, now)
    try:
        procs.start_all()
        clock["t0"] = time.time()
        harness = Client("harness", auth, clock["t0"], seed=999)
        reports, kill, redis, restart = run_load(args, procs, auth, clock["t0"], harness)
        duration = now()
        load = merge([*reports, harness.report()])
        settler = Client("settler", auth, clock["t0"], seed=998)
        left = settle(settler, load["unresolved"], args.settle)
        merged = merge([load, settler.report()])
        if kill:
            wait_for_killed_jobs(procs, kill, now, 120)
        job_statuses = wait_for_jobs(settler, merged["bulk_jobs"], 180)
        if kill:
            kill["traces"] = safely(killed_job_traces, kill) or {}
            periodic = (log_dir / "periodic.log").read_text().splitlines()
            kill["requeues"] = [line for line in periodic if "stalled job" in line]
        procs.supervise()
    finally:
        procs.stop_all()
    print_figures(load, len(reports), duration, kill, redis, restart, procs)
    print(
        f"unanswered writes after the load: {len(merged['unresolved'])}; "
        f"answered when retried later: {len(merged['unresolved']) - len(left)}"
    )
    for request in merged["unresolved"]:
        print(
            f"  {request['kind']} {request['path']}: "
            + (
                f"answered {request['answer']} at t={request['answered_at']:.0f} s"
                if "answer" in request
                else "never answered"
            )
        )
    print(
        f"bulk jobs acknowledged: {len(merged['bulk_jobs'])}, "
        f"last seen status: {dict(Counter(job_statuses.values()))}"
    )
    print(f"server logs: {log_dir}")
    return verdict(merged, left)


def wait_for_killed_jobs(procs: Processes, kill: dict, now, seconds: float) -> None:
    deadline = time.time() + seconds
    while len(kill["finished"]) < len(kill["jobs"]) and time.time() < deadline:
        procs.supervise()
        safely(track_killed_jobs, kill, now)
        time.sleep(0.5)


def meta_of(request: dict) -> dict:
    """What ``Client.record`` needs to know about an unanswered write, from the request."""
    parts = request["path"].strip("/").split("/")
    if request["kind"] == "delta":
        return {"sku": parts[3], "wh": parts[4], "delta": request["body"]["updateQuantity"]}
    if request["kind"] == "transaction":
        sign = 1 if request["body"]["action"] == "increment" else -1
        return {"sku": parts[3], "wh": parts[4], "delta": sign * request["body"]["quantity"]}
    if request["kind"] == "reserve":
        return {"id": request["body"]["reservation_id"]}
    if request["kind"] in ("confirm", "cancel"):
        return {"id": parts[3]}
    return {}


def verdict(merged: dict, left: list[dict]) -> int:
    from django.db import connections

    connections.close_all()
    checks = {
        "check_inventory: totals = ledger, reserved = holds": check_invariants(),
        "acknowledged deltas/transactions in the ledger exactly once": check_exactly_once(
            merged["deltas"]
        ),
        "reservations as acknowledged": check_reservations(merged["reservations"]),
        "bulk jobs: one per acknowledged call, all finished, each record applied once": check_jobs(
            merged["bulk_jobs"]
        ),
        "every write got an answer": [f"{r['kind']} {r['path']} key {r['key']}" for r in left],
        "no re-applied write seen by clients": merged["anomalies"],
    }
    print(
        f"\n{len(merged['deltas']):,} acknowledged deltas/transactions, "
        f"{len(merged['reservations']):,} reservations, "
        f"{len(merged['bulk_jobs'])} bulk jobs checked"
    )
    failed = 0
    for name, problems in checks.items():
        print(f"{'PASS' if not problems else 'FAIL'}  {name}")
        for problem in problems[:10]:
            print(f"      {problem}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
