"""Operating on runs through the API: judgments by approvers, cancel, pause/resume, restart,
skip-wait, the expression tester, tenant isolation and permissions."""

from __future__ import annotations

from typing import Any

import pytest

from apps.applications.models import Application
from apps.executions import runtime
from apps.executions.models import Execution, ExecutionAudit, StageExecution
from apps.executions.services.launch import execution_launch

JUDGED = {
    "id": "33333333-3333-3333-3333-333333333333",
    "name": "judged",
    "stages": [
        {
            "refId": "1",
            "requisiteStageRefIds": [],
            "type": "manualJudgment",
            "name": "Approve",
            "judgmentInputs": [{"value": "ship"}, {"value": "hold"}],
        },
        {
            "refId": "2",
            "requisiteStageRefIds": ["1"],
            "type": "wait",
            "name": "after",
            "waitTime": 0,
        },
    ],
}


@pytest.fixture
def judged(world: Any) -> Execution:
    shop = Application.objects.get(team=world.team, name="shop")
    row = execution_launch(application=shop, config=JUDGED, user=world.users["developer"])
    runtime.drain_all()
    return row


def stage_id(execution: Execution, ref: str) -> str:
    return StageExecution.objects.get(execution=execution, ref_id=ref).pk


def judgment_url(execution: Execution) -> str:
    return f"/api/v1/executions/{execution.pk}/stages/{stage_id(execution, '1')}/judgment"


def test_execution_document_is_spinnaker_shaped(world: Any, judged: Execution) -> None:
    body = world.client("viewer").get(f"/api/v1/executions/{judged.pk}/").json()
    assert body["type"] == "PIPELINE"
    assert body["status"] == "RUNNING"
    assert body["application"] == "shop"
    assert [s["refId"] for s in body["stages"]] == ["1", "2"]
    assert body["stages"][0]["status"] == "RUNNING"
    assert {"id", "context", "outputs", "tasks", "requisiteStageRefIds"} <= set(body["stages"][0])
    assert body["trigger"]["user"] == "developer"


def test_another_team_cannot_see_the_run(world: Any, judged: Execution) -> None:
    assert world.client("outsider").get(f"/api/v1/executions/{judged.pk}/").status_code == 404
    assert world.client("member").get(f"/api/v1/executions/{judged.pk}/").status_code == 404
    assert (
        world.client("outsider")
        .post(judgment_url(judged), {"judgmentStatus": "continue"}, format="json")
        .status_code
        == 404
    )


def test_a_developer_is_not_a_default_approver(world: Any, judged: Execution) -> None:
    response = world.client("developer").post(
        judgment_url(judged), {"judgmentStatus": "continue"}, format="json"
    )
    assert response.status_code == 403
    assert "approver" in response.json()["message"]


def test_approving_the_judgment_finishes_the_run(world: Any, judged: Execution) -> None:
    response = world.client("project_admin").post(
        judgment_url(judged), {"judgmentStatus": "continue", "judgmentInput": "ship"}, format="json"
    )
    assert response.status_code == 202, response.content
    runtime.drain_all()
    judged.refresh_from_db()
    assert judged.status == "SUCCEEDED"
    stage = StageExecution.objects.get(execution=judged, ref_id="1")
    assert stage.data["context"]["judgmentInput"] == "ship"
    assert stage.data["context"]["lastModifiedBy"] == "project_admin"
    audit = ExecutionAudit.objects.get(execution=judged)
    assert (audit.action, audit.username) == ("judgment", "project_admin")


def test_stopping_the_judgment_fails_the_run(world: Any, judged: Execution) -> None:
    world.client("owner").post(judgment_url(judged), {"judgmentStatus": "stop"}, format="json")
    runtime.drain_all()
    judged.refresh_from_db()
    assert judged.status == "TERMINAL"


def test_named_approvers_replace_the_default(world: Any) -> None:
    shop = Application.objects.get(team=world.team, name="shop")
    config = {**JUDGED, "stages": [{**JUDGED["stages"][0], "approvers": ["developer"]}]}
    row = execution_launch(application=shop, config=config, user=None)
    runtime.drain_all()
    url = judgment_url(row)
    assert (
        world.client("owner").post(url, {"judgmentStatus": "continue"}, format="json").status_code
        == 403
    )
    assert (
        world.client("developer")
        .post(url, {"judgmentStatus": "continue"}, format="json")
        .status_code
        == 202
    )


def test_judging_twice_is_a_conflict(world: Any, judged: Execution) -> None:
    client = world.client("owner")
    assert (
        client.post(judgment_url(judged), {"judgmentStatus": "continue"}, format="json").status_code
        == 202
    )
    second = client.post(judgment_url(judged), {"judgmentStatus": "stop"}, format="json")
    assert second.status_code == 409


