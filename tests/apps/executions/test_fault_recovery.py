"""SIGKILL the engine worker while runs are mid-flight, start it again: every run finishes
with the right status, and no task's outside effect happens twice except the one in flight
when the kill hit (its repeat carries the same idempotency key, so receivers can de-duplicate).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from apps.applications.models import Application
from apps.executions import runtime
from apps.executions.models import Execution
from apps.executions.services.launch import execution_launch
from tests.live import wait_for
from tests.workers import CeleryWorkers, LocalWorkerProcess

RUNS = 6


class Receiver:
    """A webhook receiver counting deliveries per idempotency key."""

    def __init__(self) -> None:
        self.deliveries: Counter[str] = Counter()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                with receiver.lock:
                    receiver.deliveries[self.headers.get("X-Idempotency-Key", "?")] += 1
                body = json.dumps({"ok": True}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def total(self) -> int:
        with self.lock:
            return sum(self.deliveries.values())


def pipeline(url: str) -> dict[str, Any]:
    def hook(ref: str, *requires: str) -> dict[str, Any]:
        return {
            "refId": ref,
            "requisiteStageRefIds": list(requires),
            "type": "webhook",
            "name": f"hook {ref}",
            "url": url,
            "method": "POST",
            "payload": {"stage": ref},
            "waitForCompletion": False,
        }

    def wait(ref: str, *requires: str) -> dict[str, Any]:
        return {
            "refId": ref,
            "requisiteStageRefIds": list(requires),
            "type": "wait",
            "name": f"wait {ref}",
            "waitTime": 1,
        }

    return {
        "id": "77777777-7777-7777-7777-777777777777",
        "name": "hooks",
        "stages": [hook("1"), wait("2", "1"), hook("3", "2"), wait("4", "3"), hook("5", "4")],
    }


@pytest.mark.slow
def test_runs_survive_a_sigkilled_worker(live_world: Any) -> None:
    receiver = Receiver()
    shop = Application.objects.get(team=live_world.team, name="shop")
    celery = runtime.engine_mode() == "celery"

    def worker() -> Any:
        return CeleryWorkers(beat=True).start() if celery else LocalWorkerProcess().start()

    ids = [
        execution_launch(application=shop, config=pipeline(receiver.url), user=None).pk
        for _ in range(RUNS)
    ]
    first = worker()
    try:
        wait_for(lambda: receiver.total() >= RUNS + 2, timeout=60)
    finally:
        first.kill()
    killed_at = receiver.total()
    second = worker()
    try:
        runs = Execution.objects.filter(pk__in=ids)
        wait_for(lambda: all(r.status == "SUCCEEDED" for r in runs.all()), timeout=120)
    finally:
        second.stop()
    assert killed_at < RUNS * 3, "the kill came too late to interrupt anything"
    assert len(receiver.deliveries) == RUNS * 3  # every hook of every run arrived
    repeated = {key: n for key, n in receiver.deliveries.items() if n > 1}
    # Only what was in flight when the kill hit may repeat: one task per worker process.
    assert len(repeated) <= (2 if celery else 1), repeated
