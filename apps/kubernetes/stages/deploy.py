"""`deployManifest`: resolve manifests, bind artifacts, version, apply, wait, then the strategy."""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from apps.kubernetes.stages import canary
from apps.kubernetes.stages.applying import apply, choose_version, prune_versions
from apps.kubernetes.stages.artifacts import (
    EMBEDDED,
    Binder,
    bind_produced,
    bound_artifact,
    manifest_artifact,
    prior_artifacts,
    required_artifacts,
    unbound,
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
from apps.kubernetes.stages.kinds import DEPLOYMENT, Kind, kind_named, kind_of
from apps.kubernetes.stages.manifests import (
    DEPLOYMENT_REVISION,
    LOAD_BALANCERS,
    Coordinates,
    JsonDict,
    ManifestError,
    Moniker,
    annotate_manifest,
    annotation_map,
    clean_for_output,
    cluster_of,
    decode_base64_text,
    label_manifest,
    load_balancers_of,
    moniker_from_context,
    name_of,
    namespace_of,
    parse_documents,
    split_version,
    strategy_of,
    strip_server_fields,
    versioned_name,
)
from apps.kubernetes.stages.stabilizing import WaitForManifestStableTask
from apps.kubernetes.stages.targets import cluster_members
from apps.kubernetes.stages.traffic import attach, find_service
from engine.model import Stage
from engine.stage_expressions import merge_summary
from engine.stages.builder import BaseStageBuilder, SyntheticStage, TaskDefinition
from engine.tasks import TaskResult

_VERBS = {"disableManifest": "Disable", "deleteManifest": "Delete"}
TRAFFIC_STRATEGIES = ("redblack", "bluegreen", "highlander", "none", "canary")
# Server groups the traffic strategies act on (versioned Deployments count, as one per version).
SERVER_GROUP_KINDS = ("ReplicaSet", "Deployment")


def traffic_options(context: Mapping[str, Any]) -> tuple[bool, JsonDict]:
    raw = context.get("trafficManagement")
    if not isinstance(raw, Mapping) or not raw.get("enabled"):
        return False, {}
    options = raw.get("options")
    return True, dict(options) if isinstance(options, Mapping) else {}


def strategy_name(context: Mapping[str, Any]) -> str:
    enabled, options = traffic_options(context)
    if not enabled:
        return "none"
    name = str(options.get("strategy") or "none").lower().replace("-", "").replace("_", "")
    if name not in TRAFFIC_STRATEGIES:
        raise StageConfigError(
            f"unknown traffic strategy {options.get('strategy')!r}: use one of "
            + ", ".join(TRAFFIC_STRATEGIES)
        )
    return name


def rollback_on_failure(context: Mapping[str, Any]) -> bool:
    _, options = traffic_options(context)
    return context.get("rollbackOnFailure") is True or options.get("rollbackOnFailure") is True


# -- resolve --------------------------------------------------------------------------------------


class ResolveDeploySourceManifestTask(KubernetesTask):
    """Text manifests as given; artifact manifests decoded (and evaluated unless skipped)."""

    task_type = "resolveDeploySourceManifest"

    def run(self, stage: Stage) -> TaskResult:
        context = stage.context
        source = str(context.get("source") or "text").lower()
        if source == "artifact":
            manifests = self._from_artifact(stage)
        else:
            raw = context.get("manifests")
            manifests = parse_documents(raw if raw not in (None, []) else context.get("manifest"))
        if not manifests:
            raise ManifestError("the stage has no manifests to deploy")
        required = required_artifacts(stage, context)
        return TaskResult.succeeded(
            {
                "manifests": manifests,
                "requiredArtifacts": required,
                "optionalArtifacts": prior_artifacts(stage),
            }
        )

    def _from_artifact(self, stage: Stage) -> list[JsonDict]:
        context = stage.context
        artifact = context.get("manifestArtifact")
        expected_id = context.get("manifestArtifactId")
        if not isinstance(artifact, Mapping) or not artifact.get("type"):
            artifact = bound_artifact(stage, str(expected_id)) if expected_id else None
        if artifact is None:
            raise ManifestError(
                f"no artifact is bound to {expected_id!r} in this execution"
                if expected_id
                else "source is artifact but neither manifestArtifactId nor manifestArtifact is set"
            )
        kind = str(artifact.get("type") or "")
        reference = str(artifact.get("reference") or "")
        if kind == EMBEDDED:
            manifests = parse_documents(decode_base64_text(reference))
        elif kind.startswith("kubernetes/"):
            manifests = [self._live_manifest(stage, artifact)]
        else:
            raise ManifestError(
                f"artifacts of type {kind or '(none)'} cannot be fetched by this platform: "
                "use an embedded/base64 artifact (e.g. from bakeManifest) or a text manifest"
            )
        if context.get("skipExpressionEvaluation") is True:
            return manifests
        result = self.env.expressions.process(manifests, execution=stage.execution, stage=stage)
        merge_summary(stage, result.summary)
        return list(result.value)

    def _live_manifest(self, stage: Stage, artifact: Mapping[str, Any]) -> JsonDict:
        kind = kind_named(str(artifact["type"]).split("/", 1)[1])
        metadata = artifact.get("metadata") or {}
        account = str(metadata.get("account") or self.env.account(stage.context))
        with self.env.cluster(stage, account) as cluster:
            namespace = str(artifact.get("location") or cluster.default_namespace)
            live = cluster.get(kind, namespace, str(artifact.get("reference") or ""))
        if live is None:
            raise ManifestError(f"artifact {artifact.get('reference')} does not exist any more")
        return strip_server_fields(live)


# -- deploy ---------------------------------------------------------------------------------------


class DeployManifestTask(KubernetesTask):
    """Prepare each manifest (bind, version, label, traffic) and apply it, by deploy priority."""

    task_type = "deployManifest"

    def run(self, stage: Stage) -> TaskResult:
        context = stage.context
        manifests = parse_documents(context.get("manifests"))
        account = self.env.account(context)
        strategy = strategy_name(context)
        enabled, options = traffic_options(context)
        with self.env.cluster(stage) as cluster:
            deployer = _Deployer(
                cluster=cluster,
                account=account,
                moniker=moniker_from_context(context, stage.execution.application),
                namespace=str(context.get("namespaceOverride") or ""),
                services=[str(s) for s in options.get("services") or []] if enabled else [],
                enable_traffic=(
                    strategy in ("redblack", "bluegreen", "highlander")
                    or options.get("enableTraffic") is not False
                ),
                strategy=strategy,
                binder=Binder(
                    list(context.get("requiredArtifacts") or [])
                    + list(context.get("optionalArtifacts") or [])
                ),
            )
            deployed = deployer.deploy_all(manifests)
            missing = unbound(context.get("requiredArtifacts") or [], deployer.binder.bound)
            if missing:
                names = ", ".join(str(a.get("name") or a.get("reference")) for a in missing)
                raise ManifestError(
                    f"The following required artifacts could not be bound: {names}. Check that "
                    "the image names match the ones in your manifests."
                )
            canary_state = None
            if strategy == "canary":
                canary_state = canary.prepare(
                    cluster, deployer.canary_candidates, options, deployer.applied_manifests
                )
        return self._result(stage, deployer, deployed, account, canary_state)

    def _result(
        self,
        stage: Stage,
        deployer: _Deployer,
        deployed: list[tuple[Coordinates, JsonDict]],
        account: str,
        canary_state: JsonDict | None,
    ) -> TaskResult:
        live = [clean_for_output(item) for _, item in deployed]
        names: dict[str, list[str]] = {}
        groups: dict[str, list[str]] = {}
        for where, _ in deployed:
            names.setdefault(where.namespace, []).append(where.full_name)
            if where.kind.has_replicas or where.kind.kind == "DaemonSet":
                groups.setdefault(where.namespace, []).append(where.name)
        if canary_state is not None and canary_state.get("active"):
            # The stable Deployment is waited on after promotion, not now.
            stable = f"deployment {canary_state['stableName']}"
            names = {ns: [n for n in entries if n != stable] for ns, entries in names.items()}
        created = deployer.created
        results: JsonDict = {
            MANIFESTS_KEY: live,
            MANIFEST_NAMES_KEY: names,
            "outputs.boundArtifacts": deployer.binder.bound,
            "outputs.createdArtifacts": created,
            "artifacts": created,
            "deploy.account.name": account,
            "deploy.server.groups": groups,
        }
        produced = bind_produced(stage.context, created)
        if produced:
            results["resolvedExpectedArtifacts"] = produced
        runtime: JsonDict = {
            **results,
            "previousRevisions": deployer.previous_revisions,
            "newServerGroups": deployer.new_server_groups,
            "versionCleanup": deployer.cleanup,
        }
        if canary_state is not None:
            runtime["canary"] = canary_state
        return TaskResult.succeeded(runtime, results)


class _Deployer:
    def __init__(
        self,
        *,
        cluster: Cluster,
        account: str,
        moniker: Moniker,
        namespace: str,
        services: list[str],
        enable_traffic: bool,
        strategy: str,
        binder: Binder,
    ) -> None:
        self.cluster = cluster
        self.account = account
        self.moniker = moniker
        self.namespace_override = namespace
        self.services = services
        self.enable_traffic = enable_traffic
        self.strategy = strategy
        self.binder = binder
        self.created: list[JsonDict] = []
        self.previous_revisions: list[JsonDict] = []
        self.new_server_groups: list[JsonDict] = []
        self.cleanup: list[JsonDict] = []
        self.canary_candidates: list[tuple[Coordinates, JsonDict]] = []
        self.applied_manifests: list[JsonDict] = []

    def deploy_all(self, manifests: list[JsonDict]) -> list[tuple[Coordinates, JsonDict]]:
        ordered = sorted(manifests, key=lambda m: kind_of(m).priority)
        for manifest in ordered:
            namespace = (
                self.namespace_override or namespace_of(manifest) or self.cluster.default_namespace
            )
            if kind_of(manifest).namespaced:
                manifest.setdefault("metadata", {})["namespace"] = namespace
        prepared = [self._prepare(manifest, ordered) for manifest in ordered]
        deployed: list[tuple[Coordinates, JsonDict]] = []
        for where, manifest, strategy in prepared:
            if (
                self.strategy == "canary"
                and where.kind is DEPLOYMENT
                and self.cluster.get(DEPLOYMENT, where.namespace, where.name) is not None
            ):
                # An existing stable: the new version goes out as a canary (see canary.py).
                self.canary_candidates.append((where, manifest))
                continue
            self._remember_revision(where)
            live = apply(self.cluster, where, manifest, strategy)
            self.applied_manifests.append(manifest)
            deployed.append((where, live))
        return deployed

    def _prepare(
        self, manifest: JsonDict, request: list[JsonDict]
    ) -> tuple[Coordinates, JsonDict, Any]:
        kind = kind_of(manifest)
        name = name_of(manifest)
        if not name:
            raise ManifestError(f"a {kind.kind} manifest has no metadata.name")
        namespace = namespace_of(manifest) if kind.namespaced else ""
        self.binder.bind(manifest)
        strategy = strategy_of(manifest)
        if (
            self.strategy in ("redblack", "bluegreen")
            and strategy.max_version_history is not None
            and strategy.max_version_history < 2
        ):
            raise ManifestError(
                "The max version history specified in your manifest conflicts with the "
                "Red/Black rollout strategy: set strategy.spinnaker.io/max-version-history to 2 "
                "or more."
            )
        versioned = strategy.versioned if strategy.versioned is not None else kind.versioned
        base, _ = split_version(name)
        moniker = Moniker(
            app=self.moniker.app,
            cluster=self.moniker.cluster or f"{kind.spinnaker} {base}",
            stack=self.moniker.stack,
            detail=self.moniker.detail,
        )
        if kind.receives_traffic:
            self._traffic(manifest, namespace, request)
        label_manifest(manifest, moniker)
        version: int | None = None
        reused = False
        if versioned:
            version, reused = choose_version(self.cluster, kind, namespace, base, manifest)
            moniker = Moniker(moniker.app, moniker.cluster, moniker.stack, moniker.detail, version)
            label_manifest(manifest, moniker)
        artifact = manifest_artifact(manifest, account=self.account, version=version)
        annotate_manifest(manifest, moniker, artifact)
        final_name = versioned_name(base, version) if version is not None else name
        manifest["metadata"]["name"] = final_name
        self.binder.add(artifact)
        self.created.append(artifact)
        where = Coordinates(kind, namespace, final_name)
        if strategy.use_source_capacity and kind.has_replicas:
            self._source_capacity(
                manifest, kind, namespace, base, name=final_name, versioned=versioned
            )
        if versioned and kind.kind in SERVER_GROUP_KINDS and not reused:
            self.new_server_groups.append({"manifestName": where.full_name, "location": namespace})
        if versioned and strategy.max_version_history is not None:
            self.cleanup.append(
                {
                    "kind": kind.kind,
                    "location": namespace,
                    "base": base,
                    "keep": strategy.max_version_history,
                    "current": final_name,
                }
            )
        return where, manifest, strategy

    def _traffic(self, manifest: JsonDict, namespace: str, request: list[JsonDict]) -> None:
        if self.services:
            existing = load_balancers_of(manifest)
            if existing and existing != self.services:
                raise ManifestError(
                    f"Manifest already has {LOAD_BALANCERS} set to {existing}; the stage asks "
                    f"for {self.services}"
                )
            annotation_map(manifest)[LOAD_BALANCERS] = json.dumps(self.services)
        if self.enable_traffic:
            for service_name in load_balancers_of(manifest):
                attach(find_service(self.cluster, namespace, service_name, request), manifest)

    def _source_capacity(
        self,
        manifest: JsonDict,
        kind: Kind,
        namespace: str,
        base: str,
        *,
        name: str,
        versioned: bool,
    ) -> None:
        source: JsonDict | None = None
        if versioned:
            members = [
                m
                for m in cluster_members(self.cluster, kind, namespace, cluster_of(manifest), None)
                if m["metadata"]["name"] != name
            ]
            source = members[-1] if members else None
        else:
            source = self.cluster.get(kind, namespace, base)
        replicas = ((source or {}).get("spec") or {}).get("replicas")
        if isinstance(replicas, int):
            manifest.setdefault("spec", {})["replicas"] = replicas

    def _remember_revision(self, where: Coordinates) -> None:
        if where.kind is not DEPLOYMENT:
            return
        live = self.cluster.get(DEPLOYMENT, where.namespace, where.name)
        revision = ((live or {}).get("metadata", {}).get("annotations") or {}).get(
            DEPLOYMENT_REVISION
        )
        if revision:
            self.previous_revisions.append(
                {
                    "manifestName": where.full_name,
                    "location": where.namespace,
                    "revision": int(revision),
                }
            )


# -- after the rollout ----------------------------------------------------------------------------


class CleanupArtifactsTask(KubernetesTask):
    """Delete versions beyond `strategy.spinnaker.io/max-version-history`."""

    task_type = "cleanupArtifacts"

    def run(self, stage: Stage) -> TaskResult:
        plans = stage.context.get("versionCleanup") or []
        if not plans:
            return TaskResult.succeeded()
        deleted: list[str] = []
        with self.env.cluster(stage) as cluster:
            for plan in plans:
                kind = kind_named(str(plan["kind"]))
                deleted += prune_versions(
                    cluster,
                    kind,
                    plan["location"],
                    plan["base"],
                    keep=int(plan["keep"]),
                    current=plan["current"],
                )
        return TaskResult.succeeded({"deletedVersions": deleted})


class PlanTrafficStrategyTask(KubernetesTask):
    """Find the other server groups of each new one; the strategy's after-stages act on them."""

    task_type = "planTrafficStrategy"

    def run(self, stage: Stage) -> TaskResult:
        strategy = strategy_name(stage.context)
        if strategy not in ("redblack", "bluegreen", "highlander"):
            return TaskResult.succeeded()
        app = application(stage)
        disable: list[JsonDict] = []
        delete: list[JsonDict] = []
        with self.env.cluster(stage) as cluster:
            for manifest in stage.context.get(MANIFESTS_KEY) or []:
                if manifest.get("kind") not in SERVER_GROUP_KINDS:
                    continue
                name = name_of(manifest)
                if split_version(name)[1] is None:
                    continue  # an unversioned Deployment rolls itself: nothing to switch
                kind = kind_of(manifest)
                namespace = namespace_of(manifest)
                for old in cluster_members(cluster, kind, namespace, cluster_of(manifest), app):
                    old_name = old["metadata"]["name"]
                    if old_name == name:
                        continue
                    target = {"manifestName": f"{kind.spinnaker} {old_name}", "location": namespace}
                    if strategy == "highlander":
                        disable.append(target)
                        delete.append(target)
                    elif _never_became_healthy(old):
                        delete.append(target)
                    else:
                        disable.append(target)
        steps = [{"type": "disableManifest", **t} for t in disable]
        steps += [{"type": "deleteManifest", **t} for t in delete]
        return TaskResult.succeeded({"strategySteps": steps})


def _never_became_healthy(live: JsonDict) -> bool:
    """Spinnaker deletes (not disables) an old version that is neither stable nor failed."""
    from apps.kubernetes.stages.stability import health

    status = live.get("status") or {}
    if (status.get("readyReplicas") or 0) > 0 and (status.get("availableReplicas") or 0) > 0:
        return False
    state = health(live)
    return not state.stable and not state.failed


class BindProducedArtifactsTask(KubernetesTask):
    task_type = "bindProducedArtifacts"

    def run(self, stage: Stage) -> TaskResult:
        return TaskResult.succeeded()


class DeployManifestStage(BaseStageBuilder):
    type = "deployManifest"

    def __init__(self, environment: Environment) -> None:
        self.env = environment
        self.resolve = ResolveDeploySourceManifestTask(environment)
        self.deploy = DeployManifestTask(environment)
        self.canary = canary.RunCanaryTask(environment)
        self.wait = WaitForManifestStableTask(environment)
        self.cleanup_task = CleanupArtifactsTask(environment)
        self.plan = PlanTrafficStrategyTask(environment)
        self.tasks = (
            self.resolve,
            self.deploy,
            self.canary,
            self.wait,
            self.cleanup_task,
            self.plan,
        )

    def task_graph(self, stage: Stage) -> Sequence[TaskDefinition]:
        graph = [
            TaskDefinition("resolveDeploySourceManifest", self.resolve),
            TaskDefinition("deployManifest", self.deploy),
        ]
        if _strategy_or_none(stage) == "canary":
            graph.append(TaskDefinition("runCanary", self.canary))
        graph += [
            TaskDefinition("waitForManifestToStabilize", self.wait),
            TaskDefinition("cleanupArtifacts", self.cleanup_task),
            TaskDefinition("planTrafficStrategy", self.plan),
        ]
        return graph

    def after_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        return [
            SyntheticStage(
                step["type"],
                f"{_VERBS.get(step['type'], 'Act on')} {step['manifestName']}",
                self._target_context(stage, step),
            )
            for step in stage.context.get("strategySteps") or []
        ]

    def on_failure_stages(self, stage: Stage) -> Sequence[SyntheticStage]:
        if not rollback_on_failure(stage.context):
            return ()
        specs = [
            SyntheticStage(
                "undoRolloutManifest",
                f"Rollback {entry['manifestName']}",
                {**self._target_context(stage, entry), "toRevision": entry["revision"]},
            )
            for entry in stage.context.get("previousRevisions") or []
        ]
        specs += [
            SyntheticStage(
                "deleteManifest",
                f"Rollback: delete {entry['manifestName']}",
                self._target_context(stage, entry),
            )
            for entry in stage.context.get("newServerGroups") or []
        ]
        return specs

    def cancel(self, stage: Stage) -> None:
        """Abort: a canary sends traffic back to stable; `rollbackOnFailure` rolls back now."""
        if isinstance(stage.context.get("canary"), dict) and stage.context["canary"].get("active"):
            with self.env.cluster(stage) as cluster:
                stage.context["canary"] = canary.abort(cluster, stage.context["canary"])
        if (
            stage.status.is_halt
            and rollback_on_failure(stage.context)
            and stage.status.value == "CANCELED"
        ):
            with self.env.cluster(stage) as cluster:
                stage.context["rollback"] = rollback_now(cluster, stage.context)

    def prepare_for_restart(self, stage: Stage) -> None:
        for key in (
            "canary",
            "canaryAction",
            "strategySteps",
            "previousRevisions",
            "newServerGroups",
            "versionCleanup",
            "messages",
            "events",
            "exception",
        ):
            stage.context.pop(key, None)

    def expression_skip_keys(self, stage: Stage) -> Collection[str]:
        if stage.context.get("skipExpressionEvaluation") is True:
            return ("manifests", "manifest")
        return ()

    def _target_context(self, stage: Stage, entry: Mapping[str, Any]) -> JsonDict:
        return {
            "account": self.env.account(stage.context),
            "cloudProvider": "kubernetes",
            "app": application(stage),
            "manifestName": entry["manifestName"],
            "location": entry["location"],
        }


def _strategy_or_none(stage: Stage) -> str:
    try:
        return strategy_name(stage.context)
    except StageConfigError:
        return "none"


def rollback_now(cluster: Cluster, context: Mapping[str, Any]) -> list[str]:
    """What a canceled deploy with rollbackOnFailure undoes at once (no waiting)."""
    from apps.kubernetes.stages.rollout import undo_to_revision

    done: list[str] = []
    for entry in context.get("previousRevisions") or []:
        kind_text, name = str(entry["manifestName"]).split(" ", 1)
        undo_to_revision(cluster, entry["location"], name, int(entry["revision"]))
        done.append(f"rolled back {entry['manifestName']} to revision {entry['revision']}")
    for entry in context.get("newServerGroups") or []:
        kind_text, name = str(entry["manifestName"]).split(" ", 1)
        if cluster.delete(kind_named(kind_text), entry["location"], name):
            done.append(f"deleted {entry['manifestName']}")
    return done


__all__ = ["DeployManifestStage", "copy"]
