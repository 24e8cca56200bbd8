"""An execution's final status from its top-level stages (Orca's `determineFinalStatus`)."""

from __future__ import annotations

from engine import graph
from engine.failure import completes_other_branches_then_fails
from engine.model import Execution, Stage
from engine.status import Status


def determine_final_status(execution: Execution) -> Status | None:
    """The final status, or None while another branch can still run (it will report back).

    1. every top-level stage SUCCEEDED, SKIPPED or FAILED_CONTINUE -> SUCCEEDED
    2. any TERMINAL -> TERMINAL
    3. any CANCELED -> CANCELED
    4. any STOPPED and no other branch running or startable -> SUCCEEDED, or TERMINAL when a
       STOPPED stage has `completeOtherBranchesThenFail`
    A canceled execution with nothing left running ends CANCELED (its last stages never started).
    """
    stages = [stage for stage in execution.stages if stage.parent_stage_id is None]
    statuses = {stage.status for stage in stages}
    if statuses <= {Status.SUCCEEDED, Status.SKIPPED, Status.FAILED_CONTINUE}:
        return Status.SUCCEEDED
    if Status.TERMINAL in statuses:
        return Status.TERMINAL
    if Status.CANCELED in statuses:
        return Status.CANCELED
    if Status.STOPPED in statuses and not _other_branches_incomplete(stages):
        overrides = any(
            stage.status == Status.STOPPED and completes_other_branches_then_fails(stage)
            for stage in execution.stages
        )
        return Status.TERMINAL if overrides else Status.SUCCEEDED
    if execution.canceled and not any(stage.status.is_active for stage in stages):
        return Status.CANCELED
    return None


def _other_branches_incomplete(stages: list[Stage]) -> bool:
    return any(stage.status.is_active for stage in stages) or any(
        stage.status == Status.NOT_STARTED and graph.all_upstream_complete(stage)
        for stage in stages
    )
