"""Steering a running canary (continue, promote, abort) as an engine operation on the stage."""

from __future__ import annotations

from apps.kubernetes.stages.canary import ACTION_KEY, ACTIONS
from engine.errors import OperationNotAllowedError, StageNotFoundError
from engine.ports import Clock, EventPublisher, ExecutionRepository, MessageQueue
from engine.rescheduling import reschedule_running_tasks
from engine.runtime import Outbox


def canary_action(
    *,
    repository: ExecutionRepository,
    queue: MessageQueue,
    events: EventPublisher,
    clock: Clock,
    execution_id: str,
    stage_id: str,
    action: str,
    user: str,
) -> None:
    """Record the action on the deploy stage and make its canary task poll now.

    Raises StageNotFoundError, or OperationNotAllowedError when the stage runs no canary or the
    action is unknown. Like a judgment, the task reads the action on its next poll.
    """
    wanted = action.strip().lower()
    if wanted not in ACTIONS:
        raise OperationNotAllowedError(f"canary action must be one of {', '.join(ACTIONS)}")
    outbox = Outbox()
    with repository.transaction(execution_id):
        execution = repository.retrieve(execution_id)
        stage = execution.stage(stage_id)
        if stage is None:
            raise StageNotFoundError(execution_id, stage_id)
        state = stage.context.get("canary")
        if (
            stage.type != "deployManifest"
            or not stage.status.is_active
            or not isinstance(state, dict)
            or not state.get("active")
        ):
            raise OperationNotAllowedError(f"stage {stage.name} is not running a canary")
        if wanted == "continue" and state.get("phase") != "paused":
            raise OperationNotAllowedError("the canary is not paused: nothing to continue")
        stage.context[ACTION_KEY] = {"action": wanted, "user": user, "at": clock.now_ms()}
        runs = reschedule_running_tasks(stage)
        repository.store_stage(stage)
        for _, run in runs:
            outbox.push(run)
    outbox.release(queue, events)
