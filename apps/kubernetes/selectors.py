"""The infrastructure view: an application's workloads across its team's Kubernetes accounts."""

from __future__ import annotations

from typing import Any

from apps.applications.models import Application
from apps.cloudaccounts.connections import kubernetes_connection
from apps.core.errors import PlatformError
from apps.kubernetes.accounts import kubernetes_accounts
from apps.kubernetes.stages.cluster import Cluster, ClusterError, open_cluster
from apps.kubernetes.stages.kinds import (
    DAEMON_SET,
    DEPLOYMENT,
    POD,
    REPLICA_SET,
    SERVICE,
    STATEFUL_SET,
)
from apps.kubernetes.stages.manifests import (
    APP_NAME,
    DEPLOYMENT_REVISION,
    cluster_of,
    load_balancers_of,
    sequence_of,
)
from apps.kubernetes.stages.stability import health
from apps.kubernetes.stages.traffic import is_enabled, selector_of

JsonDict = dict[str, Any]


def _owners(item: JsonDict) -> set[str]:
    return {ref.get("uid") for ref in item["metadata"].get("ownerReferences") or []}


def _pod_summary(pod: JsonDict) -> JsonDict:
    status = pod.get("status") or {}
    containers = status.get("containerStatuses") or []
    reasons = sorted(
        {
            str(((c.get("state") or {}).get("waiting") or {}).get("reason") or "")
            for c in containers
            if (c.get("state") or {}).get("waiting")
        }
        - {""}
    )
    ready = any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in status.get("conditions") or []
    )
    return {
        "name": pod["metadata"]["name"],
        "phase": status.get("phase"),
        "ready": ready,
        "health": "Up" if ready else ("Down" if reasons else "Starting"),
        "restarts": sum(int(c.get("restartCount") or 0) for c in containers),
        "node": (pod.get("spec") or {}).get("nodeName"),
        "reasons": reasons,
    }


def _images(item: JsonDict) -> list[str]:
    spec = ((item.get("spec") or {}).get("template") or {}).get("spec") or {}
    return [c.get("image") for c in spec.get("containers") or [] if c.get("image")]


def _server_group(
    account: str, item: JsonDict, pods: list[JsonDict], services: dict[tuple[str, str], JsonDict]
) -> JsonDict:
    meta = item["metadata"]
    status = item.get("status") or {}
    namespace = meta.get("namespace", "")
    balancers = load_balancers_of(item)
    enabled = None
    if balancers:
        enabled = all(
            is_enabled(selector_of(services.get((namespace, lb.split(" ", 1)[-1])) or {}), item)
            for lb in balancers
        )
    state = health(item)
    return {
        "account": account,
        "namespace": namespace,
        "kind": item["kind"],
        "name": meta["name"],
        "cluster": cluster_of(item),
        "sequence": sequence_of(item),
        "revision": (meta.get("annotations") or {}).get(DEPLOYMENT_REVISION),
        "createdAt": meta.get("creationTimestamp"),
        "images": _images(item),
        "replicas": {
            "desired": (item.get("spec") or {}).get("replicas"),
            "current": status.get("replicas", status.get("currentNumberScheduled", 0)),
            "ready": status.get("readyReplicas", status.get("numberReady", 0)),
            "available": status.get("availableReplicas", status.get("numberAvailable", 0)),
        },
        "stable": state.stable,
        "failed": state.failed,
        "message": state.message,
        "loadBalancers": balancers,
        "enabled": enabled,
        "pods": [_pod_summary(pod) for pod in pods],
    }


def _account_clusters(cluster: Cluster, account: str, app: str) -> list[JsonDict]:
    selector = f"{APP_NAME}={app}"
    namespaces: list[str | None] = list(cluster.connection.namespaces) or [None]
    groups: dict[tuple[str, str], list[JsonDict]] = {}
    for namespace in namespaces:
        pods = cluster.list(POD, namespace, labels=selector)
        replica_sets = cluster.list(REPLICA_SET, namespace, labels=selector)
        services = {
            (s["metadata"].get("namespace", ""), s["metadata"]["name"]): s
            for s in cluster.list(SERVICE, namespace)
        }
        deployments = cluster.list(DEPLOYMENT, namespace, labels=selector)
        deployment_uids = {d["metadata"]["uid"]: d for d in deployments}

        def add(
            item: JsonDict,
            owned_pods: list[JsonDict],
            label: str,
            known: dict[tuple[str, str], JsonDict] = services,
        ) -> None:
            key = (item["metadata"].get("namespace", ""), label)
            groups.setdefault(key, []).append(_server_group(account, item, owned_pods, known))

        for deployment in deployments:
            owned = [rs for rs in replica_sets if deployment["metadata"]["uid"] in _owners(rs)]
            uids = {rs["metadata"]["uid"] for rs in owned}
            add(deployment, [p for p in pods if _owners(p) & uids], cluster_of(deployment))
        for rs in replica_sets:
            if _owners(rs) & set(deployment_uids):
                continue
            uid = rs["metadata"]["uid"]
            add(rs, [p for p in pods if uid in _owners(p)], cluster_of(rs))
        for kind in (STATEFUL_SET, DAEMON_SET):
            for item in cluster.list(kind, namespace, labels=selector):
                uid = item["metadata"]["uid"]
                add(item, [p for p in pods if uid in _owners(p)], cluster_of(item))
    clusters = []
    for (namespace, name), server_groups in sorted(groups.items()):
        server_groups.sort(key=lambda g: (g["createdAt"] or "", g["sequence"] or -1, g["name"]))
        clusters.append(
            {
                "account": account,
                "namespace": namespace,
                "name": name,
                "kind": server_groups[0]["kind"],
                "serverGroups": server_groups,
            }
        )
    return clusters


def application_clusters(*, application: Application) -> JsonDict:
    """Clusters (monikers) with their server groups, pods and images, per account; errors kept."""
    accounts: list[JsonDict] = []
    clusters: list[JsonDict] = []
    for account in kubernetes_accounts(team=application.team):
        try:
            with open_cluster(kubernetes_connection(account)) as cluster:
                clusters += _account_clusters(cluster, account.name, application.name)
        except (ClusterError, PlatformError) as error:
            message = error.message if isinstance(error, PlatformError) else str(error)
            accounts.append({"name": account.name, "error": message})
        else:
            accounts.append({"name": account.name, "error": None})
    return {"application": application.name, "accounts": accounts, "clusters": clusters}
