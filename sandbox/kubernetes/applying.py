"""Server-side apply: field ownership (managedFields), conflict detection and the apply merge.

Simplified model (documented in the README): a field set is the set of leaf paths of an
object, written in the FieldsV1 vocabulary (`f:name`, `k:{...}` for items of associative
lists, `v:...` for items of set lists); atomic lists and scalars are leaves. Status writes
and controller writes are not tracked. Associative list items are keyed by their
list-map keys, with the API default filled in for a missing `protocol`.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.kubernetes.errors import ApiError
from sandbox.kubernetes.patching import clone
from sandbox.kubernetes.schema import KEY_DEFAULTS, FieldInfo, Schema

Obj = dict[str, Any]
Path = tuple[str, ...]

_UNTRACKED_META = {
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
    "generateName",
}
_MISSING = object()


# field sets --------------------------------------------------------------------------------


def field_set(schema: Schema, model: str, obj: Obj) -> set[Path]:
    out: set[Path] = set()
    for key, value in obj.items():
        if key in ("apiVersion", "kind", "status"):
            continue
        tracked = value
        if key == "metadata" and isinstance(value, dict):
            tracked = {k: v for k, v in value.items() if k not in _UNTRACKED_META}
            if not tracked:
                continue
        _walk(schema, model, {key: tracked}, (), out)
    return out


def _item_key(item: Obj, info: FieldInfo) -> str:
    keys = {}
    for k in info.list_keys:
        value = item.get(k, KEY_DEFAULTS.get(k) if k != info.merge_key else None)
        if value is not None:
            keys[k] = value
    return "k:" + json.dumps(keys, sort_keys=True, separators=(",", ":"))


def _walk(schema: Schema, model: str | None, value: Obj, prefix: Path, out: set[Path]) -> None:
    for key, item in value.items():
        path = (*prefix, f"f:{key}")
        info = schema.field(model, key)
        if isinstance(item, dict) and not item:
            continue
        if isinstance(item, dict) and (info is None or info.container != "list"):
            child = info.elem if info is not None and info.is_model and not info.container else None
            _walk(schema, child, item, path, out)
        elif isinstance(item, list) and info is not None and info.list_type == "map":
            for entry in item:
                if isinstance(entry, dict):
                    entry_path = (*path, _item_key(entry, info))
                    out.add(entry_path)
                    _walk(schema, info.elem if info.is_model else None, entry, entry_path, out)
        elif isinstance(item, list) and info is not None and info.list_type == "set":
            for entry in item:
                out.add((*path, "v:" + json.dumps(entry, separators=(",", ":"))))
        else:
            out.add(path)


def _find_item(items: list[Any], step: str, info: FieldInfo | None) -> int | None:
    for i, entry in enumerate(items):
        if step.startswith("k:") and isinstance(entry, dict) and info is not None:
            if _item_key(entry, info) == step:
                return i
        elif step.startswith("v:") and "v:" + json.dumps(entry, separators=(",", ":")) == step:
            return i
    return None


def _navigate(schema: Schema, model: str, obj: Obj, path: Path) -> tuple[Any, FieldInfo | None]:
    """The value at `path` (or _MISSING) and the schema of the last field stepped through."""
    current: Any = obj
    current_model: str | None = model
    info: FieldInfo | None = None
    for step in path:
        if step.startswith("f:"):
            key = step[2:]
            info = schema.field(current_model, key)
            current_model = (
                info.elem
                if info is not None and info.is_model and info.container != "map"
                else None
            )
            if not isinstance(current, dict) or key not in current:
                return _MISSING, info
            current = current[key]
        else:
            if not isinstance(current, list):
                return _MISSING, info
            index = _find_item(current, step, info)
            if index is None:
                return _MISSING, info
            current = current[index]
    return current, info


def value_at(schema: Schema, model: str, obj: Obj, path: Path) -> Any:
    return _navigate(schema, model, obj, path)[0]


def remove_at(schema: Schema, model: str, obj: Obj, path: Path) -> None:
    """Remove the field or list item at `path`, then prune maps and lists it left empty."""
    parent, info = _navigate(schema, model, obj, path[:-1])
    last = path[-1]
    if last.startswith("f:"):
        if isinstance(parent, dict):
            parent.pop(last[2:], None)
    elif isinstance(parent, list):
        index = _find_item(parent, last, info)
        if index is not None:
            parent.pop(index)
    if len(path) > 1 and isinstance(parent, (dict, list)) and not parent:
        remove_at(schema, model, obj, path[:-1])


def to_fields_v1(paths: set[Path]) -> Obj:
    root: Obj = {}
    for path in sorted(paths):
        node = root
        for step in path:
            node = node.setdefault(step, {})
    _mark_items(root, paths, ())
    return root


def _mark_items(node: Obj, paths: set[Path], prefix: Path) -> None:
    for step, child in node.items():
        path = (*prefix, step)
        if child and path in paths:
            child["."] = {}
        if step != ".":
            _mark_items(child, paths, path)


def from_fields_v1(fields: Obj) -> set[Path]:
    out: set[Path] = set()

    def walk(node: Obj, prefix: Path) -> None:
        for step, child in node.items():
            if step == ".":
                out.add(prefix)
                continue
            path = (*prefix, step)
            if not child:
                out.add(path)
            else:
                walk(child, path)

    walk(fields or {}, ())
    return out


# managed fields bookkeeping ----------------------------------------------------------------


class Managed:
    """The managedFields of one object as (manager, operation) -> field set."""

    def __init__(self, entries: list[Obj] | None) -> None:
        self.sets: dict[tuple[str, str], set[Path]] = {}
        self.meta: dict[tuple[str, str], Obj] = {}
        for entry in entries or []:
            if entry.get("subresource"):
                continue
            key = (entry.get("manager", ""), entry.get("operation", "Update"))
            self.sets[key] = from_fields_v1(entry.get("fieldsV1") or {})
            self.meta[key] = entry

    def entries(self, api_version: str, now: str, touched: set[tuple[str, str]]) -> list[Obj]:
        out = []
        for key, paths in self.sets.items():
            if not paths:
                continue
            old = self.meta.get(key, {})
            out.append(
                {
                    "manager": key[0],
                    "operation": key[1],
                    "apiVersion": api_version
                    if key in touched
                    else old.get("apiVersion", api_version),
                    "time": now if key in touched else old.get("time", now),
                    "fieldsType": "FieldsV1",
                    "fieldsV1": to_fields_v1(paths),
                }
            )
        return out


def record_update(
    *,
    schema: Schema,
    model: str,
    old: Obj | None,
    new: Obj,
    manager: str,
    api_version: str,
    now: str,
) -> None:
    """Give `manager` (operation Update) the fields this write changed, in new's managedFields."""
    managed = Managed((old or new).get("metadata", {}).get("managedFields"))
    new_set = field_set(schema, model, new)
    if old is None:
        changed = new_set
        removed: set[Path] = set()
    else:
        old_set = field_set(schema, model, old)
        changed = {
            p for p in new_set if value_at(schema, model, old, p) != value_at(schema, model, new, p)
        }
        removed = old_set - new_set
    if not changed and not removed and old is not None:
        new["metadata"]["managedFields"] = old["metadata"].get("managedFields") or []
        return
    key = (manager, "Update")
    for other in list(managed.sets):
        if other != key:
            managed.sets[other] -= changed
        managed.sets[other] -= removed
    managed.sets.setdefault(key, set()).update(changed)
    new["metadata"]["managedFields"] = managed.entries(api_version, now, {key})


