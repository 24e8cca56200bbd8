"""Messages naming a missing execution, stage or task are dropped with an event."""

from __future__ import annotations

import pytest

from engine.events import InvalidExecutionId, InvalidStageId, InvalidTaskId, MessageDropped
from engine.memory import InMemoryEngine
from engine.messages import (
    CancelExecution,
    CompleteStage,
    CompleteTask,
    Message,
    RunTask,
    StartExecution,
    StartStage,
)
from tests.engine.support import by_ref, handle, stage, started


@pytest.mark.parametrize(
    "message", [StartExecution("missing"), CancelExecution("missing"), StartStage("missing", "s")]
)
def test_missing_execution(engine: InMemoryEngine, message: Message) -> None:
    assert handle(engine, message) == []
    assert engine.events.events == [InvalidExecutionId(message, "no execution missing")]


def test_missing_stage_and_task(engine: InMemoryEngine) -> None:
    execution = started(engine, stage("1", polls=3))
    one = by_ref(execution, "1")
    for message, kind in (
        (CompleteStage(execution.id, "nope"), InvalidStageId),
        (RunTask(execution.id, one.id, "9"), InvalidTaskId),
        (CompleteTask(execution.id, "nope", "1"), InvalidStageId),
    ):
        assert handle(engine, message) == []
        event = engine.events.events[-1]
        assert isinstance(event, kind)
        assert isinstance(event, MessageDropped)
        assert event.message == message