def test_bad_judgment_input_is_a_pointed_400(world: Any, judged: Execution) -> None:
    response = world.client("owner").post(
        judgment_url(judged), {"judgmentStatus": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["pointer"] == "/judgmentStatus"


def test_cancel_by_the_user_who_started_it(world: Any, judged: Execution) -> None:
    response = world.client("developer").post(
        f"/api/v1/executions/{judged.pk}/cancel", {"reason": "wrong tag"}, format="json"
    )
    assert response.status_code == 202
    runtime.drain_all()
    body = world.client("owner").get(f"/api/v1/executions/{judged.pk}/").json()
    assert body["status"] == "CANCELED"
    assert body["canceled"] is True
    assert body["canceledBy"] == "developer"
    assert body["cancellationReason"] == "wrong tag"
    again = world.client("owner").post(f"/api/v1/executions/{judged.pk}/cancel", {}, format="json")
    assert again.status_code == 409


def test_viewers_cannot_cancel(world: Any, judged: Execution) -> None:
    assert (
        world.client("viewer")
        .post(f"/api/v1/executions/{judged.pk}/cancel", {}, format="json")
        .status_code
        == 403
    )


def test_pause_and_resume(world: Any, judged: Execution) -> None:
    client = world.client("admin")
    assert client.post(f"/api/v1/executions/{judged.pk}/pause").status_code == 202
    runtime.drain_all()
    judged.refresh_from_db()
    assert judged.status == "PAUSED"
    assert client.post(f"/api/v1/executions/{judged.pk}/pause").status_code == 409
    assert client.post(f"/api/v1/executions/{judged.pk}/resume").status_code == 202
    runtime.drain_all()
    judged.refresh_from_db()
    assert judged.status == "RUNNING"


def test_restart_of_a_running_run_needs_the_application_flag(world: Any, judged: Execution) -> None:
    url = f"/api/v1/executions/{judged.pk}/stages/{stage_id(judged, '1')}/restart"
    response = world.client("owner").post(url)
    assert response.status_code == 409
    assert "enableRestartRunningExecutions" in response.json()["message"]


def test_restart_after_failure_reruns_the_stage_and_downstream(
    world: Any, judged: Execution
) -> None:
    client = world.client("owner")
    client.post(judgment_url(judged), {"judgmentStatus": "stop"}, format="json")
    runtime.drain_all()
    url = f"/api/v1/executions/{judged.pk}/stages/{stage_id(judged, '1')}/restart"
    assert client.post(url).status_code == 202
    runtime.drain_all()
    judged.refresh_from_db()
    assert judged.status == "RUNNING"
    stage = StageExecution.objects.get(execution=judged, ref_id="1")
    assert stage.status == "RUNNING"
    assert stage.data["context"]["restartDetails"]["restartedBy"] == "owner"


def test_skip_wait_ends_a_long_wait(world: Any) -> None:
    shop = Application.objects.get(team=world.team, name="shop")
    config = {
        "id": "44444444-4444-4444-4444-444444444444",
        "name": "long",
        "stages": [
            {
                "refId": "1",
                "requisiteStageRefIds": [],
                "type": "wait",
                "name": "soak",
                "waitTime": 3600,
            }
        ],
    }
    row = execution_launch(application=shop, config=config, user=world.users["owner"])
    runtime.drain_all()
    url = f"/api/v1/executions/{row.pk}/stages/{stage_id(row, '1')}/skip-wait"
    assert world.client("owner").post(url).status_code == 202
    runtime.drain_all()
    row.refresh_from_db()
    assert row.status == "SUCCEEDED"


def test_expression_tester(world: Any, judged: Execution) -> None:
    url = f"/api/v1/executions/{judged.pk}/evaluate"
    ok = (
        world.client("viewer")
        .post(url, {"expression": "${execution.stages.size()}"}, format="json")
        .json()
    )
    assert ok["result"] == 2
    bare = world.client("viewer").post(url, {"expression": "trigger.user"}, format="json").json()
    assert bare["result"] == "developer"
    bad = world.client("viewer").post(url, {"expression": "${nope(}"}, format="json").json()
    assert bad["result"] == "${nope(}"
    assert bad["detail"]


def test_application_execution_list_filters(world: Any, judged: Execution) -> None:
    base = "/api/v1/teams/acme/applications/shop/executions/"
    client = world.client("viewer")
    rows = client.get(base).json()["results"]
    assert [r["id"] for r in rows] == [judged.pk]
    assert "stages" not in rows[0]
    assert client.get(base + "?status=SUCCEEDED").json()["results"] == []
    assert (
        len(client.get(base + "?status=RUNNING,PAUSED&triggerType=manual").json()["results"]) == 1
    )
    assert client.get(base + "?status=BOGUS").status_code == 400
