"""limitConcurrent under simultaneous starts: runs of one pipeline never overlap (row-locked
gate), the waiting ones run in order with keepWaitingPipelines, and the newest supersedes the
rest without it. Runs with the real worker of each mode (Celery processes on PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from apps.applications.models import Application
from apps.executions.models import Execution
from apps.executions.services.launch import execution_launch
from tests.live import wait_for

STARTS = 20


def config(keep_waiting: bool) -> dict[str, Any]:
    return {
        "id": "66666666-6666-6666-6666-666666666666",
        "name": "one at a time",
        "limitConcurrent": True,
        "keepWaitingPipelines": keep_waiting,
        "stages": [
            {"refId": "1", "requisiteStageRefIds": [], "type": "wait", "name": "w", "waitTime": 0}
        ],
    }


def launch_simultaneously(application: Application, pipeline: dict[str, Any]) -> list[str]:
    barrier = threading.Barrier(STARTS)
    ids: list[str] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait(timeout=30)
            ids.append(execution_launch(application=application, config=pipeline, user=None).pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(STARTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return ids


@pytest.mark.slow
def test_simultaneous_starts_never_run_two_at_once(live_world: Any, engine_worker: Any) -> None:
    shop = Application.objects.get(team=live_world.team, name="shop")
    ids = launch_simultaneously(shop, config(keep_waiting=True))
    runs = Execution.objects.filter(pk__in=ids)
    wait_for(lambda: all(r.status == "SUCCEEDED" for r in runs.all()), timeout=120)
    intervals = sorted((r.start_time, r.end_time) for r in runs.all())
    for (_, end), (start, _) in zip(intervals, intervals[1:], strict=False):
        assert start >= end, "two runs of a limitConcurrent pipeline overlapped"


@pytest.mark.slow
def test_without_keep_waiting_the_newest_waiting_run_supersedes_the_others(
    live_world: Any, engine_worker: Any
) -> None:
    shop = Application.objects.get(team=live_world.team, name="shop")
    ids = launch_simultaneously(shop, config(keep_waiting=False))
    runs = Execution.objects.filter(pk__in=ids)
    wait_for(lambda: all(r.status in ("SUCCEEDED", "CANCELED") for r in runs.all()), timeout=120)
    succeeded = runs.filter(status="SUCCEEDED")
    canceled = runs.filter(status="CANCELED")
    assert succeeded.count() >= 1
    assert succeeded.count() + canceled.count() == STARTS
    reason = canceled.first().header["cancellationReason"] if canceled.exists() else ""
    assert not canceled.exists() or "superseded" in reason
    intervals = sorted((r.start_time, r.end_time) for r in succeeded)
    for (_, end), (start, _) in zip(intervals, intervals[1:], strict=False):
        assert start >= end
