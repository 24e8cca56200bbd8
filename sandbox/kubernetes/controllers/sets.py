"""StatefulSet and DaemonSet controllers: ordinal pods, one pod per node, revision hashes."""

from __future__ import annotations

from typing import Any

from sandbox.kubernetes import kinds
from sandbox.kubernetes.controllers.base import (
    Context,
    compact,
    is_ready,
    is_terminating,
    scaled_value,
)
from sandbox.kubernetes.controllers.deployments import template_hash
from sandbox.kubernetes.controllers.replicasets import owned_pods, pod_from_template
from sandbox.kubernetes.store import Obj

REVISION_LABEL = "controller-revision-hash"


def _revision_label(pod: Obj) -> str | None:
    return (pod["metadata"].get("labels") or {}).get(REVISION_LABEL)


class StatefulSetController:
    def reconcile(self, ctx: Context) -> None:
        for sts in ctx.store.list(kinds.STATEFULSETS.key):
            if not is_terminating(sts):
                self._sync(ctx, sts)

    def _sync(self, ctx: Context, sts: Obj) -> None:
        spec = sts.get("spec") or {}
        name = sts["metadata"]["name"]
        namespace = sts["metadata"]["namespace"]
        replicas = int(spec.get("replicas", 1))
        template = spec.get("template") or {}
        update_revision = f"{name}-{template_hash(template)}"
        old_status = sts.get("status") or {}
        current_revision = old_status.get("currentRevision") or update_revision
        ordered = spec.get("podManagementPolicy", "OrderedReady") == "OrderedReady"
        pods = owned_pods(ctx, sts)
        by_ordinal: dict[int, Obj] = {}
        for pod in pods:
            suffix = pod["metadata"]["name"][len(name) + 1 :]
            if suffix.isdigit():
                by_ordinal[int(suffix)] = pod
        busy = any(is_terminating(p) for p in pods) if ordered else False
        for ordinal in range(replicas):
            if busy:
                break
            slot = by_ordinal.get(ordinal)
            if slot is None:
                self._create(ctx, sts, ordinal, update_revision)
                if ordered:
                    busy = True
            elif ordered and not is_ready(slot):
                busy = True
        doomed = sorted((o for o in by_ordinal if o >= replicas), reverse=True)
        for ordinal in doomed:
            pod = by_ordinal[ordinal]
            if is_terminating(pod):
                if ordered:
                    break
                continue
            if ordered and not all(is_ready(by_ordinal[o]) for o in by_ordinal if o < ordinal):
                break
            ctx.registry.delete(kinds.PODS, namespace, pod["metadata"]["name"])
            if ordered:
                break
        strategy = spec.get("updateStrategy") or {}
        live = [by_ordinal[o] for o in range(replicas) if o in by_ordinal]
        if (
            strategy.get("type", "RollingUpdate") == "RollingUpdate"
            and len(live) == replicas
            and all(is_ready(p) and not is_terminating(p) for p in live)
        ):
            partition = int((strategy.get("rollingUpdate") or {}).get("partition", 0))
            for ordinal in range(replicas - 1, partition - 1, -1):
                pod = by_ordinal[ordinal]
                if _revision_label(pod) != update_revision:
                    ctx.registry.delete(kinds.PODS, namespace, pod["metadata"]["name"])
                    break
        active = [p for p in pods if not is_terminating(p)]
        min_ready = int(spec.get("minReadySeconds") or 0)
        updated = sum(1 for p in active if _revision_label(p) == update_revision)
        ready = sum(1 for p in active if is_ready(p))
        if updated == replicas and ready == replicas:
            current_revision = update_revision
        status: dict[str, Any] = {
            "observedGeneration": sts["metadata"].get("generation", 1),
            "replicas": len(active),
            "readyReplicas": ready,
            "currentReplicas": sum(1 for p in active if _revision_label(p) == current_revision),
            "updatedReplicas": updated,
            "availableReplicas": sum(1 for p in active if ctx.is_available(p, min_ready)),
            "currentRevision": current_revision,
            "updateRevision": update_revision,
            "collisionCount": 0,
        }
        compact(status, "readyReplicas", "currentReplicas", "updatedReplicas")
        ctx.registry.write_status(kinds.STATEFULSETS, sts, status)

    def _create(self, ctx: Context, sts: Obj, ordinal: int, revision: str) -> None:
        name = f"{sts['metadata']['name']}-{ordinal}"
        pod = pod_from_template(sts, (sts.get("spec") or {}).get("template") or {}, name=name)
        labels = pod["metadata"]["labels"]
        labels[REVISION_LABEL] = revision
        labels["statefulset.kubernetes.io/pod-name"] = name
        labels["apps.kubernetes.io/pod-index"] = str(ordinal)
        pod["spec"]["hostname"] = name
        service = (sts.get("spec") or {}).get("serviceName")
        if service:
            pod["spec"]["subdomain"] = service
        created = ctx.registry.create_internal(kinds.PODS, pod)
        if created is not None:
            ctx.registry.event(
                sts,
                reason="SuccessfulCreate",
                message=f"create Pod {name} in StatefulSet {sts['metadata']['name']} successful",
                component="statefulset-controller",
            )


