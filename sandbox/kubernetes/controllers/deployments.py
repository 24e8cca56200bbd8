"""Deployment controller: rolls out through ReplicaSets the way kube-controller-manager does.

Follows the real controller's algorithm: new ReplicaSet `<name>-<pod-template-hash>`,
`NewRSNewReplicas` bounded by maxSurge, old ReplicaSets scaled down while keeping
`replicas - maxUnavailable` available (unhealthy replicas first), Recreate scales old to
zero and waits for their pods to go, revisions in `deployment.kubernetes.io/revision`
(an old ReplicaSet whose template matches again is reused with a new revision, which is
what `kubectl rollout undo` relies on), `revisionHistoryLimit` clean-up, and the
Progressing/Available conditions with the real reasons and the progress deadline.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.kubernetes import kinds
from sandbox.kubernetes.clock import parse_rfc3339
from sandbox.kubernetes.controllers.base import (
    Context,
    compact,
    is_finished,
    is_terminating,
    scaled_value,
    set_condition,
)
from sandbox.kubernetes.controllers.replicasets import owned_pods
from sandbox.kubernetes.patching import clone
from sandbox.kubernetes.registry import controller_of, owner_reference
from sandbox.kubernetes.store import Obj

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
SKIP_ANNOTATIONS = {
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
}
SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def template_hash(template: Obj, collision_count: int = 0) -> str:
    """FNV-32a over the template, rendered with the safe alphabet (like rand.SafeEncodeString)."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    value = 0x811C9DC5
    for byte in data:
        value ^= byte
        value = (value * 0x01000193) & 0xFFFFFFFF
    if collision_count:
        for byte in str(collision_count).encode():
            value ^= byte
            value = (value * 0x01000193) & 0xFFFFFFFF
    return "".join(SAFE_ALPHABET[ord(ch) % len(SAFE_ALPHABET)] for ch in str(value))


