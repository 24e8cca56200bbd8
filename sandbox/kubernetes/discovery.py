"""Discovery documents: /version, /api, /apis, per group-version resource lists, aggregated v2."""

from __future__ import annotations

import functools
import json
from typing import Any

from sandbox.kubernetes import kinds
from sandbox.kubernetes.kinds import ResourceType

KUBERNETES_VERSION = "v1.32.4"
AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

VERSION_INFO = {
    "major": "1",
    "minor": "32",
    "gitVersion": f"{KUBERNETES_VERSION}+sandbox",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2025-01-01T00:00:00Z",
    "goVersion": "go1.23.6",
    "compiler": "gc",
    "platform": "linux/amd64",
}

_SUB_VERBS = ("get", "patch", "update")


def _group_versions() -> dict[str, list[ResourceType]]:
    return kinds.groups()


def api_versions(server_address: str) -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def _group_entry(group: str) -> dict[str, Any]:
    gv = {"groupVersion": f"{group}/v1", "version": "v1"}
    return {"name": group, "versions": [gv], "preferredVersion": gv}


def api_group_list() -> dict[str, Any]:
    groups = sorted({r.group for r in kinds.RESOURCES if r.group})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [_group_entry(g) for g in groups]}


def api_group(group: str) -> dict[str, Any] | None:
    if not any(r.group == group for r in kinds.RESOURCES):
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group_entry(group)}


def _subresource_kind(rtype: ResourceType, sub: str) -> tuple[str, str, str]:
    if sub == "scale":
        return "autoscaling", "v1", "Scale"
    return rtype.group, rtype.version, rtype.kind


def _sub_verbs(sub: str) -> list[str]:
    if sub == "log":
        return ["get"]
    if sub == "finalize":
        return ["update"]
    return list(_SUB_VERBS)


@functools.cache
def resource_list(group_version: str) -> dict[str, Any] | None:
    resources = _group_versions().get(group_version)
    if resources is None:
        return None
    entries: list[dict[str, Any]] = []
    for r in resources:
        entry: dict[str, Any] = {
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": list(r.verbs),
        }
        if r.short_names:
            entry["shortNames"] = list(r.short_names)
        if r.categories:
            entry["categories"] = list(r.categories)
        entries.append(entry)
        for sub in r.subresources:
            group, version, kind = _subresource_kind(r, sub)
            sub_entry: dict[str, Any] = {
                "name": f"{r.plural}/{sub}",
                "singularName": "",
                "namespaced": r.namespaced,
                "kind": kind,
                "verbs": _sub_verbs(sub),
            }
            if sub == "scale":
                sub_entry["group"] = group
                sub_entry["version"] = version
            entries.append(sub_entry)
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": entries,
    }


def _aggregated_resource(r: ResourceType) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "resource": r.plural,
        "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
        "scope": "Namespaced" if r.namespaced else "Cluster",
        "singularResource": r.singular,
        "verbs": list(r.verbs),
    }
    if r.short_names:
        entry["shortNames"] = list(r.short_names)
    if r.categories:
        entry["categories"] = list(r.categories)
    if r.subresources:
        subs = []
        for sub in r.subresources:
            group, version, kind = _subresource_kind(r, sub)
            subs.append(
                {
                    "subresource": sub,
                    "responseKind": {"group": group, "version": version, "kind": kind},
                    "verbs": _sub_verbs(sub),
                }
            )
        entry["subresources"] = subs
    return entry


@functools.cache
def aggregated(legacy: bool) -> bytes:
    """APIGroupDiscoveryList for /api (legacy=True) or /apis, serialized once."""
    items = []
    for group_version, resources in _group_versions().items():
        group = resources[0].group
        if legacy != (group == ""):
            continue
        items.append(
            {
                "metadata": {"name": group, "creationTimestamp": None},
                "versions": [
                    {
                        "version": resources[0].version,
                        "resources": [_aggregated_resource(r) for r in resources],
                        "freshness": "Current",
                    }
                ],
            }
        )
        del group_version
    body = {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }
    return json.dumps(body, separators=(",", ":")).encode()
