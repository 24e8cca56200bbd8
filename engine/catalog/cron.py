"""Cron expression checking: 5-field Unix cron and Quartz 6/7-field cron (Spinnaker's triggers)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_MONTHS: Final = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
# Quartz numbers days 1 (SUN) to 7 (SAT); Unix cron 0 (SUN) to 6 (SAT), 7 also SUN.
_QUARTZ_DAYS: Final = {
    name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)
}
_UNIX_DAYS: Final = {name: number - 1 for name, number in _QUARTZ_DAYS.items()}
_MACROS: Final = frozenset(
    {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)
# Spinnaker's CronExpressionFuzzer replaces `H` tokens with a value hashed from the trigger id.
_HASH = re.compile(r"^H(?:\((\d+)-(\d+)\))?(?:/(\d+))?$")
_STEP = re.compile(r"^(.+)/(\d+)$")


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str
    low: int
    high: int
    names: dict[str, int] | None = None
    day_of_month: bool = False
    day_of_week: bool = False


_QUARTZ: Final = (
    _Slot("seconds", 0, 59),
    _Slot("minutes", 0, 59),
    _Slot("hours", 0, 23),
    _Slot("day of month", 1, 31, day_of_month=True),
    _Slot("month", 1, 12, _MONTHS),
    _Slot("day of week", 1, 7, _QUARTZ_DAYS, day_of_week=True),
    _Slot("year", 1970, 2099),
)
_UNIX: Final = (
    _Slot("minutes", 0, 59),
    _Slot("hours", 0, 23),
    _Slot("day of month", 1, 31, day_of_month=True),
    _Slot("month", 1, 12, _MONTHS),
    _Slot("day of week", 0, 7, _UNIX_DAYS, day_of_week=True),
)


class CronError(ValueError):
    pass


def check_cron(expression: str) -> str | None:
    """Why `expression` is not a cron expression Spinnaker (Quartz) or Unix cron accepts."""
    try:
        parse_cron(expression)
    except CronError as error:
        return str(error)
    return None


def parse_cron(expression: str) -> str:
    """Validates and returns the dialect: `quartz` (6/7 fields), `unix` (5 fields) or `macro`."""
    text = expression.strip()
    if not text:
        raise CronError("the cron expression is empty")
    if text.startswith("@"):
        if text.lower() in _MACROS:
            return "macro"
        raise CronError(f"unknown cron macro {text!r}")
    parts = text.upper().split()
    if len(parts) == 5:
        slots: tuple[_Slot, ...] = _UNIX
        dialect = "unix"
    elif len(parts) in (6, 7):
        slots = _QUARTZ[: len(parts)]
        dialect = "quartz"
    else:
        raise CronError(
            f"a cron expression has 5 fields (Unix) or 6-7 fields (Quartz, with seconds); "
            f"this one has {len(parts)}"
        )
    for slot, part in zip(slots, parts, strict=True):
        _check_field(slot, part, quartz=dialect == "quartz")
    if dialect == "quartz":
        dom, dow = parts[3], parts[5]
        if (dom == "?") == (dow == "?"):
            raise CronError(
                "Quartz cron needs '?' in exactly one of day of month and day of week "
                f"(got {dom!r} and {dow!r})"
            )
    return dialect


def _check_field(slot: _Slot, part: str, *, quartz: bool) -> None:
    if part == "?":
        if not (slot.day_of_month or slot.day_of_week):
            raise CronError(f"'?' is only allowed in day of month or day of week, not {slot.name}")
        return
    for element in part.split(","):
        if not element:
            raise CronError(f"empty list item in the {slot.name} field {part!r}")
        _check_element(slot, element, quartz=quartz)


def _check_element(slot: _Slot, element: str, *, quartz: bool) -> None:
    if _HASH.match(element):
        _check_hash(slot, element)
        return
    if quartz and _special(slot, element):
        return
    base, step = element, None
    match = _STEP.match(element)
    if match:
        base, step = match.group(1), int(match.group(2))
        if step <= 0 or step > slot.high:
            raise CronError(f"step {step} is out of range in the {slot.name} field {element!r}")
    if base == "*":
        return
    if "-" in base:
        low_text, _, high_text = base.partition("-")
        low, high = _value(slot, low_text), _value(slot, high_text)
        # Quartz allows wrapping ranges such as FRI-MON or 22-2; Unix cron does not.
        if low > high and not quartz:
            raise CronError(f"range {base!r} runs backwards in the {slot.name} field")
        return
    _value(slot, base)


def _special(slot: _Slot, element: str) -> bool:
    """Quartz's L, W, LW, L-n (day of month) and nL, n#k (day of week)."""
    if slot.day_of_month:
        if element in ("L", "LW"):
            return True
        if re.fullmatch(r"L-\d+", element):
            if int(element[2:]) > 30:
                raise CronError(f"offset from the last day must be at most 30: {element!r}")
            return True
        if re.fullmatch(r"\d+W", element):
            _value(slot, element[:-1])
            return True
    if slot.day_of_week:
        if element == "L":
            return True
        if re.fullmatch(r"[A-Z0-9]+L", element):
            _value(slot, element[:-1])
            return True
        if "#" in element:
            day, _, nth = element.partition("#")
            _value(slot, day)
            if not nth.isdigit() or not 1 <= int(nth) <= 5:
                raise CronError(f"the week number after '#' must be 1-5: {element!r}")
            return True
    return False


def _check_hash(slot: _Slot, element: str) -> None:
    match = _HASH.match(element)
    assert match is not None
    low, high, step = match.groups()
    if low is not None and high is not None and not slot.low <= int(low) <= int(high) <= slot.high:
        raise CronError(f"hash range out of bounds in the {slot.name} field: {element!r}")
    if step is not None and not 0 < int(step) <= slot.high:
        raise CronError(f"step out of range in the {slot.name} field: {element!r}")


def _value(slot: _Slot, token: str) -> int:
    if slot.names is not None and token in slot.names:
        return slot.names[token]
    if not token.isdigit():
        raise CronError(f"{token!r} is not a valid value for {slot.name}")
    value = int(token)
    if not slot.low <= value <= slot.high:
        raise CronError(f"{value} is out of range for {slot.name} ({slot.low}-{slot.high})")
    return value
