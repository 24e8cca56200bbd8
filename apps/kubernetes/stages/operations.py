"""The manifest stages that act on existing objects: delete, scale, patch, undo, enable, disable."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from apps.kubernetes.stages.artifacts import (
    Binder,
    bound_artifact,
    prior_artifacts,
    required_artifacts,
)
from apps.kubernetes.stages.cluster import Cluster
from apps.kubernetes.stages.environment import (
    MANIFEST_NAMES_KEY,
    MANIFESTS_KEY,
    Environment,
    KubernetesTask,
    StageConfigError,
    application,
)
from apps.kubernetes.stages.kinds import DEPLOYMENT
from apps.kubernetes.stages.manifests import (
    CHANGE_CAUSE,
    Coordinates,
    JsonDict,
    ManifestError,
    clean_for_output,
    decode_base64_text,
    names_by_namespace,
    parse_documents,
)
from apps.kubernetes.stages.rollout import undo
from apps.kubernetes.stages.stabilizing import WaitForManifestStableTask
from apps.kubernetes.stages.targets import resolve
from apps.kubernetes.stages.traffic import set_traffic
from engine.model import Stage
from engine.stages.builder import BaseStageBuilder, TaskDefinition
from engine.status import Status
from engine.tasks import TaskResult

DELETE_POLL_MS = 2_000


def _targets(task: KubernetesTask, stage: Stage, cluster: Cluster) -> list[Coordinates]:
    context = stage.context
    found = resolve(cluster, context, app=application(stage))
    if not found:
        raise StageConfigError(
            f"no manifest matches the target (cluster {context.get('cluster')!r}, "
            f"criteria {context.get('criteria')!r}, "
            f"in {context.get('location') or 'the default namespace'})"
        )
    return found


def _outputs(
    cluster: Cluster, targets: list[Coordinates], extra: Mapping[str, Any] | None = None
) -> TaskResult:
    live = [
        clean_for_output(found)
        for where in targets
        if (found := cluster.get(where.kind, where.namespace, where.name)) is not None
    ]
    results = {
        MANIFESTS_KEY: live,
        MANIFEST_NAMES_KEY: names_by_namespace(targets),
        **(extra or {}),
    }
    return TaskResult.succeeded(results, results)


# -- delete ---------------------------------------------------------------------------------------


class DeleteManifestTask(KubernetesTask):
    task_type = "deleteManifest"

    def run(self, stage: Stage) -> TaskResult:
        options = stage.context.get("options") or {}
        cascading = options.get("cascading", True)
        grace = options.get("gracePeriodSeconds")
        with self.env.cluster(stage) as cluster:
            targets = _targets(self, stage, cluster)
            deleted = [
                where.full_name
                for where in targets
                if cluster.delete(
                    where.kind,
                    where.namespace,
                    where.name,
                    cascading=cascading if isinstance(cascading, bool | str) else True,
                    grace_period_seconds=int(grace) if grace not in (None, "") else None,
                )
            ]
        names = names_by_namespace(targets)
        results = {MANIFEST_NAMES_KEY: names, "deletedManifests": deleted}
        return TaskResult.succeeded(results, {**results, "outputs.manifests": []})


class WaitForDeletionTask(KubernetesTask):
    """Deleted objects can linger (finalizers, foreground deletion); wait until they are gone."""

    task_type = "waitForManifestDeletion"
    retryable = True

    def backoff_ms(self, stage: Stage) -> int:
        return DELETE_POLL_MS

    def timeout_ms(self, stage: Stage) -> int | None:
        return 30 * 60 * 1000

    def run(self, stage: Stage) -> TaskResult:
        from apps.kubernetes.stages.manifests import parse_full_name

        lingering: list[str] = []
        with self.env.cluster(stage) as cluster:
            for namespace, names in (stage.context.get(MANIFEST_NAMES_KEY) or {}).items():
                for full_name in names:
                    kind, name = parse_full_name(full_name)
                    if cluster.get(kind, namespace, name) is not None:
                        lingering.append(full_name)
        if lingering:
            return TaskResult.running(
                {"messages": [f"waiting for {n} to be deleted" for n in lingering]}
            )
        return TaskResult.succeeded({"messages": []})


# -- scale ----------------------------------------------------------------------------------------


class ScaleManifestTask(KubernetesTask):
    task_type = "scaleManifest"

    def run(self, stage: Stage) -> TaskResult:
        raw: Any = stage.context.get("replicas")
        try:
            replicas = int(raw)
        except (TypeError, ValueError):
            raise StageConfigError(f"replicas must be a whole number, got {raw!r}") from None
        if replicas < 0:
            raise StageConfigError("replicas cannot be negative")
        with self.env.cluster(stage) as cluster:
            targets = _targets(self, stage, cluster)
            for where in targets:
                if not where.kind.has_replicas:
                    raise StageConfigError(f"{where.kind.kind} cannot be scaled")
                cluster.patch(
                    where.kind,
                    where.namespace,
                    where.name,
                    {"spec": {"replicas": replicas}},
                    patch_type="merge",
                    subresource="scale" if where.kind.group == "apps" else None,
                )
            return _outputs(cluster, targets)


# -- patch ----------------------------------------------------------------------------------------


def _merge_strategy(context: Mapping[str, Any]) -> str:
    options = context.get("options") or {}
    raw = str(options.get("mergeStrategy") or options.get("strategy") or "strategic").lower()
    if raw not in ("strategic", "json", "merge"):
        raise StageConfigError(f"mergeStrategy must be strategic, json or merge, not {raw!r}")
    return raw


class PatchManifestTask(KubernetesTask):
    task_type = "patchManifest"

    def run(self, stage: Stage) -> TaskResult:
        context = stage.context
        strategy = _merge_strategy(context)
        body = self._body(stage)
        options = context.get("options") or {}
        with self.env.cluster(stage) as cluster:
            targets = _targets(self, stage, cluster)
            for where in targets:
                cluster.patch(where.kind, where.namespace, where.name, body, patch_type=strategy)
                if options.get("record", True) is not False:
                    cause = (
                        f"cdplatform: patchManifest stage '{stage.name}' of execution "
                        f"{stage.execution.id} ({strategy} patch)"
                    )
                    cluster.patch(
                        where.kind,
                        where.namespace,
                        where.name,
                        {"metadata": {"annotations": {CHANGE_CAUSE: cause}}},
                        patch_type="merge",
                    )
            return _outputs(cluster, targets)

    def _body(self, stage: Stage) -> Any:
        context = stage.context
        if str(context.get("source") or "text").lower() == "artifact":
            artifact = context.get("patchArtifact")
            if not isinstance(artifact, Mapping) or not artifact.get("type"):
                artifact_id = context.get("patchArtifactId")
                artifact = bound_artifact(stage, str(artifact_id)) if artifact_id else None
            if artifact is None or artifact.get("type") != "embedded/base64":
                raise ManifestError("the patch artifact must be a bound embedded/base64 artifact")
            documents: Any = parse_documents(
                decode_base64_text(str(artifact.get("reference") or ""))
            )
        else:
            documents = context.get("patchBody")
        if (
            isinstance(documents, list)
            and len(documents) == 1
            and _merge_strategy(context) != "json"
        ):
            documents = documents[0]
        if isinstance(documents, str):
            documents = parse_documents(documents)
            documents = documents[0] if len(documents) == 1 else documents
        if documents in (None, [], {}):
            raise ManifestError("the stage has no patch body (`patchBody`)")
        if isinstance(documents, dict):
            documents = copy.deepcopy(documents)
            binder = Binder(required_artifacts(stage, context) + prior_artifacts(stage))
            binder.bind(documents)
        return documents


# -- undo -----------------------------------------------------------------------------------------


class UndoRolloutManifestTask(KubernetesTask):
    task_type = "undoRolloutManifest"

    def run(self, stage: Stage) -> TaskResult:
        context = stage.context
        back = int(context.get("numRevisionsBack") or 1)
        to_revision = context.get("toRevision")
        with self.env.cluster(stage) as cluster:
            targets = _targets(self, stage, cluster)
            notes = []
            for where in targets:
                if where.kind is not DEPLOYMENT:
                    raise StageConfigError(f"{where.kind.kind} has no rollout history to undo")
                revision = undo(
                    cluster,
                    where.namespace,
                    where.name,
                    revisions_back=back,
                    to_revision=int(to_revision) if to_revision else None,
                )
                notes.append(f"{where.full_name} rolled back to revision {revision}")
            return _outputs(cluster, targets, {"rolledBack": notes})


# -- enable / disable -----------------------------------------------------------------------------


class TrafficTask(KubernetesTask):
    enable = True

    def run(self, stage: Stage) -> TaskResult:
        load_balancers = [str(each) for each in stage.context.get("loadBalancers") or []]
        with self.env.cluster(stage) as cluster:
            targets = _targets(self, stage, cluster)
            notes: list[str] = []
            for where in targets:
                live = cluster.get(where.kind, where.namespace, where.name)
                if live is None:
                    raise StageConfigError(f"{where} does not exist")
                for note in set_traffic(
                    cluster, where.kind, live, load_balancers, enable=self.enable
                ):
                    notes.append(f"{where.full_name} {note}")
            return _outputs(cluster, targets, {"messages": notes})


class EnableManifestTask(TrafficTask):
    task_type = "enableManifest"
    enable = True


class DisableManifestTask(TrafficTask):
    task_type = "disableManifest"
    enable = False


# -- builders -------------------------------------------------------------------------------------


class _OperationStage(BaseStageBuilder):
    operation_name: str

    def __init__(
        self, environment: Environment, operation: KubernetesTask, *, wait: bool = True
    ) -> None:
        self.operation = operation
        self.wait = WaitForManifestStableTask(environment) if wait else None
        self.tasks = (operation,) + ((self.wait,) if self.wait else ())

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        graph = [TaskDefinition(self.operation_name, self.operation)]
        if self.wait is not None:
            graph.append(TaskDefinition("waitForManifestToStabilize", self.wait))
        return graph


class DeleteManifestStage(BaseStageBuilder):
    type = "deleteManifest"

    def __init__(self, environment: Environment) -> None:
        self.delete = DeleteManifestTask(environment)
        self.wait = WaitForDeletionTask(environment)
        self.tasks = (self.delete, self.wait)

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        return (
            TaskDefinition("deleteManifest", self.delete),
            TaskDefinition("waitForManifestDeletion", self.wait),
        )


class ScaleManifestStage(_OperationStage):
    type = "scaleManifest"
    operation_name = "scaleManifest"

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment, ScaleManifestTask(environment))


class PatchManifestStage(_OperationStage):
    type = "patchManifest"
    operation_name = "patchManifest"

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment, PatchManifestTask(environment))


class UndoRolloutManifestStage(_OperationStage):
    type = "undoRolloutManifest"
    operation_name = "undoRolloutManifest"

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment, UndoRolloutManifestTask(environment))


class EnableManifestStage(_OperationStage):
    type = "enableManifest"
    operation_name = "enableManifest"

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment, EnableManifestTask(environment))


class DisableManifestStage(_OperationStage):
    type = "disableManifest"
    operation_name = "disableManifest"

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment, DisableManifestTask(environment))


__all__ = [
    "DeleteManifestStage",
    "DisableManifestStage",
    "EnableManifestStage",
    "JsonDict",
    "PatchManifestStage",
    "ScaleManifestStage",
    "Status",
    "UndoRolloutManifestStage",
]