class DaemonSetController:
    def reconcile(self, ctx: Context) -> None:
        for ds in ctx.store.list(kinds.DAEMONSETS.key):
            if not is_terminating(ds):
                self._sync(ctx, ds)

    def _sync(self, ctx: Context, ds: Obj) -> None:
        spec = ds.get("spec") or {}
        namespace = ds["metadata"]["namespace"]
        template = spec.get("template") or {}
        revision = template_hash(template)
        nodes = sorted(
            n["metadata"]["name"]
            for n in ctx.store.list(kinds.NODES.key)
            if not (n.get("spec") or {}).get("unschedulable")
        )
        pods = owned_pods(ctx, ds)
        active = [p for p in pods if not is_terminating(p)]
        by_node: dict[str, Obj] = {}
        for pod in active:
            node = (pod.get("spec") or {}).get("nodeName", "")
            if node in by_node or node not in nodes:
                ctx.registry.delete(kinds.PODS, namespace, pod["metadata"]["name"])
            else:
                by_node[node] = pod
        terminating_nodes = {
            (p.get("spec") or {}).get("nodeName") for p in pods if is_terminating(p)
        }
        for node in nodes:
            if node not in by_node and node not in terminating_nodes:
                pod = pod_from_template(ds, template)
                pod["metadata"]["labels"][REVISION_LABEL] = revision
                pod["metadata"]["labels"]["pod-template-generation"] = str(
                    ds["metadata"].get("generation", 1)
                )
                pod["spec"]["nodeName"] = node
                created = ctx.registry.create_internal(kinds.PODS, pod)
                if created is not None:
                    by_node[node] = created
                    ctx.registry.event(
                        ds,
                        reason="SuccessfulCreate",
                        message=f"Created pod: {created['metadata']['name']}",
                        component="daemonset-controller",
                    )
        strategy = spec.get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") == "RollingUpdate":
            max_unavailable = (
                scaled_value(
                    (strategy.get("rollingUpdate") or {}).get("maxUnavailable", 1),
                    len(nodes),
                    round_up=True,
                )
                or 1
            )
            unavailable = sum(1 for n in nodes if n not in by_node or not is_ready(by_node[n]))
            unavailable += len(terminating_nodes & set(nodes))
            for node in nodes:
                if unavailable >= max_unavailable:
                    break
                current = by_node.get(node)
                if (
                    current is not None
                    and _revision_label(current) != revision
                    and is_ready(current)
                ):
                    ctx.registry.delete(kinds.PODS, namespace, current["metadata"]["name"])
                    unavailable += 1
        scheduled = [by_node[n] for n in nodes if n in by_node]
        min_ready = int(spec.get("minReadySeconds") or 0)
        available = sum(1 for p in scheduled if ctx.is_available(p, min_ready))
        status: dict[str, Any] = {
            "currentNumberScheduled": len(scheduled),
            "numberMisscheduled": 0,
            "desiredNumberScheduled": len(nodes),
            "numberReady": sum(1 for p in scheduled if is_ready(p)),
            "observedGeneration": ds["metadata"].get("generation", 1),
            "updatedNumberScheduled": sum(1 for p in scheduled if _revision_label(p) == revision),
            "numberAvailable": available,
            "numberUnavailable": len(nodes) - available,
        }
        compact(status, "updatedNumberScheduled", "numberAvailable", "numberUnavailable")
        ctx.registry.write_status(kinds.DAEMONSETS, ds, status)
