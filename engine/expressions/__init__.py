"""Pipeline expressions: `${...}` templates in a safe subset of Spring's SpEL, as Orca runs them."""

from engine.expressions.conditions import Condition, evaluate_condition
from engine.expressions.environment import (
    ExpressionEnvironment,
    PipelineIdLookup,
    UrlFetcher,
    stage_variables,
)
from engine.expressions.errors import (
    ExpressionError,
    ExpressionLimitError,
    ExpressionSyntaxError,
    InternalExpressionError,
)
from engine.expressions.template import (
    Processed,
    Summary,
    SyntaxProblem,
    check,
    check_expression,
    evaluate,
    is_expression,
    process,
)

__all__ = [
    "Condition",
    "ExpressionEnvironment",
    "ExpressionError",
    "ExpressionLimitError",
    "ExpressionSyntaxError",
    "InternalExpressionError",
    "PipelineIdLookup",
    "Processed",
    "Summary",
    "SyntaxProblem",
    "UrlFetcher",
    "check",
    "check_expression",
    "evaluate",
    "evaluate_condition",
    "is_expression",
    "process",
    "stage_variables",
]
