"""`wait`: succeed once `waitTime` seconds have passed (or a user skipped the rest of the wait)."""

from __future__ import annotations

from collections.abc import Sequence

from engine.model import Stage
from engine.ports import Clock
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.status import Status
from engine.tasks import BaseTask, TaskResult, running_task

SKIP_KEY = "skipRemainingWait"


def wait_ms(stage: Stage) -> int:
    """`waitTime` in ms; ValueError when it is not a number (e.g. a failed expression)."""
    raw = stage.context.get("waitTime", 0)
    if raw is None or raw == "":
        return 0
    if isinstance(raw, bool):
        raise ValueError(f"waitTime must be a number of seconds, got {raw!r}")
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"waitTime must be a number of seconds, got {raw!r}") from None
    return max(0, int(seconds * 1000))


def wait_skipped(stage: Stage) -> bool:
    value = stage.context.get(SKIP_KEY)
    return value is True or (isinstance(value, str) and value.lower() == "true")


class WaitTask(BaseTask):
    """Polls exactly when the wait ends (its backoff is the remaining time)."""

    external_effects = False  # reads and writes only through the engine

    retryable = True

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def execute(self, stage: Stage) -> TaskResult:
        if wait_skipped(stage):
            return TaskResult.succeeded()
        try:
            duration = wait_ms(stage)
        except ValueError as error:
            return TaskResult.terminal(str(error))
        if self._remaining_ms(stage, duration) <= 0:
            return TaskResult.succeeded()
        return TaskResult(Status.RUNNING)

    def backoff_ms(self, stage: Stage) -> int:
        try:
            return max(1, self._remaining_ms(stage, wait_ms(stage)))
        except ValueError:
            return 1

    def _remaining_ms(self, stage: Stage, duration: int) -> int:
        task = running_task(stage)
        started = task.start_time if task and task.start_time is not None else stage.start_time
        return (started or self._clock.now_ms()) + duration - self._clock.now_ms()


class WaitStage(BaseStageBuilder):
    type = "wait"

    def __init__(self, *, clock: Clock) -> None:
        self.task = WaitTask(clock)
        self.tasks = (self.task,)

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (TaskDefinition("wait", self.task),)
