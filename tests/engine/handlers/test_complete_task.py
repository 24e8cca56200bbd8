"""CompleteTask handler: next task, end of stage, loops."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.messages import CompleteStage, CompleteTask, SkipStage, StartTask
from engine.status import Status
from tests.engine.support import by_ref, handle, save, stage, started


def _three_tasks(engine: InMemoryEngine, **context: object) -> tuple[str, str]:
    execution = started(engine, stage("1", taskNames=["a", "b", "c"], polls=1, **context))
    return execution.id, by_ref(execution, "1").id


def test_next_task_starts(engine: InMemoryEngine) -> None:
    execution_id, stage_id = _three_tasks(engine)
    assert handle(engine, CompleteTask(execution_id, stage_id, "1", Status.SUCCEEDED)) == [
        (StartTask(execution_id, stage_id, "2"), 0)
    ]
    stored = by_ref(engine.execution(execution_id), "1")
    assert stored.tasks[0].status == Status.SUCCEEDED
    assert stored.tasks[0].end_time == engine.clock.now_ms()


def test_a_halting_status_completes_the_stage_early(engine: InMemoryEngine) -> None:
    execution_id, stage_id = _three_tasks(engine)
    assert handle(engine, CompleteTask(execution_id, stage_id, "1", Status.TERMINAL)) == [
        (CompleteStage(execution_id, stage_id), 0)
    ]


def test_failed_continue_from_failure_options_completes_the_stage(engine: InMemoryEngine) -> None:
    execution_id, stage_id = _three_tasks(engine)
    message = CompleteTask(execution_id, stage_id, "1", Status.FAILED_CONTINUE, Status.TERMINAL)
    assert handle(engine, message) == [(CompleteStage(execution_id, stage_id), 0)]


def test_failed_continue_returned_by_the_task_runs_the_next_task(engine: InMemoryEngine) -> None:
    execution_id, stage_id = _three_tasks(engine)
    message = CompleteTask(
        execution_id, stage_id, "1", Status.FAILED_CONTINUE, Status.FAILED_CONTINUE
    )
    assert handle(engine, message) == [(StartTask(execution_id, stage_id, "2"), 0)]


def test_duplicate_complete_is_ignored(engine: InMemoryEngine) -> None:
    execution_id, stage_id = _three_tasks(engine)
    handle(engine, CompleteTask(execution_id, stage_id, "1", Status.SUCCEEDED))
    assert handle(engine, CompleteTask(execution_id, stage_id, "1", Status.SUCCEEDED)) == []


def test_last_task_completes_the_stage(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=1))
    one = by_ref(execution, "1")
    assert handle(engine, CompleteTask(execution.id, one.id, "1", Status.SUCCEEDED)) == [
        (CompleteStage(execution.id, one.id), 0)
    ]


def test_redirect_restarts_the_loop(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", taskNames=["a", "b", "c"], polls=1))
    one = by_ref(execution, "1")
    one.tasks[0].status = Status.SUCCEEDED
    one.tasks[1].loop_start = True
    one.tasks[2].loop_end = True
    one.tasks[1].status = Status.SUCCEEDED
    one.tasks[2].status = Status.RUNNING
    save(engine, execution)
    assert handle(engine, CompleteTask(execution.id, one.id, "3", Status.REDIRECT)) == [
        (StartTask(execution.id, one.id, "2"), 0)
    ]
    tasks = by_ref(engine.execution(execution.id), "1").tasks
    assert [task.status for task in tasks] == [
        Status.SUCCEEDED,
        Status.NOT_STARTED,
        Status.NOT_STARTED,
    ]


def test_manual_skip_skips_the_top_level_stage(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", before=[{"name": "b", "context": {"polls": 3}}]))
    one, child = by_ref(execution, "1"), by_ref(execution, "1<1")
    one.context["manualSkip"] = True
    save(engine, execution)
    assert handle(engine, CompleteTask(execution.id, child.id, "1", Status.SKIPPED)) == [
        (SkipStage(execution.id, one.id), 0)
    ]
