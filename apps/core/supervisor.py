"""A small process supervisor for the quick start: starts named child processes, restarts
any that exits and says so. (Production uses systemd or an orchestrator instead.)"""

import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

RESTART_DELAY_SECONDS = 1.0
"""Wait before a restart, doubled while a child keeps exiting within ``STABLE_SECONDS``."""
MAX_RESTART_DELAY_SECONDS = 30.0
STABLE_SECONDS = 30.0


@dataclass
class Child:
    name: str
    command: Sequence[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    delay: float = RESTART_DELAY_SECONDS
    restart_at: float | None = None
    restarts: int = field(default=0)


def _exit_reason(code: int) -> str:
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


class Supervisor:
    def __init__(self, children: dict[str, Sequence[str]], report: Callable[[str], None]):
        self.children = [Child(name, command) for name, command in children.items()]
        self.report = report
        self._stopping = False

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(child.command)
        child.started, child.restart_at = time.monotonic(), None
        self.report(f"Started {child.name} (pid {child.process.pid}).")

    def check(self) -> None:
        """Restart the children that exited (after their delay); report each exit once."""
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    self._spawn(child)
                continue
            code = child.process.poll()
            if code is None:
                continue
            quick = now - child.started < STABLE_SECONDS
            child.delay = (
                min(child.delay * 2, MAX_RESTART_DELAY_SECONDS) if quick else RESTART_DELAY_SECONDS
            )
            child.restart_at = now + child.delay
            self.report(
                f"{child.name} (pid {child.process.pid}) {_exit_reason(code)}; "
                f"restarting it in {child.delay:g} s."
            )

    def run(self, poll_seconds: float = 0.5) -> None:
        """Supervise until SIGINT or SIGTERM, then stop every child."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._request_stop)
        self.start()
        try:
            while not self._stopping:
                self.check()
                time.sleep(poll_seconds)
        finally:
            self.stop()

    def _request_stop(self, signum, frame) -> None:
        self._stopping = True

    def stop(self, timeout: float = 10) -> None:
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
