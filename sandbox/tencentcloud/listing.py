"""Pagination (Offset/Limit) and `Filters` as the Describe* actions read them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from sandbox.tencentcloud.errors import ApiError
from sandbox.tencentcloud.params import Params

T = TypeVar("T")

Filters = list[tuple[str, list[str]]]


def page(p: Params, items: Sequence[T], *, max_limit: int = 100) -> tuple[int, list[T]]:
    offset = p.integer("Offset", default=0, lo=0)
    limit = p.integer(
        "Limit", default=20, lo=0, hi=max_limit, code="InvalidParameterValue.LimitExceeded"
    )
    assert offset is not None
    assert limit is not None
    return len(items), list(items[offset : offset + limit])


def read_filters(
    p: Params,
    *,
    allowed: Iterable[str],
    tag_prefix: bool = False,
    max_values: int = 5,
    code: str = "InvalidParameterValue.Filter",
) -> Filters:
    known = set(allowed)
    out: Filters = []
    for item in p.objs("Filters", max_items=10) or []:
        name = item.need_text("Name")
        values = item.texts("Values", required=True) or []
        if name not in known and not (tag_prefix and name.startswith("tag:")):
            raise ApiError(code, f"The filter `{name}` is not supported.")
        if len(values) > max_values:
            raise ApiError(
                "LimitExceeded.FilterValuesTooLong",
                f"The filter `{name}` takes at most {max_values} values.",
            )
        out.append((name, values))
    return out


def ids_or_filters(p: Params, ids_name: str, filters: Filters) -> list[str] | None:
    ids = p.texts(ids_name, max_items=100)
    if ids is not None and filters:
        raise ApiError(
            "InvalidParameter.Conflict",
            f"The parameters `{ids_name}` and `Filters` cannot be specified together.",
        )
    return ids


def matches(filters: Filters, field: Callable[[str], Iterable[str] | None]) -> bool:
    """Values of one filter are OR-ed, filters are AND-ed; `field(name)` gives the item's values."""
    for name, values in filters:
        have = set(field(name) or ())
        if not have.intersection(values):
            return False
    return True


def tag_field(tags: Iterable[dict[str, str]], name: str) -> list[str] | None:
    tags = list(tags)
    if name == "tag-key":
        return [t["Key"] for t in tags]
    if name == "tag-value":
        return [t.get("Value", "") for t in tags]
    if name.startswith("tag:"):
        key = name[4:]
        return [t.get("Value", "") for t in tags if t["Key"] == key]
    return None
