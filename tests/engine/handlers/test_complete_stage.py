"""CompleteStage handler: status, synthetic stages, expression errors, what comes next."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.messages import (
    CancelStage,
    CompleteExecution,
    CompleteStage,
    ContinueParentStage,
    StartStage,
)
from engine.model import Execution, SyntheticStageOwner
from engine.status import Status
from tests.engine.support import by_ref, handle, save, stage, started


def _finish_tasks(engine: InMemoryEngine, execution: Execution, ref: str, status: Status) -> str:
    target = by_ref(execution, ref)
    for task in target.tasks:
        task.status = status
    save(engine, execution)
    return target.id


def test_success_starts_downstream_stages(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1), stage("2", "1"), stage("3", "1"))
    one = _finish_tasks(engine, execution, "1", Status.SUCCEEDED)
    assert handle(engine, CompleteStage(execution.id, one)) == [
        (StartStage(execution.id, by_ref(execution, "2").id), 0),
        (StartStage(execution.id, by_ref(execution, "3").id), 0),
    ]
    stored = by_ref(engine.execution(execution.id), "1")
    assert (stored.status, stored.end_time) == (Status.SUCCEEDED, engine.clock.now_ms())


def test_the_last_stage_completes_the_execution(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1))
    one = _finish_tasks(engine, execution, "1", Status.SUCCEEDED)
    assert handle(engine, CompleteStage(execution.id, one)) == [
        (CompleteExecution(execution.id), 0)
    ]


def test_failure_cancels_the_stage_and_settles_the_execution(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1), stage("2", "1"))
    one = _finish_tasks(engine, execution, "1", Status.TERMINAL)
    assert handle(engine, CompleteStage(execution.id, one)) == [
        (CancelStage(execution.id, one), 0),
        (CompleteExecution(execution.id), 0),
    ]
    assert by_ref(engine.execution(execution.id), "1").status == Status.TERMINAL


def test_after_stages_are_planned_and_started(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1, after=[{"name": "x"}, {"name": "y"}]))
    one = _finish_tasks(engine, execution, "1", Status.SUCCEEDED)
    pushed = handle(engine, CompleteStage(execution.id, one))
    stored = engine.execution(execution.id)
    first_after = by_ref(stored, "1>1")
    assert pushed == [(StartStage(execution.id, first_after.id), 0)]
    assert first_after.synthetic_stage_owner == SyntheticStageOwner.STAGE_AFTER
    assert by_ref(stored, "1>2").requisite_stage_ref_ids == ["1>1"]
    assert by_ref(stored, "1").status == Status.RUNNING  # not done until its after-stages are


def test_failure_stages_replace_unstarted_synthetics(engine: InMemoryEngine) -> None:
    execution = started(
        engine,
        stage("1", polls=1, after=[{"name": "x"}], onFailure=[{"name": "rollback"}]),
    )
    one = _finish_tasks(engine, execution, "1", Status.TERMINAL)
    pushed = handle(engine, CompleteStage(execution.id, one))
    stored = engine.execution(execution.id)
    rollback = next(each for each in stored.stages if each.name == "rollback")
    assert pushed == [(StartStage(execution.id, rollback.id), 0)]
    assert rollback.synthetic_stage_owner == SyntheticStageOwner.STAGE_AFTER


def test_synthetic_stage_reports_to_its_parent(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", before=[{"name": "b", "context": {"polls": 1}}]))
    child = _finish_tasks(engine, execution, "1<1", Status.SUCCEEDED)
    parent = by_ref(execution, "1").id
    assert handle(engine, CompleteStage(execution.id, child)) == [
        (ContinueParentStage(execution.id, parent, SyntheticStageOwner.STAGE_BEFORE), 0)
    ]


def test_failed_synthetic_stage_completes_its_parent(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", before=[{"name": "b", "context": {"polls": 1}}]))
    child = _finish_tasks(engine, execution, "1<1", Status.TERMINAL)
    parent = by_ref(execution, "1").id
    assert handle(engine, CompleteStage(execution.id, child)) == [
        (CancelStage(execution.id, child), 0),
        (CompleteStage(execution.id, parent), 0),
    ]


def test_failed_continue_synthetic_stage_stops_its_siblings(engine: InMemoryEngine) -> None:
    execution = started(
        engine,
        stage("1", before=[{"name": "b", "context": {"polls": 1}}, {"name": "c"}]),
    )
    child = _finish_tasks(engine, execution, "1<1", Status.FAILED_CONTINUE)
    parent = by_ref(execution, "1").id
    assert handle(engine, CompleteStage(execution.id, child)) == [
        (CompleteStage(execution.id, parent), 0)
    ]


def test_failed_expressions_fail_the_stage_when_asked(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1, failOnFailedExpressions=True, x="${nope}"))
    one = _finish_tasks(engine, execution, "1", Status.SUCCEEDED)
    pushed = handle(engine, CompleteStage(execution.id, one))
    assert pushed[0] == (CancelStage(execution.id, one), 0)
    stored = by_ref(engine.execution(execution.id), "1")
    assert stored.status == Status.TERMINAL
    assert stored.context["exception"]["details"]["errors"] == ["Failed to evaluate [${nope}]"]


def test_expression_errors_surface_in_the_exception_of_a_passing_stage(
    engine: InMemoryEngine,
) -> None:
    execution = started(engine, stage("1", polls=1, x="${nope}"))
    one = _finish_tasks(engine, execution, "1", Status.SUCCEEDED)
    handle(engine, CompleteStage(execution.id, one))
    stored = by_ref(engine.execution(execution.id), "1")
    assert stored.status == Status.SUCCEEDED
    assert stored.context["exception"]["details"] == {
        "error": "Failed Expression Evaluation",
        "errors": ["Failed to evaluate [${nope}]"],
    }


def test_a_stage_with_nothing_to_do_is_skipped(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1), stage("2", "1", taskNames=[]))
    two = by_ref(execution, "2")
    two.status = Status.RUNNING
    save(engine, execution)
    assert handle(engine, CompleteStage(execution.id, two.id)) == [
        (CompleteExecution(execution.id), 0)
    ]
    assert by_ref(engine.execution(execution.id), "2").status == Status.SKIPPED


def test_a_complete_stage_ignores_complete(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1))
    one = _finish_tasks(engine, execution, "1", Status.SUCCEEDED)
    handle(engine, CompleteStage(execution.id, one))
    assert handle(engine, CompleteStage(execution.id, one)) == []


def test_an_early_complete_while_a_task_runs_is_ignored(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5))
    one = by_ref(execution, "1")
    assert handle(engine, CompleteStage(execution.id, one.id)) == []
    assert by_ref(engine.execution(execution.id), "1").status == Status.RUNNING
