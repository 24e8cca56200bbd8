"""Is a live object stable, failed, or still settling? Per kind, as Spinnaker's handlers decide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.kubernetes.stages.cluster import Cluster
from apps.kubernetes.stages.kinds import POD, REPLICA_SET, Kind
from apps.kubernetes.stages.manifests import JsonDict

MAX_EVENTS = 20


@dataclass(frozen=True)
class Health:
    stable: bool
    failed: bool = False
    message: str = ""


STABLE = Health(True)


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _generation_matches(live: JsonDict) -> bool:
    status = live.get("status") or {}
    observed = status.get("observedGeneration")
    return observed is not None and _int(observed) >= _int(live["metadata"].get("generation"))


def _conditions(live: JsonDict) -> list[JsonDict]:
    return [c for c in (live.get("status") or {}).get("conditions") or [] if isinstance(c, dict)]


def _deployment(live: JsonDict) -> Health:
    status = live.get("status")
    if not status:
        return Health(False, message="Waiting for the deployment to report a status")
    if not _generation_matches(live):
        return Health(
            False, message="Waiting for status generation to match updated object generation"
        )
    for condition in _conditions(live):
        if (
            condition.get("type") == "Progressing"
            and condition.get("reason") == "ProgressDeadlineExceeded"
        ):
            detail = condition.get("message") or ""
            return Health(
                False, True, f"Deployment exceeded its progress deadline. {detail}".strip()
            )
    desired = _int((live.get("spec") or {}).get("replicas", 1))
    updated = _int(status.get("updatedReplicas"))
    if updated < desired:
        return Health(
            False, message=f"Waiting for all replicas to be updated ({updated}/{desired})"
        )
    if _int(status.get("replicas")) > updated:
        return Health(False, message="Waiting for old replicas to finish termination")
    available = _int(status.get("availableReplicas"))
    if available < desired:
        return Health(
            False, message=f"Waiting for all replicas to be available ({available}/{desired})"
        )
    ready = _int(status.get("readyReplicas"))
    if ready < desired:
        return Health(False, message=f"Waiting for all replicas to be ready ({ready}/{desired})")
    return STABLE


def _replica_set(live: JsonDict) -> Health:
    status = live.get("status") or {}
    desired = _int((live.get("spec") or {}).get("replicas", 1))
    if not _generation_matches(live):
        return Health(
            False, message="Waiting for status generation to match updated object generation"
        )
    for label, key in (
        ("fully-labeled", "fullyLabeledReplicas"),
        ("available", "availableReplicas"),
        ("ready", "readyReplicas"),
    ):
        count = _int(status.get(key))
        if count < desired:
            return Health(
                False, message=f"Waiting for all replicas to be {label} ({count}/{desired})"
            )
    return STABLE


def _stateful_set(live: JsonDict) -> Health:
    status = live.get("status") or {}
    spec = live.get("spec") or {}
    desired = _int(spec.get("replicas", 1))
    if not _generation_matches(live):
        return Health(
            False, message="Waiting for status generation to match updated object generation"
        )
    strategy = (spec.get("updateStrategy") or {}).get("type", "RollingUpdate")
    if strategy == "RollingUpdate" and status.get("currentRevision") != status.get(
        "updateRevision"
    ):
        return Health(False, message="Waiting for the rolling update to finish")
    if _int(status.get("readyReplicas")) < desired:
        return Health(False, message="Waiting for all replicas to be ready")
    return STABLE


def _daemon_set(live: JsonDict) -> Health:
    status = live.get("status") or {}
    if not _generation_matches(live):
        return Health(
            False, message="Waiting for status generation to match updated object generation"
        )
    desired = _int(status.get("desiredNumberScheduled"))
    for label, key in (
        ("scheduled", "currentNumberScheduled"),
        ("updated", "updatedNumberScheduled"),
        ("available", "numberAvailable"),
        ("ready", "numberReady"),
    ):
        if _int(status.get(key)) < desired:
            return Health(False, message=f"Waiting for all replicas to be {label}")
    return STABLE


def _job(live: JsonDict) -> Health:
    for condition in _conditions(live):
        if condition.get("status") != "True":
            continue
        if condition.get("type") == "Complete":
            return STABLE
        if condition.get("type") == "Failed":
            reason = condition.get("reason") or "Failed"
            return Health(
                False, True, f"Job failed: {reason}: {condition.get('message') or ''}".strip()
            )
    return Health(False, message="Waiting for the job to complete")


def _pod(live: JsonDict) -> Health:
    status = live.get("status") or {}
    phase = status.get("phase")
    if phase == "Succeeded":
        return STABLE
    if phase == "Failed":
        return Health(False, True, f"Pod failed: {status.get('reason') or ''}".strip())
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in _conditions(live))
    return STABLE if ready else Health(False, message="Waiting for the pod to be ready")


def _load_balanced(live: JsonDict) -> Health:
    ingress = ((live.get("status") or {}).get("loadBalancer") or {}).get("ingress")
    return STABLE if ingress else Health(False, message="Waiting for the load balancer to be bound")


def _service(live: JsonDict) -> Health:
    if (live.get("spec") or {}).get("type") != "LoadBalancer":
        return STABLE
    return _load_balanced(live)


_RULES = {
    "Deployment": _deployment,
    "ReplicaSet": _replica_set,
    "StatefulSet": _stateful_set,
    "DaemonSet": _daemon_set,
    "Job": _job,
    "Pod": _pod,
    "Service": _service,
    "Ingress": _load_balanced,
}


def health(live: JsonDict) -> Health:
    rule = _RULES.get(str(live.get("kind") or ""))
    return rule(live) if rule else STABLE


# -- why is it not stable: pods and events --------------------------------------------------------


def _selector(live: JsonDict) -> str | None:
    selector = (live.get("spec") or {}).get("selector")
    if isinstance(selector, dict) and isinstance(selector.get("matchLabels"), dict):
        labels = selector["matchLabels"]
    elif isinstance(selector, dict) and selector and live.get("kind") == "Service":
        labels = selector
    else:
        return None
    return ",".join(f"{key}={value}" for key, value in sorted(labels.items())) or None


def pods_of(cluster: Cluster, kind: Kind, live: JsonDict) -> list[JsonDict]:
    """The pods a workload owns (directly, or through its ReplicaSets)."""
    selector = _selector(live)
    namespace = live["metadata"].get("namespace", "")
    if selector is None:
        return []
    pods = cluster.list(POD, namespace, labels=selector)
    owners = {live["metadata"].get("uid")}
    if kind.kind == "Deployment":
        owners |= {
            rs["metadata"].get("uid")
            for rs in cluster.list(REPLICA_SET, namespace, labels=selector)
            if any(ref.get("uid") in owners for ref in rs["metadata"].get("ownerReferences") or [])
        }
    return [
        pod
        for pod in pods
        if any(ref.get("uid") in owners for ref in pod["metadata"].get("ownerReferences") or [])
    ]


def pod_problems(pods: list[JsonDict]) -> list[str]:
    """`pod web-1: ImagePullBackOff: ...` for containers that are waiting or crashing."""
    problems: list[str] = []
    for pod in pods:
        name = pod["metadata"]["name"]
        status = pod.get("status") or {}
        for container in (status.get("initContainerStatuses") or []) + (
            status.get("containerStatuses") or []
        ):
            waiting = (container.get("state") or {}).get("waiting") or {}
            reason = waiting.get("reason")
            if reason and reason not in ("ContainerCreating", "PodInitializing"):
                detail = waiting.get("message") or ""
                problems.append(f"pod {name}: {reason}{': ' + detail if detail else ''}")
    return problems


def events_of(cluster: Cluster, kind: Kind, live: JsonDict, pods: list[JsonDict]) -> list[JsonDict]:
    """The newest events of the workload, its ReplicaSets and its pods (Spinnaker's `events`)."""
    namespace = live["metadata"].get("namespace", "")
    names = {live["metadata"]["name"]} | {pod["metadata"]["name"] for pod in pods}
    names |= {
        ref.get("name")
        for pod in pods
        for ref in pod["metadata"].get("ownerReferences") or []
        if ref.get("name")
    }
    events = cluster.events_for(namespace, names)[-MAX_EVENTS:]
    return [
        {
            "type": event.get("type"),
            "reason": event.get("reason"),
            "message": event.get("message"),
            "count": event.get("count"),
            "lastTimestamp": event.get("lastTimestamp") or event.get("eventTime"),
            "involvedObject": {
                "kind": (event.get("involvedObject") or {}).get("kind"),
                "name": (event.get("involvedObject") or {}).get("name"),
            },
        }
        for event in events
    ]
