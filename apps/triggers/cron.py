"""Cron schedules: the ticks of a Unix (5-field) or Quartz (6/7-field) expression in a time zone.

The catalogue (`engine.catalog.parse_cron`) decides what is a valid expression; this module
expands a valid one into sets and finds its ticks. Wall-clock rules across daylight-saving
changes (documented in the README):

- a wall time that does not exist (clocks jump forward) fires once, at the same offset after
  the jump (02:30 in a 02:00->03:00 gap fires at 03:30, as Quartz's lenient calendar does);
- a wall time that happens twice (clocks go back) fires once, at its first occurrence.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from engine.catalog import CronError, parse_cron

_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_QUARTZ_DAYS = {
    name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), 1)
}
_UNIX_DAYS = {name: number - 1 for name, number in _QUARTZ_DAYS.items()}
# Ticks are searched at most this far ahead (covers Feb 29 and sparse year lists).
_HORIZON_DAYS = 366 * 9
# A DST change moves a wall time by at most this much (Lord Howe: 30 min, most zones 1 h).
_DST_SLACK = timedelta(hours=2)


def _quartz_to_weekday(day: int) -> int:
    """Quartz 1 (SUN) .. 7 (SAT) -> Python's weekday() 0 (MON) .. 6 (SUN)."""
    return (day + 5) % 7


def _unix_to_weekday(day: int) -> int:
    """Unix 0 (SUN) .. 6 (SAT), 7 (SUN) -> Python's weekday()."""
    return (day + 6) % 7


@dataclass(frozen=True)
class _Range:
    low: int
    high: int
    names: dict[str, int] | None = None


_SECOND = _Range(0, 59)
_MINUTE = _Range(0, 59)
_HOUR = _Range(0, 23)
_DAY_OF_MONTH = _Range(1, 31)
_MONTH = _Range(1, 12, _MONTHS)
_QUARTZ_WEEKDAY = _Range(1, 7, _QUARTZ_DAYS)
_UNIX_WEEKDAY = _Range(0, 7, _UNIX_DAYS)
_YEAR = _Range(1970, 2099)


