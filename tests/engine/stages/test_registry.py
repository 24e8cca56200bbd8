"""The stage-type registry and how a new stage type plugs in."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from engine.errors import UnknownStageTypeError, UnknownTaskTypeError
from engine.memory import FixedClock, InMemoryEngine
from engine.model import Stage
from engine.stages import BaseStageBuilder, StageTypeRegistry, TaskDefinition
from engine.stages.builtin import builtin_registry
from engine.tasks import BaseTask, TaskResult
from tests.engine.support import PathExpressions, run, stage


class RunJobTask(BaseTask):
    def execute(self, stage: Stage) -> TaskResult:
        return TaskResult.succeeded(outputs={"jobStatus": "done"})


class RunJobManifestStage(BaseStageBuilder):
    type = "runJobManifest"

    def __init__(self) -> None:
        self.task = RunJobTask()
        self.tasks = (self.task,)

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (TaskDefinition("runJob", self.task),)


def test_aliases_resolve_to_the_canonical_type() -> None:
    registry = StageTypeRegistry([RunJobManifestStage()])
    assert registry.builder("runJob") is registry.builder("runJobManifest")
    assert registry.has("runJob")
    assert not registry.has("findArtifactsFromResource")
    with pytest.raises(UnknownStageTypeError):
        registry.builder("findArtifactsFromResource")


def test_tasks_resolve_by_their_stable_type_name() -> None:
    registry = StageTypeRegistry([RunJobManifestStage()])
    assert RunJobTask.task_type == "tests.engine.stages.test_registry.RunJobTask"
    assert isinstance(registry.task(RunJobTask.task_type), RunJobTask)
    with pytest.raises(UnknownTaskTypeError):
        registry.task("nope")


def test_builtin_types() -> None:
    registry = builtin_registry(clock=FixedClock(), expressions=PathExpressions())
    assert registry.types() == [
        "checkPreconditions",
        "evaluateVariables",
        "manualJudgment",
        "restrictExecutionDuringTimeWindow",
        "wait",
        "webhook",
    ]


def test_repository_and_launcher_add_the_types_that_read_other_runs() -> None:
    engine = InMemoryEngine(clock=FixedClock())
    assert {"findArtifactFromExecution", "pipeline", "webhook"} <= set(engine.registry.types())
    with pytest.raises(ValueError, match="repository"):
        builtin_registry(
            clock=FixedClock(), expressions=PathExpressions(), pipeline_launcher=engine.launcher
        )


def test_a_registered_type_runs_under_its_alias() -> None:
    from tests.engine.support import make_engine

    engine = make_engine()
    engine.registry.register(RunJobManifestStage())
    execution = run(engine, stage("1", type="runJob"))
    assert execution.stages[0].outputs == {"jobStatus": "done"}
