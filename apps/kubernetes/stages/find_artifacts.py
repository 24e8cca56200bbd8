"""`findArtifactFromResource`: the images and ConfigMap/Secret references of a live resource."""

from __future__ import annotations

from collections.abc import Sequence

from apps.kubernetes.stages.artifacts import artifacts_in, bind_produced
from apps.kubernetes.stages.environment import (
    Environment,
    KubernetesTask,
    StageConfigError,
    application,
)
from apps.kubernetes.stages.targets import resolve
from engine.model import Stage
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.tasks import TaskResult


class FindArtifactsFromResourceTask(KubernetesTask):
    task_type = "findArtifactsFromResource"

    def run(self, stage: Stage) -> TaskResult:
        account = self.env.account(stage.context)
        with self.env.cluster(stage) as cluster:
            targets = resolve(cluster, stage.context, app=application(stage))
            if not targets:
                raise StageConfigError("no manifest matches the target")
            found = []
            for where in targets:
                live = cluster.get(where.kind, where.namespace, where.name)
                if live is None:
                    raise StageConfigError(f"{where} does not exist")
                found.extend(artifacts_in(live, account=account))
        outputs: dict[str, object] = {"artifacts": found}
        produced = bind_produced(stage.context, found)
        if produced:
            outputs["resolvedExpectedArtifacts"] = produced
        return TaskResult.succeeded(outputs, outputs)


class FindArtifactFromResourceStage(BaseStageBuilder):
    type = "findArtifactFromResource"

    def __init__(self, environment: Environment) -> None:
        self.find = FindArtifactsFromResourceTask(environment)
        self.tasks = (self.find,)

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (TaskDefinition("findArtifactsFromResource", self.find),)
