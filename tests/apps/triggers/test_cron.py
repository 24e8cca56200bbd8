"""Cron ticks in a time zone: Quartz and Unix syntax, month ends, `L` `W` `#`, daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.triggers.cron import CronSchedule
from engine.catalog import CronError

NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def ticks(expression: str, start: datetime, count: int, zone: ZoneInfo = UTC) -> list[str]:
    schedule = CronSchedule.parse(expression, seed="trigger-1")
    found, moment = [], start
    for _ in range(count):
        tick = schedule.next_after(moment, zone)
        assert tick is not None
        found.append(tick.astimezone(zone).isoformat())
        moment = tick
    return found


def test_a_wall_time_skipped_by_spring_forward_fires_once_after_the_gap() -> None:
    start = datetime(2024, 3, 8, 12, tzinfo=UTC)

    assert ticks("0 30 2 * * ?", start, 3, NEW_YORK) == [
        "2024-03-09T02:30:00-05:00",
        "2024-03-10T03:30:00-04:00",
        "2024-03-11T02:30:00-04:00",
    ]


def test_a_wall_time_repeated_by_fall_back_fires_once() -> None:
    start = datetime(2024, 11, 2, 12, tzinfo=UTC)

    assert ticks("0 30 1 * * ?", start, 2, NEW_YORK) == [
        "2024-11-03T01:30:00-04:00",
        "2024-11-04T01:30:00-05:00",
    ]


def test_unix_cron_in_the_team_time_zone() -> None:
    start = datetime(2024, 6, 1, tzinfo=UTC)

    assert ticks("0 20 * * 1-5", start, 2, SHANGHAI) == [
        "2024-06-03T20:00:00+08:00",
        "2024-06-04T20:00:00+08:00",
    ]


@pytest.mark.parametrize(
    ("expression", "start", "expected"),
    [
        # last day of the month, across a leap February
        ("0 0 12 L * ?", "2024-01-31T13:00", ["2024-02-29", "2024-03-31", "2024-04-30"]),
        # two days before the last day
        ("0 0 12 L-2 * ?", "2023-02-01T00:00", ["2023-02-26", "2023-03-29"]),
        # last weekday of the month (Aug 31 2024 is a Saturday)
        ("0 0 9 LW * ?", "2024-08-01T00:00", ["2024-08-30", "2024-09-30"]),
        # nearest weekday to the 15th (Jun 15 2024 is a Saturday) and to the 1st (a Saturday)
        ("0 0 10 15W * ?", "2024-06-01T00:00", ["2024-06-14"]),
        ("0 0 10 1W * ?", "2024-06-01T00:00", ["2024-06-03"]),
        # last Friday, first Monday
        ("0 0 10 ? * 6L", "2024-05-01T00:00", ["2024-05-31", "2024-06-28"]),
        ("0 0 10 ? * MON#1", "2024-06-05T00:00", ["2024-07-01", "2024-08-05"]),
        # the 31st only exists in some months (Unix syntax)
        ("0 0 31 * *", "2024-01-31T01:00", ["2024-03-31", "2024-05-31", "2024-07-31"]),
        # Feb 29 only in leap years
        ("0 0 0 29 2 ?", "2024-03-01T00:00", ["2028-02-29"]),
    ],
)
def test_month_end_and_special_days(expression: str, start: str, expected: list[str]) -> None:
    moment = datetime.fromisoformat(start).replace(tzinfo=UTC)

    found = ticks(expression, moment, len(expected))

    assert [tick[:10] for tick in found] == expected


def test_unix_day_fields_are_either_or_when_both_are_restricted() -> None:
    start = datetime(2024, 6, 25, tzinfo=UTC)

    found = ticks("0 0 1 * 1", start, 3)

    # Mondays and the 1st of the month (Jul 1 2024 is also a Monday).
    assert [tick[:10] for tick in found] == ["2024-07-01", "2024-07-08", "2024-07-15"]


def test_seconds_steps_ranges_and_wrapping_ranges() -> None:
    start = datetime(2024, 6, 7, 21, 59, 50, tzinfo=UTC)  # a Friday

    assert ticks("*/20 * * * * ?", start, 2) == [
        "2024-06-07T22:00:00+00:00",
        "2024-06-07T22:00:20+00:00",
    ]
    assert ticks("0 0 22-2 ? * FRI-MON", start, 3)[:3] == [
        "2024-06-07T22:00:00+00:00",
        "2024-06-07T23:00:00+00:00",
        "2024-06-08T00:00:00+00:00",
    ]


def test_hashed_values_are_stable_per_trigger() -> None:
    one = CronSchedule.parse("H H * * *", seed="a")
    again = CronSchedule.parse("H H * * *", seed="a")
    start = datetime(2024, 6, 1, tzinfo=UTC)

    assert one.next_after(start, UTC) == again.next_after(start, UTC)


def test_macros_and_year_lists() -> None:
    start = datetime(2024, 6, 1, 10, 30, tzinfo=UTC)

    assert ticks("@hourly", start, 1) == ["2024-06-01T11:00:00+00:00"]
    assert CronSchedule.parse("0 0 12 * * ? 2023").next_after(start, UTC) is None


def test_what_the_catalogue_refuses_is_refused() -> None:
    for bad in ("", "* * *", "0 0 12 * * *", "61 * * * *", "@sometimes"):
        with pytest.raises(CronError):
            CronSchedule.parse(bad)
