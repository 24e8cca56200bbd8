"""Writes: infrastructure actions on an application's workloads, and canary actions on runs."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.applications.models import Application
from apps.cloudaccounts.connections import kubernetes_connection
from apps.core.errors import Conflict, NotFound, PlatformError, ValidationFailed
from apps.executions import runtime
from apps.executions.models import Execution, ExecutionAction, ExecutionAudit
from apps.kubernetes.accounts import kubernetes_account
from apps.kubernetes.stages.applying import apply
from apps.kubernetes.stages.canary_actions import canary_action
from apps.kubernetes.stages.cluster import Cluster, ClusterError, open_cluster
from apps.kubernetes.stages.kinds import Kind, UnknownKindError, kind_named, kind_of
from apps.kubernetes.stages.manifests import (
    Coordinates,
    ManifestError,
    Moniker,
    annotate_manifest,
    application_of,
    cluster_of,
    label_manifest,
    name_of,
    strategy_of,
)
from apps.kubernetes.stages.rollout import undo
from apps.users.models import User
from engine.errors import ExecutionNotFoundError, OperationNotAllowedError, StageNotFoundError
from engine.events import EngineEvent

JsonDict = dict[str, Any]


class _Target:
    """An application's workload in one of its team's accounts (checked, else NotFound)."""

    def __init__(
        self, application: Application, account: str, namespace: str, kind: str, name: str
    ):
        try:
            self.kind: Kind = kind_named(kind)
        except UnknownKindError as error:
            raise NotFound(str(error)) from error
        self.account = kubernetes_account(team=application.team, name=account)
        self.application = application
        self.where = Coordinates(self.kind, namespace, name)


def _run(target: _Target, action: Any) -> JsonDict:
    try:
        with open_cluster(kubernetes_connection(target.account)) as cluster:
            live = cluster.get(target.kind, target.where.namespace, target.where.name)
            if live is None or application_of(live) != target.application.name:
                raise NotFound(f"{target.where.full_name} not found in {target.where.namespace}.")
            result: JsonDict = action(cluster, live)
            return result
    except ClusterError as error:
        raise PlatformError(str(error), status_code=502) from error
    except (ManifestError, ValueError) as error:
        raise ValidationFailed(errors=[{"pointer": "", "message": str(error)}]) from error


def workload_scale(
    *, application: Application, account: str, namespace: str, kind: str, name: str, replicas: int
) -> JsonDict:
    target = _Target(application, account, namespace, kind, name)
    if not target.kind.has_replicas:
        raise ValidationFailed(
            errors=[{"pointer": "/replicas", "message": f"{kind} cannot be scaled"}]
        )

    def scale(cluster: Cluster, live: JsonDict) -> JsonDict:
        cluster.patch(
            target.kind, namespace, name, {"spec": {"replicas": replicas}}, patch_type="merge"
        )
        return {"scaled": target.where.full_name, "replicas": replicas}

    return _run(target, scale)


def workload_rollback(
    *,
    application: Application,
    account: str,
    namespace: str,
    kind: str,
    name: str,
    revisions: int = 1,
    to_revision: int | None = None,
) -> JsonDict:
    target = _Target(application, account, namespace, kind, name)
    if target.kind.kind != "Deployment":
        raise ValidationFailed(
            errors=[{"pointer": "", "message": "only Deployments can roll back"}]
        )

    def roll_back(cluster: Cluster, live: JsonDict) -> JsonDict:
        revision = undo(cluster, namespace, name, revisions_back=revisions, to_revision=to_revision)
        return {"rolledBack": target.where.full_name, "revision": revision}

    return _run(target, roll_back)


def workload_edit(
    *,
    application: Application,
    account: str,
    namespace: str,
    kind: str,
    name: str,
    manifest: JsonDict,
) -> JsonDict:
    target = _Target(application, account, namespace, kind, name)
    if kind_of(manifest) is not target.kind or name_of(manifest) != name:
        raise ValidationFailed(
            errors=[{"pointer": "/manifest", "message": "the manifest must keep its kind and name"}]
        )

    def edit(cluster: Cluster, live: JsonDict) -> JsonDict:
        # The edited object stays the application's: keep its moniker labels and annotations.
        moniker = Moniker(app=application.name, cluster=cluster_of(live))
        label_manifest(manifest, moniker)
        annotate_manifest(manifest, moniker, {})
        applied = apply(cluster, target.where, manifest, strategy_of(manifest))
        return {
            "applied": target.where.full_name,
            "generation": applied["metadata"].get("generation"),
        }

    return _run(target, edit)


def workload_delete(
    *,
    application: Application,
    account: str,
    namespace: str,
    kind: str,
    name: str,
    cascading: bool = True,
    grace_period_seconds: int | None = None,
) -> JsonDict:
    target = _Target(application, account, namespace, kind, name)

    def delete(cluster: Cluster, live: JsonDict) -> JsonDict:
        cluster.delete(
            target.kind,
            namespace,
            name,
            cascading=cascading,
            grace_period_seconds=grace_period_seconds,
        )
        return {"deleted": target.where.full_name}

    return _run(target, delete)


class _NoEvents:
    def publish(self, event: EngineEvent) -> None:
        return None


def stage_canary_action(
    *, execution: Execution, stage_id: str, user: User, action: str
) -> Execution:
    """continue / promote / abort a running canary; audited like the other run operations."""
    parts = runtime.build_engine()
    try:
        with transaction.atomic():
            canary_action(
                repository=parts.repository,
                queue=parts.queue,
                events=_NoEvents(),
                clock=runtime.CLOCK,
                execution_id=execution.pk,
                stage_id=stage_id,
                action=action,
                user=user.username,
            )
            ExecutionAudit.objects.create(
                execution=execution,
                action=ExecutionAction.CANARY,
                stage_id=stage_id,
                user=user,
                username=user.username,
                details={"action": action},
            )
    except (ExecutionNotFoundError, StageNotFoundError) as error:
        raise NotFound(f"Not found: {error}.") from error
    except OperationNotAllowedError as error:
        raise Conflict(str(error)[:1].upper() + str(error)[1:] + ".") from error
    return execution
