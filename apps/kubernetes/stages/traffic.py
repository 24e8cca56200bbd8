"""Traffic by labels: a workload joins a Service by carrying its selector labels."""

from __future__ import annotations

from typing import Any

from apps.kubernetes.stages.cluster import Cluster
from apps.kubernetes.stages.environment import StageConfigError
from apps.kubernetes.stages.kinds import SERVICE, Kind, kind_of
from apps.kubernetes.stages.manifests import (
    JsonDict,
    labels,
    load_balancers_of,
    name_of,
    parse_full_name,
    pod_template,
    template_labels,
)
from apps.kubernetes.stages.stability import pods_of


def selector_of(service: JsonDict) -> dict[str, str]:
    selector = (service.get("spec") or {}).get("selector")
    return {str(k): str(v) for k, v in selector.items()} if isinstance(selector, dict) else {}


def load_balancer_kind(name: str) -> tuple[Kind, str]:
    try:
        kind, plain = parse_full_name(name)
    except ValueError as error:
        raise StageConfigError(
            f"load balancer {name!r} must be written '<kind> <name>', e.g. 'service my-service'"
        ) from error
    if kind is not SERVICE:
        raise StageConfigError(f"only Services can route traffic by labels, not {kind.kind}")
    return kind, plain


def find_service(
    cluster: Cluster, namespace: str, name: str, from_request: list[JsonDict]
) -> JsonDict:
    """A Service from the same deploy request, else from the cluster."""
    _, plain = load_balancer_kind(name)
    for manifest in from_request:
        if kind_of(manifest) is SERVICE and name_of(manifest) == plain:
            return manifest
    live = cluster.get(SERVICE, namespace, plain)
    if live is None:
        raise StageConfigError(f"load balancer service {plain} does not exist in {namespace}")
    return live


def attach(service: JsonDict, target: JsonDict) -> None:
    """Put the Service's selector labels on the workload's pod template (or a Pod's labels)."""
    selector = selector_of(service)
    if not selector:
        raise StageConfigError(
            "Service must have a non-empty selector in order to be attached to a workload"
        )
    found = template_labels(target) if pod_template(target) is not None else labels(target)
    assert found is not None
    if set(found) & set(selector):
        raise StageConfigError(
            f"Service {name_of(service)} selector must have no label keys in common with "
            f"target workload {name_of(target)} (Spinnaker adds and removes them for traffic)"
        )
    found.update(selector)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _label_patch(service: JsonDict, target: JsonDict, *, enable: bool) -> list[dict[str, Any]]:
    templated = pod_template(target) is not None
    prefix = "/spec/template/metadata/labels" if templated else "/metadata/labels"
    current = (template_labels(target) if templated else labels(target)) or {}
    operations: list[dict[str, Any]] = []
    if not current and enable:
        operations.append({"op": "add", "path": prefix, "value": {}})
    for key, value in selector_of(service).items():
        path = f"{prefix}/{_escape(key)}"
        if enable:
            operations.append(
                {"op": "replace" if key in current else "add", "path": path, "value": value}
            )
        elif key in current:
            operations.append({"op": "remove", "path": path})
    return operations


def set_traffic(
    cluster: Cluster,
    target_kind: Kind,
    target: JsonDict,
    load_balancers: list[str],
    *,
    enable: bool,
) -> list[str]:
    """Enable or disable a workload (and its current pods) behind each Service; what happened."""
    namespace = target["metadata"]["namespace"]
    names = load_balancers or load_balancers_of(target)
    if not names:
        raise StageConfigError(
            f"{target_kind.spinnaker} {name_of(target)} names no load balancers: set "
            "`loadBalancers` or deploy it with trafficManagement services"
        )
    done: list[str] = []
    pods = pods_of(cluster, target_kind, target)
    for name in names:
        service = find_service(cluster, namespace, name, [])
        patch = _label_patch(service, target, enable=enable)
        if patch:
            cluster.patch(target_kind, namespace, name_of(target), patch, patch_type="json")
        for pod in pods:
            pod_patch = _label_patch(service, pod, enable=enable)
            if pod_patch:
                cluster.patch(kind_of(pod), namespace, name_of(pod), pod_patch, patch_type="json")
        done.append(f"{'enabled' if enable else 'disabled'} behind {name}")
    return done


def is_enabled(service_selector: dict[str, str], target: JsonDict) -> bool:
    found = template_labels(target) if pod_template(target) is not None else labels(target)
    return bool(service_selector) and all(
        (found or {}).get(key) == value for key, value in service_selector.items()
    )
