"""The engine over the Django adapters: runs persist every transition and finish correctly."""

from __future__ import annotations

from typing import Any

import pytest

from apps.applications.models import Application
from apps.executions import runtime
from apps.executions.adapters.repository import DjangoExecutionRepository
from apps.executions.models import EngineMessage, StageExecution
from apps.executions.services.launch import execution_launch


def stage(ref: str, *requires: str, **fields: Any) -> dict[str, Any]:
    return {
        "refId": ref,
        "requisiteStageRefIds": list(requires),
        "type": "wait",
        "name": f"wait {ref}",
        "waitTime": 0,
        **fields,
    }


DIAMOND = {
    "id": "11111111-1111-1111-1111-111111111111",
    "name": "diamond",
    "stages": [stage("1"), stage("2", "1"), stage("3", "1"), stage("4", "2", "3")],
}


@pytest.fixture
def shop(world: Any) -> Application:
    return Application.objects.get(team=world.team, name="shop")


def test_a_diamond_runs_to_success_with_every_stage_persisted(
    world: Any, shop: Application
) -> None:
    row = execution_launch(application=shop, config=DIAMOND, user=world.users["owner"])
    assert row.status == "NOT_STARTED"
    runtime.drain_all()
    row.refresh_from_db()
    assert row.status == "SUCCEEDED"
    statuses = dict(StageExecution.objects.filter(execution=row).values_list("ref_id", "status"))
    assert statuses == {"1": "SUCCEEDED", "2": "SUCCEEDED", "3": "SUCCEEDED", "4": "SUCCEEDED"}
    assert not EngineMessage.objects.exists()
    assert row.started_by == world.users["owner"]


def test_a_failing_branch_halts_the_pipeline(world: Any, shop: Application) -> None:
    config = {
        "id": "22222222-2222-2222-2222-222222222222",
        "name": "fails",
        "stages": [
            {
                "refId": "1",
                "requisiteStageRefIds": [],
                "type": "checkPreconditions",
                "name": "gate",
                "preconditions": [{"type": "expression", "context": {"expression": "${1 == 2}"}}],
            },
            stage("2", "1"),
        ],
    }
    row = execution_launch(application=shop, config=config, user=None)
    runtime.drain_all()
    row.refresh_from_db()
    assert row.status == "TERMINAL"
    statuses = dict(StageExecution.objects.filter(execution=row).values_list("ref_id", "status"))
    assert statuses["1"] == "TERMINAL"
    assert statuses["2"] == "NOT_STARTED"


def test_cached_repository_sees_writes_made_by_another_repository(
    world: Any, shop: Application, django_capture_on_commit_callbacks: Any
) -> None:
    row = execution_launch(application=shop, config=DIAMOND, user=None)
    cached = DjangoExecutionRepository(cache_size=8)
    with django_capture_on_commit_callbacks(execute=True), cached.transaction(row.pk):
        first = cached.retrieve(row.pk)
    runtime.drain_all()  # another repository runs the whole thing
    with django_capture_on_commit_callbacks(execute=True), cached.transaction(row.pk):
        again = cached.retrieve(row.pk)
    assert again is not first
    assert again.status.value == "SUCCEEDED"
    with django_capture_on_commit_callbacks(execute=True), cached.transaction(row.pk):
        assert cached.retrieve(row.pk) is again  # unchanged since: served from the cache