def _without_hash(template: Obj) -> Obj:
    copy = clone(template or {})
    labels = (copy.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
        if not labels:
            copy["metadata"].pop("labels")
    if "metadata" in copy and not copy["metadata"]:
        copy.pop("metadata")
    return copy


def revision_of(rs: Obj) -> int:
    try:
        return int((rs["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def _replicas(rs: Obj) -> int:
    return int((rs.get("spec") or {}).get("replicas", 0))


def _available(rs: Obj) -> int:
    return int((rs.get("status") or {}).get("availableReplicas", 0))


_STRIPPED: dict[tuple[str, str], Obj] = {}


def _template_of(rs: Obj) -> Obj:
    """The ReplicaSet's template without its hash label, cached per resourceVersion."""
    meta = rs["metadata"]
    key = (meta["uid"], meta.get("resourceVersion", ""))
    stripped = _STRIPPED.get(key)
    if stripped is None:
        if len(_STRIPPED) > 20_000:
            _STRIPPED.clear()
        stripped = _STRIPPED[key] = _without_hash(rs["spec"]["template"])
    return stripped


class DeploymentController:
    def reconcile(self, ctx: Context) -> None:
        for deployment in ctx.store.list(kinds.DEPLOYMENTS.key):
            if is_terminating(deployment):
                continue
            _Sync(ctx, deployment).run()


class _Sync:
    """One reconciliation of one Deployment."""

    def __init__(self, ctx: Context, deployment: Obj) -> None:
        self.ctx = ctx
        self.d = deployment
        self.spec = deployment.get("spec") or {}
        self.name = deployment["metadata"]["name"]
        self.namespace = deployment["metadata"]["namespace"]
        self.replicas = int(self.spec.get("replicas", 1))
        uid = deployment["metadata"]["uid"]
        self.rss = sorted(
            (
                rs
                for rkey, rs in ctx.store.dependents(uid)
                if rkey == kinds.REPLICASETS.key
                and controller_of(rs) == uid
                and not is_terminating(rs)
            ),
            key=lambda rs: (rs["metadata"]["creationTimestamp"], rs["metadata"]["name"]),
        )
        self.conditions: list[dict[str, Any]] = list(
            (deployment.get("status") or {}).get("conditions") or []
        )
        self.now = ctx.stamp()

    # strategy numbers --------------------------------------------------------------------

    def _fenceposts(self) -> tuple[int, int]:
        rolling = (self.spec.get("strategy") or {}).get("rollingUpdate") or {}
        surge = scaled_value(rolling.get("maxSurge", "25%"), self.replicas, round_up=True)
        unavailable = scaled_value(
            rolling.get("maxUnavailable", "25%"), self.replicas, round_up=False
        )
        if surge == 0 and unavailable == 0:
            unavailable = 1
        return surge, unavailable

    def _is_rolling(self) -> bool:
        return (self.spec.get("strategy") or {}).get("type", "RollingUpdate") == "RollingUpdate"

    def max_surge(self) -> int:
        return self._fenceposts()[0] if self._is_rolling() else 0

    def max_unavailable(self) -> int:
        if not self._is_rolling() or self.replicas == 0:
            return 0
        return min(self._fenceposts()[1], self.replicas)

    # the sync ----------------------------------------------------------------------------

    def run(self) -> None:
        template = self.spec.get("template") or {}
        wanted = _without_hash(template)
        new_rs = next((rs for rs in self.rss if _template_of(rs) == wanted), None)
        old_rss = [rs for rs in self.rss if rs is not new_rs]
        if self.spec.get("paused"):
            self._paused(new_rs, old_rss)
            return
        self._unpause_condition()
        if self._is_rolling():
            if new_rs is None:
                new_rs = self._create_new_rs(old_rss)
            else:
                new_rs = self._adopt_revision(new_rs, old_rss)
            new_rs = self._rolling(new_rs, old_rss)
        else:
            new_rs = self._recreate(new_rs, old_rss)
        self._sync_status(new_rs)

    def _paused(self, new_rs: Obj | None, old_rss: list[Obj]) -> None:
        self.conditions = set_condition(
            self.conditions,
            type_="Progressing",
            status="Unknown",
            now=self.now,
            reason="DeploymentPaused",
            message="Deployment is paused",
            with_update_time=True,
        )
        if new_rs is not None and not old_rss and _replicas(new_rs) != self.replicas:
            self._scale(new_rs, self.replicas)
        self._sync_status(new_rs, check_progress=False)

    def _unpause_condition(self) -> None:
        current = next((c for c in self.conditions if c.get("type") == "Progressing"), None)
        if current is not None and current.get("reason") == "DeploymentPaused":
            self.conditions = set_condition(
                self.conditions,
                type_="Progressing",
                status="Unknown",
                now=self.now,
                reason="DeploymentResumed",
                message="Deployment is resumed",
                with_update_time=True,
            )

    def _copy_annotations(self, target: dict[str, str]) -> None:
        for key, value in (self.d["metadata"].get("annotations") or {}).items():
            if key not in SKIP_ANNOTATIONS:
                target[key] = value

    def _max_old_revision(self, old_rss: list[Obj]) -> int:
        return max((revision_of(rs) for rs in old_rss), default=0)

    def _create_new_rs(self, old_rss: list[Obj]) -> Obj | None:
        template = clone(self.spec.get("template") or {})
        collisions = int((self.d.get("status") or {}).get("collisionCount", 0))
        pod_hash = template_hash(_without_hash(template), collisions)
        labels = template.setdefault("metadata", {}).setdefault("labels", {})
        labels[HASH_LABEL] = pod_hash
        selector = clone(self.spec.get("selector") or {})
        selector.setdefault("matchLabels", {})[HASH_LABEL] = pod_hash
        revision = self._max_old_revision(old_rss) + 1
        annotations: dict[str, str] = {}
        self._copy_annotations(annotations)
        annotations[DESIRED] = str(self.replicas)
        annotations[MAX_REPLICAS] = str(self.replicas + self.max_surge())
        annotations[REVISION] = str(revision)
        rs_name = f"{self.name}-{pod_hash}"
        existing = self.ctx.store.get(kinds.REPLICASETS.key, self.namespace, rs_name)
        if existing is not None:
            # A hash collision with a ReplicaSet we do not own: bump the collision count.
            status = clone(self.d.get("status") or {})
            status["collisionCount"] = collisions + 1
            self.d = self.ctx.registry.write_status(kinds.DEPLOYMENTS, self.d, status)
            return None
        rs = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": rs_name,
                "namespace": self.namespace,
                "labels": dict(labels),
                "annotations": annotations,
                "ownerReferences": [owner_reference(self.d)],
            },
            "spec": {
                "replicas": 0,
                "minReadySeconds": int(self.spec.get("minReadySeconds") or 0),
                "selector": selector,
                "template": template,
            },
        }
        created = self.ctx.registry.create_internal(kinds.REPLICASETS, rs)
        if created is None:
            return None
        self.rss.append(created)
        self.conditions = set_condition(
            self.conditions,
            type_="Progressing",
            status="True",
            now=self.now,
            reason="NewReplicaSetCreated",
            message=f'Created new replica set "{rs_name}"',
            with_update_time=True,
        )
        self._set_revision(str(revision))
        return created

    def _adopt_revision(self, new_rs: Obj, old_rss: list[Obj]) -> Obj:
        max_old = self._max_old_revision(old_rss)
        annotations = dict(new_rs["metadata"].get("annotations") or {})
        current = revision_of(new_rs)
        changed = False
        if current <= max_old:
            history = [h for h in annotations.get(REVISION_HISTORY, "").split(",") if h]
            if current:
                history.append(str(current))
            annotations[REVISION_HISTORY] = ",".join(history)
            annotations[REVISION] = str(max_old + 1)
            changed = True
        before = dict(annotations)
        self._copy_annotations(annotations)
        annotations[DESIRED] = str(self.replicas)
        annotations[MAX_REPLICAS] = str(self.replicas + self.max_surge())
        changed = changed or before != annotations
        if int((new_rs.get("spec") or {}).get("minReadySeconds") or 0) != int(
            self.spec.get("minReadySeconds") or 0
        ):
            changed = True
        if changed:
            updated = clone(new_rs)
            updated["metadata"]["annotations"] = annotations
            updated["spec"]["minReadySeconds"] = int(self.spec.get("minReadySeconds") or 0)
            new_rs = self._replace(
                new_rs, self.ctx.registry.write(kinds.REPLICASETS, updated, new_rs)
            )
        self._set_revision(annotations[REVISION])
        if not any(c.get("type") == "Progressing" for c in self.conditions):
            self.conditions = set_condition(
                self.conditions,
                type_="Progressing",
                status="True",
                now=self.now,
                reason="FoundNewReplicaSet",
                message=f'Found new replica set "{new_rs["metadata"]["name"]}"',
                with_update_time=True,
            )
        return new_rs

    def _set_revision(self, revision: str) -> None:
        annotations = self.d["metadata"].get("annotations") or {}
        if annotations.get(REVISION) == revision:
            return
        updated = clone(self.d)
        updated["metadata"].setdefault("annotations", {})[REVISION] = revision
        self.d = self.ctx.registry.write(kinds.DEPLOYMENTS, updated, self.d)

    def _replace(self, old: Obj, new: Obj) -> Obj:
        self.rss = [new if rs is old else rs for rs in self.rss]
        return new

    def _scale(self, rs: Obj, replicas: int) -> Obj:
        current = _replicas(rs)
        annotations = dict(rs["metadata"].get("annotations") or {})
        annotations[DESIRED] = str(self.replicas)
        annotations[MAX_REPLICAS] = str(self.replicas + self.max_surge())
        if current == replicas and annotations == (rs["metadata"].get("annotations") or {}):
            return rs
        updated = clone(rs)
        updated["spec"]["replicas"] = replicas
        updated["metadata"]["annotations"] = annotations
        stored = self._replace(rs, self.ctx.registry.write(kinds.REPLICASETS, updated, rs))
        if current != replicas:
            direction = "up" if replicas > current else "down"
            self.ctx.registry.event(
                self.d,
                reason="ScalingReplicaSet",
                message=f"Scaled {direction} replica set {rs['metadata']['name']} from "
                f"{current} to {replicas}",
                component="deployment-controller",
            )
        return stored

    # rolling update ----------------------------------------------------------------------

    def _rolling(self, new_rs: Obj | None, old_rss: list[Obj]) -> Obj | None:
        if new_rs is not None:
            target = self._new_rs_replicas(new_rs)
            if target != _replicas(new_rs):
                return self._scale(new_rs, target)
        old_rss = [rs for rs in self.rss if rs is not new_rs]
        if self._reconcile_old(new_rs, old_rss):
            return new_rs
        if self._complete(new_rs):
            self._cleanup([rs for rs in self.rss if rs is not new_rs])
        return new_rs

    def _new_rs_replicas(self, new_rs: Obj) -> int:
        current_new = _replicas(new_rs)
        if current_new > self.replicas:
            return self.replicas
        if current_new == self.replicas:
            return current_new
        total = sum(_replicas(rs) for rs in self.rss)
        max_total = self.replicas + self.max_surge()
        if total >= max_total:
            return current_new
        scale_up = min(max_total - total, self.replicas - current_new)
        return current_new + scale_up

    def _reconcile_old(self, new_rs: Obj | None, old_rss: list[Obj]) -> bool:
        if sum(_replicas(rs) for rs in old_rss) == 0:
            return False
        all_pods = sum(_replicas(rs) for rs in self.rss)
        min_available = self.replicas - self.max_unavailable()
        new_unavailable = (_replicas(new_rs) - _available(new_rs)) if new_rs is not None else 0
        max_scaled_down = all_pods - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        # unhealthy replicas of old ReplicaSets go first
        cleaned = 0
        for rs in list(old_rss):
            if cleaned >= max_scaled_down:
                break
            replicas = _replicas(rs)
            if replicas == 0 or replicas == _available(rs):
                continue
            count = min(max_scaled_down - cleaned, replicas - _available(rs))
            self._scale(rs, replicas - count)
            cleaned += count
        old_rss = [rs for rs in self.rss if rs is not new_rs]
        available = sum(_available(rs) for rs in self.rss)
        if available <= min_available:
            return cleaned > 0
        total_down = available - min_available
        done = 0
        for rs in old_rss:
            if done >= total_down:
                break
            replicas = _replicas(rs)
            if replicas == 0:
                continue
            count = min(replicas, total_down - done)
            self._scale(rs, replicas - count)
            done += count
        return cleaned + done > 0

    # recreate ----------------------------------------------------------------------------

    def _recreate(self, new_rs: Obj | None, old_rss: list[Obj]) -> Obj | None:
        scaled = False
        for rs in old_rss:
            if _replicas(rs) != 0:
                self._scale(rs, 0)
                scaled = True
        if scaled:
            return new_rs
        for rs in old_rss:
            if any(not is_finished(p) for p in owned_pods(self.ctx, rs)):
                return new_rs
        if new_rs is None:
            new_rs = self._create_new_rs(old_rss)
        else:
            new_rs = self._adopt_revision(new_rs, old_rss)
        if new_rs is not None and _replicas(new_rs) != self.replicas:
            new_rs = self._scale(new_rs, self.replicas)
        if self._complete(new_rs):
            self._cleanup([rs for rs in self.rss if rs is not new_rs])
        return new_rs

    # status ------------------------------------------------------------------------------

    def _complete(self, new_rs: Obj | None) -> bool:
        status = self.d.get("status") or {}
        return (
            status.get("updatedReplicas", 0) == self.replicas
            and status.get("replicas", 0) == self.replicas
            and status.get("availableReplicas", 0) == self.replicas
            and status.get("observedGeneration", 0) >= self.d["metadata"].get("generation", 1)
        )

    def _cleanup(self, old_rss: list[Obj]) -> None:
        limit = self.spec.get("revisionHistoryLimit", 10)
        diff = len(old_rss) - int(limit)
        if diff <= 0:
            return
        for rs in sorted(old_rss, key=revision_of)[:diff]:
            status = rs.get("status") or {}
            if status.get("replicas", 0) != 0 or _replicas(rs) != 0:
                continue
            if rs["metadata"].get("generation", 1) > status.get("observedGeneration", 0):
                continue
            ctx_registry = self.ctx.registry
            ctx_registry.delete(kinds.REPLICASETS, self.namespace, rs["metadata"]["name"])

    def _sync_status(self, new_rs: Obj | None, *, check_progress: bool = True) -> None:
        old_status = self.d.get("status") or {}
        rs_status = [rs.get("status") or {} for rs in self.rss]
        available = sum(s.get("availableReplicas", 0) for s in rs_status)
        total_spec = sum(_replicas(rs) for rs in self.rss)
        status: dict[str, Any] = {
            "observedGeneration": self.d["metadata"].get("generation", 1),
            "replicas": sum(s.get("replicas", 0) for s in rs_status),
            "updatedReplicas": (new_rs.get("status") or {}).get("replicas", 0) if new_rs else 0,
            "readyReplicas": sum(s.get("readyReplicas", 0) for s in rs_status),
            "availableReplicas": available,
            "unavailableReplicas": max(total_spec - available, 0),
        }
        if old_status.get("collisionCount"):
            status["collisionCount"] = old_status["collisionCount"]
        conditions = self.conditions
        if available >= self.replicas - self.max_unavailable():
            conditions = set_condition(
                conditions,
                type_="Available",
                status="True",
                now=self.now,
                reason="MinimumReplicasAvailable",
                message="Deployment has minimum availability.",
                with_update_time=True,
            )
        else:
            conditions = set_condition(
                conditions,
                type_="Available",
                status="False",
                now=self.now,
                reason="MinimumReplicasUnavailable",
                message="Deployment does not have minimum availability.",
                with_update_time=True,
            )
        if check_progress:
            conditions = self._progress(conditions, status, new_rs)
        status["conditions"] = conditions
        compact(
            status,
            "replicas",
            "updatedReplicas",
            "readyReplicas",
            "availableReplicas",
            "unavailableReplicas",
        )
        self.d = self.ctx.registry.write_status(kinds.DEPLOYMENTS, self.d, status)

    def _progress(
        self, conditions: list[dict[str, Any]], status: dict[str, Any], new_rs: Obj | None
    ) -> list[dict[str, Any]]:
        deadline = self.spec.get("progressDeadlineSeconds")
        if deadline is None:
            return [c for c in conditions if c.get("type") != "Progressing"]
        old = self.d.get("status") or {}
        current = next((c for c in conditions if c.get("type") == "Progressing"), None)
        complete_already = (
            status["replicas"] == status["updatedReplicas"]
            and current is not None
            and current.get("reason") == "NewReplicaSetAvailable"
        )
        if complete_already:
            return conditions
        rs_name = new_rs["metadata"]["name"] if new_rs else None
        generation = self.d["metadata"].get("generation", 1)
        if (
            status["updatedReplicas"] == self.replicas
            and status["replicas"] == self.replicas
            and status["availableReplicas"] == self.replicas
            and status["observedGeneration"] >= generation
        ):
            message = (
                f'ReplicaSet "{rs_name}" has successfully progressed.'
                if rs_name
                else f'Deployment "{self.name}" has successfully progressed.'
            )
            return set_condition(
                conditions,
                type_="Progressing",
                status="True",
                now=self.now,
                reason="NewReplicaSetAvailable",
                message=message,
                with_update_time=True,
            )
        old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
        new_old = status["replicas"] - status["updatedReplicas"]
        progressing = (
            status["updatedReplicas"] > old.get("updatedReplicas", 0)
            or old_old > new_old
            or status["readyReplicas"] > old.get("readyReplicas", 0)
            or status["availableReplicas"] > old.get("availableReplicas", 0)
        )
        if progressing:
            message = (
                f'ReplicaSet "{rs_name}" is progressing.'
                if rs_name
                else f'Deployment "{self.name}" is progressing.'
            )
            transition = self.now
            if current is not None and current.get("status") == "True":
                transition = current.get("lastTransitionTime", self.now)
            others = [c for c in conditions if c.get("type") != "Progressing"]
            return [
                *others,
                {
                    "type": "Progressing",
                    "status": "True",
                    "lastUpdateTime": self.now,
                    "lastTransitionTime": transition,
                    "reason": "ReplicaSetUpdated",
                    "message": message,
                },
            ]
        if current is None or current.get("reason") == "ProgressDeadlineExceeded":
            return conditions
        since = parse_rfc3339(current.get("lastUpdateTime") or current.get("lastTransitionTime"))
        if since is None:
            return conditions
        expires = since + float(deadline)
        if expires < self.ctx.now():
            message = (
                f'ReplicaSet "{rs_name}" has timed out progressing.'
                if rs_name
                else f'Deployment "{self.name}" has timed out progressing.'
            )
            return set_condition(
                conditions,
                type_="Progressing",
                status="False",
                now=self.now,
                reason="ProgressDeadlineExceeded",
                message=message,
                with_update_time=True,
            )
        self.ctx.wake_at(expires + 0.001)
        return conditions
