"""`stageEnabled.expression` and other conditions, evaluated as Orca's OptionalStageSupport does."""

from __future__ import annotations

import pytest

from engine.expressions import ExpressionEnvironment, evaluate_condition


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("parameters.env == 'prod'", True),
        ("parameters.env != 'prod'", False),
        ("#judgment('Approve') == 'ship'", True),
        ("'TRUE'", True),  # Orca lower-cases the text before comparing
        ("'false'", False),
        ("${parameters.env == 'prod'}", True),  # delimiters are tolerated
    ],
)
def test_true_or_false_decides(expression: str, value: bool, env: ExpressionEnvironment) -> None:
    condition = evaluate_condition(expression, env)
    assert condition.value is value
    assert condition.skip is (not value)
    assert condition.warning is None


@pytest.mark.parametrize(
    "expression",
    ["parameters.tag", "parameters.missing", "#stage('Nope').status == 'x'", "1 +", "{1, 2}"],
)
def test_anything_else_skips_with_a_warning(expression: str, env: ExpressionEnvironment) -> None:
    condition = evaluate_condition(expression, env)
    assert condition.value is None
    assert condition.skip
    assert condition.warning is not None
    assert "could not be evaluated" in condition.warning


def test_failures_carry_the_summary(env: ExpressionEnvironment) -> None:
    condition = evaluate_condition("#stage('Nope').status == 'x'", env)
    assert list(condition.summary) == ["#stage('Nope').status == 'x'"]


@pytest.mark.parametrize("expression", [None, "", "   "])
def test_blank_condition_does_not_skip(expression: str | None, env: ExpressionEnvironment) -> None:
    condition = evaluate_condition(expression, env)
    assert condition.value is True
    assert not condition.skip
