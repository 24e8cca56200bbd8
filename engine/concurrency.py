"""Orca's `shouldQueue`: whether a run of a pipeline must wait for another to finish."""

from __future__ import annotations

from engine.model import Execution

SUPERSEDED_REASON = (
    "This execution was queued but then canceled because a newer queued execution superseded it. "
    "This pipeline is configured to run one execution at a time and to keep only the newest "
    "waiting execution (keepWaitingPipelines is off)."
)


def is_limited(execution: Execution) -> bool:
    """Whether the gate needs to be asked at all (saves a locked query for unlimited pipelines)."""
    return execution.pipeline_config_id is not None and (
        execution.limit_concurrent or execution.max_concurrent_executions > 0
    )


def must_queue(execution: Execution, *, active_others: int) -> bool:
    """`active_others`: other executions of the same pipeline config that are RUNNING or PAUSED."""
    if not is_limited(execution):
        return False
    if execution.limit_concurrent:
        return active_others > 0
    return active_others >= execution.max_concurrent_executions
