"""The only methods an expression can call on a value: an allow-list per value type."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from engine.expressions import dates, regexes
from engine.expressions.errors import ExpressionError
from engine.expressions.limits import INT_MAX, INT_MIN, LONG_MAX, LONG_MIN, check_length
from engine.expressions.values import equals, is_number, java_string, type_name, unwrap

Method = Callable[[Any, list[object]], object]


def _signature(target: object, name: str, args: list[object]) -> str:
    return f"{name}({', '.join(type_name(arg) for arg in args)})"


def _no_method(target: object, name: str, args: list[object]) -> ExpressionError:
    return ExpressionError(
        f"method {_signature(target, name, args)} cannot be found on type {type_name(target)}"
    )


class _BadArguments(Exception):
    """Raised by a method body when its arguments do not fit any of its Java overloads."""


def _arity(args: list[object], *counts: int) -> None:
    if len(args) not in counts:
        raise _BadArguments


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise _BadArguments


def _int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and INT_MIN <= value <= INT_MAX:
        return value
    raise _BadArguments


def _bounds(message: str) -> ExpressionError:
    return ExpressionError(f"index out of bounds: {message}")


# --- java.lang.String -------------------------------------------------------------------------


def _substring(s: str, args: list[object]) -> str:
    _arity(args, 1, 2)
    begin = _int(args[0])
    end = _int(args[1]) if len(args) == 2 else len(s)
    if begin < 0 or end > len(s) or begin > end:
        raise _bounds(f"begin {begin}, end {end}, length {len(s)}")
    return s[begin:end]


def _index_of(s: str, args: list[object]) -> int:
    _arity(args, 1, 2)
    start = max(0, _int(args[1])) if len(args) == 2 else 0
    return s.find(_text(args[0]), start)


def _last_index_of(s: str, args: list[object]) -> int:
    _arity(args, 1, 2)
    sub = _text(args[0])
    if len(args) == 1:
        return s.rfind(sub)
    start = _int(args[1])
    if start < 0:
        return -1
    return s.rfind(sub, 0, start + len(sub))


def _starts_with(s: str, args: list[object]) -> bool:
    _arity(args, 1, 2)
    offset = _int(args[1]) if len(args) == 2 else 0
    if offset < 0 or offset > len(s):
        return False
    return s.startswith(_text(args[0]), offset)


def _replace(s: str, args: list[object]) -> str:
    _arity(args, 2)
    old, new = _text(args[0]), _text(args[1])
    occurrences = len(s) + 1 if old == "" else s.count(old)
    check_length(len(s) + occurrences * (len(new) - len(old)))
    return s.replace(old, new)


def _char_at(s: str, args: list[object]) -> str:
    _arity(args, 1)
    index = _int(args[0])
    if not 0 <= index < len(s):
        raise _bounds(f"index {index}, length {len(s)}")
    return s[index]


def _concat(s: str, args: list[object]) -> str:
    _arity(args, 1)
    other = _text(args[0])
    check_length(len(s) + len(other))
    return s + other


def _split(s: str, args: list[object]) -> list[str]:
    _arity(args, 1, 2)
    return regexes.split(_text(args[0]), s, _int(args[1]) if len(args) == 2 else 0)


def _replace_all(s: str, args: list[object]) -> str:
    _arity(args, 2)
    return regexes.replace(_text(args[0]), s, _text(args[1]))


def _replace_first(s: str, args: list[object]) -> str:
    _arity(args, 2)
    return regexes.replace(_text(args[0]), s, _text(args[1]), first_only=True)


def _equals_ignore_case(s: str, other: str | None) -> bool:
    # Java compares char by char (upper, then lower case), so 'ß' never equals "SS".
    return (
        other is not None
        and len(s) == len(other)
        and all(
            a == b or a.upper() == b.upper() or a.lower() == b.lower()
            for a, b in zip(s, other, strict=True)
        )
    )


def _java_trim(s: str) -> str:
    # String.trim removes code points <= U+0020 only, not all Unicode whitespace.
    return s.strip("".join(chr(c) for c in range(0x21)))


def _nullary(fn: Callable[[Any], object]) -> Method:
    def method(target: Any, args: list[object]) -> object:
        _arity(args, 0)
        return fn(target)

    return method


def _unary(fn: Callable[[Any, Any], object], convert: Callable[[object], Any]) -> Method:
    def method(target: Any, args: list[object]) -> object:
        _arity(args, 1)
        return fn(target, convert(args[0]))

    return method


def _any(value: object) -> object:
    return value


_COMMON: dict[str, Method] = {
    "toString": _nullary(java_string),
    "equals": _unary(equals, _any),
}

_STRING: dict[str, Method] = {
    **_COMMON,
    "toUpperCase": _nullary(str.upper),
    "toLowerCase": _nullary(str.lower),
    "substring": _substring,
    "contains": _unary(lambda s, sub: sub in s, _text),
    "startsWith": _starts_with,
    "endsWith": _unary(str.endswith, _text),
    "replace": _replace,
    "replaceAll": _replace_all,
    "replaceFirst": _replace_first,
    "split": _split,
    "trim": _nullary(_java_trim),
    "strip": _nullary(str.strip),
    "isBlank": _nullary(lambda s: s.strip() == ""),
    "length": _nullary(len),
    "isEmpty": _nullary(lambda s: s == ""),
    "indexOf": _index_of,
    "lastIndexOf": _last_index_of,
    "equalsIgnoreCase": _unary(_equals_ignore_case, lambda v: None if v is None else _text(v)),
    "matches": _unary(lambda s, pattern: regexes.full_match(pattern, s), _text),
    "charAt": _char_at,
    "concat": _concat,
}

# --- java.util.List ---------------------------------------------------------------------------


def _list_get(items: list[object], args: list[object]) -> object:
    _arity(args, 1)
    index = _int(args[0])
    if not 0 <= index < len(items):
        raise _bounds(f"index {index} out of bounds for length {len(items)}")
    return items[index]


def _list_index_of(items: list[object], args: list[object]) -> int:
    _arity(args, 1)
    return next((i for i, item in enumerate(items) if equals(item, args[0])), -1)


_LIST: dict[str, Method] = {
    **_COMMON,
    "size": _nullary(len),
    "isEmpty": _nullary(lambda items: len(items) == 0),
    "contains": _unary(lambda items, o: any(equals(item, o) for item in items), _any),
    "get": _list_get,
    "indexOf": _list_index_of,
}

# --- java.util.Map ----------------------------------------------------------------------------


def _map_get_or_default(mapping: Mapping[object, object], args: list[object]) -> object:
    _arity(args, 2)
    return mapping[args[0]] if _hashable(args[0]) and args[0] in mapping else args[1]


def _hashable(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


_MAP: dict[str, Method] = {
    **_COMMON,
    "containsKey": _unary(lambda m, k: _hashable(k) and k in m, _any),
    "containsValue": _unary(lambda m, v: any(equals(item, v) for item in m.values()), _any),
    "get": _unary(lambda m, k: m.get(k) if _hashable(k) else None, _any),
    "getOrDefault": _map_get_or_default,
    "keySet": _nullary(list),
    "values": _nullary(lambda m: list(m.values())),
    "size": _nullary(len),
    "isEmpty": _nullary(lambda m: len(m) == 0),
}

# --- java.lang.Number / Boolean ---------------------------------------------------------------


def _int_value(number: int | float) -> int:
    if isinstance(number, float):
        if math.isnan(number):
            return 0
        return int(max(INT_MIN, min(INT_MAX, math.trunc(number))))
    low = number & 0xFFFFFFFF  # Java narrows a long to int by keeping the low 32 bits
    return low - (1 << 32) if low > INT_MAX else low


def _long_value(number: int | float) -> int:
    if isinstance(number, float):
        if math.isnan(number):
            return 0
        return int(max(LONG_MIN, min(LONG_MAX, math.trunc(number))))
    return number


_NUMBER: dict[str, Method] = {
    **_COMMON,
    "intValue": _nullary(_int_value),
    "longValue": _nullary(_long_value),
    "doubleValue": _nullary(float),
}

_BOOLEAN: dict[str, Method] = {
    **_COMMON,
    "booleanValue": _nullary(lambda b: b),
}


def _table(target: object) -> dict[str, Method]:
    if isinstance(target, str):
        return _STRING
    if isinstance(target, bool):
        return _BOOLEAN
    if is_number(target):
        return _NUMBER
    if isinstance(target, list | tuple):
        return _LIST
    if isinstance(target, Mapping):
        return _MAP
    return {}


def call_method(target: object, name: str, args: list[object]) -> object:
    """Call an allow-listed method; anything else is "method not found", never a Python lookup."""
    target = unwrap(target)
    args = [unwrap(arg) for arg in args]
    if target is None:
        raise ExpressionError(f"method call: attempted to call method {name}() on null")
    method = _table(target).get(name)
    if method is None:
        if isinstance(target, dates.JavaDate):
            return dates.date_method(target, name, args)
        if isinstance(target, dates.DateFormat):
            return dates.format_method(target, name, args)
        raise _no_method(target, name, args)
    try:
        return method(target, args)
    except _BadArguments:
        raise _no_method(target, name, args) from None


def has_method(target: object, name: str) -> bool:
    return name in _table(unwrap(target))


__all__ = ["call_method", "has_method"]
