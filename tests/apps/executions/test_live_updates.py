"""Live updates over WebSockets with a real client against daphne: snapshot on connect, then
the run's events as they commit; access is checked on connect."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from apps.applications.models import Application
from apps.executions.models import StageExecution
from apps.executions.services.launch import execution_launch
from apps.users.services import token_create
from tests.live import live_server, wait_for

JUDGED = {
    "id": "55555555-5555-5555-5555-555555555555",
    "name": "judged",
    "stages": [
        {"refId": "1", "requisiteStageRefIds": [], "type": "wait", "name": "first", "waitTime": 0},
        {"refId": "2", "requisiteStageRefIds": ["1"], "type": "manualJudgment", "name": "Approve"},
        {
            "refId": "3",
            "requisiteStageRefIds": ["2"],
            "type": "wait",
            "name": "last",
            "waitTime": 0,
        },
    ],
}


def key_for(user: Any) -> str:
    return token_create(user=user, name="ws").key


def receive(socket: Any) -> dict[str, Any]:
    return json.loads(socket.recv(timeout=20))


@pytest.mark.slow
def test_watcher_sees_the_run_finish_after_the_judgment(
    live_world: Any, engine_worker: Any
) -> None:
    server = live_server()
    shop = Application.objects.get(team=live_world.team, name="shop")
    row = execution_launch(application=shop, config=JUDGED, user=live_world.users["owner"])
    judgment = wait_for(
        lambda: StageExecution.objects.filter(execution=row, ref_id="2", status="RUNNING").first()
    )
    headers = {"Authorization": f"Token {key_for(live_world.users['viewer'])}"}
    with connect(f"{server.ws_url}/ws/executions/{row.pk}/", additional_headers=headers) as ws:
        snapshot = receive(ws)
        assert snapshot["type"] == "snapshot"
        assert snapshot["execution"]["status"] == "RUNNING"
        approve = live_world.client("owner").post(
            f"/api/v1/executions/{row.pk}/stages/{judgment.pk}/judgment",
            {"judgmentStatus": "continue"},
            format="json",
        )
        assert approve.status_code == 202
        events = []
        while not any(e.get("event") == "ExecutionComplete" for e in events):
            events.append(receive(ws))
    names = [e["event"] for e in events]
    assert "JudgmentDecided" in names
    completed = {e["ref_id"]: e["status"] for e in events if e["event"] == "StageStatusChanged"}
    assert completed.get("3") == "SUCCEEDED"
    assert events[-1]["status"] == "SUCCEEDED"


@pytest.mark.slow
def test_application_watchers_get_a_snapshot_and_events(
    live_world: Any, engine_worker: Any
) -> None:
    server = live_server()
    shop = Application.objects.get(team=live_world.team, name="shop")
    headers = {"Authorization": f"Token {key_for(live_world.users['developer'])}"}
    with connect(f"{server.ws_url}/ws/applications/{shop.pk}/", additional_headers=headers) as ws:
        snapshot = receive(ws)
        assert snapshot == {"type": "snapshot", "application": "shop", "executions": []}
        quick = {**JUDGED, "stages": JUDGED["stages"][:1]}
        row = execution_launch(application=shop, config=quick, user=None)
        seen = []
        while not any(e.get("event") == "ExecutionComplete" for e in seen):
            seen.append(receive(ws))
    assert {e["execution_id"] for e in seen} == {row.pk}


@pytest.mark.slow
@pytest.mark.parametrize(("who", "code"), [(None, 4401), ("outsider", 4404), ("member", 4404)])
def test_connect_is_refused_without_access(live_world: Any, who: str | None, code: int) -> None:
    server = live_server()
    shop = Application.objects.get(team=live_world.team, name="shop")
    row = execution_launch(application=shop, config=JUDGED, user=None)
    headers = {"Authorization": f"Token {key_for(live_world.users[who])}"} if who else {}
    url = f"{server.ws_url}/ws/executions/{row.pk}/"
    with pytest.raises(ConnectionClosed) as closed, connect(url, additional_headers=headers) as ws:
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == code
