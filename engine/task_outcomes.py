"""What a task invocation means for its stage: merged results, completion status, backoff."""

from __future__ import annotations

from engine.failure import failure_status
from engine.model import Stage
from engine.status import Status
from engine.tasks import Task, TaskResult

BACKOFF_OVERRIDE_KEY = "backoffPeriodMs"
_PASSED_THROUGH = frozenset(
    {Status.SUCCEEDED, Status.REDIRECT, Status.FAILED_CONTINUE, Status.SKIPPED, Status.STOPPED}
)


def apply_result(stage: Stage, result: TaskResult) -> bool:
    """Merge context and outputs into the stage; True when something changed."""
    # A task must not smuggle a timeout into downstream stages through outputs (Orca filters it).
    outputs = {key: value for key, value in result.outputs.items() if key != "stageTimeoutMs"}
    stage.context.update(result.context)
    stage.outputs.update(outputs)
    return bool(result.context or outputs)


def completion_status(stage: Stage, returned: Status) -> Status:
    """The status CompleteTask carries: failures go through the stage's failure options."""
    if returned in _PASSED_THROUGH:
        return returned
    if returned in (Status.TERMINAL, Status.CANCELED):
        return failure_status(stage, default=returned)
    # NOT_STARTED, PAUSED, SUSPENDED, BUFFERED make no sense as a task outcome.
    return failure_status(stage)


def backoff_ms(task: Task, stage: Stage, *, non_retryable_ms: int) -> int:
    """Retryable tasks poll at their own pace, never faster than the stage's `backoffPeriodMs`."""
    if not task.retryable:
        return non_retryable_ms
    own = max(0, int(task.backoff_ms(stage)))
    override = stage.context.get(BACKOFF_OVERRIDE_KEY)
    if isinstance(override, int | float) and not isinstance(override, bool):
        return max(own, int(override))
    return own
