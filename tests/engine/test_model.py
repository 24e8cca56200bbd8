"""The execution model: Spinnaker-shaped JSON both ways, lookups, merged context, pauses."""

from __future__ import annotations

from engine.memory import FixedClock
from engine.model import Execution, Stage, SyntheticStageOwner, Task
from engine.status import Status
from tests.engine.support import make_engine, pipeline, stage


def _execution() -> Execution:
    engine = make_engine()
    execution = pipeline(engine, stage("1"), stage("2", "1", waitTime=5))
    first = execution.stages[0]
    first.status = Status.SUCCEEDED
    first.outputs["image"] = "nginx:1"
    first.tasks = [Task(id="1", name="run", implementing_class="x.Y", stage_start=True)]
    child = Stage(
        id="child",
        ref_id="1<1",
        type="wait",
        name="before",
        parent_stage_id=first.id,
        synthetic_stage_owner=SyntheticStageOwner.STAGE_BEFORE,
    )
    execution.add_stage(child)
    return execution


def test_to_dict_has_the_spinnaker_execution_shape() -> None:
    data = _execution().to_dict()
    for key in (
        "type",
        "id",
        "application",
        "name",
        "pipelineConfigId",
        "status",
        "buildTime",
        "startTime",
        "endTime",
        "canceled",
        "canceledBy",
        "cancellationReason",
        "paused",
        "trigger",
        "authentication",
        "limitConcurrent",
        "keepWaitingPipelines",
        "maxConcurrentExecutions",
        "origin",
        "spelEvaluator",
        "stages",
        "timeZone",
        "parentExecutionId",
    ):
        assert key in data, key
    assert data["type"] == "PIPELINE"
    stage_data = data["stages"][0]
    for key in (
        "id",
        "refId",
        "type",
        "name",
        "status",
        "startTime",
        "endTime",
        "requisiteStageRefIds",
        "parentStageId",
        "syntheticStageOwner",
        "context",
        "outputs",
        "tasks",
    ):
        assert key in stage_data, key
    task = stage_data["tasks"][0]
    for key in (
        "id",
        "name",
        "implementingClass",
        "status",
        "startTime",
        "endTime",
        "stageStart",
        "stageEnd",
        "loopStart",
        "loopEnd",
    ):
        assert key in task, key
    assert data["stages"][2]["syntheticStageOwner"] == "STAGE_BEFORE"


def test_from_dict_round_trips() -> None:
    original = _execution()
    copy = Execution.from_dict(original.to_dict())
    assert copy.to_dict() == original.to_dict()
    assert copy.stage("child") is not None
    assert copy.stage("child").execution is copy


def test_lookups_follow_added_and_removed_stages() -> None:
    execution = _execution()
    first = execution.stages[0]
    assert execution.stage_by_ref("1<1").id == "child"
    assert [child.id for child in execution.children_of(first.id)] == ["child"]
    assert [each.ref_id for each in execution.dependents_of("1")] == ["2"]
    execution.remove_stage("child")
    assert execution.stage("child") is None
    assert execution.children_of(first.id) == []


def test_merged_context_falls_back_to_the_nearest_ancestor_output() -> None:
    engine = make_engine()
    execution = pipeline(engine, stage("1"), stage("2", "1"), stage("3", "2", image="own"))
    one, two, three = execution.stages
    one.outputs.update({"image": "far", "region": "ap-guangzhou"})
    two.outputs.update({"image": "near"})
    assert two.merged_context()["image"] == "near"
    assert three.merged_context()["image"] == "own"  # its own context wins
    assert three.merged_context()["region"] == "ap-guangzhou"
    del three.context["image"]
    assert three.merged_context()["image"] == "near"


def test_synthetic_stage_sees_its_parents_upstream_outputs() -> None:
    execution = _execution()
    child = execution.stage("child")
    assert child.merged_context()["image"] == "nginx:1"


def test_paused_time_counts_only_overlap_with_the_window_asked_about() -> None:
    clock = FixedClock(1_000)
    execution = Execution(id="e", application="app", status=Status.RUNNING)
    execution.mark_paused(user="bob", now=2_000)
    execution.mark_resumed(user="bob", now=5_000)
    execution.mark_paused(user="bob", now=8_000)
    assert execution.status == Status.PAUSED
    assert execution.paused_ms(since=clock.now_ms(), now=9_000) == 3_000 + 1_000
    assert execution.paused_ms(since=4_000, now=9_000) == 1_000 + 1_000
    execution.mark_resumed(user="carol", now=10_000)
    data = execution.to_dict()["paused"]
    assert data["pausedMs"] == 5_000
    assert data["resumedBy"] == "carol"
    assert Execution.from_dict(execution.to_dict()).paused_ms(since=0, now=20_000) == 5_000


def test_cancel_marks_a_never_started_execution_canceled() -> None:
    execution = Execution(id="e", application="app")
    execution.mark_canceled(user="bob", reason="no longer needed", now=7)
    assert (execution.status, execution.canceled, execution.canceled_by) == (
        Status.CANCELED,
        True,
        "bob",
    )
    running = Execution(id="f", application="app", status=Status.RUNNING)
    running.mark_canceled(user="bob", reason=None, now=7)
    assert running.status == Status.RUNNING
    assert running.canceled
