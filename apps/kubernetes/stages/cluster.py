"""`Cluster`: generic reads and writes of any kind through the official client's ApiClient."""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kubernetes import client
from kubernetes.client.exceptions import ApiException

from apps.kubernetes.client import api_client, explain_error
from apps.kubernetes.stages.kinds import EVENT, POD, Kind

if TYPE_CHECKING:
    from apps.cloudaccounts.connections import KubernetesConnection

JsonDict = dict[str, Any]
FIELD_MANAGER = "cdplatform"
REQUEST_TIMEOUT_SECONDS = 30
PATCH_TYPES = {
    "strategic": "application/strategic-merge-patch+json",
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "apply": "application/apply-patch+yaml",
}


class ClusterError(Exception):
    """A failed call explained without credentials; `status` is the HTTP status, if any."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _status_message(error: ApiException) -> str | None:
    """The `message` of a Kubernetes Status body (what kubectl prints)."""
    try:
        body = json.loads(error.body or "")
    except (TypeError, ValueError):
        return None
    message = body.get("message") if isinstance(body, dict) else None
    return str(message) if message else None


class Cluster:
    """One connection's API; every method raises ClusterError (404 reads return None)."""

    def __init__(self, api: client.ApiClient, connection: KubernetesConnection) -> None:
        self.api = api
        self.connection = connection

    @property
    def default_namespace(self) -> str:
        """The kubeconfig context's namespace, else the account's first namespace, else default."""
        document = self.connection.kubeconfig
        if isinstance(document, dict):
            wanted = self.connection.context or document.get("current-context")
            for entry in document.get("contexts") or []:
                if isinstance(entry, dict) and entry.get("name") == wanted:
                    namespace = (entry.get("context") or {}).get("namespace")
                    if namespace:
                        return str(namespace)
        if self.connection.namespaces:
            return str(self.connection.namespaces[0])
        return "default"

    # -- transport ------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        query: list[tuple[str, Any]] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        raw: bool = False,
    ) -> Any:
        headers = {"Accept": "application/json", "Content-Type": content_type}
        try:
            params = self.api.param_serialize(
                method=method,
                resource_path=path,
                query_params=query or [],
                header_params=headers,
                body=body,
                auth_settings=["BearerToken"],
            )
            response = self.api.call_api(*params, _request_timeout=REQUEST_TIMEOUT_SECONDS)
            response.read()
        except ApiException as error:
            raise self._error(error) from error
        except Exception as error:
            raise ClusterError(explain_error(error, self.connection)) from error
        data = response.data or b""
        if not 200 <= response.status <= 299:
            error = ApiException(http_resp=response, body=data.decode("utf-8", "replace"))
            raise self._error(error)
        if raw:
            return data.decode("utf-8", "replace")
        return json.loads(data) if data else {}

    def _error(self, error: ApiException) -> ClusterError:
        detail = _status_message(error)
        if error.status in (401, 403) or not detail:
            return ClusterError(explain_error(error, self.connection), status=error.status)
        return ClusterError(detail, status=error.status)

    # -- verbs ----------------------------------------------------------------------------------

    def get(self, kind: Kind, namespace: str, name: str) -> JsonDict | None:
        try:
            found: JsonDict = self.request("GET", kind.path(namespace, name))
        except ClusterError as error:
            if error.status == 404:
                return None
            raise
        return found

    def list(
        self,
        kind: Kind,
        namespace: str | None,
        *,
        labels: str | None = None,
        fields: str | None = None,
    ) -> list[JsonDict]:
        query: list[tuple[str, Any]] = []
        if labels:
            query.append(("labelSelector", labels))
        if fields:
            query.append(("fieldSelector", fields))
        found = self.request("GET", kind.path(namespace), query=query)
        items: list[JsonDict] = list(found.get("items") or [])
        # List items carry no kind/apiVersion; put them back so they read like manifests.
        for item in items:
            item.setdefault("kind", kind.kind)
            item.setdefault("apiVersion", kind.api_version)
        return items

    def create(self, kind: Kind, namespace: str, manifest: Mapping[str, Any]) -> JsonDict:
        created: JsonDict = self.request("POST", kind.path(namespace), body=dict(manifest))
        return created

    def replace(self, kind: Kind, namespace: str, manifest: Mapping[str, Any]) -> JsonDict:
        name = manifest["metadata"]["name"]
        replaced: JsonDict = self.request("PUT", kind.path(namespace, name), body=dict(manifest))
        return replaced

    def patch(
        self,
        kind: Kind,
        namespace: str,
        name: str,
        patch: Any,
        *,
        patch_type: str = "strategic",
        subresource: str | None = None,
    ) -> JsonDict:
        path = kind.path(namespace, name) + (f"/{subresource}" if subresource else "")
        patched: JsonDict = self.request(
            "PATCH", path, body=patch, content_type=PATCH_TYPES[patch_type]
        )
        return patched

    def server_side_apply(
        self, kind: Kind, namespace: str, manifest: Mapping[str, Any], *, force: bool
    ) -> JsonDict:
        name = manifest["metadata"]["name"]
        query: list[tuple[str, Any]] = [("fieldManager", FIELD_MANAGER)]
        if force:
            query.append(("force", "true"))
        applied: JsonDict = self.request(
            "PATCH",
            kind.path(namespace, name),
            query=query,
            body=json.dumps(dict(manifest)),
            content_type=PATCH_TYPES["apply"],
        )
        return applied

    def delete(
        self,
        kind: Kind,
        namespace: str,
        name: str,
        *,
        cascading: bool | str = True,
        grace_period_seconds: int | None = None,
    ) -> bool:
        """Delete one object; False when it was already gone."""
        if cascading is True or cascading in ("true", "background"):
            policy = "Background"
        elif cascading == "foreground":
            policy = "Foreground"
        else:
            policy = "Orphan"
        body: JsonDict = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": policy}
        if grace_period_seconds is not None:
            body["gracePeriodSeconds"] = int(grace_period_seconds)
        try:
            self.request("DELETE", kind.path(namespace, name), body=body)
        except ClusterError as error:
            if error.status == 404:
                return False
            raise
        return True

    def logs(self, namespace: str, pod: str, container: str | None = None) -> str:
        query: list[tuple[str, Any]] = [("container", container)] if container else []
        text: str = self.request(
            "GET",
            POD.path(namespace, pod) + "/log",
            query=query,
            raw=True,
            content_type="text/plain",
        )
        return text

    def events_for(self, namespace: str, names: set[str]) -> builtins.list[JsonDict]:
        """Events of the named objects (workload, its ReplicaSets, its pods), oldest first."""
        found = [
            event
            for event in self.list(EVENT, namespace)
            if (event.get("involvedObject") or {}).get("name") in names
        ]
        found.sort(
            key=lambda event: str(event.get("lastTimestamp") or event.get("eventTime") or "")
        )
        return found


@contextmanager
def open_cluster(connection: KubernetesConnection) -> Iterator[Cluster]:
    with api_client(connection) as api:
        yield Cluster(api, connection)
