"""Lenient, Spinnaker-like checks of configuration values against catalogue field schemas.

A value is refused only where Orca (Jackson) could not use it either: numbers may be written
as strings, booleans as "true"/"false", any field may hold a `${...}` expression, unknown keys
are kept. Findings carry JSON pointers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from engine.catalog.cron import check_cron
from engine.catalog.model import (
    MISSING,
    Condition,
    ExpressionPolicy,
    Field,
    FieldType,
    Problem,
    Requirement,
    Severity,
)
from engine.expressions import check_expression

_INTEGER = re.compile(r"^\s*[+-]?\d+(?:\.0*)?\s*$")
_NUMBER = re.compile(r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$")
_BOOLEAN_TEXT = frozenset({"true", "false"})
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")


def pointer_token(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def child_pointer(pointer: str, token: object) -> str:
    return f"{pointer}/{pointer_token(token)}"


def is_expression(value: object) -> bool:
    return isinstance(value, str) and "${" in value


def is_blank(value: object) -> bool:
    return value is None or value is MISSING or (isinstance(value, str) and not value.strip())


def shown(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def condition_holds(condition: Condition, data: Mapping[str, Any], fields: Sequence[Field]) -> bool:
    value = data.get(condition.field, MISSING)
    if value is MISSING or value is None:
        sibling = next((each for each in fields if each.name == condition.field), None)
        value = sibling.default if sibling is not None and sibling.has_default else None
    if isinstance(value, str):
        lowered = value.strip().lower()
        return any(
            isinstance(option, str) and option.lower() == lowered for option in condition.values
        ) or (lowered in _BOOLEAN_TEXT and (lowered == "true") in condition.values)
    return any(value == option and type(value) is type(option) for option in condition.values)


def check_object(
    fields: Sequence[Field],
    data: Mapping[str, Any],
    pointer: str,
    requirements: Iterable[Requirement] = (),
) -> list[Problem]:
    """Checks the known keys of `data`; unknown keys are not looked at (they are preserved)."""
    problems: list[Problem] = []
    for field in fields:
        applies = field.when is None or condition_holds(field.when, data, fields)
        value = data.get(field.name, MISSING)
        where = child_pointer(pointer, field.name)
        if is_blank(value):
            if field.required and applies:
                problems.append(
                    Problem(
                        where, f"{field.name!r} ({field.label.en}) is required.", code="required"
                    )
                )
            continue
        if applies:
            problems.extend(check_value(field, value, where))
    for requirement in requirements:
        if requirement.when is not None and not condition_holds(requirement.when, data, fields):
            continue
        if all(is_blank(data.get(name, MISSING)) for name in requirement.any_of):
            problems.append(
                Problem(
                    child_pointer(pointer, requirement.any_of[0]),
                    requirement.message.en,
                    code="required",
                )
            )
    return problems


def check_value(field: Field, value: Any, pointer: str) -> list[Problem]:
    if is_expression(value):
        return []
    checker = _CHECKERS[field.type]
    return checker(field, value, pointer)


def _error(pointer: str, message: str, code: str = "type") -> Problem:
    return Problem(pointer, message, Severity.ERROR, code)


def _warning(pointer: str, message: str, code: str) -> Problem:
    return Problem(pointer, message, Severity.WARNING, code)


def _check_string(field: Field, value: Any, pointer: str) -> list[Problem]:
    if isinstance(value, dict | list):
        kind = "an object" if isinstance(value, dict) else "a list"
        return [_error(pointer, f"{field.name or 'This value'!r} must be text, not {kind}.")]
    problems = _check_enum(field, value, pointer)
    if isinstance(value, str) and field.format is not None:
        problems.extend(_check_format(field.format, value, pointer))
    return problems


def _check_format(kind: str, value: str, pointer: str) -> list[Problem]:
    if kind == "regex":
        try:
            re.compile(value)
        except re.error as error:
            return [_error(pointer, f"Not a valid regular expression: {error}.", "regex")]
    elif kind == "cron":
        reason = check_cron(value)
        if reason is not None:
            return [_error(pointer, f"Not a valid cron expression: {reason}.", "cron")]
    elif kind == "expression":
        problem = check_expression(value, pointer)
        if problem is not None:
            return [
                _error(
                    pointer,
                    f"Expression does not parse at offset {problem.offset}: {problem.message}",
                    "expression",
                )
            ]
    elif kind == "url" and not _URL.match(value.strip()):
        return [_error(pointer, f"Not an absolute URL: {shown(value)}.", "url")]
    return []


def _check_integer(field: Field, value: Any, pointer: str) -> list[Problem]:
    number: float
    if isinstance(value, bool | dict | list):
        return [_error(pointer, f"{field.name or 'This value'!r} must be a whole number.")]
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str) and _INTEGER.match(value):
        number = float(value)
    else:
        return [
            _error(
                pointer,
                f"{field.name or 'This value'!r} must be a whole number, not {shown(value)}.",
            )
        ]
    return _check_range(field, number, pointer) + _check_enum(field, value, pointer)


def _check_number(field: Field, value: Any, pointer: str) -> list[Problem]:
    number: float
    if isinstance(value, bool | dict | list):
        return [_error(pointer, f"{field.name or 'This value'!r} must be a number.")]
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str) and _NUMBER.match(value):
        number = float(value)
    else:
        return [
            _error(pointer, f"{field.name or 'This value'!r} must be a number, not {shown(value)}.")
        ]
    return _check_range(field, number, pointer)


def _check_range(field: Field, number: float, pointer: str) -> list[Problem]:
    # Out-of-range numbers run in Spinnaker (usually clamped or ignored): warn, do not refuse.
    if field.minimum is not None and number < field.minimum:
        return [
            _warning(pointer, f"{number:g} is below the usual minimum {field.minimum:g}.", "range")
        ]
    if field.maximum is not None and number > field.maximum:
        return [
            _warning(pointer, f"{number:g} is above the usual maximum {field.maximum:g}.", "range")
        ]
    return []


def _check_boolean(field: Field, value: Any, pointer: str) -> list[Problem]:
    if isinstance(value, bool):
        return []
    if isinstance(value, str) and value.strip().lower() in _BOOLEAN_TEXT:
        return []
    if isinstance(value, int) and value in (0, 1):
        return []
    return [
        _error(
            pointer, f"{field.name or 'This value'!r} must be true or false, not {shown(value)}."
        )
    ]


def _check_object(field: Field, value: Any, pointer: str) -> list[Problem]:
    if not isinstance(value, dict):
        return [
            _error(
                pointer, f"{field.name or 'This value'!r} must be an object, not {shown(value)}."
            )
        ]
    return check_object(field.fields, value, pointer) if field.fields else []


def _check_array(field: Field, value: Any, pointer: str) -> list[Problem]:
    if not isinstance(value, list):
        return [
            _error(pointer, f"{field.name or 'This value'!r} must be a list, not {shown(value)}.")
        ]
    if field.items is None:
        return []
    problems: list[Problem] = []
    for index, element in enumerate(value):
        where = child_pointer(pointer, index)
        if element is None:
            continue
        problems.extend(check_value(field.items, element, where))
    return problems


def _check_map(field: Field, value: Any, pointer: str) -> list[Problem]:
    if not isinstance(value, dict):
        return [
            _error(
                pointer, f"{field.name or 'This value'!r} must be an object, not {shown(value)}."
            )
        ]
    if field.values is None:
        return []
    problems: list[Problem] = []
    for key, element in value.items():
        if element is None:
            continue
        problems.extend(check_value(field.values, element, child_pointer(pointer, key)))
    return problems


def _check_any(field: Field, value: Any, pointer: str) -> list[Problem]:
    return []


def _check_enum(field: Field, value: Any, pointer: str) -> list[Problem]:
    if not field.enum or value is None:
        return []
    if value in field.enum:
        return []
    if isinstance(value, str) and value.lower() in {
        str(option).lower() for option in field.enum if option is not None
    }:
        return []
    allowed = ", ".join(repr(option) for option in field.enum if option is not None)
    message = f"{shown(value)} is not one of {allowed}."
    if field.strict_enum:
        return [_error(pointer, message, "enum")]
    return [_warning(pointer, message, "enum")]


_CHECKERS = {
    FieldType.STRING: _check_string,
    FieldType.INTEGER: _check_integer,
    FieldType.NUMBER: _check_number,
    FieldType.BOOLEAN: _check_boolean,
    FieldType.OBJECT: _check_object,
    FieldType.ARRAY: _check_array,
    FieldType.MAP: _check_map,
    FieldType.ANY: _check_any,
}


def expression_policy(fields: Sequence[Field], tokens: Sequence[str]) -> ExpressionPolicy:
    """The policy for an expression found at `tokens` below an object described by `fields`.

    Keys the schema does not describe (leftovers, unknown stage types) are lenient.
    """
    current: Sequence[Field] = fields
    field: Field | None = None
    for token in tokens:
        if field is not None:
            if field.expressions is not ExpressionPolicy.STRICT:
                return field.expressions
            if field.type is FieldType.ARRAY and field.items is not None:
                field = field.items
                continue
            if field.type is FieldType.MAP and field.values is not None:
                field = field.values
                continue
            current = field.fields
        field = next((each for each in current if each.name == token), None)
        if field is None:
            return ExpressionPolicy.LENIENT
    if field is None:
        return ExpressionPolicy.LENIENT
    return field.expressions
