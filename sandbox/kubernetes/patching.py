"""The three Kubernetes patch formats: strategic merge, JSON merge (RFC 7386) and JSON patch."""

from __future__ import annotations

from typing import Any

import jsonpatch

from sandbox.kubernetes.errors import ApiError
from sandbox.kubernetes.schema import FieldInfo, Schema

_ORDER = "$setElementOrder/"
_DELETE_FROM = "$deleteFromPrimitiveList/"


def clone(value: Any) -> Any:
    """Deep copy of JSON-shaped data (faster than copy.deepcopy)."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    return value


def merge_patch(original: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return clone(patch)
    result = clone(original) if isinstance(original, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_patch(original: dict[str, Any], operations: Any) -> dict[str, Any]:
    if not isinstance(operations, list):
        raise ApiError(400, "json patch must be a list of operations")
    try:
        result = jsonpatch.apply_patch(original, operations)
    except jsonpatch.InvalidJsonPatch as exc:
        raise ApiError(400, f"the server rejected our request due to an error: {exc}") from exc
    except (jsonpatch.JsonPatchConflict, jsonpatch.JsonPatchTestFailed) as exc:
        raise ApiError(422, f"the server rejected our request due to an error: {exc}") from exc
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ApiError(422, f"the server rejected our request due to an error: {exc}") from exc
    if not isinstance(result, dict):
        raise ApiError(422, "json patch result is not an object")
    return result


def strategic_merge(
    original: dict[str, Any], patch: Any, *, schema: Schema, model: str
) -> dict[str, Any]:
    """Apply a strategic-merge patch, honouring list merge keys and `$patch` directives."""
    if not isinstance(patch, dict):
        raise ApiError(400, "strategic merge patch must be a JSON object")
    merged = _merge_map(clone(original), patch, schema, model)
    return merged if merged is not None else {}


def strip_directives(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: strip_directives(v)
            for k, v in value.items()
            if not k.startswith("$") and v is not None
        }
    if isinstance(value, list):
        return [
            strip_directives(v)
            for v in value
            if not (
                isinstance(v, dict) and v.get("$patch") in ("delete", "replace") and len(v) == 1
            )
        ]
    return value


def _merge_map(
    orig: dict[str, Any], patch: dict[str, Any], schema: Schema, model: str | None
) -> dict[str, Any] | None:
    directive = patch.get("$patch")
    if directive == "delete":
        return None
    if directive == "replace":
        return strip_directives(patch)
    retain = patch.get("$retainKeys")
    if isinstance(retain, list):
        for key in list(orig):
            if key not in retain:
                del orig[key]
    orders: dict[str, list[Any]] = {}
    removals: dict[str, list[Any]] = {}
    for key, pval in patch.items():
        if key.startswith(_ORDER):
            orders[key[len(_ORDER) :]] = pval if isinstance(pval, list) else []
            continue
        if key.startswith(_DELETE_FROM):
            removals[key[len(_DELETE_FROM) :]] = pval if isinstance(pval, list) else []
            continue
        if key.startswith("$"):
            continue
        if pval is None:
            orig.pop(key, None)
            continue
        info = schema.field(model, key)
        oval = orig.get(key)
        if isinstance(pval, dict):
            child = info.elem if info is not None and info.is_model and not info.container else None
            merged = _merge_map(oval if isinstance(oval, dict) else {}, pval, schema, child)
            if merged is None:
                orig.pop(key, None)
            else:
                orig[key] = merged
        elif isinstance(pval, list) and info is not None and "merge" in info.strategy:
            orig[key] = _merge_list(oval if isinstance(oval, list) else [], pval, schema, info)
        else:
            orig[key] = strip_directives(pval)
    for key, values in removals.items():
        current = orig.get(key)
        if isinstance(current, list):
            orig[key] = [v for v in current if v not in values]
    for key, order in orders.items():
        current = orig.get(key)
        if isinstance(current, list):
            info = schema.field(model, key)
            orig[key] = _reorder(current, order, info.merge_key if info else "")
    return orig


def _merge_list(orig: list[Any], patch: list[Any], schema: Schema, info: FieldInfo) -> list[Any]:
    for item in patch:
        if isinstance(item, dict) and item.get("$patch") == "replace":
            return [
                strip_directives(i)
                for i in patch
                if not (isinstance(i, dict) and i.get("$patch") == "replace")
            ]
    if not info.merge_key:
        result = list(orig)
        for item in patch:
            if item not in result:
                result.append(item)
        return result
    key = info.merge_key
    elem_model = info.elem if info.is_model else None
    result = list(orig)
    for item in patch:
        if not isinstance(item, dict):
            result.append(item)
            continue
        wanted = item.get(key)
        index = next(
            (i for i, r in enumerate(result) if isinstance(r, dict) and r.get(key) == wanted),
            None,
        )
        if item.get("$patch") == "delete":
            if index is not None:
                result.pop(index)
            continue
        if index is None:
            merged = _merge_map({}, item, schema, elem_model)
            if merged is not None:
                result.append(merged)
        else:
            merged = _merge_map(clone(result[index]), item, schema, elem_model)
            if merged is None:
                result.pop(index)
            else:
                result[index] = merged
    return result


def _reorder(items: list[Any], order: list[Any], key: str) -> list[Any]:
    def ident(value: Any) -> Any:
        return value.get(key) if key and isinstance(value, dict) else value

    wanted = [ident(o) for o in order]
    ranked = [i for w in wanted for i in items if ident(i) == w]
    rest = [i for i in items if ident(i) not in wanted]
    return ranked + rest
