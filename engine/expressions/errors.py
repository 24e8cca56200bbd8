"""Error types raised by the expression parser and evaluator."""

from __future__ import annotations


class ExpressionError(Exception):
    """An expression could not be parsed or evaluated; `position` is an offset into its text."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (at position {self.position})"


class ExpressionSyntaxError(ExpressionError):
    """The text is not a valid expression."""


class ExpressionLimitError(ExpressionError):
    """The expression, or a value it computed, exceeded a safety limit."""


class InternalExpressionError(ExpressionError):
    """An unexpected failure inside the evaluator (a bug), reported as an expression error."""
