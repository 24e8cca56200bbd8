"""The resource types the sandbox serves: group, version, kind, plural, scope and verbs."""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
READ_VERBS = ("get", "list", "watch")


@dataclass(frozen=True)
class ResourceType:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    model: str  # the official Python client's model class name, used to derive the schema
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS
    has_generation: bool = True
    status_fields: tuple[str, ...] = ("status",)
    extras: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.group}/{self.plural}"

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"

    def with_prefix(self) -> str:
        """URL prefix of the group version (`/api/v1` or `/apis/apps/v1`)."""
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"


_WORKLOAD = ("all",)

RESOURCES: tuple[ResourceType, ...] = (
    ResourceType(
        "",
        "v1",
        "Namespace",
        "namespaces",
        False,
        "V1Namespace",
        ("ns",),
        subresources=("status", "finalize"),
        has_generation=False,
    ),
    ResourceType(
        "",
        "v1",
        "Node",
        "nodes",
        False,
        "V1Node",
        ("no",),
        subresources=("status",),
        has_generation=False,
    ),
    ResourceType(
        "",
        "v1",
        "Pod",
        "pods",
        True,
        "V1Pod",
        ("po",),
        _WORKLOAD,
        subresources=("status", "log"),
        has_generation=False,
    ),
    ResourceType(
        "",
        "v1",
        "Service",
        "services",
        True,
        "V1Service",
        ("svc",),
        _WORKLOAD,
        subresources=("status",),
        has_generation=False,
    ),
    ResourceType(
        "", "v1", "Endpoints", "endpoints", True, "V1Endpoints", ("ep",), has_generation=False
    ),
    ResourceType(
        "", "v1", "ConfigMap", "configmaps", True, "V1ConfigMap", ("cm",), has_generation=False
    ),
    ResourceType("", "v1", "Secret", "secrets", True, "V1Secret", (), has_generation=False),
    ResourceType(
        "",
        "v1",
        "ServiceAccount",
        "serviceaccounts",
        True,
        "V1ServiceAccount",
        ("sa",),
        has_generation=False,
    ),
    ResourceType(
        "",
        "v1",
        "Event",
        "events",
        True,
        "CoreV1Event",
        ("ev",),
        verbs=(*READ_VERBS, "delete", "deletecollection"),
        has_generation=False,
    ),
    ResourceType(
        "apps",
        "v1",
        "Deployment",
        "deployments",
        True,
        "V1Deployment",
        ("deploy",),
        _WORKLOAD,
        subresources=("status", "scale"),
    ),
    ResourceType(
        "apps",
        "v1",
        "ReplicaSet",
        "replicasets",
        True,
        "V1ReplicaSet",
        ("rs",),
        _WORKLOAD,
        subresources=("status", "scale"),
    ),
    ResourceType(
        "apps",
        "v1",
        "StatefulSet",
        "statefulsets",
        True,
        "V1StatefulSet",
        ("sts",),
        _WORKLOAD,
        subresources=("status", "scale"),
    ),
    ResourceType(
        "apps",
        "v1",
        "DaemonSet",
        "daemonsets",
        True,
        "V1DaemonSet",
        ("ds",),
        _WORKLOAD,
        subresources=("status",),
    ),
    ResourceType(
        "batch", "v1", "Job", "jobs", True, "V1Job", (), _WORKLOAD, subresources=("status",)
    ),
    ResourceType(
        "networking.k8s.io",
        "v1",
        "Ingress",
        "ingresses",
        True,
        "V1Ingress",
        ("ing",),
        subresources=("status",),
    ),
)

BY_KEY: dict[str, ResourceType] = {r.key: r for r in RESOURCES}
BY_KIND: dict[tuple[str, str], ResourceType] = {(r.api_version, r.kind): r for r in RESOURCES}


def lookup(group: str, version: str, plural: str) -> ResourceType | None:
    rtype = BY_KEY.get(f"{group}/{plural}")
    if rtype is None or rtype.version != version:
        return None
    return rtype


def groups() -> dict[str, list[ResourceType]]:
    """Resources grouped by group-version, in a stable order."""
    out: dict[str, list[ResourceType]] = {}
    for r in RESOURCES:
        out.setdefault(r.api_version, []).append(r)
    return out


NAMESPACES = BY_KEY["/namespaces"]
NODES = BY_KEY["/nodes"]
PODS = BY_KEY["/pods"]
SERVICES = BY_KEY["/services"]
ENDPOINTS = BY_KEY["/endpoints"]
CONFIGMAPS = BY_KEY["/configmaps"]
SECRETS = BY_KEY["/secrets"]
SERVICEACCOUNTS = BY_KEY["/serviceaccounts"]
EVENTS = BY_KEY["/events"]
DEPLOYMENTS = BY_KEY["apps/deployments"]
REPLICASETS = BY_KEY["apps/replicasets"]
STATEFULSETS = BY_KEY["apps/statefulsets"]
DAEMONSETS = BY_KEY["apps/daemonsets"]
JOBS = BY_KEY["batch/jobs"]
INGRESSES = BY_KEY["networking.k8s.io/ingresses"]
