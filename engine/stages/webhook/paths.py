"""JSONPath reads on webhook responses with Jayway's results: one value, or a list for wildcards."""

from __future__ import annotations

from typing import Any

from jsonpath_ng import Child, Fields, Index, Root, This
from jsonpath_ng.exceptions import JsonPathParserError
from jsonpath_ng.ext.parser import parse


class JsonPathError(ValueError):
    """The expression is invalid, or a definite path found nothing."""


def _definite(node: Any) -> bool:
    """A path naming exactly one place (no wildcard, filter, slice, union or deep scan)."""
    if isinstance(node, Root | This):
        return True
    if isinstance(node, Child):
        return _definite(node.left) and _definite(node.right)
    if isinstance(node, Fields):
        return len(node.fields) == 1 and node.fields[0] != "*"
    if isinstance(node, Index):
        return len(node.indices) == 1
    return False


def read_json_path(document: Any, expression: str) -> Any:
    """Jayway's `JsonPath.read`: a path without `$` is taken from the root."""
    text = expression.strip()
    if not text.startswith(("$", "@")):
        text = "$" + ("" if text.startswith("[") else ".") + text
    try:
        parsed = parse(text)
    except (JsonPathParserError, ValueError, TypeError, AttributeError) as error:
        raise JsonPathError(f"invalid JSONPath {expression!r}: {error}") from None
    values = [match.value for match in parsed.find(document)]
    if not _definite(parsed):
        return values
    if not values:
        raise JsonPathError(f"JSON property {expression!r} not found in the response body")
    return values[0]
