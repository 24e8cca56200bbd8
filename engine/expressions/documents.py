"""Bounded conversion between text documents (JSON, YAML, properties) and plain values."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import re
from collections.abc import Mapping

import yaml

from engine.expressions.errors import ExpressionError, ExpressionLimitError
from engine.expressions.limits import (
    MAX_DOCUMENT_DEPTH,
    MAX_DOCUMENT_NODES,
    MAX_STRING_LENGTH,
    check_length,
)
from engine.expressions.values import JavaObject, JavaType, NotEvaluable, java_string


class _Walk:
    """One bounded deep copy: counts nodes (alias bombs) and the text they would serialize to."""

    def __init__(self) -> None:
        self.nodes = 0
        self.size = 0

    def copy(self, value: object, depth: int = 0) -> object:
        self.nodes += 1
        if self.nodes > MAX_DOCUMENT_NODES:
            raise ExpressionLimitError(
                f"value has more than {MAX_DOCUMENT_NODES} elements (expanded)"
            )
        if depth > MAX_DOCUMENT_DEPTH:
            raise ExpressionLimitError(f"value nests deeper than {MAX_DOCUMENT_DEPTH} levels")
        if isinstance(value, NotEvaluable):
            return self.copy(value.value, depth)
        if isinstance(value, float) and not math.isfinite(value):
            raise ExpressionError("NaN and Infinity cannot be represented")
        if value is None or isinstance(value, bool | int | float):
            self.size += 8
            return value
        if isinstance(value, str):
            self.size += len(value) + 2
            return value
        if isinstance(value, list | tuple | set | frozenset):
            self.size += 2
            return [self.copy(item, depth + 1) for item in value]
        if isinstance(value, Mapping):
            self.size += 2
            return {self._key(key): self.copy(item, depth + 1) for key, item in value.items()}
        if isinstance(value, dt.datetime | dt.date):
            text = value.isoformat()
            self.size += len(text)
            return text
        if isinstance(value, bytes):
            text = base64.b64encode(value).decode("ascii")
            self.size += len(text)
            return text
        if isinstance(value, JavaType):
            raise ExpressionError(f"a type reference T({value.name}) is not a value")
        if isinstance(value, JavaObject):
            return self.copy(value.to_plain(), depth)
        raise ExpressionError(f"unsupported value of type {type(value).__name__}")

    def _key(self, key: object) -> object:
        self.size += 4
        if key is None or isinstance(key, str | bool | int | float):
            self.size += len(key) if isinstance(key, str) else 8
            return key
        return java_string(self.copy(key))


def to_plain(value: object) -> object:
    """A bounded deep copy made only of dict, list, str, int, float, bool and None."""
    return _Walk().copy(value)


def to_json(value: object) -> str:
    """`#toJson`: compact JSON like Jackson's default mapper."""
    allow_expressions = isinstance(value, NotEvaluable)
    walk = _Walk()
    plain = walk.copy(value)
    check_length(walk.size)
    text = json.dumps(plain, separators=(",", ":"), ensure_ascii=False)
    check_length(len(text))
    if "${" in text and not allow_expressions:
        raise ExpressionError("result for toJson cannot contain an expression")
    return text


def read_json(text: str) -> object:
    """`#readJson`: a JSON array when the text starts with '[', otherwise a JSON object."""
    try:
        parsed = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise ExpressionError(f"#readJson failed: {_reason(exc)}") from None
    wanted = list if text.startswith("[") else dict
    if not isinstance(parsed, wanted):
        raise ExpressionError(f"#readJson failed: expected a JSON {wanted.__name__}")
    return to_plain(parsed)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _expanded_nodes(value: object, memo: dict[int, int], depth: int = 0) -> int:
    """Node count once YAML aliases are expanded, computed over the shared graph (cheaply)."""
    if depth > MAX_DOCUMENT_DEPTH:
        raise ExpressionLimitError(f"value nests deeper than {MAX_DOCUMENT_DEPTH} levels")
    if not isinstance(value, list | dict):
        return 1
    known = memo.get(id(value))
    if known is not None:
        return known
    children = value.values() if isinstance(value, dict) else value
    total = 1 + sum(_expanded_nodes(child, memo, depth + 1) for child in children)
    memo[id(value)] = total
    return total


def _check_aliases(parsed: object) -> None:
    if _expanded_nodes(parsed, {}) > MAX_DOCUMENT_NODES:
        raise ExpressionLimitError(
            f"document has more than {MAX_DOCUMENT_NODES} elements once aliases are expanded"
        )


def read_yaml(text: str) -> object:
    try:
        parsed = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise ExpressionError(f"#readYaml failed: {_reason(exc)}") from None
    _check_aliases(parsed)
    return to_plain(parsed)


def read_all_yaml(text: str) -> list[object]:
    try:
        documents = list(yaml.safe_load_all(text))
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise ExpressionError(f"#readAllYaml failed: {_reason(exc)}") from None
    _check_aliases(documents)
    plain = to_plain(documents)
    assert isinstance(plain, list)
    return plain


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "document nests too deeply"
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}
_CONTINUED = re.compile(r"(\\\\)*\\$")


def read_properties(text: str) -> dict[str, str]:
    """Java .properties text: comments, continuation lines, `=`/`:`/space separators, escapes."""
    if len(text) > MAX_STRING_LENGTH:
        raise ExpressionLimitError("properties document is too large")
    result: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].lstrip(" \t\f")
        index += 1
        if not line or line[0] in "#!":
            continue
        while _CONTINUED.search(line) and index < len(lines):
            line = line[:-1] + lines[index].lstrip(" \t\f")
            index += 1
        key, value = _split_property(line)
        result[_unescape(key)] = _unescape(value)
    return result


def _split_property(line: str) -> tuple[str, str]:
    position = 0
    while position < len(line):
        char = line[position]
        if char == "\\":
            position += 2
            continue
        if char in "=: \t\f":
            break
        position += 1
    key = line[:position]
    rest = line[position:].lstrip(" \t\f")
    if rest[:1] in ("=", ":"):
        rest = rest[1:].lstrip(" \t\f")
    return key, rest


def _unescape(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\" or index + 1 == len(text):
            out.append(char)
            index += 1
            continue
        following = text[index + 1]
        if following == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[index + 2 : index + 6]):
            out.append(chr(int(text[index + 2 : index + 6], 16)))
            index += 6
            continue
        out.append(_ESCAPES.get(following, following))
        index += 2
    return "".join(out)


def decode_base64(text: str) -> str:
    """`#fromBase64`: strict alphabet; missing padding tolerated; invalid UTF-8 replaced."""
    padded = text + "=" * (-len(text) % 4)
    try:
        raw = base64.b64decode(padded, validate=True)
    except ValueError:
        raise ExpressionError("#fromBase64 failed: input is not valid base64") from None
    return raw.decode("utf-8", "replace")


def encode_base64(text: str) -> str:
    check_length(len(text) * 4 // 3 + 4)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")