def apply(
    *,
    schema: Schema,
    model: str,
    live: Obj | None,
    config: Obj,
    manager: str,
    force: bool,
    api_version: str,
    now: str,
) -> Obj:
    """Merge an applied configuration into the live object, enforcing field ownership."""
    base = live or {"metadata": {}}
    managed = Managed(base.get("metadata", {}).get("managedFields"))
    applied = field_set(schema, model, config)
    key = (manager, "Apply")
    conflicts: dict[Path, list[str]] = {}
    if live is not None:
        for other, paths in managed.sets.items():
            if other == key:
                continue
            for path in paths & applied:
                if path[-1].startswith(("k:", "v:")):
                    continue
                if value_at(schema, model, live, path) != value_at(schema, model, config, path):
                    conflicts.setdefault(path, []).append(other[0])
    if conflicts and not force:
        raise _conflict_error(conflicts, api_version)
    for other, paths in managed.sets.items():
        if other != key:
            paths -= set(conflicts)
    merged = _merge(schema, model, clone(base), config)
    previous = managed.sets.get(key, set())
    owned_by_others = set().union(*(p for k, p in managed.sets.items() if k != key))
    removed: list[Path] = []
    for path in sorted(previous - applied, key=len):
        if any(path[: len(r)] == r for r in removed):
            continue  # an ancestor (e.g. the whole list item) is already gone
        if path in owned_by_others or any(o[: len(path)] == path for o in owned_by_others):
            continue
        remove_at(schema, model, merged, path)
        removed.append(path)
    managed.sets[key] = applied
    merged.setdefault("metadata", {})["managedFields"] = managed.entries(api_version, now, {key})
    return merged


def _conflict_error(conflicts: dict[Path, list[str]], api_version: str) -> ApiError:
    causes = []
    lines = []
    for path, owners in sorted(conflicts.items()):
        dotted = "".join("." + s[2:] if s.startswith("f:") else "[" + s[2:] + "]" for s in path)
        for owner in owners:
            message = f'conflict with "{owner}" using {api_version}'
            causes.append({"reason": "FieldManagerConflict", "message": message, "field": dotted})
            lines.append(f"{message}: {dotted}")
    count = len(causes)
    noun = "conflict" if count == 1 else "conflicts"
    return ApiError(
        409,
        f"Apply failed with {count} {noun}: " + "\n".join(lines),
        reason="Conflict",
        details={"causes": causes},
    )


def _merge(schema: Schema, model: str | None, live: Obj, config: Obj) -> Obj:
    for key, cval in config.items():
        info = schema.field(model, key)
        child = info.elem if info is not None and info.is_model and not info.container else None
        lval = live.get(key)
        if isinstance(cval, dict) and (info is None or info.container != "list"):
            live[key] = _merge(schema, child, lval if isinstance(lval, dict) else {}, cval)
        elif isinstance(cval, list) and info is not None and info.list_type == "map":
            result = list(lval) if isinstance(lval, list) else []
            elem = info.elem if info.is_model else None
            for entry in cval:
                if not isinstance(entry, dict):
                    continue
                index = _find_item(result, _item_key(entry, info), info)
                if index is None:
                    result.append(clone(entry))
                else:
                    result[index] = _merge(schema, elem, clone(result[index]), entry)
            live[key] = result
        elif isinstance(cval, list) and info is not None and info.list_type == "set":
            result = list(lval) if isinstance(lval, list) else []
            result.extend(v for v in cval if v not in result)
            live[key] = result
        else:
            live[key] = clone(cval)
    return live
