"""Deployment revisions and `kubectl rollout undo` over the ReplicaSets a Deployment owns."""

from __future__ import annotations

import copy

from apps.kubernetes.stages.cluster import Cluster
from apps.kubernetes.stages.environment import StageConfigError
from apps.kubernetes.stages.kinds import DEPLOYMENT, REPLICA_SET
from apps.kubernetes.stages.manifests import DEPLOYMENT_REVISION, JsonDict

# Annotations a ReplicaSet carries that must not travel back to its Deployment on undo.
_RS_ONLY_ANNOTATIONS = (
    DEPLOYMENT_REVISION,
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "kubectl.kubernetes.io/last-applied-configuration",
)


def _revision(item: JsonDict) -> int:
    raw = (item["metadata"].get("annotations") or {}).get(DEPLOYMENT_REVISION)
    try:
        return int(raw) if raw is not None else 0
    except ValueError:
        return 0


def history(cluster: Cluster, namespace: str, name: str) -> tuple[JsonDict, list[JsonDict]]:
    """The Deployment and the ReplicaSets it owns, newest revision first."""
    deployment = cluster.get(DEPLOYMENT, namespace, name)
    if deployment is None:
        raise StageConfigError(f"deployment {name} does not exist in {namespace}")
    uid = deployment["metadata"].get("uid")
    owned = [
        rs
        for rs in cluster.list(REPLICA_SET, namespace)
        if any(ref.get("uid") == uid for ref in rs["metadata"].get("ownerReferences") or [])
    ]
    owned.sort(key=_revision, reverse=True)
    return deployment, owned


def undo(
    cluster: Cluster,
    namespace: str,
    name: str,
    *,
    revisions_back: int = 1,
    to_revision: int | None = None,
) -> int:
    """Roll the Deployment's template back; returns the revision it now runs again."""
    deployment, owned = history(cluster, namespace, name)
    if to_revision is None:
        current = _revision(deployment)
        older = [rs for rs in owned if _revision(rs) != current]
        if len(older) < revisions_back:
            raise StageConfigError(
                f"deployment {name} has {len(older)} earlier revision(s); "
                f"cannot go back {revisions_back}"
            )
        target = older[revisions_back - 1]
    else:
        matching = [rs for rs in owned if _revision(rs) == to_revision]
        if not matching:
            raise StageConfigError(f"deployment {name} has no revision {to_revision} any more")
        target = matching[0]
    _restore_template(cluster, namespace, name, target)
    return _revision(target)


def undo_to_revision(cluster: Cluster, namespace: str, name: str, revision: int) -> None:
    undo(cluster, namespace, name, to_revision=revision)


def _restore_template(cluster: Cluster, namespace: str, name: str, replica_set: JsonDict) -> None:
    template = copy.deepcopy(replica_set["spec"]["template"])
    template.get("metadata", {}).get("labels", {}).pop("pod-template-hash", None)
    template["$patch"] = "replace"
    patch: JsonDict = {"spec": {"template": template}}
    notes = {
        key: value
        for key, value in (replica_set["metadata"].get("annotations") or {}).items()
        if key not in _RS_ONLY_ANNOTATIONS
    }
    if notes:
        patch["metadata"] = {"annotations": notes}
    cluster.patch(DEPLOYMENT, namespace, name, patch, patch_type="strategic")
