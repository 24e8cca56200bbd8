"""SpEL arithmetic with Java's integer rules (truncating division, remainder sign), no overflow."""

from __future__ import annotations

import math
from typing import cast

from engine.expressions.errors import ExpressionError, ExpressionLimitError
from engine.expressions.limits import MAX_REPEATED_TEXT, check_length
from engine.expressions.values import (
    check_float,
    check_integer,
    converted_string,
    is_integer,
    is_number,
    type_name,
    unwrap,
)

_NAMES = {"+": "ADD", "-": "SUBTRACT", "*": "MULTIPLY", "/": "DIVIDE", "%": "MODULUS", "^": "POWER"}


def _unsupported(op: str, left: object, right: object) -> ExpressionError:
    return ExpressionError(
        f"the operator '{_NAMES[op]}' is not supported between objects of type "
        f"'{type_name(left)}' and '{type_name(right)}'"
    )


def apply(op: str, left: object, right: object) -> object:
    left, right = unwrap(left), unwrap(right)
    if op == "+":
        return add(left, right)
    if op == "*" and isinstance(left, str) and is_integer(right):
        return _repeat(left, cast(int, right))
    if not (is_number(left) and is_number(right)):
        raise _unsupported(op, left, right)
    a: int | float = left  # type: ignore[assignment]
    b: int | float = right  # type: ignore[assignment]
    if op == "-":
        return _result(a - b)
    if op == "*":
        return _result(a * b)
    if op == "/":
        return divide(a, b)
    if op == "%":
        return remainder(a, b)
    if op == "^":
        return power(a, b)
    raise ExpressionError(f"unknown operator {op!r}")


def add(left: object, right: object) -> object:
    """Numbers add; if either side is a string the other is converted and concatenated."""
    if is_number(left) and is_number(right):
        return _result(left + right)  # type: ignore[operator]
    if isinstance(left, str) or isinstance(right, str):
        left_text = "null" if left is None else converted_string(left)
        right_text = "null" if right is None else converted_string(right)
        check_length(len(left_text) + len(right_text))
        return left_text + right_text
    raise _unsupported("+", left, right)


def _repeat(text: str, count: int) -> str:
    if count < 0:
        raise ExpressionError(f"repeat count '{count}' must not be negative")
    if len(text) * count > MAX_REPEATED_TEXT:
        raise ExpressionLimitError(
            f"repeated text would exceed the limit of {MAX_REPEATED_TEXT} characters"
        )
    return text * count


def _result(value: int | float) -> int | float:
    if isinstance(value, int):
        return check_integer(value)
    return check_float(value)


def divide(a: int | float, b: int | float) -> int | float:
    if b == 0:
        # Java would give Infinity for doubles; that cannot be stored as JSON, so both refuse.
        raise ExpressionError("division by zero")
    if isinstance(a, int) and isinstance(b, int):
        quotient = abs(a) // abs(b)
        return check_integer(quotient if (a < 0) == (b < 0) else -quotient)
    return check_float(a / b)


def remainder(a: int | float, b: int | float) -> int | float:
    if b == 0:
        raise ExpressionError("division by zero")
    if isinstance(a, int) and isinstance(b, int):
        rest = abs(a) % abs(b)
        return -rest if a < 0 else rest
    return check_float(math.fmod(a, b))


def power(base: int | float, exponent: int | float) -> int | float:
    if isinstance(base, int) and isinstance(exponent, int) and exponent >= 0:
        # Estimate the size first so `10 ^ 999999999` is refused without being computed.
        if abs(base) > 1 and (abs(base).bit_length() - 1) * exponent > 64:
            raise ExpressionError("numeric overflow: result does not fit in a 64-bit long")
        return check_integer(base**exponent)
    try:
        result = math.pow(base, exponent)
    except (OverflowError, ValueError):
        raise ExpressionError("numeric overflow or invalid power") from None
    return check_float(result)


def negate(value: object) -> object:
    value = unwrap(value)
    if not is_number(value):
        raise ExpressionError(f"the operator 'SUBTRACT' is not supported on '{type_name(value)}'")
    return _result(-value)  # type: ignore[operator]
