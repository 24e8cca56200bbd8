"""The kinds the stages know: API location, Spinnaker name, versioning and deploy order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One resource kind; `spinnaker` is the name Spinnaker uses in `"replicaSet web-v001"`."""

    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool = True
    versioned: bool = False
    # Lower deploys first (Spinnaker's deploy priorities: namespaces, then config, then network...).
    priority: int = 100
    # Workloads whose pods can receive traffic from a Service (Spinnaker's CanReceiveTraffic).
    receives_traffic: bool = False
    has_replicas: bool = False

    @property
    def spinnaker(self) -> str:
        return self.kind[0].lower() + self.kind[1:]

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        """The REST path of the collection (no name) or of one object."""
        prefix = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            prefix += f"/namespaces/{namespace}"
        prefix += f"/{self.plural}"
        return f"{prefix}/{name}" if name else prefix


NAMESPACE = Kind("Namespace", "", "v1", "namespaces", namespaced=False, priority=0)
CONFIG_MAP = Kind("ConfigMap", "", "v1", "configmaps", versioned=True, priority=20)
SECRET = Kind("Secret", "", "v1", "secrets", versioned=True, priority=20)
SERVICE_ACCOUNT = Kind("ServiceAccount", "", "v1", "serviceaccounts", priority=10)
SERVICE = Kind("Service", "", "v1", "services", priority=50)
INGRESS = Kind("Ingress", "networking.k8s.io", "v1", "ingresses", priority=50)
POD = Kind("Pod", "", "v1", "pods", versioned=True, priority=100, receives_traffic=True)
REPLICA_SET = Kind(
    "ReplicaSet",
    "apps",
    "v1",
    "replicasets",
    versioned=True,
    receives_traffic=True,
    has_replicas=True,
)
DEPLOYMENT = Kind(
    "Deployment", "apps", "v1", "deployments", receives_traffic=True, has_replicas=True
)
STATEFUL_SET = Kind(
    "StatefulSet", "apps", "v1", "statefulsets", receives_traffic=True, has_replicas=True
)
DAEMON_SET = Kind("DaemonSet", "apps", "v1", "daemonsets", receives_traffic=True)
JOB = Kind("Job", "batch", "v1", "jobs")
CRON_JOB = Kind("CronJob", "batch", "v1", "cronjobs")
EVENT = Kind("Event", "", "v1", "events")
HPA = Kind("HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers", priority=110)
NETWORK_POLICY = Kind("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", priority=50)
PDB = Kind("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", priority=110)

KNOWN: tuple[Kind, ...] = (
    NAMESPACE,
    CONFIG_MAP,
    SECRET,
    SERVICE_ACCOUNT,
    SERVICE,
    INGRESS,
    POD,
    REPLICA_SET,
    DEPLOYMENT,
    STATEFUL_SET,
    DAEMON_SET,
    JOB,
    CRON_JOB,
    EVENT,
    HPA,
    NETWORK_POLICY,
    PDB,
)
# kubectl's short names, which Spinnaker pipelines sometimes carry in manifest names.
_SHORT = {
    "ns": NAMESPACE,
    "cm": CONFIG_MAP,
    "sa": SERVICE_ACCOUNT,
    "svc": SERVICE,
    "ing": INGRESS,
    "po": POD,
    "rs": REPLICA_SET,
    "deploy": DEPLOYMENT,
    "sts": STATEFUL_SET,
    "ds": DAEMON_SET,
    "cj": CRON_JOB,
    "hpa": HPA,
    "netpol": NETWORK_POLICY,
    "pdb": PDB,
}
_BY_NAME: dict[str, Kind] = {}
for _kind in KNOWN:
    for _key in (_kind.kind, _kind.plural, _kind.kind.lower()):
        _BY_NAME[_key.lower()] = _kind
_BY_NAME.update(_SHORT)

WORKLOADS = (DEPLOYMENT, REPLICA_SET, STATEFUL_SET, DAEMON_SET)


class UnknownKindError(ValueError):
    """A kind the stages cannot address (not built in, and not given with an apiVersion)."""


def kind_named(name: str) -> Kind:
    """`Deployment`, `deployment`, `replicaSet`, `rs`, `deployments`... -> the Kind."""
    found = _BY_NAME.get(name.strip().lower())
    if found is None:
        raise UnknownKindError(f"unknown Kubernetes kind {name!r}")
    return found


def kind_of(manifest: dict[str, object]) -> Kind:
    """The Kind of a manifest; an unknown kind with an apiVersion is addressed by convention."""
    name = str(manifest.get("kind") or "")
    try:
        return kind_named(name)
    except UnknownKindError:
        api_version = str(manifest.get("apiVersion") or "")
        if not name or not api_version:
            raise
    group, _, version = api_version.rpartition("/")
    # Custom resources: the plural is the lower-cased kind + "s" (true for most CRDs).
    return Kind(name, group, version, name.lower() + "s", priority=120)
