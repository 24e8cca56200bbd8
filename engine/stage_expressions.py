"""Expressions in a stage's life: its context at start, `stageEnabled`, error reporting."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from engine.failure import exception_details
from engine.model import Stage
from engine.ports import ExpressionProcessor

SUMMARY_KEY = "expressionEvaluationSummary"
FAILED_EXPRESSIONS_ERROR = "Failed Expression Evaluation"
_INFORMATIONAL_LEVELS = frozenset({"INFO", "WARN", "WARNING"})
# Runtime keys the engine writes itself; never evaluated.
_ENGINE_KEYS = frozenset({SUMMARY_KEY, "exception", "restartDetails", "stageEnabled"})


def contains_expression(value: Any) -> bool:
    """True when some string inside `value` has a `${`: the only values worth processing."""
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, dict):
        return any(contains_expression(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(contains_expression(item) for item in value)
    return False


def merge_summary(stage: Stage, summary: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    if not summary:
        return
    existing = stage.context.setdefault(SUMMARY_KEY, {})
    for expression, notes in summary.items():
        bucket = existing.setdefault(expression, [])
        bucket.extend(dict(note) for note in notes if dict(note) not in bucket)


def process_stage_context(
    stage: Stage, processor: ExpressionProcessor, *, skip_keys: Collection[str] = ()
) -> None:
    """Evaluate `${...}` in the stage context in place (spelEvaluator v4: at stage start)."""
    pending = {
        key: value
        for key, value in stage.context.items()
        if key not in _ENGINE_KEYS and key not in skip_keys and contains_expression(value)
    }
    if not pending:
        return
    result = processor.process(pending, execution=stage.execution, stage=stage)
    if isinstance(result.value, dict):
        stage.context.update(result.value)
    merge_summary(stage, result.summary)


def is_stage_enabled(stage: Stage, processor: ExpressionProcessor) -> bool:
    """`stageEnabled: {type: expression, expression}`; anything but true/false skips, noted."""
    condition = stage.context.get("stageEnabled")
    if not isinstance(condition, dict) or condition.get("type", "expression") != "expression":
        return True
    text = condition.get("expression")
    if isinstance(text, bool):
        return text
    if not isinstance(text, str) or not text.strip():
        return True
    bare = text.strip()
    if bare.startswith("${") and bare.endswith("}"):
        bare = bare[2:-1].strip()
    result = processor.evaluate(bare, execution=stage.execution, stage=stage)
    value = result.value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        value = value.strip().lower() == "true"
    if isinstance(value, bool):
        return value
    merge_summary(stage, result.summary)
    merge_summary(
        stage,
        {
            text: [
                {
                    "description": (
                        f"stageEnabled expression {text!r} did not evaluate to true or false "
                        f"(got {value!r}); the stage is skipped"
                    ),
                    "exceptionType": "InvalidExpression",
                    "level": "WARN",
                }
            ]
        },
    )
    return False


def failed_expression_errors(stage: Stage) -> list[str]:
    summary = stage.context.get(SUMMARY_KEY)
    if not isinstance(summary, dict):
        return []
    errors: list[str] = []
    for notes in summary.values():
        for note in notes if isinstance(notes, list) else []:
            if isinstance(note, dict) and note.get("level", "ERROR") not in _INFORMATIONAL_LEVELS:
                errors.append(str(note.get("description", "")))
    return errors


def should_fail_on_failed_expressions(stage: Stage) -> bool:
    return stage.context.get("failOnFailedExpressions") is True and bool(
        failed_expression_errors(stage)
    )


def include_expression_summary(stage: Stage, *, now: int) -> None:
    """Append failed-expression descriptions to `context.exception` so Deck shows them."""
    errors = failed_expression_errors(stage)
    if not errors:
        return
    exception = stage.context.get("exception")
    if not isinstance(exception, dict) or not isinstance(exception.get("details"), dict):
        stage.context["exception"] = exception_details(
            FAILED_EXPRESSIONS_ERROR, errors=errors, now=now
        )
        return
    details = exception["details"]
    known = list(details.get("errors") or [])
    details["errors"] = known + [error for error in errors if error not in known]
