"""limitConcurrent / keepWaitingPipelines / maxConcurrentExecutions, end to end."""

from __future__ import annotations

from engine.concurrency import SUPERSEDED_REASON
from engine.memory import InMemoryEngine
from engine.status import Status
from tests.engine.support import pipeline, stage


def _launch(engine: InMemoryEngine, *stages: dict[str, object], **config: object) -> str:
    execution = pipeline(engine, *stages, **config)
    engine.start(execution)
    engine.run(advance_clock=False)
    engine.clock.advance(10)  # distinct build times
    return execution.id


def _status(engine: InMemoryEngine, execution_id: str) -> Status:
    return engine.execution(execution_id).status


def test_limit_concurrent_runs_the_newest_waiting_and_cancels_the_others(
    engine: InMemoryEngine,
) -> None:
    first = _launch(engine, stage("1", polls=3), limitConcurrent=True)
    second = _launch(engine, stage("1"), limitConcurrent=True)
    third = _launch(engine, stage("1"), limitConcurrent=True)
    assert [_status(engine, each) for each in (first, second, third)] == [
        Status.RUNNING,
        Status.NOT_STARTED,
        Status.NOT_STARTED,
    ]
    engine.run()
    assert [_status(engine, each) for each in (first, second, third)] == [
        Status.SUCCEEDED,
        Status.CANCELED,
        Status.SUCCEEDED,
    ]
    superseded = engine.execution(second)
    assert superseded.cancellation_reason == SUPERSEDED_REASON
    assert superseded.start_time is None


def test_keep_waiting_pipelines_runs_them_in_order(engine: InMemoryEngine) -> None:
    config = {"limitConcurrent": True, "keepWaitingPipelines": True}
    ids = [_launch(engine, stage("1", polls=1), **config) for _ in range(3)]
    engine.run()
    executions = [engine.execution(each) for each in ids]
    assert [each.status for each in executions] == [Status.SUCCEEDED] * 3
    starts = [each.start_time or 0 for each in executions]
    ends = [each.end_time or 0 for each in executions]
    assert starts == sorted(starts)
    assert starts[1] >= ends[0]
    assert starts[2] >= ends[1]


def test_max_concurrent_executions_caps_parallel_runs(engine: InMemoryEngine) -> None:
    config = {"maxConcurrentExecutions": 2, "keepWaitingPipelines": True}
    ids = [_launch(engine, stage("1", polls=2), **config) for _ in range(3)]
    assert [_status(engine, each) for each in ids] == [
        Status.RUNNING,
        Status.RUNNING,
        Status.NOT_STARTED,
    ]
    engine.run()
    assert [_status(engine, each) for each in ids] == [Status.SUCCEEDED] * 3


def test_other_pipelines_and_unlimited_ones_are_not_held_back(engine: InMemoryEngine) -> None:
    first = _launch(engine, stage("1", polls=3), limitConcurrent=True)
    other = _launch(engine, stage("1", polls=3), limitConcurrent=True, id="p2")
    unlimited = [_launch(engine, stage("1", polls=3), id="p3") for _ in range(2)]
    assert {_status(engine, each) for each in (first, other, *unlimited)} == {Status.RUNNING}


def test_paused_and_judgment_waiting_runs_hold_the_slot(engine: InMemoryEngine) -> None:
    judging = _launch(engine, stage("1", type="manualJudgment"), limitConcurrent=True)
    waiting = _launch(engine, stage("1"), limitConcurrent=True)
    assert _status(engine, waiting) == Status.NOT_STARTED

    engine.operations.pause(execution_id=judging, user="bob")
    engine.run(advance_clock=False)
    assert _status(engine, judging) == Status.PAUSED
    late = _launch(engine, stage("1"), limitConcurrent=True)
    assert _status(engine, late) == Status.NOT_STARTED

    engine.operations.resume(execution_id=judging, user="bob")
    engine.run(advance_clock=False)
    judgment = engine.execution(judging).stages[0]
    engine.operations.judge(
        execution_id=judging, stage_id=judgment.id, status="continue", user="lead"
    )
    engine.run()
    assert [_status(engine, each) for each in (judging, waiting, late)] == [
        Status.SUCCEEDED,
        Status.CANCELED,
        Status.SUCCEEDED,
    ]


def test_canceling_a_waiting_run_does_not_disturb_the_queue(engine: InMemoryEngine) -> None:
    config = {"limitConcurrent": True, "keepWaitingPipelines": True}
    first = _launch(engine, stage("1", polls=2), **config)
    second = _launch(engine, stage("1"), **config)
    third = _launch(engine, stage("1"), **config)
    engine.operations.cancel(execution_id=second, user="bob")
    engine.run()
    assert [_status(engine, each) for each in (first, second, third)] == [
        Status.SUCCEEDED,
        Status.CANCELED,
        Status.SUCCEEDED,
    ]
    assert engine.gate.pending_pipeline_ids() == []


def test_canceling_the_running_execution_releases_the_waiting_one(
    engine: InMemoryEngine,
) -> None:
    running = _launch(engine, stage("1", polls=100), limitConcurrent=True)
    waiting = _launch(engine, stage("1"), limitConcurrent=True)
    engine.operations.cancel(execution_id=running, user="bob")
    engine.run()
    assert _status(engine, running) == Status.CANCELED
    assert _status(engine, waiting) == Status.SUCCEEDED
