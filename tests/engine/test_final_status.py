"""Orca's determineFinalStatus over top-level stages, and the stage-level aggregation."""

from __future__ import annotations

import pytest

from engine.final_status import determine_final_status
from engine.model import Execution, Stage, SyntheticStageOwner
from engine.model import Task as TaskRecord
from engine.stage_status import determine_stage_status
from engine.status import Status

S = Status


def _execution(*statuses: Status, edges: dict[str, list[str]] | None = None) -> Execution:
    edges = edges or {}
    return Execution(
        id="e",
        application="app",
        stages=[
            Stage(
                id=f"s{position}",
                ref_id=str(position),
                type="wait",
                name=str(position),
                status=status,
                requisite_stage_ref_ids=edges.get(str(position), []),
            )
            for position, status in enumerate(statuses)
        ],
    )


@pytest.mark.parametrize(
    ("statuses", "final"),
    [
        ((S.SUCCEEDED, S.SKIPPED, S.FAILED_CONTINUE), S.SUCCEEDED),
        ((S.SUCCEEDED, S.TERMINAL, S.RUNNING), S.TERMINAL),
        ((S.CANCELED, S.TERMINAL), S.TERMINAL),
        ((S.CANCELED, S.SUCCEEDED), S.CANCELED),
        ((S.STOPPED, S.SUCCEEDED), S.SUCCEEDED),
        ((S.STOPPED, S.RUNNING), None),
        ((S.STOPPED, S.PAUSED), None),
        ((S.SUCCEEDED, S.RUNNING), None),
        ((S.SUCCEEDED, S.NOT_STARTED), None),
    ],
)
def test_final_status_rule(statuses: tuple[Status, ...], final: Status | None) -> None:
    assert determine_final_status(_execution(*statuses)) == final


def test_stopped_waits_for_a_startable_branch_but_not_a_blocked_one() -> None:
    # stage 2 requires the STOPPED stage 0: it can never start, so the run is over.
    blocked = _execution(S.STOPPED, S.SUCCEEDED, S.NOT_STARTED, edges={"2": ["0"]})
    assert determine_final_status(blocked) == S.SUCCEEDED
    # stage 2 requires the SUCCEEDED stage 1: it is about to start.
    startable = _execution(S.STOPPED, S.SUCCEEDED, S.NOT_STARTED, edges={"2": ["1"]})
    assert determine_final_status(startable) is None


def test_complete_other_branches_then_fail_turns_stopped_into_terminal() -> None:
    execution = _execution(S.STOPPED, S.SUCCEEDED)
    execution.stages[0].context["completeOtherBranchesThenFail"] = True
    assert determine_final_status(execution) == S.TERMINAL


def test_only_top_level_stages_count() -> None:
    execution = _execution(S.SUCCEEDED)
    execution.add_stage(
        Stage(
            id="child",
            ref_id="0<1",
            type="wait",
            name="child",
            status=S.TERMINAL,
            parent_stage_id="s0",
            synthetic_stage_owner=SyntheticStageOwner.STAGE_BEFORE,
        )
    )
    assert determine_final_status(execution) == S.SUCCEEDED


def test_canceled_execution_with_nothing_running_is_canceled() -> None:
    execution = _execution(S.SUCCEEDED, S.NOT_STARTED)
    execution.canceled = True
    assert determine_final_status(execution) == S.CANCELED


def _stage_with(
    tasks: tuple[Status, ...], children: tuple[Status, ...] = (), **context: object
) -> Stage:
    execution = _execution(S.RUNNING)
    stage = execution.stages[0]
    stage.context.update(context)
    stage.tasks = [
        TaskRecord(id=str(n), name="t", implementing_class="x", status=status)
        for n, status in enumerate(tasks)
    ]
    for n, status in enumerate(children):
        execution.add_stage(
            Stage(
                id=f"c{n}",
                ref_id=f"0>{n}",
                type="wait",
                name=f"c{n}",
                status=status,
                parent_stage_id=stage.id,
                synthetic_stage_owner=SyntheticStageOwner.STAGE_AFTER,
            )
        )
    return stage


@pytest.mark.parametrize(
    ("tasks", "children", "context", "status"),
    [
        ((), (), {}, S.NOT_STARTED),
        ((S.SUCCEEDED, S.SUCCEEDED), (), {}, S.SUCCEEDED),
        ((S.SUCCEEDED, S.SKIPPED), (), {}, S.SUCCEEDED),
        ((S.SUCCEEDED,), (S.TERMINAL,), {}, S.TERMINAL),
        ((S.TERMINAL,), (), {"continuePipeline": True}, S.FAILED_CONTINUE),
        ((S.TERMINAL,), (), {"failPipeline": False}, S.STOPPED),
        ((S.STOPPED, S.CANCELED), (), {}, S.STOPPED),
        ((S.CANCELED,), (), {}, S.CANCELED),
        ((S.SUCCEEDED, S.FAILED_CONTINUE), (), {}, S.FAILED_CONTINUE),
        ((S.SUCCEEDED,), (S.NOT_STARTED,), {}, S.RUNNING),
        ((), (), {"beforeStagePlanningFailed": True}, S.TERMINAL),
    ],
)
def test_stage_status_aggregation(
    tasks: tuple[Status, ...],
    children: tuple[Status, ...],
    context: dict[str, object],
    status: Status,
) -> None:
    assert determine_stage_status(_stage_with(tasks, children, **context)) == status
