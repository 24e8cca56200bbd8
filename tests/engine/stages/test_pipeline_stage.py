"""The `pipeline` stage: a child run linked by reference, watched, canceled, restarted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.memory import FixedClock, InMemoryEngine
from engine.messages import (
    CancelExecution,
    CancelStage,
    CompleteExecution,
    RescheduleExecution,
    RestartStage,
)
from engine.model import Execution
from engine.status import Status
from tests.engine.support import PathExpressions, ScriptedStage, by_ref, handle, pipeline, stage

CHILD = {
    "id": "child",
    "name": "deploy child",
    "parameterConfig": [{"name": "env", "default": "dev"}],
    "stages": [stage("1", outputs={"version": "1.2"})],
}


@pytest.fixture
def engine() -> InMemoryEngine:
    made = InMemoryEngine(clock=FixedClock(), expressions=PathExpressions(), snapshot=True)
    made.registry.register(ScriptedStage())
    made.launcher.add_pipeline(CHILD)
    return made


def child_stage(ref: str = "1", *requires: str, **context: Any) -> dict[str, Any]:
    context.setdefault("application", "app")
    context.setdefault("pipeline", "child")
    return stage(ref, *requires, type="pipeline", name=f"run child {ref}", **context)


def start(engine: InMemoryEngine, *stages: dict[str, Any], **config: Any) -> Execution:
    execution = pipeline(engine, *stages, **config)
    engine.start(execution)
    return execution


def run(engine: InMemoryEngine, *stages: dict[str, Any], **config: Any) -> Execution:
    execution = start(engine, *stages, **config)
    engine.run()
    return engine.execution(execution.id)


def child_of(engine: InMemoryEngine, parent: Execution, ref: str = "1") -> Execution:
    return engine.execution(by_ref(parent, ref).context["executionId"])


def error_of(execution: Execution, ref: str) -> str:
    return str(by_ref(execution, ref).context["exception"]["details"]["error"])


def test_the_child_runs_with_parameters_and_hands_back_its_outputs(engine: InMemoryEngine) -> None:
    parent = run(engine, child_stage(pipelineParameters={"tag": "v1"}))
    call = by_ref(parent, "1")
    assert (parent.status, call.status) == (Status.SUCCEEDED, Status.SUCCEEDED)
    assert [task.name for task in call.tasks] == ["startPipeline", "monitorPipeline"]
    child = child_of(engine, parent)
    assert child.status == Status.SUCCEEDED
    assert call.context["executionName"] == "deploy child"
    assert call.context["status"] == "SUCCEEDED"
    assert call.outputs["version"] == "1.2"
    assert child.trigger["parameters"] == {"tag": "v1", "env": "dev"}
    assert child.trigger["user"] == "alice"


def test_parent_and_child_reference_each_other_without_embedding(engine: InMemoryEngine) -> None:
    parent = run(engine, child_stage())
    child = child_of(engine, parent)
    document = child.to_dict()
    assert document["trigger"]["type"] == "pipeline"
    assert document["trigger"]["parentExecutionId"] == parent.id
    assert document["trigger"]["parentPipelineStageId"] == by_ref(parent, "1").id
    assert (document["parentExecutionId"], document["parentPipelineStageId"]) == (
        parent.id,
        by_ref(parent, "1").id,
    )
    assert "parentExecution" not in document["trigger"]
    assert json.dumps(parent.to_dict()["stages"]) not in json.dumps(document)


def test_artifacts_flow_into_the_child_and_back(engine: InMemoryEngine) -> None:
    given = {"type": "docker/image", "name": "app", "reference": "app:1"}
    built = {"type": "helm/chart", "name": "app-chart", "version": "0.3.0"}
    engine.launcher.add_pipeline(
        {"id": "bake", "name": "bake", "stages": [stage("1", outputs={"artifacts": [built]})]}
    )
    expected = {"id": "chart", "matchArtifact": {"type": "helm/chart", "name": "app-.*"}}
    parent = run(
        engine,
        stage("0", outputs={"artifacts": [given]}),
        child_stage("1", "0", pipeline="bake", expectedArtifacts=[expected]),
    )
    call = by_ref(parent, "1")
    child = child_of(engine, parent)
    assert child.trigger["artifacts"] == [given]
    assert call.status == Status.SUCCEEDED
    assert call.outputs["resolvedExpectedArtifacts"][0]["boundArtifact"] == built
    assert call.outputs["artifacts"] == [built]


def test_without_waiting_the_stage_succeeds_once_the_child_started(engine: InMemoryEngine) -> None:
    engine.launcher.add_pipeline({"id": "slow", "name": "slow", "stages": [stage("1", polls=3)]})
    parent = run(engine, child_stage(pipeline="slow", waitForCompletion="false"))
    call = by_ref(parent, "1")
    child = child_of(engine, parent)
    assert [task.name for task in call.tasks] == ["startPipeline"]
    assert call.end_time is not None
    assert child.end_time is not None
    assert call.end_time < child.end_time
    assert "status" not in call.context


def test_a_finished_child_wakes_its_parent_at_once(engine: InMemoryEngine) -> None:
    engine.launcher.add_pipeline({"id": "slow", "name": "slow", "stages": [stage("1", polls=2)]})
    parent = run(engine, child_stage(pipeline="slow"))
    assert by_ref(parent, "1").end_time == child_of(engine, parent).end_time


def test_a_failed_child_fails_the_stage_with_its_errors(engine: InMemoryEngine) -> None:
    engine.launcher.add_pipeline(
        {
            "id": "bad",
            "name": "bad child",
            "stages": [{"refId": "1", "type": "script", "name": "deploy", "raise": "disk full"}],
        }
    )
    parent = run(engine, child_stage(pipeline="bad"))
    assert parent.status == Status.TERMINAL
    assert by_ref(parent, "1").status == Status.TERMINAL
    assert error_of(parent, "1") == (
        "Exception in child pipeline stage (bad child: deploy): disk full"
    )
    source = by_ref(parent, "1").context["exception"]["source"]
    assert source["executionId"] == child_of(engine, parent).id
    assert source["stageName"] == "deploy"


def test_a_canceled_child_cancels_the_stage(engine: InMemoryEngine) -> None:
    engine.launcher.add_pipeline({"id": "slow", "name": "slow", "stages": [stage("1", polls=50)]})
    parent = start(engine, child_stage(pipeline="slow"))
    engine.run(until_ms=engine.clock.now_ms() + 5_000)
    child_id = by_ref(engine.execution(parent.id), "1").context["executionId"]
    engine.operations.cancel(execution_id=child_id, user="carol", reason="not today")
    engine.run()
    done = engine.execution(parent.id)
    assert (done.status, by_ref(done, "1").status) == (Status.CANCELED, Status.CANCELED)
    assert error_of(done, "1") == "The child pipeline was canceled"


def test_canceling_the_parent_cancels_the_child(engine: InMemoryEngine) -> None:
    engine.launcher.add_pipeline({"id": "slow", "name": "slow", "stages": [stage("1", polls=50)]})
    parent = start(engine, child_stage(pipeline="slow"))
    engine.run(until_ms=engine.clock.now_ms() + 5_000)
    child_id = by_ref(engine.execution(parent.id), "1").context["executionId"]
    assert engine.execution(child_id).status == Status.RUNNING
    engine.operations.cancel(execution_id=parent.id, user="bob", reason="abort release")
    engine.run()
    child = engine.execution(child_id)
    assert engine.execution(parent.id).status == Status.CANCELED
    assert child.status == Status.CANCELED
    assert child.canceled_by == "bob"
    assert child.cancellation_reason == "parent pipeline test pipeline (run child 1 CANCELED)"


def test_cancel_stage_pushes_the_child_cancel_only_while_the_child_runs(
    engine: InMemoryEngine,
) -> None:
    parent = run(engine, child_stage())
    call = by_ref(parent, "1")
    child_id = call.context["executionId"]
    assert handle(engine, CancelStage(parent.id, call.id)) == []  # stage succeeded: no halt
    call.status = Status.TERMINAL
    call.context["status"] = "RUNNING"
    engine.repository.store_stage(call)
    assert handle(engine, CancelStage(parent.id, call.id)) == [
        (
            CancelExecution(
                child_id,
                user="system",
                reason="parent pipeline test pipeline (run child 1 TERMINAL)",
            ),
            0,
        )
    ]
    call.context["status"] = "SUCCEEDED"
    engine.repository.store_stage(call)
    assert handle(engine, CancelStage(parent.id, call.id)) == []


@pytest.mark.parametrize(
    ("context", "error"),
    [
        ({"pipeline": "nope"}, "The referenced pipeline nope does not exist in application app"),
        ({"application": "other"}, "The referenced pipeline child does not exist in application"),
        ({"pipeline": "off"}, "The referenced pipeline switched off is disabled"),
        ({"pipeline": ""}, "the pipeline stage needs `pipeline`, a pipeline config id"),
    ],
)
def test_a_child_that_cannot_run_fails_clearly(
    engine: InMemoryEngine, context: dict[str, Any], error: str
) -> None:
    engine.launcher.add_pipeline(
        {"id": "off", "name": "switched off", "disabled": True, "stages": [stage("1")]}
    )
    parent = run(engine, child_stage(**context))
    assert by_ref(parent, "1").status == Status.TERMINAL
    assert error_of(parent, "1").startswith(error)
    assert engine.launcher.started == []


def test_restarting_the_stage_starts_a_new_child(engine: InMemoryEngine) -> None:
    parent = run(engine, child_stage())
    first = by_ref(parent, "1").context["executionId"]
    engine.operations.restart_stage(
        execution_id=parent.id, stage_id=by_ref(parent, "1").id, user="b"
    )
    engine.run()
    again = engine.execution(parent.id)
    assert by_ref(again, "1").status == Status.SUCCEEDED
    assert by_ref(again, "1").context["executionId"] != first
    assert len(engine.launcher.started) == 2


def test_restarting_the_child_resumes_the_finished_parent(engine: InMemoryEngine) -> None:
    engine.launcher.add_pipeline(
        {
            "id": "gated",
            "name": "gated",
            "stages": [{"refId": "1", "type": "manualJudgment", "name": "approve"}],
        }
    )
    parent = start(engine, child_stage(pipeline="gated"))
    engine.run(until_ms=engine.clock.now_ms() + 1_000)
    child_id = by_ref(engine.execution(parent.id), "1").context["executionId"]
    gate = by_ref(engine.execution(child_id), "1")
    engine.operations.judge(execution_id=child_id, stage_id=gate.id, status="stop", user="bob")
    engine.run(until_ms=engine.clock.now_ms() + 1_000)
    assert engine.execution(parent.id).status == Status.TERMINAL

    engine.operations.restart_stage(execution_id=child_id, stage_id=gate.id, user="bob")
    engine.run(until_ms=engine.clock.now_ms() + 1_000)
    resumed = engine.execution(parent.id)
    assert resumed.status == Status.RUNNING
    assert by_ref(resumed, "1").context["executionId"] == child_id
    assert "_skipPipelineRestart" not in by_ref(resumed, "1").context
    engine.operations.judge(execution_id=child_id, stage_id=gate.id, status="continue", user="bob")
    engine.run(until_ms=engine.clock.now_ms() + 1_000)
    assert engine.execution(child_id).status == Status.SUCCEEDED
    assert engine.execution(parent.id).status == Status.SUCCEEDED
    assert engine.launcher.started == [child_id]


def test_a_restarted_child_does_not_touch_a_running_parent_or_another_child(
    engine: InMemoryEngine,
) -> None:
    parent = run(engine, child_stage())
    call = by_ref(parent, "1")
    child_id = call.context["executionId"]
    assert (
        handle(engine, RestartStage(parent.id, call.id, user="b", restarted_child_id="other")) == []
    )
    parent.status = Status.RUNNING
    engine.repository.update_execution(parent)
    assert (
        handle(engine, RestartStage(parent.id, call.id, user="b", restarted_child_id=child_id))
        == []
    )


def test_restarting_a_child_asks_its_parent_to_resume(engine: InMemoryEngine) -> None:
    parent = run(engine, child_stage())
    child = child_of(engine, parent)
    pushed = handle(engine, RestartStage(child.id, child.stages[0].id, user="bob"))
    assert pushed[-1] == (
        RestartStage(parent.id, by_ref(parent, "1").id, user="bob", restarted_child_id=child.id),
        0,
    )


def test_completing_a_child_reschedules_its_parent(engine: InMemoryEngine) -> None:
    parent = run(engine, child_stage())
    child = child_of(engine, parent)
    child.status = Status.RUNNING
    engine.repository.update_execution(child)
    assert (RescheduleExecution(parent.id), 0) in handle(engine, CompleteExecution(child.id))


def test_a_skippable_stage_can_be_skipped(engine: InMemoryEngine) -> None:
    builder = engine.registry.builder("pipeline")
    parent = pipeline(engine, child_stage(skippable=True), child_stage("2"))
    assert builder.can_manually_skip(parent.stages[0]) is True
    assert builder.can_manually_skip(parent.stages[1]) is False
