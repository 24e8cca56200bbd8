"""The `manualJudgment` stage type (operations and timeouts are covered in the scenarios)."""

from __future__ import annotations

import pytest

from engine.errors import OperationNotAllowedError
from engine.memory import InMemoryEngine
from engine.stages.manual_judgment import ManualJudgmentStage
from engine.status import Status
from tests.engine.support import by_ref, pipeline, stage


def _waiting(engine: InMemoryEngine) -> tuple[str, str]:
    execution = pipeline(engine, stage("1", type="manualJudgment"), stage("2", "1"))
    engine.start(execution)
    engine.run(advance_clock=False)
    return execution.id, by_ref(execution, "1").id


def test_waits_until_judged(engine: InMemoryEngine) -> None:
    execution_id, stage_id = _waiting(engine)
    engine.run(until_ms=engine.clock.now_ms() + 3_600_000)
    execution = engine.execution(execution_id)
    assert by_ref(execution, "1").status == Status.RUNNING
    assert by_ref(execution, "1").context["judgmentStatus"] == ""
    assert by_ref(execution, "2").status == Status.NOT_STARTED


def test_judging_twice_or_with_a_bad_status_is_refused(engine: InMemoryEngine) -> None:
    execution_id, stage_id = _waiting(engine)
    with pytest.raises(OperationNotAllowedError, match="continue or stop"):
        engine.operations.judge(
            execution_id=execution_id, stage_id=stage_id, status="maybe", user="lead"
        )
    engine.operations.judge(
        execution_id=execution_id, stage_id=stage_id, status="continue", user="lead"
    )
    with pytest.raises(OperationNotAllowedError, match="already judged"):
        engine.operations.judge(
            execution_id=execution_id, stage_id=stage_id, status="stop", user="other"
        )


def test_restart_clears_the_judgment(engine: InMemoryEngine) -> None:
    execution_id, stage_id = _waiting(engine)
    engine.operations.judge(
        execution_id=execution_id, stage_id=stage_id, status="stop", input="no", user="lead"
    )
    engine.run()
    assert engine.execution(execution_id).status == Status.TERMINAL
    engine.operations.restart_stage(execution_id=execution_id, stage_id=stage_id, user="lead")
    engine.run(advance_clock=False)
    judgment = by_ref(engine.execution(execution_id), "1")
    assert judgment.status == Status.RUNNING
    assert judgment.context["judgmentStatus"] == ""
    for key in ("judgmentInput", "lastModifiedBy"):
        assert key not in judgment.context
    assert judgment.last_modified is None


def test_builder_defaults() -> None:
    from engine.memory import FixedClock

    builder = ManualJudgmentStage(clock=FixedClock())
    assert builder.restartable
    assert builder.task.retryable
    assert builder.task.timeout_overridable
    assert builder.task.timeout_ms(None) == 72 * 3_600_000  # type: ignore[arg-type]
