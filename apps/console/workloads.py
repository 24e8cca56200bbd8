"""Reads one live workload manifest for the "edit manifest" dialog.

The Kubernetes app has no selector for this yet (its view lists summaries only); this reads
through the same account lookup and client its services use, and keeps to the application's
own workloads.
"""

from __future__ import annotations

from typing import Any

from apps.applications.models import Application
from apps.cloudaccounts.connections import kubernetes_connection
from apps.core.errors import NotFound, UpstreamError
from apps.kubernetes.accounts import kubernetes_account
from apps.kubernetes.stages.cluster import ClusterError, open_cluster
from apps.kubernetes.stages.kinds import UnknownKindError, kind_named
from apps.kubernetes.stages.manifests import application_of

SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
)


def workload_manifest(
    *, application: Application, account: str, namespace: str, kind: str, name: str
) -> dict[str, Any]:
    """The workload as a user edits it: no status, no server-set metadata."""
    try:
        found_kind = kind_named(kind)
    except UnknownKindError as error:
        raise NotFound(str(error)) from error
    connection = kubernetes_connection(kubernetes_account(team=application.team, name=account))
    try:
        with open_cluster(connection) as cluster:
            live = cluster.get(found_kind, namespace, name)
    except ClusterError as error:
        raise UpstreamError(str(error)) from error
    if live is None or application_of(live) != application.name:
        raise NotFound(f"{kind} {name} not found in {namespace}.")
    live.pop("status", None)
    metadata = live.get("metadata") or {}
    for key in SERVER_METADATA:
        metadata.pop(key, None)
    annotations = metadata.get("annotations") or {}
    annotations.pop("kubectl.kubernetes.io/last-applied-configuration", None)
    return live
