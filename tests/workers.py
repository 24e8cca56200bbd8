"""Engine workers for tests that need runs to progress on their own: the embedded mode's thread,
or real Celery worker processes in the scale-out run (PostgreSQL + Redis)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the database the tests use right now (pytest-django's test database)."""
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("Celery workers need PostgreSQL")
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = f"{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/{s['NAME']}"


class CeleryWorkers:
    """`celery -A cdplatform worker` as a child process group, on the test database."""

    # The session's shared workers, so any committed-data test can quiesce them.
    shared: CeleryWorkers | None = None

    def __init__(self, *, concurrency: int = 2, beat: bool = False) -> None:
        self.concurrency = concurrency
        self.beat = beat
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(os.environ.get("CDP_DATA_DIR", ROOT / "var")) / "celery-test-worker.log"

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CDP_ENGINE": "celery",
            "PYTHONUNBUFFERED": "1",
        }

    def start(self) -> CeleryWorkers:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cdplatform",
            "worker",
            "--pool=prefork",
            f"--concurrency={self.concurrency}",
            "-Q",
            "cdplatform",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--purge",
            "-l",
            "info",
            *(["-B", "-s", self._beat_schedule()] if self.beat else []),
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready()
        return self

    def _beat_schedule(self) -> str:
        # A fresh schedule file per start: a SIGKILLed beat can leave its shelve unusable.
        return str(self.log.with_name(f"celery-beat-{os.getpid()}-{time.monotonic_ns()}"))

    def wait_ready(self, timeout: float = 60.0) -> None:
        from cdplatform.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited; see {self.log}")
            if app.control.ping(timeout=0.5):
                return
        raise RuntimeError(f"celery worker not ready within {timeout} s; see {self.log}")

    def quiesce(self, timeout: float = 20.0) -> None:
        """Between tests: drop the queued work and wait until no task is mid-transaction, so
        the test database can be flushed without deadlocking against a worker."""
        from apps.executions.models import EngineMessage
        from cdplatform.celery import app

        EngineMessage.objects.all().delete()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            active = app.control.inspect(timeout=0.5).active() or {}
            if not any(active.values()):
                return
            time.sleep(0.1)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class LocalWorkerProcess:
    """`python manage.py engine_worker` as a child process on the test database (SQLite or
    PostgreSQL), so a test can SIGKILL the embedded mode's worker mid-flight."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(os.environ.get("CDP_DATA_DIR", ROOT / "var")) / "engine-test-worker.log"

    def environment(self) -> dict[str, str]:
        env = {**os.environ, "CDP_ENGINE": "local", "PYTHONUNBUFFERED": "1"}
        if connection.vendor == "postgresql":
            env["DATABASE_URL"] = database_url()
        else:
            env.pop("DATABASE_URL", None)
            env["CDP_SQLITE_PATH"] = str(connection.settings_dict["NAME"])
        return env

    def start(self) -> LocalWorkerProcess:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "engine_worker"],
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)
