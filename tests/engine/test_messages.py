"""Messages carry ids only and survive a JSON round trip through the transport codec."""

from __future__ import annotations

import dataclasses
import json

import pytest

from engine import messages
from engine.model import SyntheticStageOwner
from engine.status import Status

SAMPLES: list[messages.Message] = [
    messages.StartExecution("e"),
    messages.CompleteExecution("e"),
    messages.CancelExecution("e", user="bob", reason="why"),
    messages.PauseExecution("e", user="bob"),
    messages.ResumeExecution("e", user="bob"),
    messages.RescheduleExecution("e"),
    messages.StartWaitingExecutions("p", purge_queue=True),
    messages.StartStage("e", "s"),
    messages.CompleteStage("e", "s"),
    messages.ContinueParentStage("e", "s", SyntheticStageOwner.STAGE_AFTER),
    messages.SkipStage("e", "s"),
    messages.AbortStage("e", "s"),
    messages.CancelStage("e", "s"),
    messages.PauseStage("e", "s"),
    messages.ResumeStage("e", "s"),
    messages.RestartStage("e", "s", user="bob"),
    messages.RestartStage("e", "s", user="bob", restarted_child_id="child"),
    messages.StartTask("e", "s", "1"),
    messages.RunTask("e", "s", "1", 3),
    messages.CompleteTask("e", "s", "1", Status.FAILED_CONTINUE, Status.TERMINAL),
    messages.PauseTask("e", "s", "1"),
    messages.ResumeTask("e", "s", "1"),
]


def test_every_message_type_has_a_sample() -> None:
    assert {type(sample) for sample in SAMPLES} == set(messages.MESSAGE_TYPES.values())


@pytest.mark.parametrize("message", SAMPLES, ids=lambda message: type(message).__name__)
def test_codec_round_trip(message: messages.Message) -> None:
    encoded = json.loads(json.dumps(messages.message_to_dict(message)))
    assert messages.message_from_dict(encoded) == message


def test_messages_are_frozen_and_hashable() -> None:
    message = messages.StartStage("e", "s")
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.stage_id = "other"  # type: ignore[misc]
    assert len({message, messages.StartStage("e", "s")}) == 1


def test_execution_id_of() -> None:
    assert messages.execution_id_of(messages.RunTask("e", "s", "1")) == "e"
    assert messages.execution_id_of(messages.StartWaitingExecutions("p")) is None
