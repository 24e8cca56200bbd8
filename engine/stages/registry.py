"""The stage-type registry: builders by type name (with aliases) and every task they use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engine.errors import UnknownStageTypeError, UnknownTaskTypeError
from engine.stages.builder import StageDefinitionBuilder
from engine.tasks import Task

# Older or Deck-side names that resolve to a canonical stage type.
DEFAULT_ALIASES: Mapping[str, str] = {
    "runJob": "runJobManifest",
    "findArtifactsFromResource": "findArtifactFromResource",
}


class StageTypeRegistry:
    """Implements the `StageRegistry` port; stage-type packages register their builders here."""

    def __init__(
        self,
        builders: Iterable[StageDefinitionBuilder] = (),
        *,
        aliases: Mapping[str, str] = DEFAULT_ALIASES,
    ) -> None:
        self._builders: dict[str, StageDefinitionBuilder] = {}
        self._tasks: dict[str, Task] = {}
        self._aliases: dict[str, str] = dict(aliases)
        for builder in builders:
            self.register(builder)

    def register(self, builder: StageDefinitionBuilder, *, aliases: Iterable[str] = ()) -> None:
        """Register a stage type (replacing one of the same name) and the tasks it declares."""
        self._builders[builder.type] = builder
        for alias in aliases:
            self._aliases[alias] = builder.type
        for task in builder.tasks:
            self.register_task(task)

    def register_task(self, task: Task) -> None:
        self._tasks[task.task_type] = task

    def builder(self, stage_type: str) -> StageDefinitionBuilder:
        found = self._builders.get(stage_type)
        if found is None:
            found = self._builders.get(self._aliases.get(stage_type, ""))
        if found is None:
            raise UnknownStageTypeError(stage_type)
        return found

    def task(self, task_type: str) -> Task:
        found = self._tasks.get(task_type)
        if found is None:
            raise UnknownTaskTypeError(task_type)
        return found

    def has(self, stage_type: str) -> bool:
        return stage_type in self._builders or self._aliases.get(stage_type) in self._builders

    def types(self) -> list[str]:
        return sorted(self._builders)
