"""The `T(...)` allow-list: a few static helpers on Java types, each re-implemented over plain data.

Kork lets Spinnaker expressions use String, Integer, Long, Double, Boolean, Math, UUID, URLEncoder
and the java.time types. We implement the parts of them that pipelines use and that return plain
values: parsing and formatting numbers, Math helpers, `now()` through the injected clock (as ISO
text, which is what `toString()` of the Java object prints), random UUIDs and URL encoding. Every
other type, and every `new`, is refused; nothing here reaches a Python object.
"""

from __future__ import annotations

import datetime as dt
import math
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.expressions import arithmetic
from engine.expressions.conversions import parse_boolean, parse_float, parse_int
from engine.expressions.errors import ExpressionError
from engine.expressions.limits import INT_MAX, INT_MIN, LONG_MAX, LONG_MIN, check_length
from engine.expressions.values import (
    JavaType,
    converted_string,
    is_number,
    java_string,
    sequence,
    type_name,
    unwrap,
)

Static = Callable[[list[object], Callable[[], int]], object]


@dataclass(frozen=True)
class TypeSpec:
    statics: dict[str, Static] = field(default_factory=dict)
    fields: dict[str, object] = field(default_factory=dict)
    instance_check: Callable[[object], bool] | None = None


def _arity(name: str, args: list[object], *counts: int) -> None:
    if len(args) not in counts:
        raise ExpressionError(f"static method {name} does not take {len(args)} arguments")


def _number(name: str, value: object) -> int | float:
    value = unwrap(value)
    if not is_number(value):
        raise ExpressionError(f"static method {name} needs a number, not {type_name(value)}")
    return value  # type: ignore[return-value]


def _math_unary(name: str, fn: Callable[[Any], object]) -> Static:
    def static(args: list[object], now_ms: Callable[[], int]) -> object:
        _arity(name, args, 1)
        return fn(_number(name, args[0]))

    return static


def _math_binary(name: str, fn: Callable[[Any, Any], object]) -> Static:
    def static(args: list[object], now_ms: Callable[[], int]) -> object:
        _arity(name, args, 2)
        return fn(_number(name, args[0]), _number(name, args[1]))

    return static


def _round(x: int | float) -> int:
    if isinstance(x, int):
        return x
    if math.isnan(x):
        return 0
    return int(max(LONG_MIN, min(LONG_MAX, math.floor(x + 0.5))))


def _sqrt(x: int | float) -> float:
    if x < 0:
        raise ExpressionError("square root of a negative number")
    return math.sqrt(x)


def _floor_div(a: int | float, b: int | float) -> int:
    if not (isinstance(a, int) and isinstance(b, int)):
        raise ExpressionError("static method floorDiv needs integers")
    if b == 0:
        raise ExpressionError("division by zero")
    return a // b


def _floor_mod(a: int | float, b: int | float) -> int:
    if not (isinstance(a, int) and isinstance(b, int)):
        raise ExpressionError("static method floorMod needs integers")
    if b == 0:
        raise ExpressionError("division by zero")
    return a % b


_MATH = TypeSpec(
    statics={
        "abs": _math_unary("abs", abs),
        "ceil": _math_unary("ceil", lambda x: float(math.ceil(x))),
        "floor": _math_unary("floor", lambda x: float(math.floor(x))),
        "round": _math_unary("round", _round),
        "sqrt": _math_unary("sqrt", _sqrt),
        "signum": _math_unary("signum", lambda x: float((x > 0) - (x < 0))),
        "max": _math_binary("max", max),
        "min": _math_binary("min", min),
        "pow": _math_binary("pow", lambda a, b: float(arithmetic.power(float(a), b))),
        "floorDiv": _math_binary("floorDiv", _floor_div),
        "floorMod": _math_binary("floorMod", _floor_mod),
    },
    fields={"PI": math.pi, "E": math.e},
)


def _one(name: str, fn: Callable[[object], object]) -> Static:
    def static(args: list[object], now_ms: Callable[[], int]) -> object:
        _arity(name, args, 1)
        return fn(args[0])

    return static


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and INT_MIN <= value <= INT_MAX


