"""`${...}` syntax checks over a whole config, graded by the catalogue's expression policies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.catalog import Catalog, ExpressionPolicy, Problem, Severity
from engine.expressions import check

# Parsing every expression of a huge hostile config would cost seconds; cap the work.
MAX_EXPRESSIONS = 2000


def _tokens(path: str, prefix: str) -> list[str]:
    rest = path[len(prefix) :].lstrip("/")
    return (
        [token.replace("~1", "/").replace("~0", "~") for token in rest.split("/")] if rest else []
    )


def count_expressions(value: Any, limit: int) -> int:
    """How many strings hold `${` (stops counting at `limit`)."""
    found = 0
    stack = [value]
    while stack and found < limit:
        item = stack.pop()
        if isinstance(item, str):
            found += "${" in item
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def check_expressions(config: Mapping[str, Any], catalog: Catalog) -> list[Problem]:
    if count_expressions(config, MAX_EXPRESSIONS + 1) > MAX_EXPRESSIONS:
        return [
            Problem(
                "/",
                f"More than {MAX_EXPRESSIONS} expressions: their syntax was not checked.",
                Severity.WARNING,
                "expressions_unchecked",
            )
        ]
    problems: list[Problem] = []
    stages = config.get("stages")
    for index, stage in enumerate(stages if isinstance(stages, list) else []):
        if isinstance(stage, Mapping):
            problems.extend(_check_stage(stage, f"/stages/{index}", catalog))
    rest = {key: value for key, value in config.items() if key != "stages"}
    problems.extend(
        Problem(
            found.path,
            _message(found.offset, found.message),
            Severity.WARNING,
            "expression",
        )
        for found in check(rest, "")
    )
    return problems


def _check_stage(stage: Mapping[str, Any], pointer: str, catalog: Catalog) -> list[Problem]:
    stage_type = stage.get("type") if isinstance(stage.get("type"), str) else None
    skip = stage.get("skipExpressionEvaluation") in (True, "true")
    problems: list[Problem] = []
    for found in check(stage, pointer):
        policy = catalog.stage_expression_policy(stage_type, _tokens(found.path, pointer))
        if policy is ExpressionPolicy.IGNORE or (skip and policy is ExpressionPolicy.LENIENT):
            continue
        severity = Severity.ERROR if policy is ExpressionPolicy.STRICT else Severity.WARNING
        problems.append(
            Problem(found.path, _message(found.offset, found.message), severity, "expression")
        )
    return problems


def _message(offset: int, message: str) -> str:
    return f"Expression does not parse (at character {offset}): {message}"
