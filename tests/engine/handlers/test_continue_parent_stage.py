"""ContinueParentStage handler."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.messages import CompleteStage, ContinueParentStage, StartTask
from engine.model import SyntheticStageOwner
from engine.status import Status
from tests.engine.support import by_ref, handle, save, stage, started

BEFORE = SyntheticStageOwner.STAGE_BEFORE
AFTER = SyntheticStageOwner.STAGE_AFTER


def test_parent_runs_its_first_task_after_its_before_stages(engine: InMemoryEngine) -> None:
    execution = started(
        engine, stage("1", before=[{"name": "a", "context": {"polls": 1}}, {"name": "b"}])
    )
    parent = by_ref(execution, "1")
    message = ContinueParentStage(execution.id, parent.id, BEFORE)
    by_ref(execution, "1<1").status = Status.SUCCEEDED
    save(engine, execution)
    assert handle(engine, message) == []  # "b" still to run
    by_ref(execution, "1<2").status = Status.SKIPPED
    save(engine, execution)
    assert handle(engine, message) == [(StartTask(execution.id, parent.id, "1"), 0)]


def test_parent_without_tasks_completes(engine: InMemoryEngine) -> None:
    execution = started(
        engine, stage("1", taskNames=[], before=[{"name": "a", "context": {"polls": 1}}])
    )
    parent = by_ref(execution, "1")
    by_ref(execution, "1<1").status = Status.SUCCEEDED
    save(engine, execution)
    assert handle(engine, ContinueParentStage(execution.id, parent.id, BEFORE)) == [
        (CompleteStage(execution.id, parent.id), 0)
    ]


def test_parent_completes_after_all_after_stages(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1, after=[{"name": "x"}]))
    parent = by_ref(execution, "1")
    assert handle(engine, ContinueParentStage(execution.id, parent.id, AFTER)) == [
        (CompleteStage(execution.id, parent.id), 0)
    ]
