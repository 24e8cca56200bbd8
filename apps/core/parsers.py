"""JSON request parsing that refuses oversized, malformed, non-standard or too-deep bodies."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from apps.core.conf import platform_settings
from apps.core.errors import PayloadTooLarge


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, iteratively (no recursion on hostile input)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item)
    return deepest


def read_limited(stream: Any, declared_length: int | None) -> bytes:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and declared_length is not None and declared_length > limit:
        raise PayloadTooLarge(f"The request body is {declared_length} bytes; the limit is {limit}.")
    body = stream.read(limit + 1 if limit is not None else -1)
    if limit is not None and len(body) > limit:
        raise PayloadTooLarge(f"The request body exceeds the limit of {limit} bytes.")
    return body


def loads_strict(body: bytes | str) -> Any:
    """Parses JSON, rejecting NaN/Infinity and nesting deeper than MAX_JSON_DEPTH."""
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"The request body is not UTF-8: {exc.reason} at byte {exc.start}."
        ) from exc
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"Malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}."
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"Malformed JSON: {exc}.") from exc
    if json_depth(data) > platform_settings.MAX_JSON_DEPTH:
        raise ParseError(f"JSON nested deeper than {platform_settings.MAX_JSON_DEPTH} levels.")
    return data


class StrictJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        request = (parser_context or {}).get("request")
        declared = None
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0) or None
            except ValueError:
                declared = None
        if stream is None:
            return {}
        return loads_strict(read_limited(stream, declared))


class MergePatchParser(StrictJSONParser):
    """RFC 7386 JSON merge patch bodies (PATCH of a pipeline)."""

    media_type = "application/merge-patch+json"
