"""Boolean conditions (`stageEnabled.expression`, precondition checks) evaluated the Orca way."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.expressions.environment import ExpressionEnvironment
from engine.expressions.template import Summary, process, unwrap_delimiters
from engine.expressions.values import converted_string


@dataclass(frozen=True)
class Condition:
    """The outcome of a condition.

    `value` is True/False when the expression produced "true"/"false" (any case, as text or
    boolean) and None otherwise. Orca skips a stage whose `stageEnabled` condition is not true,
    and logs `warning` when the condition could not be evaluated: `skip` encodes exactly that.
    """

    expression: str
    value: bool | None
    warning: str | None = None
    summary: Summary = field(default_factory=dict)

    @property
    def skip(self) -> bool:
        return self.value is not True


def evaluate_condition(expression: str | None, env: ExpressionEnvironment) -> Condition:
    """Evaluate a bare expression (no `${}`) to a boolean as Orca's OptionalStageSupport does."""
    if expression is None or not expression.strip():
        # Orca treats a stageEnabled block without an expression as "not optional".
        return Condition(
            expression or "", True, "no expression found on stage, treating as non-optional"
        )
    inner = unwrap_delimiters(expression)
    processed = process("${" + inner + "}", env)
    result = processed.value
    text = result if isinstance(result, str) else converted_string(result)
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return Condition(expression, lowered == "true", None, processed.summary)
    return Condition(
        expression,
        None,
        f"Conditional Expression '{inner}' could not be evaluated",
        processed.summary,
    )