@dataclass(frozen=True)
class _Days:
    """Day-of-month or day-of-week rules; `unrestricted` for `*` and `?`."""

    unrestricted: bool = False
    starts_with_star: bool = False
    days: frozenset[int] = frozenset()
    last_day: bool = False
    before_last: frozenset[int] = frozenset()
    last_weekday_of_month: bool = False
    nearest_weekday: frozenset[int] = frozenset()
    last_of_weekday: frozenset[int] = frozenset()
    nth_weekday: frozenset[tuple[int, int]] = frozenset()

    def matches_day_of_month(self, day: date) -> bool:
        if self.unrestricted:
            return True
        last = calendar.monthrange(day.year, day.month)[1]
        if day.day in self.days or (self.last_day and day.day == last):
            return True
        if any(last - offset == day.day for offset in self.before_last):
            return True
        if self.last_weekday_of_month and day == _last_weekday(day.year, day.month):
            return True
        return any(
            _nearest_weekday(day.year, day.month, wanted) == day for wanted in self.nearest_weekday
        )

    def matches_day_of_week(self, day: date) -> bool:
        if self.unrestricted:
            return True
        weekday = day.weekday()
        if weekday in self.days:
            return True
        last = calendar.monthrange(day.year, day.month)[1]
        if weekday in self.last_of_weekday and day.day + 7 > last:
            return True
        return (weekday, (day.day - 1) // 7 + 1) in self.nth_weekday


def _last_weekday(year: int, month: int) -> date:
    day = date(year, month, calendar.monthrange(year, month)[1])
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _nearest_weekday(year: int, month: int, wanted: int) -> date | None:
    """Quartz's `nW`: the weekday nearest day n, never leaving the month."""
    last = calendar.monthrange(year, month)[1]
    if wanted > last:
        return None
    day = date(year, month, wanted)
    if day.weekday() == 5:  # Saturday: Friday before, or Monday after the 1st
        return day - timedelta(days=1) if wanted > 1 else day + timedelta(days=2)
    if day.weekday() == 6:  # Sunday: Monday after, or Friday before the last day
        return day + timedelta(days=1) if wanted < last else day - timedelta(days=2)
    return day


def _regular_day(day: date, zone: tzinfo) -> bool:
    """Whether the zone's offset is the same at both ends of the local day (no DST change)."""
    start = datetime.combine(day, time()).replace(tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time()).replace(tzinfo=zone)
    return start.utcoffset() == end.utcoffset()


def _hash(seed: str, slot: str) -> int:
    digest = hashlib.sha256(f"{seed}:{slot}".encode()).hexdigest()
    return int(digest[:8], 16)


class _FieldParser:
    """Expands one field's comma list into values (names, ranges, steps, `H` hashes)."""

    def __init__(self, bounds: _Range, *, slot: str, seed: str, quartz: bool) -> None:
        self.bounds = bounds
        self.slot = slot
        self.seed = seed
        self.quartz = quartz

    def value(self, token: str) -> int:
        if self.bounds.names and token in self.bounds.names:
            return self.bounds.names[token]
        return int(token)

    def sequence(self, low: int, high: int, step: int) -> list[int]:
        if low <= high:
            return list(range(low, high + 1, step))
        # Quartz wraps ranges such as FRI-MON or 22-2.
        span = list(range(low, self.bounds.high + 1)) + list(range(self.bounds.low, high + 1))
        return span[::step]

    def hashed(self, element: str) -> list[int]:
        base, _, step_text = element.partition("/")
        low, high = self.bounds.low, self.bounds.high
        if self.slot == "day of month":
            high = 28  # every month has the hashed day
        if base.startswith("H("):
            low_text, _, high_text = base[2:-1].partition("-")
            low, high = int(low_text), int(high_text)
        number = _hash(self.seed, self.slot)
        if step_text:
            step = int(step_text)
            return list(range(low + number % step, high + 1, step))
        return [low + number % (high - low + 1)]

    def element(self, element: str) -> list[int]:
        if element.startswith("H"):
            return self.hashed(element)
        base, _, step_text = element.partition("/")
        step = int(step_text) if step_text else 1
        if base in ("*", "?"):
            return self.sequence(self.bounds.low, self.bounds.high, step)
        if "-" in base:
            low_text, _, high_text = base.partition("-")
            return self.sequence(self.value(low_text), self.value(high_text), step)
        start = self.value(base)
        if step_text:
            return self.sequence(start, self.bounds.high, step)
        return [start]

    def values(self, text: str) -> frozenset[int]:
        found: set[int] = set()
        for element in text.split(","):
            found.update(self.element(element))
        return frozenset(found)


def _day_of_month(text: str, parser: _FieldParser) -> _Days:
    if text in ("*", "?"):
        return _Days(unrestricted=True, starts_with_star=True)
    days: set[int] = set()
    rules: dict[str, object] = {}
    before_last: set[int] = set()
    nearest: set[int] = set()
    for element in text.split(","):
        if element == "L":
            rules["last_day"] = True
        elif element == "LW":
            rules["last_weekday_of_month"] = True
        elif element.startswith("L-"):
            before_last.add(int(element[2:]))
        elif element.endswith("W") and parser.quartz:
            nearest.add(int(element[:-1]))
        else:
            days.update(parser.element(element))
    return _Days(
        starts_with_star=text.startswith("*"),
        days=frozenset(days),
        last_day=bool(rules.get("last_day")),
        before_last=frozenset(before_last),
        last_weekday_of_month=bool(rules.get("last_weekday_of_month")),
        nearest_weekday=frozenset(nearest),
    )


def _day_of_week(text: str, parser: _FieldParser) -> _Days:
    if text in ("*", "?"):
        return _Days(unrestricted=True, starts_with_star=True)
    convert = _quartz_to_weekday if parser.quartz else _unix_to_weekday
    days: set[int] = set()
    last_of: set[int] = set()
    nth: set[tuple[int, int]] = set()
    for element in text.split(","):
        if parser.quartz and element == "L":
            days.add(_quartz_to_weekday(7))  # Quartz: "L" alone is the last day of the week
        elif parser.quartz and element.endswith("L"):
            last_of.add(convert(parser.value(element[:-1])))
        elif parser.quartz and "#" in element:
            day, _, week = element.partition("#")
            nth.add((convert(parser.value(day)), int(week)))
        else:
            days.update(convert(value) for value in parser.element(element))
    return _Days(
        starts_with_star=text.startswith("*"),
        days=frozenset(days),
        last_of_weekday=frozenset(last_of),
        nth_weekday=frozenset(nth),
    )


@dataclass(frozen=True)
class CronSchedule:
    """An expanded cron expression; `next_after` and `ticks` answer in UTC."""

    expression: str
    quartz: bool
    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: frozenset[int]
    years: frozenset[int] | None
    day_of_month: _Days = field(repr=False)
    day_of_week: _Days = field(repr=False)

    @classmethod
    def parse(cls, expression: str, *, seed: str = "") -> CronSchedule:
        """Raises CronError for what the catalogue refuses; `seed` fixes `H` values."""
        dialect = parse_cron(expression)
        text = expression.strip()
        if dialect == "macro":
            text = _MACROS[text.lower()]
        parts = text.upper().split()
        quartz = len(parts) > 5
        if not quartz:
            parts = ["0", *parts]
        names = ("seconds", "minutes", "hours", "day of month", "month", "day of week", "year")
        bounds = (
            _SECOND,
            _MINUTE,
            _HOUR,
            _DAY_OF_MONTH,
            _MONTH,
            _QUARTZ_WEEKDAY if quartz else _UNIX_WEEKDAY,
            _YEAR,
        )
        parsers = [
            _FieldParser(bound, slot=name, seed=seed or expression, quartz=quartz)
            for name, bound in zip(names, bounds, strict=True)
        ]
        try:
            return cls(
                expression=expression,
                quartz=quartz,
                seconds=tuple(sorted(parsers[0].values(parts[0]))),
                minutes=tuple(sorted(parsers[1].values(parts[1]))),
                hours=tuple(sorted(parsers[2].values(parts[2]))),
                day_of_month=_day_of_month(parts[3], parsers[3]),
                months=parsers[4].values(parts[4]),
                day_of_week=_day_of_week(parts[5], parsers[5]),
                years=parsers[6].values(parts[6]) if len(parts) == 7 else None,
            )
        except (ValueError, KeyError) as error:  # pragma: no cover - parse_cron refused it first
            raise CronError(f"cannot expand {expression!r}: {error}") from None

    def matches_date(self, day: date) -> bool:
        if self.years is not None and day.year not in self.years:
            return False
        if day.month not in self.months:
            return False
        dom, dow = self.day_of_month, self.day_of_week
        if self.quartz:
            return dom.matches_day_of_month(day) and dow.matches_day_of_week(day)
        # Vixie cron: when both day fields are restricted, either may match.
        if dom.starts_with_star or dow.starts_with_star:
            return dom.matches_day_of_month(day) and dow.matches_day_of_week(day)
        return dom.matches_day_of_month(day) or dow.matches_day_of_week(day)

    def _wall_times(self, floor: datetime | None) -> Iterator[time]:
        for hour in self.hours:
            if floor is not None and hour < floor.hour:
                continue
            for minute in self.minutes:
                if floor is not None and (hour, minute) < (floor.hour, floor.minute):
                    continue
                for second in self.seconds:
                    if floor is not None and (hour, minute, second) < (
                        floor.hour,
                        floor.minute,
                        floor.second,
                    ):
                        continue
                    yield time(hour, minute, second)

    def _first_on(self, day: date, after: datetime, zone: tzinfo) -> datetime | None:
        """The earliest tick of `day` (local) strictly after `after` (UTC)."""
        local_after = after.astimezone(zone).replace(tzinfo=None)
        if _regular_day(day, zone):
            # No offset change today: wall time order is instant order, the first one wins.
            if day < local_after.date():
                return None
            floor = local_after if local_after.date() == day else None
            for wall_time in self._wall_times(floor):
                instant = datetime.combine(day, wall_time).replace(tzinfo=zone).astimezone(UTC)
                if instant > after:
                    return instant
            return None
        floor = local_after - _DST_SLACK
        best: datetime | None = None
        best_wall: datetime | None = None
        for wall_time in self._wall_times(floor if floor.date() == day else None):
            wall = datetime.combine(day, wall_time)
            if best_wall is not None and wall > best_wall + _DST_SLACK:
                break
            if wall < floor:
                continue
            # fold=0: the first of two repeated times; a skipped time lands after the gap.
            instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
            if instant > after and (best is None or instant < best):
                best, best_wall = instant, wall
        return best

    def next_after(self, moment: datetime, zone: tzinfo) -> datetime | None:
        """The first tick strictly after `moment` (aware), in UTC; None if there is none."""
        after = moment.astimezone(UTC)
        start = after.astimezone(zone).date() - timedelta(days=1)
        day = start
        last_year = max(self.years) if self.years is not None else None
        while (day - start).days <= _HORIZON_DAYS:
            if last_year is not None and day.year > last_year:
                return None
            if day.month not in self.months:
                day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
                continue
            if self.matches_date(day):
                found = self._first_on(day, after, zone)
                if found is not None:
                    return found
            day += timedelta(days=1)
        return None

    def ticks(
        self, after: datetime, until: datetime, zone: tzinfo, *, limit: int = 10_000
    ) -> list[datetime]:
        """Ticks in (after, until], in order, at most `limit` of them (the earliest)."""
        found: list[datetime] = []
        current = after
        while len(found) < limit:
            tick = self.next_after(current, zone)
            if tick is None or tick > until:
                break
            found.append(tick)
            current = tick
        return found
