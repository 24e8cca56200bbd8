"""The "if stage fails" options map a failure to a status exactly as Deck and Orca do."""

from __future__ import annotations

import pytest

from engine.failure import failure_status, is_manually_skipped
from engine.model import Execution, Stage, SyntheticStageOwner
from engine.status import Status


def _stage(**context: object) -> Stage:
    stage = Stage(id="s", ref_id="1", type="wait", name="s", context=dict(context))
    Execution(id="e", application="app", stages=[stage])
    return stage


@pytest.mark.parametrize(
    ("context", "status"),
    [
        ({}, Status.TERMINAL),  # halt the entire pipeline (default)
        ({"failPipeline": True}, Status.TERMINAL),
        ({"failPipeline": False}, Status.STOPPED),  # halt this branch
        ({"failPipeline": False, "completeOtherBranchesThenFail": True}, Status.STOPPED),
        ({"failPipeline": False, "continuePipeline": True}, Status.FAILED_CONTINUE),  # ignore
    ],
)
def test_failure_options(context: dict[str, object], status: Status) -> None:
    assert failure_status(_stage(**context)) == status


def test_failure_status_keeps_a_canceled_default() -> None:
    assert failure_status(_stage(), default=Status.CANCELED) == Status.CANCELED
    assert failure_status(_stage(failPipeline=False), default=Status.CANCELED) == Status.STOPPED


def test_manual_skip_is_inherited_by_synthetic_stages() -> None:
    parent = _stage(manualSkip=True)
    child = Stage(
        id="c",
        ref_id="1<1",
        type="wait",
        name="c",
        parent_stage_id="s",
        synthetic_stage_owner=SyntheticStageOwner.STAGE_BEFORE,
    )
    parent.execution.add_stage(child)
    assert is_manually_skipped(child)
    parent.context["manualSkip"] = False
    assert not is_manually_skipped(child)
