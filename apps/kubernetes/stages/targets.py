"""Which objects a stage acts on: a static name, a cluster + criteria, or label selectors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apps.kubernetes.stages.cluster import Cluster
from apps.kubernetes.stages.environment import StageConfigError
from apps.kubernetes.stages.kinds import Kind, kind_named
from apps.kubernetes.stages.manifests import (
    Coordinates,
    JsonDict,
    application_of,
    cluster_of,
    parse_full_name,
    replicas_of,
    sequence_of,
)
from engine.catalog import target_mode

CRITERIA = ("newest", "second_newest", "oldest", "largest", "smallest")
_SELECTOR_OPERATORS = {
    "EQUALS": "{key}={value}",
    "NOT_EQUALS": "{key}!={value}",
    "CONTAINS": "{key} in ({values})",
    "NOT_CONTAINS": "{key} notin ({values})",
    "EXISTS": "{key}",
    "NOT_EXISTS": "!{key}",
}


def location(context: Mapping[str, Any], cluster: Cluster) -> str:
    return str(context.get("location") or context.get("namespace") or cluster.default_namespace)


def _criteria(context: Mapping[str, Any]) -> str:
    raw = str(context.get("criteria") or context.get("target") or "").strip().lower()
    normalized = raw.replace("-", "_").replace(" ", "_")
    if normalized in ("second_newest", "previous"):
        return "second_newest"
    if normalized not in CRITERIA:
        raise StageConfigError(f"unknown target criteria {raw!r}: use one of {', '.join(CRITERIA)}")
    return normalized


def _age_key(item: JsonDict) -> tuple[str, int, str]:
    meta = item["metadata"]
    return (str(meta.get("creationTimestamp") or ""), sequence_of(item) or -1, meta["name"])


def cluster_members(
    cluster: Cluster, kind: Kind, namespace: str, cluster_name: str, app: str | None
) -> list[JsonDict]:
    """Objects of `kind` in a moniker cluster (`"replicaSet web"`), oldest first."""
    members = [
        item
        for item in cluster.list(kind, namespace)
        if cluster_of(item) == cluster_name
        and (app is None or application_of(item) in (None, app))
        and not item["metadata"].get("deletionTimestamp")
    ]
    members.sort(key=_age_key)
    return members


def pick(members: list[JsonDict], criteria: str) -> JsonDict | None:
    if not members:
        return None
    if criteria == "newest":
        return members[-1]
    if criteria == "second_newest":
        return members[-2] if len(members) >= 2 else None
    if criteria == "oldest":
        return members[0]
    by_size = sorted(members, key=lambda item: (replicas_of(item) or 0, _age_key(item)))
    return by_size[-1] if criteria == "largest" else by_size[0]


def label_selector(context: Mapping[str, Any]) -> str:
    raw = context.get("labelSelectors")
    selectors = raw.get("selectors") if isinstance(raw, Mapping) else raw
    parts: list[str] = []
    for selector in selectors or []:
        if not isinstance(selector, Mapping):
            continue
        operator = str(selector.get("kind") or "EQUALS").upper()
        template = _SELECTOR_OPERATORS.get(operator)
        if template is None:
            raise StageConfigError(f"label selector operator {operator} is not supported")
        values = [str(value) for value in selector.get("values") or []]
        parts.append(
            template.format(
                key=selector.get("key"), value=values[0] if values else "", values=",".join(values)
            )
        )
    return ",".join(parts)


def resolve(cluster: Cluster, context: Mapping[str, Any], *, app: str | None) -> list[Coordinates]:
    """The target objects of a stage (empty when a dynamic target finds nothing)."""
    namespace = location(context, cluster)
    mode = target_mode(context)
    name = context.get("manifestName")
    if name and mode != "label":
        kind, plain = parse_full_name(str(name))
        return [Coordinates(kind, namespace, plain)]
    if mode == "label":
        selector = label_selector(context)
        if not selector:
            raise StageConfigError("label mode needs at least one label selector")
        kinds = context.get("kinds") or ([context["kind"]] if context.get("kind") else [])
        if not kinds:
            raise StageConfigError("label mode needs the kinds to select (`kinds`)")
        found: list[Coordinates] = []
        for each in kinds:
            kind = kind_named(str(each))
            for item in cluster.list(kind, namespace, labels=selector):
                found.append(Coordinates(kind, namespace, item["metadata"]["name"]))
        return found
    cluster_name = context.get("cluster")
    if cluster_name:
        cluster_text = str(cluster_name)
        kind_text = context.get("kind") or cluster_text.split(" ", 1)[0]
        kind = kind_named(str(kind_text))
        if " " not in cluster_text:
            cluster_text = f"{kind.spinnaker} {cluster_text}"
        chosen = pick(
            cluster_members(cluster, kind, namespace, cluster_text, app), _criteria(context)
        )
        return [Coordinates(kind, namespace, chosen["metadata"]["name"])] if chosen else []
    raise StageConfigError(
        "the stage names no target: set `manifestName`, or `cluster` + `criteria`, "
        "or `labelSelectors` + `kinds`"
    )
