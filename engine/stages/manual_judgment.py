"""`manualJudgment`: wait until someone continues or stops the pipeline, or it times out."""

from __future__ import annotations

from collections.abc import Sequence

from engine.events import JudgmentAwaited
from engine.model import Stage
from engine.ports import Clock
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.status import Status
from engine.tasks import BaseTask, TaskResult

DEFAULT_TIMEOUT_MS = 72 * 60 * 60 * 1000
POLL_MS = 15_000
AWAITED_KEY = "judgmentAwaitedSince"
# Written by a judgment; cleared when the stage is restarted.
JUDGMENT_KEYS = (
    "judgmentStatus",
    "judgmentInput",
    "lastModifiedBy",
    "customParams",
    AWAITED_KEY,
)


class WaitForJudgmentTask(BaseTask):
    """continue -> SUCCEEDED, stop -> TERMINAL (then the stage's failure options apply)."""

    external_effects = False  # reads and writes only through the engine

    retryable = True
    timeout_overridable = True

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def execute(self, stage: Stage) -> TaskResult:
        judgment = str(stage.context.get("judgmentStatus") or "").strip().lower()
        if judgment == "continue":
            return TaskResult.succeeded()
        if judgment == "stop":
            return TaskResult(Status.TERMINAL)
        if AWAITED_KEY in stage.context:
            return TaskResult(Status.RUNNING)
        execution = stage.execution
        awaited = JudgmentAwaited(execution.id, execution.application, stage.id, stage.name)
        return TaskResult(
            Status.RUNNING,
            {"judgmentStatus": "", AWAITED_KEY: self._clock.now_ms()},
            {},
            (awaited,),
        )

    def backoff_ms(self, stage: Stage) -> int:
        return POLL_MS

    def timeout_ms(self, stage: Stage) -> int | None:
        return DEFAULT_TIMEOUT_MS


class ManualJudgmentStage(BaseStageBuilder):
    type = "manualJudgment"

    def __init__(self, *, clock: Clock) -> None:
        self.task = WaitForJudgmentTask(clock)
        self.tasks = (self.task,)

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (TaskDefinition("waitForJudgment", self.task),)

    def prepare_for_restart(self, stage: Stage) -> None:
        for key in JUDGMENT_KEYS:
            stage.context.pop(key, None)
        stage.last_modified = None
