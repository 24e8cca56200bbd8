"""Cron checking: Quartz (with seconds, `?`, L, W, #, H) and 5-field Unix cron."""

from __future__ import annotations

import pytest

from engine.catalog import check_cron, parse_cron


@pytest.mark.parametrize(
    ("expression", "dialect"),
    [
        ("0 0 20 * * ?", "quartz"),
        ("0 30 2 ? * MON-FRI", "quartz"),
        ("0 0/15 * 1/1 * ? *", "quartz"),
        ("0 0 12 L * ?", "quartz"),
        ("0 0 12 LW * ?", "quartz"),
        ("0 0 12 15W * ?", "quartz"),
        ("0 0 12 L-3 * ?", "quartz"),
        ("0 0 12 ? * 6#3", "quartz"),
        ("0 0 12 ? * FRIL", "quartz"),
        ("0 0 22 ? * FRI-MON", "quartz"),
        ("H H(0-5) * * * ?", "quartz"),
        ("0 H/15 * ? * *", "quartz"),
        ("0 0 12 1 JAN,JUL ? 2030", "quartz"),
        ("*/5 * * * *", "unix"),
        ("0 3 * * 1-5", "unix"),
        ("0 0 1 * SUN", "unix"),
        ("30 4 1,15 * 7", "unix"),
        ("@daily", "macro"),
    ],
)
def test_valid_expressions_are_accepted(expression, dialect):
    assert check_cron(expression) is None
    assert parse_cron(expression) == dialect


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("", "empty"),
        ("0 0 * *", "has 4"),
        ("0 61 * * * ?", "out of range for minutes"),
        ("0 0 20 * * *", "exactly one"),
        ("0 0 20 ? * ?", "exactly one"),
        ("0 0 25 ? * *", "out of range for hours"),
        ("0 0 12 ? * 6#7", "1-5"),
        ("0 0 12 ? * MOO", "not a valid value"),
        ("0/0 * * ? * *", "step 0"),
        ("0 0 12 L-40 * ?", "at most 30"),
        ("? * * * *", "only allowed"),
        ("0 5-2 * * *", "backwards"),
        ("0 0 1,,2 ? * *", "empty list item"),
        ("@fortnightly", "unknown cron macro"),
        ("0 0 12 1 * ? 1800", "out of range for year"),
    ],
)
def test_invalid_expressions_say_why(expression, reason):
    message = check_cron(expression)
    assert message is not None
    assert reason in message
