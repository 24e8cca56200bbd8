"""User operations on live runs, end to end: cancel, pause/resume, restart, skip, judge."""

from __future__ import annotations

import pytest

from engine.events import ExecutionComplete, JudgmentAwaited, JudgmentDecided
from engine.memory import InMemoryEngine
from engine.status import Status
from tests.engine.support import by_ref, pipeline, run, script_stage, stage, statuses


def _start(engine: InMemoryEngine, *stages: dict[str, object], **config: object) -> str:
    execution = pipeline(engine, *stages, **config)
    engine.start(execution)
    engine.run(advance_clock=False)
    return execution.id


def test_cancel_stops_running_tasks_and_ends_canceled(engine: InMemoryEngine) -> None:
    execution_id = _start(engine, stage("1", polls=100), stage("2", "1"), stage("3", polls=100))
    engine.operations.cancel(execution_id=execution_id, user="bob", reason="bad build")
    canceled_at = engine.clock.now_ms()
    engine.run()
    execution = engine.execution(execution_id)
    assert execution.status == Status.CANCELED
    assert (execution.canceled_by, execution.cancellation_reason) == ("bob", "bad build")
    assert statuses(execution) == {"1": "CANCELED", "2": "NOT_STARTED", "3": "CANCELED"}
    builder = script_stage(engine)
    assert sorted(builder.task.canceled) == ["1", "3"]  # on_cancel ran
    assert sorted(builder.canceled) == ["1", "3"]  # the stage type's cancel ran
    assert by_ref(execution, "1").context["cleanedUp"] is True
    # it ended promptly, not after a hundred polls
    assert execution.end_time == canceled_at


def test_pause_propagates_and_paused_time_is_accounted(engine: InMemoryEngine) -> None:
    execution_id = _start(
        engine, stage("1", before=[{"name": "b", "context": {"polls": 5}}], stageTimeoutMs=20_000)
    )
    engine.operations.pause(execution_id=execution_id, user="bob")
    paused_at = engine.clock.now_ms()
    engine.run()  # the polls queued before the pause arrive stale and drop
    paused = engine.execution(execution_id)
    assert paused.status == Status.PAUSED
    assert statuses(paused) == {"1": "PAUSED", "1<1": "PAUSED"}
    assert by_ref(paused, "1<1").tasks[0].status == Status.PAUSED
    assert engine.queue.pending() == []  # nothing polls while paused
    calls = script_stage(engine).task.calls.count("1<1")

    engine.clock.advance(3_600_000)  # an hour paused must not trip the 20 s stage timeout
    engine.operations.resume(execution_id=execution_id, user="carol")
    resumed_at = engine.clock.now_ms()
    engine.run()
    done = engine.execution(execution_id)
    assert done.status == Status.SUCCEEDED
    assert script_stage(engine).task.calls.count("1<1") == calls + 5  # no extra poll chains
    assert done.paused is not None
    assert done.paused.to_dict()["pausedMs"] == resumed_at - paused_at


def test_restart_runs_the_stage_and_downstream_again(engine: InMemoryEngine) -> None:
    execution = run(engine, stage("1", outcome="TERMINAL"), stage("2", "1"))
    assert execution.status == Status.TERMINAL
    one = by_ref(execution, "1")
    one.context["outcome"] = "SUCCEEDED"  # the operator fixed the cause
    engine.repository.store_stage(one)
    engine.operations.restart_stage(execution_id=execution.id, stage_id=one.id, user="bob")
    engine.run()
    again = engine.execution(execution.id)
    assert again.status == Status.SUCCEEDED
    assert statuses(again) == {"1": "SUCCEEDED", "2": "SUCCEEDED"}
    assert by_ref(again, "1").context["restartDetails"]["restartedBy"] == "bob"


def test_restart_of_a_canceled_run_clears_the_cancel(engine: InMemoryEngine) -> None:
    execution_id = _start(engine, stage("1", polls=100))
    engine.operations.cancel(execution_id=execution_id, user="bob")
    engine.run()
    one = by_ref(engine.execution(execution_id), "1")
    one.context["polls"] = 0
    engine.repository.store_stage(one)
    engine.operations.restart_stage(execution_id=execution_id, stage_id=one.id, user="bob")
    engine.run()
    again = engine.execution(execution_id)
    assert (again.status, again.canceled) == (Status.SUCCEEDED, False)


