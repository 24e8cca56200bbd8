"""Stage and task timeouts, with paused time and execution-window waits left out of the clock."""

from __future__ import annotations

from engine import graph
from engine.model import Stage
from engine.model import Task as TaskRecord
from engine.tasks import Task

TIMEOUT_KEY = "stageTimeoutMs"
EXECUTION_WINDOW_TYPE = "restrictExecutionDuringTimeWindow"


def stage_timeout_ms(stage: Stage) -> int | None:
    value = stage.context.get(TIMEOUT_KEY)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        timeout = int(value)
    except ValueError:
        return None
    return timeout if timeout > 0 else None


def stage_with_timeout(stage: Stage) -> Stage | None:
    """The stage itself or its nearest synthetic ancestor that sets `stageTimeoutMs`."""
    current: Stage | None = stage
    while current is not None:
        if stage_timeout_ms(current) is not None:
            return current
        parent_id = current.parent_stage_id
        current = current.execution.stage(parent_id) if parent_id else None
    return None


def execution_window_ms(stage: Stage, now: int) -> int:
    """Time this stage spent waiting in its execution-window before-stage."""
    for child in graph.before_stages(stage):
        if child.type == EXECUTION_WINDOW_TYPE and child.start_time is not None:
            return (child.end_time or now) - child.start_time
    return 0


def stage_timeout_message(stage: Stage, now: int) -> str | None:
    """Why the stage (or the ancestor whose timeout covers it) ran out of time, if it did."""
    owner = stage_with_timeout(stage)
    if owner is None or owner.start_time is None:
        return None
    timeout = stage_timeout_ms(owner)
    assert timeout is not None
    elapsed = now - owner.start_time
    excluded = owner.execution.paused_ms(since=owner.start_time, now=now)
    excluded += execution_window_ms(owner, now)
    if elapsed - excluded > timeout:
        return (
            f"Stage {stage.name} timed out after {_duration(elapsed)} "
            f"(timeout {_duration(timeout)})"
        )
    return None


def ms_until_stage_timeout(stage: Stage, now: int) -> int | None:
    """Time left before the covering stage timeout fires (None: no timeout applies).

    A task polling slower than this would notice its timeout late; RunTask caps its backoff.
    """
    owner = stage_with_timeout(stage)
    if owner is None or owner.start_time is None:
        return None
    timeout = stage_timeout_ms(owner)
    assert timeout is not None
    excluded = owner.execution.paused_ms(since=owner.start_time, now=now)
    excluded += execution_window_ms(owner, now)
    return max(0, timeout - (now - owner.start_time - excluded))


def task_timeout_message(task: Task, record: TaskRecord, stage: Stage, now: int) -> str | None:
    """Why a retryable task ran out of time, if it did; `stageTimeoutMs` overrides when allowed."""
    if not task.retryable or record.start_time is None:
        return None
    owner = stage_with_timeout(stage) if task.timeout_overridable else None
    timeout = stage_timeout_ms(owner) if owner is not None else task.timeout_ms(stage)
    if timeout is None:
        return None
    elapsed = now - record.start_time
    active = elapsed - stage.execution.paused_ms(since=record.start_time, now=now)
    if active > timeout:
        return (
            f"Task {record.name} of stage {stage.name} timed out after {_duration(active)} "
            f"(timeout {_duration(timeout)})"
        )
    return None


def _duration(ms: int) -> str:
    seconds, _ = divmod(ms, 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m {secs}s"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{ms / 1000:g}s"
