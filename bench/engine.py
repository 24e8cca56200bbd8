"""Engine benchmark: no-op `wait 0` DAGs in embedded mode (SQLite + local worker thread) and
in Celery mode (PostgreSQL + Redis + 2 worker processes), start latency and live-update latency.

    python -m bench engine [--mode embedded|celery] [--runs 5] [--starts 200]
                           [--subscribers 50] [--skip-latency]

Every transition is persisted (one row per stage, written at each status change).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_PG_DB = "cdplatform_bench"


# --------------------------------------------------------------------------- DAG shapes


def wait_stage(ref: str, requires: list[str]) -> dict[str, Any]:
    return {
        "refId": ref,
        "requisiteStageRefIds": requires,
        "type": "wait",
        "name": f"s{ref}",
        "waitTime": 0,
    }


def chain(n: int = 100) -> list[dict[str, Any]]:
    return [wait_stage(str(i), [str(i - 1)] if i else []) for i in range(n)]


def fan(width: int = 100) -> list[dict[str, Any]]:
    middle = [wait_stage(f"m{i}", ["start"]) for i in range(width)]
    return [wait_stage("start", []), *middle, wait_stage("end", [s["refId"] for s in middle])]


def lattice(layers: int = 10, width: int = 10) -> list[dict[str, Any]]:
    stages: list[dict[str, Any]] = []
    previous: list[str] = []
    for layer in range(layers):
        current = [f"{layer}-{i}" for i in range(width)]
        stages.extend(wait_stage(ref, previous) for ref in current)
        previous = current
    return stages


SHAPES: dict[str, tuple[Callable[[], list[dict[str, Any]]], int]] = {
    "a) 100-stage serial chain": (chain, 1),
    "b) 100-wide fan-out/fan-in": (fan, 1),
    "c) 10x10 layered lattice": (lattice, 1),
    "d) 50 concurrent x 20-stage": (lambda: chain(20), 50),
}


# --------------------------------------------------------------------------- set-up


def setup(mode: str) -> None:
    if mode == "celery":
        os.environ["DATABASE_URL"] = os.environ.get(
            "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{BENCH_PG_DB}"
        )
        os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
        os.environ["CDP_ENGINE"] = "celery"
        _recreate_pg_database(os.environ["DATABASE_URL"])
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["CDP_ENGINE"] = "local"
    from bench.common import setup_django

    setup_django()


def _recreate_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def world() -> tuple[Any, Any]:
    from apps.applications.services import application_create
    from apps.teams.services import team_create
    from apps.users.services import user_create

    user = user_create(username=f"bench{time.monotonic_ns()}", password=None)
    team = team_create(creator=user, slug=f"b{time.monotonic_ns() % 10**9}", name="bench")
    return user, application_create(team=team, name="bench")


# --------------------------------------------------------------------------- workers


class Workers:
    """The engine transport of the mode: the local worker thread, or 2 Celery processes."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.local: Any = None
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Workers:
        if self.mode == "celery":
            log = open(Path(tempfile.gettempdir()) / "cdp-bench-celery.log", "wb")
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "cdplatform",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=2",
                    "-Q",
                    "cdplatform",
                    "--without-heartbeat",
                    "--without-mingle",
                    "--without-gossip",
                    "--purge",
                    "-l",
                    "warning",
                ],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            from cdplatform.celery import app

            deadline = time.monotonic() + 60
            while not app.control.ping(timeout=0.5):
                if time.monotonic() > deadline:
                    raise RuntimeError("celery workers did not start")
        else:
            from apps.executions.worker import LocalWorker

            self.local = LocalWorker().start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.local is not None:
            self.local.stop()
        if self.process is not None:
            import signal

            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)

    def peak_rss_mb(self) -> float:
        """Peak resident memory of whatever runs the engine (worker processes or this one)."""
        if self.process is None:
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        total = 0
        for pid in _descendants(self.process.pid):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total / 1024


