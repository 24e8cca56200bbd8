"""Pipeline config -> NOT_STARTED execution, following Orca's PipelineBuilder."""

from __future__ import annotations

import pytest

from engine.errors import PipelineConfigError
from engine.launcher import build_execution
from engine.memory import FixedClock
from engine.status import Status

CONFIG = {
    "id": "cfg-1",
    "name": "deploy",
    "limitConcurrent": True,
    "keepWaitingPipelines": True,
    "maxConcurrentExecutions": 3,
    "parameterConfig": [
        {"name": "tag", "default": "latest"},
        {"name": "env", "default": "test"},
    ],
    "stages": [
        {"refId": 1, "type": "wait", "waitTime": 5},
        {
            "refId": 2,
            "type": "manualJudgment",
            "name": "Approve",
            "requisiteStageRefIds": [1],
            "failPipeline": False,
            "startTimeExpiry": 1234,
        },
    ],
}


def _build(**overrides: object) -> object:
    return build_execution(
        {**CONFIG, **overrides},
        trigger={"type": "webhook", "parameters": {"env": "prod"}},
        application="shop",
        user="alice",
        time_zone="Asia/Shanghai",
        clock=FixedClock(42_000),
    )


def test_config_becomes_a_not_started_execution() -> None:
    execution = _build()
    assert execution.status == Status.NOT_STARTED
    assert execution.application == "shop"
    assert execution.pipeline_config_id == "cfg-1"
    assert execution.build_time == 42_000
    assert execution.time_zone == "Asia/Shanghai"
    assert (execution.limit_concurrent, execution.keep_waiting_pipelines) == (True, True)
    assert execution.max_concurrent_executions == 3
    assert execution.authentication == {"user": "alice", "allowedAccounts": []}


def test_stage_fields_and_context() -> None:
    wait, judgment = _build().stages
    assert (wait.ref_id, wait.name, wait.context) == ("1", "wait", {"waitTime": 5})
    assert judgment.ref_id == "2"
    assert judgment.requisite_stage_ref_ids == ["1"]
    assert judgment.name == "Approve"
    assert judgment.context == {"failPipeline": False}
    assert judgment.start_time_expiry == 1234
    assert len({wait.id, judgment.id}) == 2


def test_trigger_parameters_get_parameter_config_defaults() -> None:
    trigger = _build().trigger
    assert trigger["parameters"] == {"env": "prod", "tag": "latest"}
    assert trigger["type"] == "webhook"
    assert trigger["user"] == "alice"


def test_parent_execution_is_referenced_not_embedded() -> None:
    execution = build_execution(
        CONFIG,
        trigger={
            "type": "pipeline",
            "parentExecution": {"id": "parent-1", "stages": ["huge"]},
            "parentPipelineStageId": "stage-9",
        },
        application="shop",
        user="alice",
        time_zone="UTC",
        clock=FixedClock(),
    )
    assert "parentExecution" not in execution.trigger
    assert (execution.parent_execution_id, execution.parent_stage_id) == ("parent-1", "stage-9")


@pytest.mark.parametrize(
    ("stages", "pointer"),
    [
        ([{"refId": "1"}], "/stages/0/type"),
        ([{"type": "wait"}], "/stages/0/refId"),
        (["wait"], "/stages/0"),
        (
            [{"refId": "1", "type": "wait", "requisiteStageRefIds": "1"}],
            "/stages/0/requisiteStageRefIds",
        ),
    ],
)
def test_bad_stage_config_names_where(stages: list[object], pointer: str) -> None:
    with pytest.raises(PipelineConfigError) as raised:
        _build(stages=stages)
    assert raised.value.pointer == pointer
