"""Safety limits that bound what one expression may cost in time and memory."""

from __future__ import annotations

from engine.expressions.errors import ExpressionLimitError

# Spring caps SpEL expressions at 10,000 characters; we follow it.
MAX_EXPRESSION_LENGTH = 10_000
# Brackets and AST nesting: real pipeline expressions stay far below this, and it keeps the
# recursive evaluator a long way from Python's recursion limit.
MAX_NESTING_DEPTH = 64
# Upper bound on node evaluations plus collection iterations for one expression.
MAX_STEPS = 200_000
# Any string an expression produces (concatenation, toJson, replace, ...).
MAX_STRING_LENGTH = 1_000_000
# Spring refuses `'text' * n` beyond 256 characters of output.
MAX_REPEATED_TEXT = 256
# Elements in any list or map an expression produces.
MAX_COLLECTION_SIZE = 100_000
# Nodes in a document parsed or serialized by a helper (defeats YAML alias bombs).
MAX_DOCUMENT_NODES = 1_000_000
# Nesting of documents and of the JSON-like values processed as templates.
MAX_DOCUMENT_DEPTH = 200
# Regular expressions run on RE2 (linear time); these bound compile cost and input size.
MAX_REGEX_LENGTH = 1_000
MAX_REGEX_INPUT = MAX_STRING_LENGTH
# Integers are Java longs: results outside this range are refused rather than wrapped.
LONG_MIN = -(2**63)
LONG_MAX = 2**63 - 1
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1


class Budget:
    """Counts evaluation work for one expression and stops it when the limit is reached."""

    __slots__ = ("limit", "used")

    def __init__(self, limit: int = MAX_STEPS) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, amount: int = 1) -> None:
        self.used += amount
        if self.used > self.limit:
            raise ExpressionLimitError(
                f"expression exceeded its evaluation budget of {self.limit} steps"
            )


def check_string(value: str) -> str:
    if len(value) > MAX_STRING_LENGTH:
        raise ExpressionLimitError(
            f"string result of {len(value)} characters exceeds the limit of {MAX_STRING_LENGTH}"
        )
    return value


def check_length(length: int) -> None:
    """Refuse before building a string that would be too long."""
    if length > MAX_STRING_LENGTH:
        raise ExpressionLimitError(
            f"string result of {length} characters exceeds the limit of {MAX_STRING_LENGTH}"
        )


def check_collection(size: int) -> None:
    if size > MAX_COLLECTION_SIZE:
        raise ExpressionLimitError(
            f"collection of {size} elements exceeds the limit of {MAX_COLLECTION_SIZE}"
        )
