"""The four "if stage fails" options, end to end, with a parallel branch next to the failure."""

from __future__ import annotations

from engine.memory import InMemoryEngine
from engine.status import Status
from tests.engine.support import by_ref, run, script_stage, stage, statuses


def _branches(engine: InMemoryEngine, **failure_options: object):  # type: ignore[no-untyped-def]
    """fail -> after; a slow parallel branch -> tail."""
    return run(
        engine,
        stage("fail", outcome="TERMINAL", **failure_options),
        stage("after", "fail"),
        stage("slow", polls=5),
        stage("tail", "slow"),
    )


def test_fail_pipeline_halts_everything_and_cancels_running_branches(
    engine: InMemoryEngine,
) -> None:
    execution = _branches(engine)
    assert execution.status == Status.TERMINAL
    assert statuses(execution) == {
        "fail": "TERMINAL",
        "after": "NOT_STARTED",
        "slow": "CANCELED",
        "tail": "NOT_STARTED",
    }
    builder = script_stage(engine)
    assert builder.task.canceled == ["slow"]  # its task saw the cancel
    assert sorted(builder.canceled) == ["fail", "slow"]  # CancelStage reached both
    assert by_ref(execution, "slow").end_time == by_ref(execution, "fail").end_time


def test_continue_pipeline_ignores_the_failure(engine: InMemoryEngine) -> None:
    execution = _branches(engine, failPipeline=False, continuePipeline=True)
    assert statuses(execution) == {
        "fail": "FAILED_CONTINUE",
        "after": "SUCCEEDED",
        "slow": "SUCCEEDED",
        "tail": "SUCCEEDED",
    }
    assert execution.status == Status.SUCCEEDED


def test_halt_this_branch_stops_it_and_the_rest_finishes(engine: InMemoryEngine) -> None:
    execution = _branches(engine, failPipeline=False)
    assert statuses(execution) == {
        "fail": "STOPPED",
        "after": "NOT_STARTED",
        "slow": "SUCCEEDED",
        "tail": "SUCCEEDED",
    }
    assert execution.status == Status.SUCCEEDED


def test_complete_other_branches_then_fail(engine: InMemoryEngine) -> None:
    execution = _branches(engine, failPipeline=False, completeOtherBranchesThenFail=True)
    assert statuses(execution) == {
        "fail": "STOPPED",
        "after": "NOT_STARTED",
        "slow": "SUCCEEDED",
        "tail": "SUCCEEDED",
    }
    assert execution.status == Status.TERMINAL
    assert execution.end_time == by_ref(execution, "tail").end_time


def test_an_exception_follows_the_failure_options_too(engine: InMemoryEngine) -> None:
    execution = run(engine, stage("1", continuePipeline=True, **{"raise": "boom"}), stage("2", "1"))
    assert statuses(execution) == {"1": "FAILED_CONTINUE", "2": "SUCCEEDED"}
    assert by_ref(execution, "1").context["exception"]["details"]["error"] == "boom"
