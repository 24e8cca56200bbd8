"""A task that calls the outside world (a webhook here) makes its call before the engine's
transaction: while a receiver holds the call, the database is not locked by it (SQLite's write
lock, PostgreSQL's execution row), so API writes, other runs and a cancel of that same run go
on; the call's outcome is then recorded, or dropped if the run moved on meanwhile."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.db import connection

from apps.applications.models import Application
from apps.applications.services import application_create
from apps.executions.models import Execution
from apps.executions.services.launch import execution_launch
from apps.executions.services.operations import execution_cancel
from tests.live import wait_for

HOLD_LIMIT_S = 30  # the receiver never holds a call longer than this, whatever the test does


class HoldingReceiver:
    """Answers each webhook call only once the test releases it."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.calls = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.calls += 1
                receiver.arrived.set()
                receiver.release.wait(HOLD_LIMIT_S)
                body = json.dumps({"deployed": "v2"}).encode()
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

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def hook_pipeline(url: str, *then: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "88888888-8888-8888-8888-888888888888",
        "name": "slow hook",
        "stages": [
            {
                "refId": "1",
                "requisiteStageRefIds": [],
                "type": "webhook",
                "name": "slow hook",
                "url": url,
                "method": "POST",
                "payload": {"version": "v2"},
                "waitForCompletion": False,
            },
            *then,
        ],
    }


def in_thread(work: Any) -> tuple[threading.Thread, threading.Event]:
    """Runs `work` on its own database connection; the event is set when it returned."""
    done = threading.Event()

    def run() -> None:
        try:
            work()
            done.set()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done


def test_writes_go_on_while_a_webhook_call_is_held(live_world: Any, engine_worker: Any) -> None:
    receiver = HoldingReceiver()
    try:
        shop = Application.objects.get(team=live_world.team, name="shop")
        run = execution_launch(application=shop, config=hook_pipeline(receiver.url), user=None)
        assert receiver.arrived.wait(HOLD_LIMIT_S), "the webhook was never called"

        thread, done = in_thread(
            lambda: application_create(team=live_world.team, name="written-meanwhile")
        )
        written = done.wait(HOLD_LIMIT_S / 2)
        receiver.release.set()
        thread.join(HOLD_LIMIT_S)
        assert written, "a write waited for the webhook call to return"

        wait_for(lambda: Execution.objects.get(pk=run.pk).status == "SUCCEEDED", timeout=30)
        stage = Execution.objects.get(pk=run.pk).stages.get()
        assert stage.data["context"]["webhook"]["body"] == {"deployed": "v2"}
        assert receiver.calls == 1
    finally:
        receiver.close()


def test_a_run_can_be_canceled_while_its_webhook_call_is_held(
    live_world: Any, engine_worker: Any
) -> None:
    receiver = HoldingReceiver()
    try:
        shop = Application.objects.get(team=live_world.team, name="shop")
        soak = {"refId": "2", "requisiteStageRefIds": ["1"], "type": "wait", "waitTime": 600}
        config = hook_pipeline(receiver.url, soak)
        run = execution_launch(application=shop, config=config, user=None)
        assert receiver.arrived.wait(HOLD_LIMIT_S), "the webhook was never called"

        thread, done = in_thread(
            lambda: execution_cancel(
                execution=Execution.objects.get(pk=run.pk), user=live_world.users["owner"]
            )
        )
        canceled = done.wait(HOLD_LIMIT_S / 2)
        receiver.release.set()
        thread.join(HOLD_LIMIT_S)
        assert canceled, "the cancel waited for the webhook call to return"

        wait_for(lambda: Execution.objects.get(pk=run.pk).status == "CANCELED", timeout=30)
        # The held call is never made again: its answer lands, or is dropped when a worker
        # saw the cancel first (the run's task was then superseded).
        assert receiver.calls == 1
    finally:
        receiver.close()
