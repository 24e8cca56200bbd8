"""Writing a manifest to a cluster the way `kubectl apply` does, plus Spinnaker's variants."""

from __future__ import annotations

import copy
import json
from typing import Any

from apps.kubernetes.stages.cluster import Cluster
from apps.kubernetes.stages.kinds import Kind
from apps.kubernetes.stages.manifests import (
    ARTIFACT_NAME,
    LAST_APPLIED,
    MONIKER_SEQUENCE,
    Coordinates,
    JsonDict,
    Strategy,
    annotation_map,
    last_applied,
    non_metadata_equal,
    split_version,
    versioned_name,
)

# Strategic-merge keys of the lists users edit most; other lists are replaced whole.
_MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "imagePullSecrets": "name",
    "hostAliases": "ip",
}
_BUILTIN_GROUPS = {"", "apps", "batch", "networking.k8s.io", "autoscaling", "policy"}


def _merge_key(field: str, items: list[Any]) -> str | None:
    if field == "ports":
        sample = next((item for item in items if isinstance(item, dict)), {})
        return "containerPort" if "containerPort" in sample else "port"
    return _MERGE_KEYS.get(field)


def _deletions(old: Any, new: Any) -> Any:
    """What to add to `new` (a strategic merge patch) so fields dropped since `old` go away."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return None
    patch: dict[str, Any] = {}
    for key, old_value in old.items():
        if key not in new:
            patch[key] = None
            continue
        new_value = new[key]
        if isinstance(old_value, dict) and isinstance(new_value, dict):
            nested = _deletions(old_value, new_value)
            if nested:
                patch[key] = nested
        elif isinstance(old_value, list) and isinstance(new_value, list):
            merge_key = _merge_key(key, old_value + new_value)
            if merge_key is None:
                continue
            kept = {item.get(merge_key): item for item in new_value if isinstance(item, dict)}
            extra: list[Any] = []
            for item in old_value:
                if not isinstance(item, dict):
                    continue
                identity = item.get(merge_key)
                if identity not in kept:
                    extra.append({merge_key: identity, "$patch": "delete"})
                else:
                    nested = _deletions(item, kept[identity])
                    if nested:
                        extra.append({merge_key: identity, **nested})
            if extra:
                patch[key] = extra
    return patch


def _overlay(base: Any, extra: Any) -> Any:
    """`base` with `extra` merged in (lists of directives appended, maps merged)."""
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _overlay(base.get(key), value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        merged_list = [copy.deepcopy(item) for item in base]
        for directive in extra:
            keys = [key for key in directive if not key.startswith("$")]
            match = next(
                (
                    item
                    for item in merged_list
                    if isinstance(item, dict)
                    and directive.get("$patch") is None
                    and keys
                    and item.get(keys[0]) == directive.get(keys[0])
                ),
                None,
            )
            if match is not None:
                match.update(_overlay(match, directive))
            else:
                merged_list.append(directive)
        return merged_list
    return extra


def with_last_applied(manifest: JsonDict) -> JsonDict:
    """The manifest carrying its own JSON in `last-applied-configuration`, as kubectl stores it."""
    recorded = copy.deepcopy(manifest)
    annotation_map(recorded).pop(LAST_APPLIED, None)
    if not recorded["metadata"]["annotations"]:
        recorded["metadata"].pop("annotations")
    result = copy.deepcopy(manifest)
    annotation_map(result)[LAST_APPLIED] = json.dumps(
        recorded, sort_keys=True, separators=(",", ":")
    )
    return result


def apply(cluster: Cluster, where: Coordinates, manifest: JsonDict, strategy: Strategy) -> JsonDict:
    """Create or update one object; returns the live object."""
    kind = where.kind
    body = copy.deepcopy(manifest)
    body.setdefault("metadata", {})["name"] = where.name
    if kind.namespaced:
        body["metadata"]["namespace"] = where.namespace
    if strategy.server_side_apply:
        return cluster.server_side_apply(
            kind, where.namespace, body, force=strategy.server_side_apply == "force-conflicts"
        )
    body = with_last_applied(body)
    current = cluster.get(kind, where.namespace, where.name)
    if current is not None and strategy.recreate:
        cluster.delete(kind, where.namespace, where.name, cascading=True)
        current = None
    if current is None:
        return cluster.create(kind, where.namespace, body)
    if strategy.replace:
        body["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
        return cluster.replace(kind, where.namespace, body)
    previous = last_applied(current) or {}
    if kind.group in _BUILTIN_GROUPS:
        patch = _overlay(body, _deletions(previous, body) or {})
        return cluster.patch(kind, where.namespace, where.name, patch, patch_type="strategic")
    # Custom resources take no strategic merge: a merge patch with nulls does the same job.
    patch = _overlay(body, _null_deletions(previous, body))
    return cluster.patch(kind, where.namespace, where.name, patch, patch_type="merge")


def _null_deletions(old: Any, new: Any) -> dict[str, Any]:
    if not isinstance(old, dict) or not isinstance(new, dict):
        return {}
    patch: dict[str, Any] = {}
    for key, value in old.items():
        if key not in new:
            patch[key] = None
        elif isinstance(value, dict) and isinstance(new[key], dict):
            nested = _null_deletions(value, new[key])
            if nested:
                patch[key] = nested
    return patch


# -- versioning -----------------------------------------------------------------------------------


def _comparable(manifest: JsonDict) -> JsonDict:
    """Drop what differs between two deploys of identical content (the sequence label)."""
    copied = copy.deepcopy(manifest)
    template = (copied.get("spec") or {}).get("template")
    if isinstance(template, dict):
        labels = (template.get("metadata") or {}).get("labels")
        if isinstance(labels, dict):
            labels.pop(MONIKER_SEQUENCE, None)
        notes = (template.get("metadata") or {}).get("annotations")
        if isinstance(notes, dict):
            for key in [key for key in notes if key.startswith(("moniker.", "artifact."))]:
                notes.pop(key)
    return copied


def versions_of(
    cluster: Cluster, kind: Kind, namespace: str, base: str
) -> list[tuple[int, JsonDict]]:
    """Existing versions `<base>-vNNN` of one resource, lowest first."""
    found: list[tuple[int, JsonDict]] = []
    for item in cluster.list(kind, namespace):
        name = str((item.get("metadata") or {}).get("name") or "")
        stem, version = split_version(name)
        artifact_name = ((item.get("metadata") or {}).get("annotations") or {}).get(ARTIFACT_NAME)
        if version is not None and stem == base and artifact_name in (None, base):
            found.append((version, item))
    found.sort(key=lambda pair: pair[0])
    return found


def choose_version(
    cluster: Cluster, kind: Kind, namespace: str, base: str, prepared: JsonDict
) -> tuple[int, bool]:
    """(version, reused): an identical earlier version is reused, else the next free number."""
    existing = versions_of(cluster, kind, namespace, base)
    wanted = _comparable(prepared)
    for version, item in reversed(existing):
        applied = last_applied(item)
        if applied is not None and non_metadata_equal(_comparable(applied), wanted):
            return version, True
    return (existing[-1][0] + 1 if existing else 0), False


def prune_versions(
    cluster: Cluster, kind: Kind, namespace: str, base: str, *, keep: int, current: str
) -> list[str]:
    """Delete the oldest versions beyond `keep` (never the one just deployed); names deleted."""
    existing = versions_of(cluster, kind, namespace, base)
    others = [(version, item) for version, item in existing if item["metadata"]["name"] != current]
    surplus = len(others) + 1 - max(keep, 1)
    deleted: list[str] = []
    for _, item in others[: max(0, surplus)]:
        name = item["metadata"]["name"]
        if cluster.delete(kind, namespace, name, cascading=True):
            deleted.append(f"{kind.spinnaker} {name}")
    return deleted


__all__ = ["apply", "choose_version", "prune_versions", "versioned_name", "versions_of"]
