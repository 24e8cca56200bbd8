"""Side-by-side rows of a line diff (changed lines paired, long unchanged runs folded)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

CONTEXT = 3


def _fold(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keeps CONTEXT unchanged lines around each change; longer runs become one `fold` row."""
    keep = [False] * len(rows)
    for index, row in enumerate(rows):
        if row["kind"] != "equal":
            for near in range(max(0, index - CONTEXT), min(len(rows), index + CONTEXT + 1)):
                keep[near] = True
    folded: list[dict[str, Any]] = []
    hidden = 0
    for index, row in enumerate(rows):
        if keep[index]:
            if hidden:
                folded.append({"kind": "fold", "count": hidden})
                hidden = 0
            folded.append(row)
        else:
            hidden += 1
    if hidden:
        folded.append({"kind": "fold", "count": hidden})
    return folded


def side_by_side(old: Sequence[str], new: Sequence[str]) -> tuple[list[dict[str, Any]], int]:
    """Rows `{kind, old_no, old, new_no, new}` (kind: equal/changed/removed/added/fold) and
    the number of changed rows."""
    rows: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                {"kind": "equal", "old_no": i + 1, "old": old[i], "new_no": j + 1, "new": new[j]}
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        length = max(i2 - i1, j2 - j1)
        for offset in range(length):
            i, j = i1 + offset, j1 + offset
            has_old, has_new = i < i2, j < j2
            kind = "changed" if has_old and has_new else ("removed" if has_old else "added")
            rows.append(
                {
                    "kind": kind,
                    "old_no": i + 1 if has_old else None,
                    "old": old[i] if has_old else "",
                    "new_no": j + 1 if has_new else None,
                    "new": new[j] if has_new else "",
                }
            )
    changed = sum(1 for row in rows if row["kind"] != "equal")
    return (_fold(rows) if changed else []), changed
