"""A stage's status from its tasks and synthetic children (Orca's `determineStatus`)."""

from __future__ import annotations

from engine import graph
from engine.failure import failure_status
from engine.model import Stage
from engine.status import Status

PLANNING_FAILED_KEY = "beforeStagePlanningFailed"


def determine_stage_status(stage: Stage) -> Status:
    """NOT_STARTED means the stage had nothing to run; RUNNING that after-stages are still due."""
    statuses = [child.status for child in graph.synthetic_stages(stage)]
    statuses.extend(task.status for task in stage.tasks)
    if stage.context.get(PLANNING_FAILED_KEY) is True:
        statuses.append(failure_status(stage))
    if not statuses:
        return Status.NOT_STARTED
    if Status.TERMINAL in statuses:
        return failure_status(stage)
    for status in (Status.STOPPED, Status.CANCELED, Status.FAILED_CONTINUE):
        if status in statuses:
            return status
    if all(status in (Status.SUCCEEDED, Status.SKIPPED) for status in statuses):
        return Status.SUCCEEDED
    if any(child.status == Status.NOT_STARTED for child in graph.after_stages(stage)):
        return Status.RUNNING
    return Status.TERMINAL
