"""Differences between two pipeline documents: JSON-pointer operations and a unified text diff."""

from __future__ import annotations

import difflib
import json
from typing import Any

from engine.catalog.checking import child_pointer

# Like Deck's history view: the save time differs between any two revisions; leave it out.
IGNORED_KEYS = frozenset({"updateTs"})


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key not in IGNORED_KEYS}


def structured_diff(old: Any, new: Any, path: str = "") -> list[dict[str, Any]]:
    """`{op: add|remove|change, path, old?, new?}` per difference (lists compared by position)."""
    if isinstance(old, dict) and isinstance(new, dict):
        ops: list[dict[str, Any]] = []
        for key in old:
            where = child_pointer(path, key)
            if key not in new:
                ops.append({"op": "remove", "path": where, "old": old[key]})
            else:
                ops.extend(structured_diff(old[key], new[key], where))
        ops.extend(
            {"op": "add", "path": child_pointer(path, key), "new": new[key]}
            for key in new
            if key not in old
        )
        return ops
    if isinstance(old, list) and isinstance(new, list):
        ops = []
        for index in range(min(len(old), len(new))):
            ops.extend(structured_diff(old[index], new[index], child_pointer(path, index)))
        # Removals from the end backwards, so applying them in order keeps indexes valid.
        ops.extend(
            {"op": "remove", "path": child_pointer(path, index), "old": old[index]}
            for index in range(len(old) - 1, len(new) - 1, -1)
        )
        ops.extend(
            {"op": "add", "path": child_pointer(path, index), "new": new[index]}
            for index in range(len(old), len(new))
        )
        return ops
    if old == new and type(old) is type(new):
        return []
    return [{"op": "change", "path": path or "/", "old": old, "new": new}]


def pretty(document: Any) -> list[str]:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def text_diff(old: Any, new: Any, *, from_label: str, to_label: str) -> str:
    lines = difflib.unified_diff(
        pretty(old), pretty(new), fromfile=from_label, tofile=to_label, lineterm=""
    )
    text = "\n".join(lines)
    return text + "\n" if text else ""
