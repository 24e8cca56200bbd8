"""Java-flavoured semantics over plain Python data: type names, toString, truth, equality, order."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import cast

from engine.expressions.errors import ExpressionError
from engine.expressions.limits import INT_MAX, INT_MIN, LONG_MAX, LONG_MIN, check_length


class JavaType:
    """The value of `T(name)`: usable only as the target of a static call or `instanceof`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"T({self.name})"


class JavaObject:
    """An allow-listed Java object (a Date, a SimpleDateFormat) re-implemented in Python."""

    java_type = "java.lang.Object"

    def to_java_string(self) -> str:
        raise NotImplementedError

    def to_plain(self) -> object:
        """What the object becomes in a result (Jackson's serialization of it)."""
        raise ExpressionError(f"an object of type {self.java_type} is not a value")

    def java_equals(self, other: object) -> bool:
        return self is other

    def java_compare(self, other: object) -> int | None:
        return None


class NotEvaluable:
    """What `#doNotEval(x)` returns: `x`, marked so `#toJson` accepts `${` inside it."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


def unwrap(value: object) -> object:
    return value.value if isinstance(value, NotEvaluable) else value


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_list(value: object) -> bool:
    return isinstance(value, list | tuple)


def type_name(value: object) -> str:
    """The Java class a value stands for, as SpEL error messages name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "java.lang.Boolean"
    if isinstance(value, int):
        return "java.lang.Integer" if INT_MIN <= value <= INT_MAX else "java.lang.Long"
    if isinstance(value, float):
        return "java.lang.Double"
    if isinstance(value, str):
        return "java.lang.String"
    if isinstance(value, list | tuple):
        return "java.util.ArrayList"
    if isinstance(value, Mapping):
        return "java.util.LinkedHashMap"
    if isinstance(value, JavaType):
        return "java.lang.Class"
    if isinstance(value, JavaObject):
        return value.java_type
    return "java.lang.Object"


def check_integer(value: int) -> int:
    """Integers behave as Java longs; we refuse overflow instead of wrapping silently."""
    if not LONG_MIN <= value <= LONG_MAX:
        raise ExpressionError("numeric overflow: result does not fit in a 64-bit long")
    return value


def check_float(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        raise ExpressionError("numeric result is not a finite number")
    return value


def java_double(value: float) -> str:
    """Double.toString: shortest digits, scientific notation outside [1e-3, 1e7)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    digits_tuple = Decimal(repr(magnitude)).normalize().as_tuple()
    digits = "".join(str(d) for d in digits_tuple.digits)
    exponent = int(digits_tuple.exponent) + len(digits) - 1  # scientific exponent
    if 1e-3 <= magnitude < 1e7:
        if exponent >= 0:
            whole = digits[: exponent + 1].ljust(exponent + 1, "0")
            fraction = digits[exponent + 1 :] or "0"
        else:
            whole = "0"
            fraction = "0" * (-exponent - 1) + digits
        return f"{sign}{whole}.{fraction}"
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{sign}{mantissa}E{exponent}"


def java_string(value: object) -> str:
    """String.valueOf(value): what `.toString()` and `'' + x` give for scalars, maps and lists."""
    parts: list[str] = []
    _write_java(value, parts, [0])
    return "".join(parts)


def _emit(parts: list[str], size: list[int], text: str) -> None:
    size[0] += len(text)
    check_length(size[0])
    parts.append(text)


def _write_java(value: object, parts: list[str], size: list[int], depth: int = 0) -> None:
    if depth > 200:
        raise ExpressionError("value is nested too deeply to convert to a string")
    value = unwrap(value)
    if isinstance(value, str):
        _emit(parts, size, value)
    elif value is None:
        _emit(parts, size, "null")
    elif isinstance(value, bool):
        _emit(parts, size, "true" if value else "false")
    elif isinstance(value, int):
        _emit(parts, size, str(value))
    elif isinstance(value, float):
        _emit(parts, size, java_double(value))
    elif isinstance(value, list | tuple):
        _emit(parts, size, "[")
        for index, item in enumerate(value):
            if index:
                _emit(parts, size, ", ")
            _write_java(item, parts, size, depth + 1)
        _emit(parts, size, "]")
    elif isinstance(value, Mapping):
        _emit(parts, size, "{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                _emit(parts, size, ", ")
            _write_java(key, parts, size, depth + 1)
            _emit(parts, size, "=")
            _write_java(item, parts, size, depth + 1)
        _emit(parts, size, "}")
    elif isinstance(value, JavaType):
        _emit(parts, size, f"class {value.name}")
    elif isinstance(value, JavaObject):
        _emit(parts, size, value.to_java_string())
    else:
        raise ExpressionError(f"cannot convert {type_name(value)} to a string")


def converted_string(value: object) -> str:
    """Spring's conversion service to String: lists join with ',', everything else as toString.

    This is what `'text' + list` and a `${list}` embedded in longer text produce in SpEL.
    """
    return _converted(value, 0)


def _converted(value: object, depth: int) -> str:
    if depth > 200:
        raise ExpressionError("value is nested too deeply to convert to a string")
    value = unwrap(value)
    if isinstance(value, list | tuple):
        parts: list[str] = []
        size = 0
        for index, item in enumerate(value):
            text = "null" if item is None else _converted(item, depth + 1)
            size += len(text) + (1 if index else 0)
            check_length(size)
            parts.append(text)
        return ",".join(parts)
    return java_string(value)


_TRUE_WORDS = frozenset({"true", "on", "yes", "1"})
_FALSE_WORDS = frozenset({"false", "off", "no", "0"})


def to_boolean(value: object, what: str = "condition") -> bool:
    """Boolean conversion for `and`, `or`, `!`, ternary and selection (Spring's String→Boolean)."""
    value = unwrap(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE_WORDS:
            return True
        if lowered in _FALSE_WORDS:
            return False
        raise ExpressionError(f"invalid boolean value '{value}' for the {what}")
    raise ExpressionError(
        f"the {what} must be a boolean, not {'null' if value is None else type_name(value)}"
    )


def equals(left: object, right: object) -> bool:
    """SpEL `==`: numbers by value (never booleans), strings by content, collections deeply."""
    left, right = unwrap(left), unwrap(right)
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if is_number(left) and is_number(right):
        return left == right
    if isinstance(left, str) or isinstance(right, str):
        return isinstance(left, str) and isinstance(right, str) and left == right
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(
            equals(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(equals(left[k], right[k]) for k in left)
    if isinstance(left, JavaType) and isinstance(right, JavaType):
        return left.name == right.name
    if isinstance(left, JavaObject):
        return left.java_equals(right)
    return False


def compare(left: object, right: object) -> int:
    """SpEL ordering: null sorts first, numbers by value, strings and booleans among themselves."""
    left, right = unwrap(left), unwrap(right)
    if left is None or right is None:
        return (left is not None) - (right is not None)
    if is_number(left) and is_number(right):
        a, b = cast(float, left), cast(float, right)
        return (a > b) - (a < b)
    if isinstance(left, str) and isinstance(right, str):
        return (left > right) - (left < right)
    if isinstance(left, bool) and isinstance(right, bool):
        return int(left) - int(right)
    if isinstance(left, JavaObject):
        order = left.java_compare(right)
        if order is not None:
            return order
    raise ExpressionError(f"cannot compare instances of {type_name(left)} and {type_name(right)}")


def sequence(value: object) -> Sequence[object]:
    if isinstance(value, list | tuple):
        return value
    raise ExpressionError(f"expected a list, not {type_name(value)}")