def _descendants(pid: int) -> list[int]:
    found = [pid]
    for child_dir in Path("/proc").glob("[0-9]*"):
        try:
            parent = int(Path(child_dir, "stat").read_text().split(") ", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent in found or parent == pid:
            found.append(int(child_dir.name))
    return sorted(set(found))


# --------------------------------------------------------------------------- DAG runs


class Completions:
    """Runs' first RUNNING stage and their completion, told by the engine's listener in this
    process (embedded mode), so the benchmark never polls while the worker thread runs."""

    def __init__(self) -> None:
        self.done: dict[str, str] = {}
        self.first_running: dict[str, float] = {}
        self.changed = threading.Condition()

    def __call__(self, event: Any) -> None:
        from engine.events import ExecutionComplete, StageStatusChanged
        from engine.status import Status

        with self.changed:
            if isinstance(event, ExecutionComplete):
                self.done[event.execution_id] = event.status.value
            elif isinstance(event, StageStatusChanged) and event.status == Status.RUNNING:
                self.first_running.setdefault(event.execution_id, time.time_ns() / 1e6)
            else:
                return
            self.changed.notify_all()

    def wait_done(self, ids: list[str], timeout: float) -> list[str]:
        self._wait(lambda: all(i in self.done for i in ids), timeout)
        return [self.done.get(i, "TIMEOUT") for i in ids]

    def wait_running(self, execution_id: str, timeout: float) -> float | None:
        self._wait(lambda: execution_id in self.first_running, timeout)
        return self.first_running.get(execution_id)

    def _wait(self, predicate: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self.changed.wait(left)


COMPLETIONS = Completions()


def run_shape(
    application: Any, user: Any, stages: list[dict[str, Any]], copies: int, mode: str
) -> float:
    from apps.executions.models import Execution
    from apps.executions.services.launch import execution_launch

    config = {"id": f"bench-{time.monotonic_ns()}", "name": "bench", "stages": stages}
    start = time.perf_counter()
    ids = [
        execution_launch(application=application, config=config, user=user).pk
        for _ in range(copies)
    ]
    if mode == "embedded":
        statuses = COMPLETIONS.wait_done(ids, timeout=600)
    else:
        finished = ["SUCCEEDED", "TERMINAL", "CANCELED"]
        deadline = time.monotonic() + 600
        while (
            Execution.objects.filter(pk__in=ids).exclude(status__in=finished).exists()
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)
        statuses = list(Execution.objects.filter(pk__in=ids).values_list("status", flat=True))
    elapsed = time.perf_counter() - start
    if any(status != "SUCCEEDED" for status in statuses):
        raise RuntimeError(f"benchmark run failed: {sorted(set(statuses))}")
    return elapsed


def bench_shapes(mode: str, runs: int) -> list[dict[str, Any]]:
    user, application = world()
    results = []
    with Workers(mode) as workers:
        run_shape(application, user, chain(10), 1, mode)  # warm up caches and connections
        for name, (make, copies) in SHAPES.items():
            stages = make()
            durations = [run_shape(application, user, stages, copies, mode) for _ in range(runs)]
            median = statistics.median(durations)
            total_stages = len(stages) * copies
            results.append(
                {
                    "shape": name,
                    "stages": total_stages,
                    "median_s": median,
                    "stages_per_s": total_stages / median,
                    "per_stage_ms": median * 1000 / total_stages,
                    "peak_rss_mb": workers.peak_rss_mb(),
                }
            )
    return results


# --------------------------------------------------------------------------- latencies


def bench_start_latency(mode: str, starts: int) -> dict[str, float]:
    """POST /api/v1/pipelines/{id}/executions/ → the first stage committed RUNNING."""
    import requests

    from apps.executions.models import StageExecution
    from apps.pipelines.services.configs import pipeline_create
    from apps.users.services import token_create
    from tests.live import live_server

    user, application = world()
    user.is_superuser = True
    user.save()
    pipeline = pipeline_create(
        application=application, actor=user, document={"name": "latency", "stages": chain(1)}
    )
    key = token_create(user=user, name="bench").key
    server = live_server()
    session = requests.Session()
    session.headers["Authorization"] = f"Token {key}"
    url = f"{server.url}/api/v1/pipelines/{pipeline.pk}/executions/"
    samples = []
    with Workers(mode):
        for _ in range(starts):
            sent_ms = time.time_ns() / 1e6
            response = session.post(url, json={})
            response.raise_for_status()
            execution_id = response.json()["id"]
            if mode == "embedded":
                # The first stage's RUNNING, as published right after its commit.
                running_ms = COMPLETIONS.wait_running(execution_id, timeout=30)
                COMPLETIONS.wait_done([execution_id], timeout=30)
            else:
                running_ms = None
                deadline = time.monotonic() + 30
                while running_ms is None and time.monotonic() < deadline:
                    running_ms = (
                        StageExecution.objects.filter(execution_id=execution_id)
                        .values_list("data__startTime", flat=True)
                        .first()
                    )
                    if running_ms is None:
                        time.sleep(0.002)
            if running_ms is None:
                raise RuntimeError("a run never started")
            samples.append(max(0.0, float(running_ms) - sent_ms) / 1000)
    return _percentiles(samples)


def bench_live_latency(mode: str, subscribers: int, runs: int = 40) -> dict[str, float]:
    """Commit of a run's completion (its endTime) → receipt by each of N WebSocket watchers
    (in a separate process, so they never compete with the server for the interpreter)."""
    from apps.executions.models import Execution
    from apps.executions.services.launch import execution_launch
    from apps.users.services import token_create
    from tests.live import live_server

    user, application = world()
    user.is_superuser = True
    user.save()
    key = token_create(user=user, name="ws").key
    server = live_server()
    watchers = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench._ws_subscribers",
            f"{server.ws_url}/ws/applications/{application.pk}/",
            key,
            str(subscribers),
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert watchers.stdout is not None
    assert watchers.stdin is not None
    if watchers.stdout.readline().strip() != "READY":
        raise RuntimeError("the WebSocket watchers did not connect")
    receipts: list[tuple[str, float]] = []
    counts: dict[str, int] = {}
    arrived = threading.Condition()

    def read() -> None:
        for item in map(json.loads, watchers.stdout):
            with arrived:
                receipts.append((item["execution_id"], item["at_ms"]))
                counts[item["execution_id"]] = counts.get(item["execution_id"], 0) + 1
                arrived.notify_all()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    config = {"id": "live-latency", "name": "live", "stages": chain(1)}
    ids = []
    with Workers(mode):
        for _ in range(runs):
            execution_id = execution_launch(application=application, config=config, user=user).pk
            ids.append(execution_id)
            # Sleep until every watcher has it (no busy loop stealing the server's time).
            with arrived:
                arrived.wait_for(
                    lambda run=execution_id: counts.get(run, 0) >= subscribers, timeout=30
                )
    watchers.stdin.close()
    watchers.wait(30)
    reader.join(10)
    ends = dict(Execution.objects.filter(pk__in=ids).values_list("pk", "end_time"))
    samples = [max(0.0, at - ends[rid]) / 1000 for rid, at in receipts if ends.get(rid)]
    return _percentiles(samples)


def _percentiles(samples: list[float]) -> dict[str, float]:
    from bench.common import summarize_ms

    return summarize_ms(samples)


# --------------------------------------------------------------------------- report


def report(
    mode: str,
    shapes: list[dict[str, Any]],
    start: dict[str, float] | None,
    live: dict[str, float] | None,
) -> None:
    print(f"\nEngine benchmark, {mode} mode (median of runs; every transition persisted)")
    print(
        f"  {'shape':<30} {'stages':>7} {'median s':>9} {'stages/s':>9} {'ms/stage':>9} "
        f"{'peak MB':>8}"
    )
    for row in shapes:
        print(
            f"  {row['shape']:<30} {row['stages']:>7} {row['median_s']:>9.3f} "
            f"{row['stages_per_s']:>9.1f} {row['per_stage_ms']:>9.2f} {row['peak_rss_mb']:>8.0f}"
        )
    if start:
        print(
            f"  start → first stage RUNNING: p50 {start['p50']:.1f} ms, p95 {start['p95']:.1f} ms"
            f" (n={int(start['n'])})"
        )
    if live:
        print(
            f"  live update → WebSocket:     p50 {live['p50']:.1f} ms, p95 {live['p95']:.1f} ms"
            f" (n={int(live['n'])} receipts)"
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench engine")
    parser.add_argument("--mode", choices=["embedded", "celery"], default="embedded")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--starts", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=50)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-shapes", action="store_true")
    args = parser.parse_args(argv)
    setup(args.mode)
    from apps.executions.adapters.events import add_listener

    add_listener(COMPLETIONS)
    shapes = [] if args.skip_shapes else bench_shapes(args.mode, args.runs)
    start = live = None
    if not args.skip_latency:
        start = bench_start_latency(args.mode, args.starts)
        live = bench_live_latency(args.mode, args.subscribers)
    report(args.mode, shapes, start, live)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
