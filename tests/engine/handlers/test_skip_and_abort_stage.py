"""SkipStage and AbortStage handlers."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.messages import (
    AbortStage,
    CancelStage,
    CompleteExecution,
    CompleteStage,
    SkipStage,
    StartStage,
)
from engine.status import Status
from tests.engine.support import by_ref, handle, save, stage, started


def test_skip_marks_skipped_and_lets_downstream_run(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1), stage("2", "1"))
    one = by_ref(execution, "1")
    assert handle(engine, SkipStage(execution.id, one.id)) == [
        (StartStage(execution.id, by_ref(execution, "2").id), 0)
    ]
    stored = by_ref(engine.execution(execution.id), "1")
    assert stored.status == Status.SKIPPED
    assert stored.tasks[0].status == Status.SKIPPED
    assert handle(engine, SkipStage(execution.id, one.id)) == []  # duplicate


def test_manual_skip_skips_running_synthetic_stages(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", before=[{"name": "b", "context": {"polls": 3}}]))
    one = by_ref(execution, "1")
    one.context["manualSkip"] = True
    save(engine, execution)
    assert handle(engine, SkipStage(execution.id, one.id)) == [(CompleteExecution(execution.id), 0)]
    stored = engine.execution(execution.id)
    assert by_ref(stored, "1<1").status == Status.SKIPPED
    assert by_ref(stored, "1<1").tasks[0].status == Status.SKIPPED


def test_abort_fails_a_top_level_stage(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1))
    one = by_ref(execution, "1")
    assert handle(engine, AbortStage(execution.id, one.id)) == [
        (CancelStage(execution.id, one.id), 0),
        (CompleteExecution(execution.id), 0),
    ]
    assert by_ref(engine.execution(execution.id), "1").status == Status.TERMINAL


def test_abort_of_a_synthetic_stage_completes_the_parent(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", before=[{"name": "b", "context": {"polls": 3}}]))
    child = by_ref(execution, "1<1")
    assert handle(engine, AbortStage(execution.id, child.id)) == [
        (CancelStage(execution.id, child.id), 0),
        (CompleteStage(execution.id, by_ref(execution, "1").id), 0),
    ]