def test_manual_skip_skips_the_stage_and_downstream_runs(engine: InMemoryEngine) -> None:
    execution_id = _start(engine, stage("1", polls=100), stage("2", "1"))
    one = by_ref(engine.execution(execution_id), "1")
    engine.operations.skip_stage(execution_id=execution_id, stage_id=one.id, user="bob")
    engine.run()
    execution = engine.execution(execution_id)
    assert statuses(execution) == {"1": "SKIPPED", "2": "SUCCEEDED"}
    assert execution.status == Status.SUCCEEDED
    assert script_stage(engine).task.calls == ["1", "2"]  # the stale poll never ran again


def test_skip_wait_ends_a_long_wait(engine: InMemoryEngine) -> None:
    execution_id = _start(engine, stage("1", type="wait", waitTime=86_400), stage("2", "1"))
    wait = by_ref(engine.execution(execution_id), "1")
    engine.operations.skip_wait(execution_id=execution_id, stage_id=wait.id, user="bob")
    engine.run(advance_clock=False)
    execution = engine.execution(execution_id)
    assert execution.status == Status.SUCCEEDED
    assert by_ref(execution, "1").context["skipRemainingWait"] is True
    assert execution.end_time == engine.clock.now_ms()


@pytest.mark.parametrize(
    ("decision", "options", "final", "judgment_status"),
    [
        ("continue", {}, Status.SUCCEEDED, "SUCCEEDED"),
        ("stop", {}, Status.TERMINAL, "TERMINAL"),
        ("stop", {"failPipeline": False}, Status.SUCCEEDED, "STOPPED"),
    ],
)
def test_manual_judgment(
    engine: InMemoryEngine,
    decision: str,
    options: dict[str, object],
    final: Status,
    judgment_status: str,
) -> None:
    execution_id = _start(
        engine,
        stage(
            "1",
            type="manualJudgment",
            instructions="Ship it?",
            judgmentInputs=[{"value": "blue"}, {"value": "green"}],
            **options,
        ),
    )
    judgment = by_ref(engine.execution(execution_id), "1")
    assert judgment.status == Status.RUNNING
    assert engine.events.of_type(JudgmentAwaited) == [
        JudgmentAwaited(execution_id, "app", judgment.id, judgment.name)
    ]
    engine.operations.judge(
        execution_id=execution_id,
        stage_id=judgment.id,
        status=decision.upper(),
        input="green",
        user="lead",
        custom_params={"ratio": 50},
    )
    engine.run(advance_clock=False)
    execution = engine.execution(execution_id)
    assert execution.status == final
    judged = by_ref(execution, "1")
    assert judged.status.value == judgment_status
    assert judged.context["judgmentStatus"] == decision
    assert judged.context["judgmentInput"] == "green"
    assert judged.context["lastModifiedBy"] == "lead"
    assert judged.context["customParams"] == {"ratio": 50}
    assert engine.events.of_type(JudgmentDecided)[0].user == "lead"


def test_waiting_judgment_times_out_after_72_hours(engine: InMemoryEngine) -> None:
    # polls hourly instead of every 15 s, to keep the test short
    execution_id = _start(engine, stage("1", type="manualJudgment", backoffPeriodMs=3_600_000))
    start = engine.clock.now_ms()
    engine.run(until_ms=start + 71 * 3_600_000)
    assert engine.execution(execution_id).status == Status.RUNNING
    engine.run(until_ms=start + 73 * 3_600_000)
    execution = engine.execution(execution_id)
    assert execution.status == Status.TERMINAL
    assert "timed out" in by_ref(execution, "1").context["exception"]["details"]["error"]


def test_judgment_timeout_is_overridden_by_stage_timeout(engine: InMemoryEngine) -> None:
    execution_id = _start(
        engine,
        stage(
            "1", type="manualJudgment", stageTimeoutMs=100 * 3_600_000, backoffPeriodMs=3_600_000
        ),
    )
    start = engine.clock.now_ms()
    engine.run(until_ms=start + 99 * 3_600_000)
    assert engine.execution(execution_id).status == Status.RUNNING
    engine.run(until_ms=start + 101 * 3_600_000)
    assert engine.execution(execution_id).status == Status.TERMINAL


def test_complete_event_is_published_once(engine: InMemoryEngine) -> None:
    execution_id = _start(engine, stage("1", polls=3), stage("2", polls=1))
    engine.operations.cancel(execution_id=execution_id, user="bob")
    engine.run()
    assert len(engine.events.of_type(ExecutionComplete)) == 1
