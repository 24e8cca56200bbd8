"""`new java.util.Date()` and `new java.text.SimpleDateFormat(pattern)`, over epoch milliseconds.

Spinnaker pipelines stamp names and tags with
`new java.text.SimpleDateFormat('yyyyMMdd-HHmm').format(new java.util.Date())`; kork allows both
types. Dates come from the injected clock, and formatting is always in UTC with US names (what a
server JVM in a container prints).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

from engine.expressions.errors import ExpressionError, ExpressionLimitError
from engine.expressions.values import JavaObject, is_integer, type_name, unwrap

MAX_PATTERN_LENGTH = 256
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MIN_MS = (dt.datetime(1, 1, 1, tzinfo=dt.UTC) - _EPOCH) // dt.timedelta(milliseconds=1)
_MAX_MS = (dt.datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=dt.UTC) - _EPOCH) // dt.timedelta(
    milliseconds=1
)
_PATTERN_LETTERS = frozenset("GyYMLwWDdFEuaHkKhmsSzZX")


class JavaDate(JavaObject):
    java_type = "java.util.Date"

    def __init__(self, epoch_ms: int) -> None:
        if not _MIN_MS <= epoch_ms <= _MAX_MS:
            raise ExpressionError("date is outside the years 1 to 9999")
        self.epoch_ms = epoch_ms

    def moment(self) -> dt.datetime:
        return _EPOCH + dt.timedelta(milliseconds=self.epoch_ms)

    def to_java_string(self) -> str:
        return format_date(parse_pattern("EEE MMM dd HH:mm:ss zzz yyyy"), self)

    def to_plain(self) -> object:
        return self.epoch_ms  # Jackson writes dates as timestamps by default

    def java_equals(self, other: object) -> bool:
        return isinstance(other, JavaDate) and other.epoch_ms == self.epoch_ms

    def java_compare(self, other: object) -> int | None:
        if not isinstance(other, JavaDate):
            return None
        return (self.epoch_ms > other.epoch_ms) - (self.epoch_ms < other.epoch_ms)


Field = tuple[str, int]  # (pattern letter, count), or ("'", 0) for literal text in the str slot


class DateFormat(JavaObject):
    java_type = "java.text.SimpleDateFormat"

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.fields = parse_pattern(pattern)

    def to_java_string(self) -> str:
        return f"java.text.SimpleDateFormat[{self.pattern}]"


def parse_pattern(pattern: str) -> list[tuple[str, int] | str]:
    """Split a SimpleDateFormat pattern into (letter, count) fields and literal text."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ExpressionLimitError(f"date pattern longer than {MAX_PATTERN_LENGTH} characters")
    fields: list[tuple[str, int] | str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "'":
            if pattern.startswith("''", index):
                fields.append("'")
                index += 2
                continue
            close = pattern.find("'", index + 1)
            while close >= 0 and pattern.startswith("''", close):
                close = pattern.find("'", close + 2)
            if close < 0:
                raise ExpressionError(f"unterminated quote in date pattern '{pattern}'")
            fields.append(pattern[index + 1 : close].replace("''", "'"))
            index = close + 1
        elif char.isascii() and char.isalpha():
            if char not in _PATTERN_LETTERS:
                raise ExpressionError(f"illegal pattern character '{char}'")
            count = 1
            while index + count < len(pattern) and pattern[index + count] == char:
                count += 1
            fields.append((char, count))
            index += count
        else:
            fields.append(char)
            index += 1
    return fields


def _number(value: int, count: int) -> str:
    return str(value).zfill(count)


def _us_week(moment: dt.datetime, start: dt.date) -> int:
    """Week number with weeks starting on Sunday and a 1-day minimal first week (US rules)."""
    offset = (start.weekday() + 1) % 7  # days between the Sunday before `start` and `start`
    return (moment.toordinal() - start.toordinal() + offset) // 7 + 1


def _field(letter: str, count: int, moment: dt.datetime) -> str:
    hour = moment.hour
    match letter:
        case "G":
            return "AD"
        case "y" | "Y":
            return _number(moment.year % 100, 2) if count == 2 else _number(moment.year, count)
        case "M" | "L":
            if count >= 4:
                return calendar.month_name[moment.month]
            if count == 3:
                return calendar.month_abbr[moment.month]
            return _number(moment.month, count)
        case "w":
            return _number(_us_week(moment, dt.date(moment.year, 1, 1)), count)
        case "W":
            return _number(_us_week(moment, moment.date().replace(day=1)), count)
        case "D":
            return _number(moment.timetuple().tm_yday, count)
        case "d":
            return _number(moment.day, count)
        case "F":
            return _number((moment.day - 1) // 7 + 1, count)
        case "E":
            names = calendar.day_name if count >= 4 else calendar.day_abbr
            return names[moment.weekday()]
        case "u":
            return _number(moment.isoweekday(), count)
        case "a":
            return "AM" if hour < 12 else "PM"
        case "H":
            return _number(hour, count)
        case "k":
            return _number(hour or 24, count)
        case "K":
            return _number(hour % 12, count)
        case "h":
            return _number(hour % 12 or 12, count)
        case "m":
            return _number(moment.minute, count)
        case "s":
            return _number(moment.second, count)
        case "S":
            return _number(moment.microsecond // 1000, count)
        case "z":
            return "Coordinated Universal Time" if count >= 4 else "UTC"
        case "Z":
            return "+0000"
        case _:  # "X": ISO 8601 zone, 'Z' for UTC
            return "Z"


def format_date(fields: list[tuple[str, int] | str], date: JavaDate) -> str:
    moment = date.moment()
    return "".join(
        field if isinstance(field, str) else _field(field[0], field[1], moment) for field in fields
    )


def _date(args: list[object], now_ms: Callable[[], int]) -> object:
    if not args:
        return JavaDate(now_ms())
    if len(args) == 1 and is_integer(unwrap(args[0])):
        return JavaDate(int(unwrap(args[0])))  # type: ignore[call-overload]
    raise ExpressionError("new java.util.Date takes no argument or epoch milliseconds")


def _date_format(args: list[object], now_ms: Callable[[], int]) -> object:
    pattern = unwrap(args[0]) if len(args) == 1 else None
    if not isinstance(pattern, str):
        raise ExpressionError("new java.text.SimpleDateFormat takes a pattern string")
    return DateFormat(pattern)


CONSTRUCTORS: dict[str, Callable[[list[object], Callable[[], int]], object]] = {
    "java.util.Date": _date,
    "java.text.SimpleDateFormat": _date_format,
}


def date_method(target: JavaDate, name: str, args: list[object]) -> object:
    if name == "getTime" and not args:
        return target.epoch_ms
    if name == "toString" and not args:
        return target.to_java_string()
    if name in ("before", "after", "equals", "compareTo") and len(args) == 1:
        other = unwrap(args[0])
        if name == "equals":
            return target.java_equals(other)
        if not isinstance(other, JavaDate):
            raise ExpressionError(f"Date.{name} needs a date, not {type_name(other)}")
        order = (target.epoch_ms > other.epoch_ms) - (target.epoch_ms < other.epoch_ms)
        return {"before": order < 0, "after": order > 0, "compareTo": order}[name]
    raise ExpressionError(f"method {name}() cannot be found on type java.util.Date")


def format_method(target: DateFormat, name: str, args: list[object]) -> object:
    if name == "format" and len(args) == 1:
        value = unwrap(args[0])
        if is_integer(value):
            value = JavaDate(int(value))  # type: ignore[call-overload]
        if not isinstance(value, JavaDate):
            raise ExpressionError("cannot format given object as a date")
        return format_date(target.fields, value)
    if name == "toPattern" and not args:
        return target.pattern
    if name == "toString" and not args:
        return target.to_java_string()
    raise ExpressionError(f"method {name}() cannot be found on type java.text.SimpleDateFormat")
