"""Endpoints of Services (ready pods by selector) and load-balancer status of Services/Ingresses."""

from __future__ import annotations

from typing import Any

from sandbox.kubernetes import kinds
from sandbox.kubernetes.clock import parse_rfc3339
from sandbox.kubernetes.controllers.base import Context, is_ready, is_terminating
from sandbox.kubernetes.patching import clone
from sandbox.kubernetes.selectors import label_selector_matcher
from sandbox.kubernetes.store import Obj


def _target_port(service_port: Obj, pod: Obj | None) -> int | None:
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    if pod is None:
        return None
    for container in (pod.get("spec") or {}).get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == target:
                return port.get("containerPort")
    return None


class EndpointsController:
    def reconcile(self, ctx: Context) -> None:
        services = {}
        for svc in ctx.store.list(kinds.SERVICES.key):
            meta = svc["metadata"]
            services[(meta["namespace"], meta["name"])] = svc
            selector = (svc.get("spec") or {}).get("selector")
            if selector and not is_terminating(svc):
                self._sync(ctx, svc, selector)
        for ep in ctx.store.list(kinds.ENDPOINTS.key):
            meta = ep["metadata"]
            if (meta["namespace"], meta["name"]) not in services and (meta.get("labels") or {}).get(
                "endpoints.kubernetes.io/managed-by"
            ) == "endpoint-controller":
                ctx.registry.delete(kinds.ENDPOINTS, meta["namespace"], meta["name"])

    def _sync(self, ctx: Context, svc: Obj, selector: dict[str, str]) -> None:
        meta = svc["metadata"]
        matches = label_selector_matcher({"matchLabels": selector})
        pods = sorted(
            (
                p
                for p in ctx.store.list(kinds.PODS.key, meta["namespace"])
                if matches(p["metadata"].get("labels") or {})
                and not is_terminating(p)
                and (p.get("status") or {}).get("podIP")
                and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
            ),
            key=lambda p: p["metadata"]["name"],
        )
        ready: list[Obj] = []
        not_ready: list[Obj] = []
        for pod in pods:
            address = {
                "ip": pod["status"]["podIP"],
                "nodeName": pod["spec"].get("nodeName"),
                "targetRef": {
                    "kind": "Pod",
                    "namespace": meta["namespace"],
                    "name": pod["metadata"]["name"],
                    "uid": pod["metadata"]["uid"],
                },
            }
            (ready if is_ready(pod) else not_ready).append(address)
        subsets: list[dict[str, Any]] = []
        if ready or not_ready:
            sample = pods[0] if pods else None
            ports = []
            for port in (svc.get("spec") or {}).get("ports") or []:
                number = _target_port(port, sample)
                if number is None:
                    continue
                entry = {"port": number, "protocol": port.get("protocol", "TCP")}
                if port.get("name"):
                    entry["name"] = port["name"]
                ports.append(entry)
            subset: dict[str, Any] = {}
            if ready:
                subset["addresses"] = ready
            if not_ready:
                subset["notReadyAddresses"] = not_ready
            subset["ports"] = ports
            subsets.append(subset)
        labels = dict(meta.get("labels") or {})
        labels["endpoints.kubernetes.io/managed-by"] = "endpoint-controller"
        existing = ctx.store.get(kinds.ENDPOINTS.key, meta["namespace"], meta["name"])
        if existing is None:
            body: Obj = {
                "apiVersion": "v1",
                "kind": "Endpoints",
                "metadata": {
                    "name": meta["name"],
                    "namespace": meta["namespace"],
                    "labels": labels,
                },
            }
            if subsets:
                body["subsets"] = subsets
            ctx.registry.create_internal(kinds.ENDPOINTS, body)
            return
        updated = clone(existing)
        updated["metadata"]["labels"] = labels
        if subsets:
            updated["subsets"] = subsets
        else:
            updated.pop("subsets", None)
        ctx.registry.write(kinds.ENDPOINTS, updated, existing)


class LoadBalancerController:
    """Hands out ingress IPs (from 203.0.113.0/24, a documentation range) after a delay."""

    def __init__(self) -> None:
        self._ips: dict[str, str] = {}

    def _ip(self, uid: str) -> str:
        if uid not in self._ips:
            self._ips[uid] = f"203.0.113.{len(self._ips) % 250 + 1}"
        return self._ips[uid]

    def reconcile(self, ctx: Context) -> None:
        for svc in ctx.store.list(kinds.SERVICES.key):
            if (svc.get("spec") or {}).get("type") == "LoadBalancer":
                self._bind(
                    ctx,
                    kinds.SERVICES,
                    svc,
                    {"ip": self._ip(svc["metadata"]["uid"]), "ipMode": "VIP"},
                )
            elif ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress"):
                ctx.registry.write_status(kinds.SERVICES, svc, {"loadBalancer": {}})
        for ing in ctx.store.list(kinds.INGRESSES.key):
            self._bind(ctx, kinds.INGRESSES, ing, {"ip": self._ip(ing["metadata"]["uid"])})

    def _bind(self, ctx: Context, rtype: Any, obj: Obj, ingress: dict[str, str]) -> None:
        if is_terminating(obj):
            return
        created = parse_rfc3339(obj["metadata"].get("creationTimestamp")) or ctx.now()
        ready_at = created + ctx.config.load_balancer_seconds
        if ctx.config.load_balancer_seconds and ctx.now() < ready_at:
            ctx.wake_at(ready_at)
            return
        status = clone(obj.get("status") or {})
        status["loadBalancer"] = {"ingress": [ingress]}
        ctx.registry.write_status(rtype, obj, status)
