"""User operations on runs (start, cancel, pause, resume, restart, skip, judge)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from engine import graph
from engine.errors import (
    OperationNotAllowedError,
    StageNotFoundError,
    UnknownStageTypeError,
)
from engine.events import JudgmentDecided
from engine.messages import (
    CancelExecution,
    PauseExecution,
    RestartStage,
    ResumeExecution,
    SkipStage,
    StartExecution,
)
from engine.model import Execution, Stage
from engine.ports import Clock, EventPublisher, ExecutionRepository, MessageQueue, StageRegistry
from engine.rescheduling import reschedule_running_tasks
from engine.runtime import Outbox
from engine.stages.wait import SKIP_KEY
from engine.status import Status
from engine.timeouts import EXECUTION_WINDOW_TYPE

JUDGMENT_STATUSES = ("continue", "stop")


class Operations:
    """Each call validates against the stored run, writes what it must, and queues the work.

    Raises ExecutionNotFoundError / StageNotFoundError for unknown ids and
    OperationNotAllowedError when the run or stage is not in a state the operation applies to.
    Messages and events leave only after the unit of work closed.
    """

    def __init__(
        self,
        *,
        repository: ExecutionRepository,
        queue: MessageQueue,
        clock: Clock,
        registry: StageRegistry,
        events: EventPublisher,
    ) -> None:
        self._repository = repository
        self._queue = queue
        self._clock = clock
        self._registry = registry
        self._events = events

    def start(self, *, execution: Execution) -> None:
        """Store a NOT_STARTED execution (see `engine.launcher`) and queue its start."""
        with self._unit(execution.id) as outbox:
            self._repository.store(execution)
            outbox.push(StartExecution(execution.id))

    def cancel(self, *, execution_id: str, user: str, reason: str | None = None) -> None:
        with self._unit(execution_id) as outbox:
            execution = self._repository.retrieve(execution_id)
            if execution.status.is_complete:
                raise OperationNotAllowedError(f"execution is already {execution.status.value}")
            outbox.push(CancelExecution(execution_id, user=user, reason=reason))

    def pause(self, *, execution_id: str, user: str) -> None:
        with self._unit(execution_id) as outbox:
            execution = self._repository.retrieve(execution_id)
            if execution.status != Status.RUNNING:
                raise OperationNotAllowedError(f"cannot pause a {execution.status.value} execution")
            outbox.push(PauseExecution(execution_id, user=user))

    def resume(self, *, execution_id: str, user: str) -> None:
        with self._unit(execution_id) as outbox:
            execution = self._repository.retrieve(execution_id)
            if execution.status != Status.PAUSED:
                raise OperationNotAllowedError(
                    f"cannot resume a {execution.status.value} execution"
                )
            outbox.push(ResumeExecution(execution_id, user=user))

    def restart_stage(self, *, execution_id: str, stage_id: str, user: str) -> None:
        """Restart the top-level stage of `stage_id` and everything downstream of it."""
        with self._unit(execution_id) as outbox:
            stage = graph.top_level_stage(self._stage(execution_id, stage_id))
            if not (stage.status.is_complete or stage.status == Status.NOT_STARTED):
                raise OperationNotAllowedError(f"stage {stage.name} is still {stage.status.value}")
            if stage.execution.start_time is None:
                raise OperationNotAllowedError("the execution has not started yet")
            if not self._builder_allows(stage, restart=True):
                raise OperationNotAllowedError(f"stages of type {stage.type} cannot be restarted")
            outbox.push(RestartStage(execution_id, stage.id, user=user))

    def skip_stage(self, *, execution_id: str, stage_id: str, user: str) -> None:
        """Manual skip, for stage types whose builder allows it."""
        with self._unit(execution_id) as outbox:
            stage = graph.top_level_stage(self._stage(execution_id, stage_id))
            if stage.status.is_complete:
                raise OperationNotAllowedError(
                    f"stage {stage.name} is already {stage.status.value}"
                )
            if not self._builder_allows(stage, restart=False):
                raise OperationNotAllowedError(f"stages of type {stage.type} cannot be skipped")
            stage.context["manualSkip"] = True
            stage.context["lastModifiedBy"] = user
            self._repository.store_stage(stage)
            if stage.status != Status.NOT_STARTED:
                outbox.push(SkipStage(execution_id, stage.id))

    def skip_wait(self, *, execution_id: str, stage_id: str, user: str) -> None:
        """End a running `wait` stage now."""
        with self._unit(execution_id) as outbox:
            stage = self._stage(execution_id, stage_id)
            if stage.type != "wait" or not stage.status.is_active:
                raise OperationNotAllowedError(f"stage {stage.name} is not a running wait")
            self._skip_remaining(stage, user, outbox)

    def skip_window(self, *, execution_id: str, stage_id: str, user: str) -> None:
        """Stop waiting for the execution window of `stage_id` (or of the window stage itself)."""
        with self._unit(execution_id) as outbox:
            stage = self._stage(execution_id, stage_id)
            windows = [stage] if stage.type == EXECUTION_WINDOW_TYPE else []
            windows += [c for c in graph.before_stages(stage) if c.type == EXECUTION_WINDOW_TYPE]
            waiting = [window for window in windows if window.status.is_active]
            if not waiting:
                raise OperationNotAllowedError(f"stage {stage.name} is not waiting for its window")
            self._skip_remaining(waiting[0], user, outbox)

    def judge(
        self,
        *,
        execution_id: str,
        stage_id: str,
        status: str,
        user: str,
        input: str | None = None,
        custom_params: Mapping[str, Any] | None = None,
    ) -> None:
        """Continue or stop a waiting manual judgment; who may judge is the caller's decision."""
        decision = status.strip().lower()
        if decision not in JUDGMENT_STATUSES:
            raise OperationNotAllowedError(f"judgment must be continue or stop, not {status!r}")
        with self._unit(execution_id) as outbox:
            stage = self._stage(execution_id, stage_id)
            if stage.type != "manualJudgment" or not stage.status.is_active:
                raise OperationNotAllowedError(f"stage {stage.name} is not awaiting a judgment")
            if stage.context.get("judgmentStatus"):
                raise OperationNotAllowedError(f"stage {stage.name} was already judged")
            now = self._clock.now_ms()
            stage.context["judgmentStatus"] = decision
            if input is not None:
                stage.context["judgmentInput"] = input
            if custom_params is not None:
                stage.context["customParams"] = dict(custom_params)
            stage.context["lastModifiedBy"] = user
            stage.last_modified = {"user": user, "allowedAccounts": [], "lastModifiedTime": now}
            self._wake(stage, outbox)
            execution = stage.execution
            outbox.publish(
                JudgmentDecided(
                    execution.id, execution.application, stage.id, stage.name, decision, input, user
                )
            )

    # -- helpers ---------------------------------------------------------------------------------

    @contextmanager
    def _unit(self, execution_id: str) -> Iterator[Outbox]:
        outbox = Outbox()
        with self._repository.transaction(execution_id):
            yield outbox
        outbox.release(self._queue, self._events)

    def _stage(self, execution_id: str, stage_id: str) -> Stage:
        stage = self._repository.retrieve(execution_id).stage(stage_id)
        if stage is None:
            raise StageNotFoundError(execution_id, stage_id)
        return stage

    def _builder_allows(self, stage: Stage, *, restart: bool) -> bool:
        try:
            builder = self._registry.builder(stage.type)
        except UnknownStageTypeError:
            return restart
        return builder.restartable if restart else builder.can_manually_skip(stage)

    def _skip_remaining(self, stage: Stage, user: str, outbox: Outbox) -> None:
        stage.context[SKIP_KEY] = True
        stage.context["lastModifiedBy"] = user
        self._wake(stage, outbox)

    def _wake(self, stage: Stage, outbox: Outbox) -> None:
        """Store the stage and make its running task poll now (a paused one waits for resume)."""
        runs = reschedule_running_tasks(stage)
        self._repository.store_stage(stage)
        for _, run in runs:
            outbox.push(run)
