"""ReplicaSet controller: keeps `spec.replicas` pods alive and reports ready/available counts."""

from __future__ import annotations

from sandbox.kubernetes import kinds
from sandbox.kubernetes.controllers.base import (
    Context,
    compact,
    is_finished,
    is_ready,
    is_terminating,
)
from sandbox.kubernetes.patching import clone
from sandbox.kubernetes.registry import controller_of, owner_reference
from sandbox.kubernetes.selectors import label_selector_matcher
from sandbox.kubernetes.store import Obj


def pod_from_template(owner: Obj, template: Obj, *, name: str | None = None) -> Obj:
    meta = template.get("metadata") or {}
    pod_meta: Obj = {
        "namespace": owner["metadata"].get("namespace"),
        "labels": dict(meta.get("labels") or {}),
        "ownerReferences": [owner_reference(owner)],
    }
    if meta.get("annotations"):
        pod_meta["annotations"] = dict(meta["annotations"])
    if name is None:
        pod_meta["generateName"] = owner["metadata"]["name"] + "-"
    else:
        pod_meta["name"] = name
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": pod_meta,
        "spec": clone(template.get("spec") or {}),
    }


def owned_pods(ctx: Context, owner: Obj) -> list[Obj]:
    uid = owner["metadata"]["uid"]
    return [
        pod
        for rkey, pod in ctx.store.dependents(uid)
        if rkey == kinds.PODS.key and controller_of(pod) == uid
    ]


def _deletion_rank(ctx: Context, pod: Obj) -> tuple[int, int, float, str]:
    """Pods deleted first: unscheduled, pending, not ready, then the most recently ready."""
    status = pod.get("status") or {}
    scheduled = 1 if (pod.get("spec") or {}).get("nodeName") else 0
    running = 1 if status.get("phase") == "Running" else 0
    ready = 1 if is_ready(pod) else 0
    since = ctx.ready_since(pod) or 0.0
    return (scheduled, running + ready, -since, pod["metadata"]["creationTimestamp"])


class ReplicaSetController:
    def reconcile(self, ctx: Context) -> None:
        for rs in ctx.store.list(kinds.REPLICASETS.key):
            if is_terminating(rs):
                continue
            self._sync(ctx, rs)

    def _sync(self, ctx: Context, rs: Obj) -> None:
        spec = rs.get("spec") or {}
        pods = [p for p in owned_pods(ctx, rs) if not is_terminating(p) and not is_finished(p)]
        desired = int(spec.get("replicas", 1))
        diff = len(pods) - desired
        if diff < 0:
            for _ in range(-diff):
                created = ctx.registry.create_internal(
                    kinds.PODS, pod_from_template(rs, spec.get("template") or {})
                )
                if created is not None:
                    pods.append(created)
                    ctx.registry.event(
                        rs,
                        reason="SuccessfulCreate",
                        message=f"Created pod: {created['metadata']['name']}",
                        component="replicaset-controller",
                    )
        elif diff > 0:
            victims = sorted(pods, key=lambda p: _deletion_rank(ctx, p))[:diff]
            for pod in victims:
                meta = pod["metadata"]
                ctx.registry.delete(kinds.PODS, meta["namespace"], meta["name"])
                ctx.registry.event(
                    rs,
                    reason="SuccessfulDelete",
                    message=f"Deleted pod: {meta['name']}",
                    component="replicaset-controller",
                )
                pods.remove(pod)
        template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        fully = label_selector_matcher({"matchLabels": template_labels})
        min_ready = int(spec.get("minReadySeconds") or 0)
        status = {
            "replicas": len(pods),
            "fullyLabeledReplicas": sum(
                1 for p in pods if fully(p["metadata"].get("labels") or {})
            ),
            "readyReplicas": sum(1 for p in pods if is_ready(p)),
            "availableReplicas": sum(1 for p in pods if ctx.is_available(p, min_ready)),
            "observedGeneration": rs["metadata"].get("generation", 1),
        }
        compact(status, "fullyLabeledReplicas", "readyReplicas", "availableReplicas")
        fresh = ctx.store.get(
            kinds.REPLICASETS.key, rs["metadata"]["namespace"], rs["metadata"]["name"]
        )
        if fresh is not None:
            ctx.registry.write_status(kinds.REPLICASETS, fresh, status)
