"""The `make run` demo: seeding is idempotent and the demo's release pipeline (parallel
branches, a wait, a webhook to the platform itself, a manual judgment) finishes SUCCEEDED when
started from the API and approved, visible over the WebSocket."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.sync.client import connect

from apps.demo.seed import issue_demo_token, seed_demo
from apps.executions.models import Execution, StageExecution
from apps.pipelines.models import Pipeline
from apps.pipelines.selectors import pipeline_runnable
from tests.live import live_server, wait_for


def test_seeding_twice_changes_nothing(db: Any) -> None:
    seed_demo()
    first = sorted(Pipeline.objects.values_list("name", "update_ts"))
    seed_demo()
    assert sorted(Pipeline.objects.values_list("name", "update_ts")) == first
    assert {name for name, _ in first} == {
        "release",
        "deploy to sandbox cluster",
        "deploy to auto-scaling groups",
    }
    assert all(pipeline_runnable(p)[0] for p in Pipeline.objects.all())


@pytest.mark.slow
def test_the_release_pipeline_runs_to_success_when_approved(
    transactional_db: Any, engine_worker: Any
) -> None:
    import requests

    server = live_server()
    seed_demo(base_url=server.url)
    key = issue_demo_token().key
    session = requests.Session()
    session.headers["Authorization"] = f"Token {key}"
    release = Pipeline.objects.get(name="release")
    started = session.post(
        f"{server.url}/api/v1/pipelines/{release.pk}/executions/",
        json={"parameters": {"version": "2.0.0"}},
    )
    assert started.status_code == 202, started.text
    execution_id = started.json()["id"]
    judgment = wait_for(
        lambda: StageExecution.objects.filter(
            execution_id=execution_id, type="manualJudgment", status="RUNNING"
        ).first(),
        timeout=60,
    )
    health = StageExecution.objects.get(execution_id=execution_id, ref_id="4")
    assert health.status == "SUCCEEDED"
    assert health.data["context"]["webhook"]["body"]["status"] == "ok"
    with connect(
        f"{server.ws_url}/ws/executions/{execution_id}/",
        additional_headers={"Authorization": f"Token {key}"},
    ) as ws:
        assert json.loads(ws.recv(timeout=20))["type"] == "snapshot"
        approved = session.post(
            f"{server.url}/api/v1/executions/{execution_id}/stages/{judgment.pk}/judgment",
            json={"judgmentStatus": "continue", "judgmentInput": "ship"},
        )
        assert approved.status_code == 202, approved.text
        while True:
            event = json.loads(ws.recv(timeout=30))
            if event.get("event") == "ExecutionComplete":
                break
    assert event["status"] == "SUCCEEDED"
    assert Execution.objects.get(pk=execution_id).status == "SUCCEEDED"
    announce = StageExecution.objects.get(execution_id=execution_id, ref_id="6")
    assert announce.status == "SUCCEEDED"
