"""What a stage type provides: its task graph and the synthetic stages planned around it."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from engine.messages import Message
from engine.model import Stage
from engine.tasks import Task


@dataclass(frozen=True)
class TaskDefinition:
    """One node of a stage's task graph; `loop_start`/`loop_end` bracket a REDIRECT loop."""

    name: str
    task: Task
    loop_start: bool = False
    loop_end: bool = False


@dataclass(frozen=True)
class SyntheticStage:
    """A stage a builder asks to run before or after its own tasks (chained in list order)."""

    type: str
    name: str
    context: Mapping[str, Any] = field(default_factory=dict)


class StageDefinitionBuilder(Protocol):
    """A stage type. Subclass `BaseStageBuilder` and override what the type needs."""

    @property
    def type(self) -> str: ...

    @property
    def restartable(self) -> bool: ...

    @property
    def tasks(self) -> Sequence[Task]:
        """Every task any of this type's graphs may use, so any worker can resolve a RunTask."""
        ...

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]: ...

    def before_stages(self, stage: Stage) -> Sequence[SyntheticStage]: ...

    def after_stages(self, stage: Stage) -> Sequence[SyntheticStage]: ...

    def on_failure_stages(self, stage: Stage) -> Sequence[SyntheticStage]: ...

    def prepare_for_restart(self, stage: Stage) -> None:
        """Clear runtime state from the context before the stage runs again."""
        ...

    def cancel(self, stage: Stage) -> Sequence[Message] | None:
        """Undo or stop external work after the stage halted (may write to `stage.context`).

        Messages returned are pushed once the unit of work commits, e.g. a CancelExecution for
        a child run.
        """
        ...

    def can_manually_skip(self, stage: Stage) -> bool: ...

    def expression_skip_keys(self, stage: Stage) -> Collection[str]:
        """Context keys left unevaluated at stage start (the type evaluates them itself)."""
        ...


class BaseStageBuilder:
    """Defaults: no synthetic stages, not skippable, restartable, nothing to cancel."""

    type: str
    restartable: bool = True
    tasks: Sequence[Task] = ()

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        return ()

    def before_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        return ()

    def after_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        return ()

    def on_failure_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        return ()

    def prepare_for_restart(self, stage: Stage) -> None:
        return None

    def cancel(self, stage: Stage) -> Sequence[Message] | None:
        return None

    def can_manually_skip(self, stage: Stage) -> bool:
        return False

    def expression_skip_keys(self, stage: Stage) -> Collection[str]:
        return ()
