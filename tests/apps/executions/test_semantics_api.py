"""Orca semantics through the platform (Django repository, database queue, API reads): the
failure options, skipped stages, joins, windows and timeouts, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from apps.applications.models import Application
from apps.executions import runtime
from apps.executions.services.launch import execution_launch
from tests.live import wait_for


def failing(ref: str, *requires: str, **options: Any) -> dict[str, Any]:
    return {
        "refId": ref,
        "requisiteStageRefIds": list(requires),
        "type": "checkPreconditions",
        "name": f"fail {ref}",
        "preconditions": [
            {"type": "expression", "context": {"expression": "${false}", "failureMessage": "nope"}}
        ],
        **options,
    }


def wait(ref: str, *requires: str, seconds: int = 0, **options: Any) -> dict[str, Any]:
    return {
        "refId": ref,
        "requisiteStageRefIds": list(requires),
        "type": "wait",
        "name": f"wait {ref}",
        "waitTime": seconds,
        **options,
    }


def run(world: Any, stages: list[dict[str, Any]], *, drain: bool = True) -> dict[str, Any]:
    shop = Application.objects.get(team=world.team, name="shop")
    config = {"id": "88888888-8888-8888-8888-888888888888", "name": "semantics", "stages": stages}
    row = execution_launch(application=shop, config=config, user=world.users["owner"])
    if drain:
        runtime.drain_all()
    return document(world, row.pk)


def document(world: Any, execution_id: str) -> dict[str, Any]:
    return world.client("owner").get(f"/api/v1/executions/{execution_id}/").json()


def statuses(body: dict[str, Any]) -> dict[str, str]:
    return {s["refId"]: s["status"] for s in body["stages"] if not s.get("parentStageId")}


@pytest.mark.parametrize(
    ("options", "stage_status", "final", "downstream"),
    [
        ({}, "TERMINAL", "TERMINAL", "NOT_STARTED"),
        (
            {"failPipeline": False, "continuePipeline": True},
            "FAILED_CONTINUE",
            "SUCCEEDED",
            "SUCCEEDED",
        ),
        ({"failPipeline": False}, "STOPPED", "SUCCEEDED", "NOT_STARTED"),
        (
            {"failPipeline": False, "completeOtherBranchesThenFail": True},
            "STOPPED",
            "TERMINAL",
            "NOT_STARTED",
        ),
    ],
)
def test_if_stage_fails_options(
    world: Any, options: dict[str, Any], stage_status: str, final: str, downstream: str
) -> None:
    body = run(world, [failing("1", **options), wait("2", "1"), wait("3")])
    assert statuses(body) == {"1": stage_status, "2": downstream, "3": "SUCCEEDED"}
    assert body["status"] == final


def test_a_join_waits_for_every_branch_and_skipped_counts_as_done(world: Any) -> None:
    disabled = {"stageEnabled": {"type": "expression", "expression": "1 == 2"}}
    body = run(world, [wait("1"), wait("2", "1", **disabled), wait("3", "1"), wait("4", "2", "3")])
    assert statuses(body) == {"1": "SUCCEEDED", "2": "SKIPPED", "3": "SUCCEEDED", "4": "SUCCEEDED"}
    assert body["status"] == "SUCCEEDED"


def test_a_failed_branch_cancels_the_running_one(world: Any) -> None:
    body = run(world, [wait("1", seconds=3600), failing("2")])
    assert statuses(body)["2"] == "TERMINAL"
    assert statuses(body)["1"] == "CANCELED"
    assert body["status"] == "TERMINAL"


def test_outputs_flow_downstream(world: Any) -> None:
    body = run(
        world,
        [
            {
                "refId": "1",
                "requisiteStageRefIds": [],
                "type": "evaluateVariables",
                "name": "vars",
                "variables": [{"key": "answer", "value": "${6 * 7}"}],
            },
            {
                "refId": "2",
                "requisiteStageRefIds": ["1"],
                "type": "checkPreconditions",
                "name": "check",
                "preconditions": [
                    {"type": "expression", "context": {"expression": "${answer == 42}"}}
                ],
            },
        ],
    )
    assert body["status"] == "SUCCEEDED"


def test_failed_expressions_stay_literal_or_fail_the_stage(world: Any) -> None:
    lenient = run(world, [wait("1", seconds="${nope(}")])  # type: ignore[arg-type]
    assert lenient["stages"][0]["context"]["expressionEvaluationSummary"]
    strict = run(
        world, [{**wait("1"), "note": "${trigger.missing.deeper}", "failOnFailedExpressions": True}]
    )
    assert strict["status"] == "TERMINAL"


@pytest.mark.slow
def test_stage_timeout_fails_a_long_wait(live_world: Any, engine_worker: Any) -> None:
    body = run(live_world, [wait("1", seconds=3600, stageTimeoutMs=1500)], drain=False)
    final = wait_for(
        lambda: (
            (doc := document(live_world, body["id"]))["status"] != "RUNNING"
            and doc["status"] != "NOT_STARTED"
            and doc
        ),
        timeout=60,
    )
    assert final["status"] == "TERMINAL"
    assert "timed out" in str(final["stages"][0]["context"]).lower()


def test_execution_window_waits_and_can_be_skipped(world: Any) -> None:
    # A window that never opens today: 00:00-00:01 on no day of the week but an impossible one.
    closed = {
        "restrictExecutionDuringTimeWindow": True,
        "restrictedExecutionWindow": {
            "whitelist": [{"startHour": 0, "startMin": 0, "endHour": 0, "endMin": 1}],
            "days": [1] if __import__("datetime").date.today().isoweekday() != 7 else [2],
        },
    }
    body = run(world, [wait("1", **closed)])
    assert body["status"] == "RUNNING"
    window = next(s for s in body["stages"] if s["type"] == "restrictExecutionDuringTimeWindow")
    assert window["status"] == "RUNNING"
    response = world.client("owner").post(
        f"/api/v1/executions/{body['id']}/stages/{body['stages'][0]['id']}/skip-window"
    )
    assert response.status_code == 202, response.content
    runtime.drain_all()
    assert document(world, body["id"])["status"] == "SUCCEEDED"
