"""Resetting stages so they can run again (Orca's RestartStage `reset`)."""

from __future__ import annotations

from engine import graph
from engine.model import Stage
from engine.stage_expressions import SUMMARY_KEY
from engine.stage_status import PLANNING_FAILED_KEY
from engine.stages.builder import StageDefinitionBuilder
from engine.status import Status

# Set on a parent's `pipeline` stage when its child's restart resumes it: keep the child link.
SKIP_PIPELINE_RESTART_KEY = "_skipPipelineRestart"
# Runtime bookkeeping a fresh run must not inherit.
_RUNTIME_KEYS = ("exception", SUMMARY_KEY, PLANNING_FAILED_KEY, "manualSkip", "cancelError")


def restart_details(stage: Stage, *, user: str | None, now: int) -> dict[str, object]:
    return {
        "restartedBy": user,
        "restartTime": now,
        "previousException": stage.context.get("exception"),
    }


def reset_stage(stage: Stage, builder: StageDefinitionBuilder | None) -> list[Stage]:
    """NOT_STARTED with no tasks; synthetic stages are dropped from the execution and returned."""
    stage.status = Status.NOT_STARTED
    stage.start_time = None
    stage.end_time = None
    stage.tasks = []
    for key in _RUNTIME_KEYS:
        stage.context.pop(key, None)
    if builder is not None:
        builder.prepare_for_restart(stage)
    removed = graph.all_synthetic_stages(stage)
    for child in removed:
        stage.execution.remove_stage(child.id)
    return removed
