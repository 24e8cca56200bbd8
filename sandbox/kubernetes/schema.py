"""Object schemas (fields, merge keys, patch strategies) derived from the official client's models.

The official `kubernetes` Python client carries a typed model of every API object
(`openapi_types` + `attribute_map`). Those models are the shape of the Kubernetes API,
so the sandbox derives its structural schema from them once per process instead of
shipping a copy of the OpenAPI document. What the models lack is the strategic-merge
metadata (`x-kubernetes-patch-merge-key` and friends); that comes from the table below,
transcribed from the field tags of the Kubernetes API types.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from typing import Any

from sandbox.kubernetes import kinds

# (model, json field) -> (patch strategy, merge key). A merge key of "" on a "merge"
# list means a list of primitives merged as a set (finalizers).
PATCH_META: dict[tuple[str, str], tuple[str, str]] = {
    ("V1ObjectMeta", "finalizers"): ("merge", ""),
    ("V1ObjectMeta", "ownerReferences"): ("merge", "uid"),
    ("V1PodSpec", "containers"): ("merge", "name"),
    ("V1PodSpec", "initContainers"): ("merge", "name"),
    ("V1PodSpec", "ephemeralContainers"): ("merge", "name"),
    ("V1PodSpec", "volumes"): ("merge,retainKeys", "name"),
    ("V1PodSpec", "imagePullSecrets"): ("merge", "name"),
    ("V1PodSpec", "hostAliases"): ("merge", "ip"),
    ("V1PodSpec", "topologySpreadConstraints"): ("merge", "topologyKey"),
    ("V1PodSpec", "resourceClaims"): ("merge,retainKeys", "name"),
    ("V1PodSpec", "schedulingGates"): ("merge", "name"),
    ("V1Container", "ports"): ("merge", "containerPort"),
    ("V1Container", "env"): ("merge", "name"),
    ("V1Container", "volumeMounts"): ("merge", "mountPath"),
    ("V1Container", "volumeDevices"): ("merge", "devicePath"),
    ("V1EphemeralContainer", "env"): ("merge", "name"),
    ("V1EphemeralContainer", "volumeMounts"): ("merge", "mountPath"),
    ("V1EphemeralContainer", "volumeDevices"): ("merge", "devicePath"),
    ("V1DeploymentSpec", "strategy"): ("retainKeys", ""),
    ("V1ServiceSpec", "ports"): ("merge", "port"),
    ("V1DeploymentStatus", "conditions"): ("merge", "type"),
    ("V1ReplicaSetStatus", "conditions"): ("merge", "type"),
    ("V1StatefulSetStatus", "conditions"): ("merge", "type"),
    ("V1DaemonSetStatus", "conditions"): ("merge", "type"),
    ("V1JobStatus", "conditions"): ("merge", "type"),
    ("V1PodStatus", "conditions"): ("merge", "type"),
    ("V1PodStatus", "podIPs"): ("merge", "ip"),
    ("V1PodStatus", "hostIPs"): ("merge", "ip"),
    ("V1NamespaceStatus", "conditions"): ("merge", "type"),
    ("V1NodeStatus", "conditions"): ("merge", "type"),
    ("V1NodeStatus", "addresses"): ("merge", "type"),
    ("V1ServiceStatus", "conditions"): ("merge", "type"),
    ("V1NodeSpec", "podCIDRs"): ("merge", ""),
}

# Extra keys of associative lists for server-side apply (x-kubernetes-list-map-keys).
LIST_MAP_KEYS: dict[tuple[str, str], tuple[str, ...]] = {
    ("V1Container", "ports"): ("containerPort", "protocol"),
    ("V1ServiceSpec", "ports"): ("port", "protocol"),
    ("V1PodSpec", "topologySpreadConstraints"): ("topologyKey", "whenUnsatisfiable"),
}

# Defaults the API server applies to list-map key fields, needed to key list items that
# omit them (a container port without `protocol` is the TCP port).
KEY_DEFAULTS: dict[str, Any] = {"protocol": "TCP"}

INT_OR_STRING_FIELDS = {"targetPort", "maxSurge", "maxUnavailable", "port", "minAvailable"}

_PRIMITIVES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "datetime": "date-time",
    "date": "date",
    "bytes": "byte",
    "object": "any",
}


@dataclass(frozen=True)
class FieldInfo:
    """One property of a model: its element type and how lists/maps of it merge."""

    name: str
    elem: str  # a model name, or one of the primitive names ("string", "any", ...)
    container: str  # "" | "list" | "map"
    strategy: str = ""  # "" | "merge" | "retainKeys" | "merge,retainKeys"
    merge_key: str = ""
    list_keys: tuple[str, ...] = ()

    @property
    def is_model(self) -> bool:
        return self.elem[:1].isupper()

    @property
    def list_type(self) -> str:
        """SSA list type: 'map' (associative), 'set' (primitive set) or 'atomic'."""
        if self.container != "list":
            return ""
        if "merge" in self.strategy.split(","):
            return "map" if self.merge_key else "set"
        return "atomic"


class Schema:
    """All models reachable from the served kinds, keyed by the client's model name."""

    def __init__(self, models: dict[str, dict[str, FieldInfo]]) -> None:
        self.models = models

    def field(self, model: str | None, name: str) -> FieldInfo | None:
        if model is None:
            return None
        fields = self.models.get(model)
        if fields is None:
            return None
        return fields.get(name)

    def child_model(self, model: str | None, name: str) -> str | None:
        info = self.field(model, name)
        if info is None or not info.is_model:
            return None
        return info.elem


_TYPE_RE = re.compile(r"^(List|Dict)\[(?:str,\s*)?(.+)\]$")


def _parse_type(text: str) -> tuple[str, str]:
    match = _TYPE_RE.match(text)
    if match is None:
        return "", _PRIMITIVES.get(text, text)
    container = "list" if match.group(1) == "List" else "map"
    inner = match.group(2)
    if inner.startswith(("List[", "Dict[")):
        return container, "any"
    return container, _PRIMITIVES.get(inner, inner)


ROOT_MODELS = (
    *(r.model for r in kinds.RESOURCES),
    "V1Scale",
    "V1Status",
    "V1DeleteOptions",
)

_lock = threading.Lock()


@functools.cache
def get_schema() -> Schema:
    """Build the schema once per process (importing the client's models takes ~1 s)."""
    with _lock:
        from kubernetes.client import models as client_models

        models: dict[str, dict[str, FieldInfo]] = {}
        pending = list(ROOT_MODELS)
        while pending:
            name = pending.pop()
            if name in models:
                continue
            cls = getattr(client_models, name, None)
            if cls is None:
                continue
            fields: dict[str, FieldInfo] = {}
            for attr, type_text in cls.openapi_types.items():
                json_name = cls.attribute_map[attr]
                container, elem = _parse_type(type_text)
                if elem == "any" and json_name in INT_OR_STRING_FIELDS:
                    elem = "int-or-string"
                strategy, merge_key = PATCH_META.get((name, json_name), ("", ""))
                list_keys = LIST_MAP_KEYS.get((name, json_name), (merge_key,) if merge_key else ())
                fields[json_name] = FieldInfo(
                    json_name, elem, container, strategy, merge_key, list_keys
                )
                if elem[:1].isupper():
                    pending.append(elem)
            models[name] = fields
        return Schema(models)
