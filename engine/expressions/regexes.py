"""Regular expressions for `matches`, replaceAll and split, run on RE2 to finish in linear time.

Java's engine (and Python's `re`) backtrack, so a pattern like `(a+)+$` can take exponential time;
Spring only caps the pattern length and counts character reads. RE2 never backtracks: matching is
linear in the input, which makes untrusted patterns safe. The price is that backreferences and
lookaround are refused with a clear error. Pattern and input lengths are also capped.
"""

from __future__ import annotations

import functools
from typing import Any

from engine.expressions.errors import ExpressionError, ExpressionLimitError
from engine.expressions.limits import MAX_REGEX_INPUT, MAX_REGEX_LENGTH, check_length

_DIGITS = "0123456789"
_RE2_MEMORY = 8 << 20  # per compiled program; bounds what a large character class can cost


def _re2() -> Any:
    try:
        import re2
    except ImportError:  # pragma: no cover - the dependency is declared; this guards a bad install
        raise ExpressionError(
            "regular expressions are unavailable: the google-re2 package is not installed"
        ) from None
    return re2


@functools.lru_cache(maxsize=512)
def _compile(pattern: str) -> Any:
    re2 = _re2()
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _RE2_MEMORY
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else "invalid pattern"
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise ExpressionError(f"invalid regular expression '{pattern}': {detail}") from None


def compile_pattern(pattern: str) -> Any:
    if len(pattern) > MAX_REGEX_LENGTH:
        raise ExpressionLimitError(
            f"regular expression of {len(pattern)} characters exceeds the limit of "
            f"{MAX_REGEX_LENGTH}"
        )
    return _compile(pattern)


def _check_input(text: str) -> None:
    if len(text) > MAX_REGEX_INPUT:
        raise ExpressionLimitError(
            f"regular expression input of {len(text)} characters exceeds the limit of "
            f"{MAX_REGEX_INPUT}"
        )


def full_match(pattern: str, text: str) -> bool:
    """Java's String.matches: the whole input must match."""
    regex = compile_pattern(pattern)
    _check_input(text)
    return regex.fullmatch(text) is not None


def _replacement(template: str, regex: Any) -> list[str | int]:
    """Parse Java replacement syntax: `$1`, `${name}`, and `\\x` for a literal x."""
    parts: list[str | int] = []
    literal: list[str] = []
    index = 0
    groups: int = regex.groups
    names: dict[str, int] = dict(regex.groupindex)
    while index < len(template):
        char = template[index]
        if char == "\\":
            index += 1
            if index == len(template):
                raise ExpressionError("character to be escaped is missing in the replacement")
            literal.append(template[index])
            index += 1
            continue
        if char != "$":
            literal.append(char)
            index += 1
            continue
        index += 1
        if index == len(template):
            raise ExpressionError("illegal group reference: group index is missing")
        if template[index] == "{":
            end = template.find("}", index)
            name = template[index + 1 : end] if end > 0 else ""
            if end < 0 or name not in names:
                raise ExpressionError(f"no group with name {{{name}}} in the replacement")
            group = names[name]
            index = end + 1
        elif template[index] in _DIGITS:
            group = int(template[index])
            index += 1
            # Java keeps reading digits while the number is still a valid group.
            while index < len(template) and template[index] in _DIGITS:
                candidate = group * 10 + int(template[index])
                if candidate > groups:
                    break
                group = candidate
                index += 1
            if group > groups:
                raise ExpressionError(f"no group {group} in the replacement")
        else:
            raise ExpressionError("illegal group reference in the replacement")
        if literal:
            parts.append("".join(literal))
            literal = []
        parts.append(group)
    if literal:
        parts.append("".join(literal))
    return parts


def replace(pattern: str, text: str, template: str, *, first_only: bool = False) -> str:
    """Java's replaceAll / replaceFirst."""
    regex = compile_pattern(pattern)
    _check_input(text)
    parts = _replacement(template, regex)
    pieces: list[str] = []
    size = 0
    last = 0
    for match in regex.finditer(text):
        start, end = match.span()
        chunk = [text[last:start]]
        for part in parts:
            if isinstance(part, int):
                chunk.append(match.group(part) or "")
            else:
                chunk.append(part)
        piece = "".join(chunk)
        size += len(piece)
        check_length(size + len(text) - end)
        pieces.append(piece)
        last = end
        if first_only:
            break
    pieces.append(text[last:])
    return "".join(pieces)


def split(pattern: str, text: str, limit: int = 0) -> list[str]:
    """Java's String.split: no leading empty part for a zero-width match at 0; with limit 0
    trailing empty parts are removed."""
    regex = compile_pattern(pattern)
    _check_input(text)
    parts: list[str] = []
    last = 0
    for match in regex.finditer(text):
        start, end = match.span()
        if end == 0:
            continue
        if limit > 0 and len(parts) == limit - 1:
            break
        parts.append(text[last:start])
        last = end
    if not parts:
        return [text]
    parts.append(text[last:])
    if limit == 0:
        while parts and parts[-1] == "":
            parts.pop()
    return parts
