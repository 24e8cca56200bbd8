"""Who downstream stages run as after a judgment with propagateAuthenticationContext."""

from __future__ import annotations

import pytest

from engine.authentication import authenticated_user
from engine.memory import InMemoryEngine
from tests.engine.support import by_ref, pipeline, stage


@pytest.mark.parametrize(
    ("propagate", "decision", "expected"),
    [(True, "continue", "lead"), (False, "continue", "alice"), (True, None, "alice")],
)
def test_judge_propagates_only_when_asked_and_continued(
    engine: InMemoryEngine, propagate: bool, decision: str | None, expected: str
) -> None:
    execution = pipeline(
        engine,
        stage("1", type="manualJudgment", propagateAuthenticationContext=propagate),
        stage("2", "1"),
        stage("3", "2"),
    )
    engine.start(execution)
    engine.run(advance_clock=False)
    if decision:
        judgment = by_ref(engine.execution(execution.id), "1")
        engine.operations.judge(
            execution_id=execution.id, stage_id=judgment.id, status=decision, user="lead"
        )
        engine.run(advance_clock=False)
    assert authenticated_user(by_ref(engine.execution(execution.id), "3"))["user"] == expected
