"""Java's string-to-value parsing rules (Integer.valueOf, Float.valueOf, Boolean.valueOf)."""

from __future__ import annotations

import re

from engine.expressions.errors import ExpressionError
from engine.expressions.limits import INT_MAX, INT_MIN, LONG_MAX, LONG_MIN
from engine.expressions.values import check_float, is_number, java_string, unwrap

_INTEGER = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?")


def parse_int(value: object, *, long: bool = False) -> int:
    """Integer.valueOf / Long.valueOf: optional sign and ASCII digits only, range-checked."""
    value = unwrap(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value) and len(value) <= 40:
        number = int(value)
    else:
        text = "null" if value is None else java_string(value)
        raise ExpressionError(f'for input string: "{text[:100]}"')
    low, high = (LONG_MIN, LONG_MAX) if long else (INT_MIN, INT_MAX)
    if not low <= number <= high:
        raise ExpressionError(f'for input string: "{number}" (out of range)')
    return number


def parse_float(value: object) -> float:
    """Float.valueOf / Double.valueOf: surrounding whitespace allowed, optional f/d suffix.

    Java also accepts "NaN" and "Infinity"; they are refused because JSON cannot carry them.
    """
    value = unwrap(value)
    if is_number(value):
        return float(value)  # type: ignore[arg-type]
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= 400 and _FLOAT.fullmatch(text):
            return check_float(float(text.rstrip("fFdD")))
    text = "null" if value is None else java_string(value)
    raise ExpressionError(f'for input string: "{text[:100]}"')


def parse_boolean(value: object) -> bool:
    """Boolean.valueOf: true only for "true" in any case; never an error."""
    value = unwrap(value)
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.lower() == "true"
