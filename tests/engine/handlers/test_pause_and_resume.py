"""PauseExecution/Stage/Task and ResumeExecution/Stage/Task handlers."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.messages import (
    PauseExecution,
    PauseStage,
    PauseTask,
    ResumeExecution,
    ResumeStage,
    ResumeTask,
    RunTask,
)
from engine.status import Status
from tests.engine.support import by_ref, handle, save, stage, started


def test_pause_marks_the_run_and_wakes_its_tasks(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5))
    one = by_ref(execution, "1")
    assert handle(engine, PauseExecution(execution.id, user="bob")) == [
        (RunTask(execution.id, one.id, "1", one.tasks[0].run_generation + 1), 0)
    ]
    stored = engine.execution(execution.id)
    assert stored.status == Status.PAUSED
    assert stored.paused is not None
    assert stored.paused.paused_by == "bob"


def test_paused_task_pauses_its_stage_and_parent(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", before=[{"name": "b", "context": {"polls": 5}}]))
    parent, child = by_ref(execution, "1"), by_ref(execution, "1<1")
    execution.mark_paused(user="bob", now=engine.clock.now_ms())
    save(engine, execution)
    assert handle(engine, PauseTask(execution.id, child.id, "1")) == [
        (PauseStage(execution.id, child.id), 0)
    ]
    assert handle(engine, PauseStage(execution.id, child.id)) == [
        (PauseStage(execution.id, parent.id), 0)
    ]
    assert handle(engine, PauseStage(execution.id, parent.id)) == []
    stored = engine.execution(execution.id)
    assert [by_ref(stored, ref).status for ref in ("1", "1<1")] == [Status.PAUSED] * 2
    assert by_ref(stored, "1<1").tasks[0].status == Status.PAUSED


def test_pause_task_arriving_after_resume_keeps_polling(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5))
    one = by_ref(execution, "1")
    assert handle(engine, PauseTask(execution.id, one.id, "1")) == [
        (RunTask(execution.id, one.id, "1", one.tasks[0].run_generation + 1), 0)
    ]


def test_resume_wakes_paused_stages_and_tasks(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5))
    one = by_ref(execution, "1")
    execution.mark_paused(user="bob", now=engine.clock.now_ms())
    one.status = Status.PAUSED
    one.tasks[0].status = Status.PAUSED
    save(engine, execution)
    engine.clock.advance(5_000)
    assert handle(engine, ResumeExecution(execution.id, user="carol")) == [
        (ResumeStage(execution.id, one.id), 0)
    ]
    assert handle(engine, ResumeStage(execution.id, one.id)) == [
        (ResumeTask(execution.id, one.id, "1"), 0)
    ]
    assert handle(engine, ResumeTask(execution.id, one.id, "1")) == [
        (RunTask(execution.id, one.id, "1", one.tasks[0].run_generation + 1), 0)
    ]
    stored = engine.execution(execution.id)
    assert stored.status == Status.RUNNING
    assert stored.paused is not None
    assert stored.paused.resumed_by == "carol"
    assert stored.paused_ms(since=0, now=engine.clock.now_ms()) == 5_000


def test_resume_of_a_running_execution_is_ignored(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=5))
    assert handle(engine, ResumeExecution(execution.id, user="bob")) == []
