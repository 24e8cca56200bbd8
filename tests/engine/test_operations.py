"""User operations refuse what does not apply, with a clear reason, and queue the right message."""

from __future__ import annotations

import pytest

from engine.errors import ExecutionNotFoundError, OperationNotAllowedError, StageNotFoundError
from engine.memory import InMemoryEngine
from engine.messages import (
    CancelExecution,
    PauseExecution,
    RestartStage,
    ResumeExecution,
    StartExecution,
)
from engine.status import Status
from tests.engine.support import by_ref, launched, pipeline, run, script_stage, stage, started


def test_start_stores_and_queues(engine: InMemoryEngine) -> None:
    execution = pipeline(engine, stage("1"))
    engine.operations.start(execution=execution)
    assert engine.queue.take_pushed() == [(StartExecution(execution.id), 0)]
    assert engine.execution(execution.id).status == Status.NOT_STARTED


def test_cancel_pause_resume_queue_messages(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=9))
    engine.operations.pause(execution_id=execution.id, user="bob")
    assert engine.queue.take_pushed() == [(PauseExecution(execution.id, user="bob"), 0)]
    with pytest.raises(OperationNotAllowedError, match="cannot resume a RUNNING"):
        engine.operations.resume(execution_id=execution.id, user="bob")
    engine.run(advance_clock=False)
    engine.queue.take_pushed()
    with pytest.raises(OperationNotAllowedError, match="cannot pause a PAUSED"):
        engine.operations.pause(execution_id=execution.id, user="bob")
    engine.operations.resume(execution_id=execution.id, user="bob")
    assert engine.queue.take_pushed() == [(ResumeExecution(execution.id, user="bob"), 0)]
    engine.operations.cancel(execution_id=execution.id, user="bob", reason="r")
    assert engine.queue.take_pushed() == [
        (CancelExecution(execution.id, user="bob", reason="r"), 0)
    ]


def test_operations_on_finished_or_missing_things_are_refused(engine: InMemoryEngine) -> None:
    execution = run(engine, stage("1"))
    with pytest.raises(OperationNotAllowedError, match="already SUCCEEDED"):
        engine.operations.cancel(execution_id=execution.id, user="bob")
    with pytest.raises(ExecutionNotFoundError):
        engine.operations.cancel(execution_id="missing", user="bob")
    with pytest.raises(StageNotFoundError):
        engine.operations.skip_wait(execution_id=execution.id, stage_id="missing", user="bob")
    with pytest.raises(OperationNotAllowedError, match="not a running wait"):
        engine.operations.skip_wait(
            execution_id=execution.id, stage_id=execution.stages[0].id, user="bob"
        )
    with pytest.raises(OperationNotAllowedError, match="not waiting for its window"):
        engine.operations.skip_window(
            execution_id=execution.id, stage_id=execution.stages[0].id, user="bob"
        )
    with pytest.raises(OperationNotAllowedError, match="not awaiting a judgment"):
        engine.operations.judge(
            execution_id=execution.id, stage_id=execution.stages[0].id, status="stop", user="b"
        )


def test_restart_is_refused_for_running_stages_and_unrestartable_types(
    engine: InMemoryEngine,
) -> None:
    execution = launched(engine, stage("1", polls=9), stage("2", polls=0))
    one = by_ref(execution, "1")
    with pytest.raises(OperationNotAllowedError, match="still RUNNING"):
        engine.operations.restart_stage(execution_id=execution.id, stage_id=one.id, user="b")
    engine.run()
    script_stage(engine).restartable = False
    with pytest.raises(OperationNotAllowedError, match="cannot be restarted"):
        engine.operations.restart_stage(execution_id=execution.id, stage_id=one.id, user="b")
    script_stage(engine).restartable = True
    engine.queue.take_pushed()
    engine.operations.restart_stage(execution_id=execution.id, stage_id=one.id, user="b")
    assert engine.queue.take_pushed() == [(RestartStage(execution.id, one.id, user="b"), 0)]


def test_restart_of_a_run_that_never_started_is_refused(engine: InMemoryEngine) -> None:
    execution = pipeline(engine, stage("1"))
    engine.repository.store(execution)
    with pytest.raises(OperationNotAllowedError, match="not started"):
        engine.operations.restart_stage(
            execution_id=execution.id, stage_id=execution.stages[0].id, user="b"
        )


def test_skip_needs_a_skippable_stage_type(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=9), stage("2", type="wait", waitTime=600))
    script_stage(engine).skippable = False
    with pytest.raises(OperationNotAllowedError, match="cannot be skipped"):
        engine.operations.skip_stage(
            execution_id=execution.id, stage_id=by_ref(execution, "1").id, user="b"
        )
    with pytest.raises(OperationNotAllowedError, match="cannot be skipped"):
        engine.operations.skip_stage(
            execution_id=execution.id, stage_id=by_ref(execution, "2").id, user="b"
        )


def test_skipping_a_stage_that_has_not_started_skips_it_when_reached(
    engine: InMemoryEngine,
) -> None:
    execution = launched(engine, stage("1", polls=2), stage("2", "1", polls=9), stage("3", "2"))
    engine.queue.take_pushed()
    engine.operations.skip_stage(
        execution_id=execution.id, stage_id=by_ref(execution, "2").id, user="bob"
    )
    assert engine.queue.take_pushed() == []
    engine.run()
    done = engine.execution(execution.id)
    assert [each.status for each in done.stages] == [
        Status.SUCCEEDED,
        Status.SKIPPED,
        Status.SUCCEEDED,
    ]