def _is_long(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and LONG_MIN <= value <= LONG_MAX


def _parse_int_radix(args: list[object], now_ms: Callable[[], int]) -> object:
    _arity("parseInt", args, 1, 2)
    if len(args) == 1:
        return parse_int(args[0])
    text, radix = unwrap(args[0]), unwrap(args[1])
    if not isinstance(text, str) or not isinstance(radix, int) or not 2 <= radix <= 36:
        raise ExpressionError("static method parseInt needs a string and a radix from 2 to 36")
    try:
        number = int(text, radix)
    except ValueError:
        raise ExpressionError(f'for input string: "{text[:100]}"') from None
    if text.strip() != text or "_" in text or not INT_MIN <= number <= INT_MAX:
        raise ExpressionError(f'for input string: "{text[:100]}"')
    return number


def _string_join(args: list[object], now_ms: Callable[[], int]) -> object:
    if len(args) < 2:
        raise ExpressionError("static method join needs a delimiter and elements")
    delimiter = unwrap(args[0])
    if not isinstance(delimiter, str):
        raise ExpressionError("static method join needs a string delimiter")
    items = (
        sequence(unwrap(args[1]))
        if len(args) == 2 and isinstance(unwrap(args[1]), list | tuple)
        else args[1:]
    )
    texts = ["null" if item is None else java_string(item) for item in items]
    check_length(sum(len(t) for t in texts) + len(delimiter) * max(0, len(texts) - 1))
    return delimiter.join(texts)


def _utc(now_ms: Callable[[], int]) -> dt.datetime:
    return dt.datetime.fromtimestamp(now_ms() / 1000, tz=dt.UTC)


def _local_time_text(moment: dt.datetime) -> str:
    """java.time's toString for a time: seconds and fraction only when non-zero."""
    text = f"{moment.hour:02d}:{moment.minute:02d}"
    if moment.second or moment.microsecond:
        text += f":{moment.second:02d}"
        if moment.microsecond:
            text += f".{moment.microsecond // 1000:03d}"
    return text


def _instant_text(moment: dt.datetime) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def _now(render: Callable[[dt.datetime], str]) -> Static:
    def static(args: list[object], now_ms: Callable[[], int]) -> object:
        _arity("now", args, 0)
        return render(_utc(now_ms))

    return static


def _url_encode(args: list[object], now_ms: Callable[[], int]) -> object:
    _arity("encode", args, 1, 2)
    text = unwrap(args[0])
    if not isinstance(text, str):
        raise ExpressionError("static method encode needs a string")
    # URLEncoder keeps letters, digits and ".-*_", turns spaces into '+' and escapes the rest.
    return urllib.parse.quote_plus(text, safe="*").replace("~", "%7E")


def _random_uuid(args: list[object], now_ms: Callable[[], int]) -> object:
    _arity("randomUUID", args, 0)
    return str(uuid.uuid4())


TYPES: dict[str, TypeSpec] = {
    "java.lang.Math": _MATH,
    "java.lang.Integer": TypeSpec(
        statics={
            "parseInt": _parse_int_radix,
            "valueOf": _one("valueOf", parse_int),
            "toString": _one("toString", lambda v: str(parse_int(v))),
        },
        fields={"MAX_VALUE": INT_MAX, "MIN_VALUE": INT_MIN},
        instance_check=_is_int,
    ),
    "java.lang.Long": TypeSpec(
        statics={
            "parseLong": _one("parseLong", lambda v: parse_int(v, long=True)),
            "valueOf": _one("valueOf", lambda v: parse_int(v, long=True)),
            "toString": _one("toString", lambda v: str(parse_int(v, long=True))),
        },
        fields={"MAX_VALUE": LONG_MAX, "MIN_VALUE": LONG_MIN},
        instance_check=_is_long,
    ),
    "java.lang.Double": TypeSpec(
        statics={
            "parseDouble": _one("parseDouble", parse_float),
            "valueOf": _one("valueOf", parse_float),
            "toString": _one("toString", lambda v: java_string(parse_float(v))),
        },
        instance_check=lambda v: isinstance(v, float),
    ),
    "java.lang.Boolean": TypeSpec(
        statics={
            "parseBoolean": _one("parseBoolean", parse_boolean),
            "valueOf": _one("valueOf", parse_boolean),
            "toString": _one("toString", lambda v: java_string(parse_boolean(v))),
        },
        fields={"TRUE": True, "FALSE": False},
        instance_check=lambda v: isinstance(v, bool),
    ),
    "java.lang.String": TypeSpec(
        statics={
            "valueOf": _one("valueOf", lambda v: "null" if v is None else converted_string(v)),
            "join": _string_join,
        },
        instance_check=lambda v: isinstance(v, str),
    ),
    "java.lang.Number": TypeSpec(instance_check=is_number),
    "java.lang.Object": TypeSpec(instance_check=lambda v: v is not None),
    "java.util.List": TypeSpec(instance_check=lambda v: isinstance(v, list | tuple)),
    "java.util.Map": TypeSpec(instance_check=lambda v: isinstance(v, dict)),
    "java.time.LocalDate": TypeSpec(statics={"now": _now(lambda m: m.date().isoformat())}),
    "java.time.LocalDateTime": TypeSpec(
        statics={"now": _now(lambda m: f"{m.date().isoformat()}T{_local_time_text(m)}")}
    ),
    "java.time.Instant": TypeSpec(statics={"now": _now(_instant_text)}),
    "java.util.UUID": TypeSpec(statics={"randomUUID": _random_uuid}),
    "java.net.URLEncoder": TypeSpec(statics={"encode": _url_encode}),
}
_ALIASES = {
    "java.util.ArrayList": "java.util.List",
    "java.util.Collection": "java.util.List",
    "java.util.HashMap": "java.util.Map",
    "java.util.LinkedHashMap": "java.util.Map",
}


def resolve(name: str) -> JavaType:
    """`T(name)`: short names resolve in java.lang like Spring's type locator."""
    candidates = [name, f"java.lang.{name}"] if "." not in name else [name]
    for candidate in candidates:
        canonical = _ALIASES.get(candidate, candidate)
        if canonical in TYPES:
            return JavaType(canonical)
    raise ExpressionError(f"type '{name}' is not allowed in expressions")


def call_static(
    java_type: JavaType, name: str, args: list[object], now_ms: Callable[[], int]
) -> object:
    static = TYPES[java_type.name].statics.get(name)
    if static is None:
        raise ExpressionError(f"static method {name}() is not allowed on type {java_type.name}")
    return static([unwrap(arg) for arg in args], now_ms)


def read_static(java_type: JavaType, name: str) -> object:
    fields = TYPES[java_type.name].fields
    if name not in fields:
        raise ExpressionError(f"static field {name} is not allowed on type {java_type.name}")
    return fields[name]


def is_instance(value: object, java_type: JavaType) -> bool:
    check = TYPES[java_type.name].instance_check
    if check is None:
        raise ExpressionError(f"instanceof is not supported for type {java_type.name}")
    return check(unwrap(value))
