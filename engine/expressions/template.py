"""Orca-style template processing: every `${...}` in a JSON-like value is evaluated in place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.expressions.environment import ExpressionEnvironment
from engine.expressions.errors import ExpressionError
from engine.expressions.evaluator import evaluate_tree
from engine.expressions.limits import MAX_DOCUMENT_DEPTH, MAX_STRING_LENGTH
from engine.expressions.parser import parse
from engine.expressions.values import converted_string

PREFIX = "${"

Summary = dict[str, list[dict[str, object]]]


@dataclass(frozen=True, slots=True)
class TextPart:
    text: str


@dataclass(frozen=True, slots=True)
class ExpressionPart:
    source: str  # the full `${...}` as written
    inner: str  # the text between the delimiters
    offset: int  # where `inner` starts in the surrounding string

    @property
    def key(self) -> str:
        """The summary key: the expression text without delimiters, as Orca reports it."""
        return self.inner.strip()


class TemplateError(ExpressionError):
    """A string's `${...}` structure is broken (unterminated, nested or empty)."""


def is_expression(value: object) -> bool:
    """True when a value is a string containing `${` (Orca's `containsExpression`)."""
    return isinstance(value, str) and PREFIX in value


def scan(text: str) -> list[TextPart | ExpressionPart]:
    """Split a string into literal text and `${...}` parts.

    The end of an expression is the first `}` outside string literals and brackets, so
    `${ {'a': 1}['a'] }` and `${ 'a}b' }` work. Expressions cannot be nested.
    """
    parts: list[TextPart | ExpressionPart] = []
    cursor = 0
    while True:
        start = text.find(PREFIX, cursor)
        if start < 0:
            break
        end = _expression_end(text, start)
        if start > cursor:
            parts.append(TextPart(text[cursor:start]))
        inner = text[start + 2 : end]
        if not inner.strip():
            raise TemplateError("no expression defined within delimiter '${}'", start)
        parts.append(ExpressionPart(text[start : end + 1], inner, start + 2))
        cursor = end + 1
    if cursor < len(text):
        parts.append(TextPart(text[cursor:]))
    return parts


def _expression_end(text: str, start: int) -> int:
    depth = 0
    index = start + 2
    while index < len(text):
        char = text[index]
        if char in "'\"":
            close = text.find(char, index + 1)
            if close < 0:
                raise TemplateError("unterminated string literal in expression", index)
            index = close + 1
            continue
        if text.startswith(PREFIX, index):
            raise TemplateError("expressions cannot be nested", index)
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0 and char == "}":
                return index
            depth = max(0, depth - 1)
        index += 1
    raise TemplateError(f"no closing '}}' for expression starting at character {start}", start)


@dataclass
class Processed:
    """The processed copy of a value and the `expressionEvaluationSummary` of its failures."""

    value: object
    summary: Summary = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.summary)


def process(value: object, env: ExpressionEnvironment) -> Processed:
    """Evaluate every `${...}` in a JSON-like value; the input is never modified.

    A string that is exactly one expression becomes its typed result; otherwise results are
    converted to text in place (lists join with ',', null becomes empty, as in SpEL templates).
    A failing expression keeps its literal text and is recorded in the summary (level ERROR);
    a whole-string expression that yields null keeps its text too (level INFO), like Orca.
    """
    run = _Run(env)
    return Processed(run.value(value, None, 0), run.summary)


class _Run:
    def __init__(self, env: ExpressionEnvironment) -> None:
        self.env = env
        self.summary: Summary = {}

    def record(
        self, key: str, level: str, description: str, error: ExpressionError | None = None
    ) -> None:
        # Orca strips '$' so a stored summary can never be evaluated again as an expression.
        note: dict[str, object] = {
            "description": description.replace("$", ""),
            "level": level,
            "timestamp": self.env.now_ms(),
        }
        if error is not None:
            note["exceptionType"] = type(error).__name__
        self.summary.setdefault(key, []).append(note)

    def value(self, value: object, field_name: str | None, depth: int) -> object:
        if isinstance(value, str):
            return self.string(value, field_name)
        if depth > MAX_DOCUMENT_DEPTH:
            if _contains_expression(value):
                self.record("", "ERROR", "value nests too deeply to evaluate its expressions")
            return value
        if isinstance(value, Mapping):
            result: dict[object, object] = {}
            for key, item in value.items():
                new_key = key
                if isinstance(key, str) and PREFIX in key:
                    processed_key = self.string(key, key)
                    new_key = (
                        processed_key
                        if isinstance(processed_key, str)
                        else (converted_string(processed_key))
                    )
                name = key if isinstance(key, str) else str(key)
                result[new_key] = self.value(item, name, depth + 1)
            return result
        if isinstance(value, list | tuple):
            return [self.value(item, field_name, depth + 1) for item in value]
        return value

    def string(self, text: str, field_name: str | None) -> object:
        if PREFIX not in text:
            return text
        label = f"[{field_name}]" if field_name is not None else text
        try:
            parts = scan(text)
        except ExpressionError as exc:
            self.record(
                _simple_key(text), "ERROR", f"Failed to evaluate {label} {exc.message}", exc
            )
            return text
        whole = len(parts) == 1 and isinstance(parts[0], ExpressionPart)
        pieces: list[str] = []
        size = 0
        for part in parts:
            if isinstance(part, TextPart):
                pieces.append(part.text)
                size += len(part.text)
                continue
            try:
                result = evaluate_tree(parse(part.inner), self.env)
            except ExpressionError as exc:
                self.record(part.key, "ERROR", f"Failed to evaluate {label} {exc.message}", exc)
                pieces.append(part.source)
                continue
            if whole:
                if result is None:
                    self.record(
                        part.key, "INFO", f"Failed to evaluate {label} : {part.key} not found"
                    )
                    return text
                return result
            piece = "" if result is None else converted_string(result)
            size += len(piece)
            if size > MAX_STRING_LENGTH:
                self.record(part.key, "ERROR", f"Failed to evaluate {label} result is too long")
                return text
            pieces.append(piece)
        return "".join(pieces)


def _simple_key(text: str) -> str:
    """For a string that cannot be scanned, Orca keys the summary by the text minus `${`/`}`."""
    stripped = text.strip()
    if stripped.startswith(PREFIX) and stripped.endswith("}"):
        return stripped[2:-1].strip()
    return text.replace("$", "")


def _contains_expression(value: object) -> bool:
    stack = [value]
    seen = 0
    while stack and seen < 100_000:
        item = stack.pop()
        seen += 1
        if isinstance(item, str):
            if PREFIX in item:
                return True
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def evaluate(text: str, env: ExpressionEnvironment) -> object:
    """Evaluate one expression written without `${}`; raises ExpressionError on any failure."""
    return evaluate_tree(parse(text), env)


# --- validation -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """An expression that does not parse: where (JSON pointer + offset in the string) and why."""

    path: str
    offset: int
    message: str


def pointer_token(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def check(value: object, path: str = "") -> list[SyntaxProblem]:
    """Parse (without evaluating) every `${...}` in a JSON-like value."""
    problems: list[SyntaxProblem] = []
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            problems.extend(check_template(item, where))
        elif isinstance(item, Mapping):
            for key, child in item.items():
                child_path = f"{where}/{pointer_token(key)}"
                if isinstance(key, str):
                    problems.extend(check_template(key, child_path))
                stack.append((child, child_path))
        elif isinstance(item, list | tuple):
            stack.extend((child, f"{where}/{index}") for index, child in enumerate(item))
    problems.sort(key=lambda problem: (problem.path, problem.offset))
    return problems


def check_template(text: str, path: str = "") -> list[SyntaxProblem]:
    if PREFIX not in text:
        return []
    try:
        parts = scan(text)
    except ExpressionError as exc:
        return [SyntaxProblem(path, exc.position or 0, exc.message)]
    problems = []
    for part in parts:
        if isinstance(part, ExpressionPart):
            try:
                parse(part.inner)
            except ExpressionError as exc:
                problems.append(SyntaxProblem(path, part.offset + (exc.position or 0), exc.message))
    return problems


def check_expression(text: str, path: str = "") -> SyntaxProblem | None:
    """Parse a bare expression (no `${}`), such as `stageEnabled.expression`."""
    try:
        parse(unwrap_delimiters(text))
    except ExpressionError as exc:
        return SyntaxProblem(path, exc.position or 0, exc.message)
    return None


def unwrap_delimiters(text: str) -> str:
    """`${expr}` -> `expr` when the whole text is one expression; otherwise the text itself.

    Conditions are written without delimiters, but people often add them; accept both.
    """
    stripped = text.strip()
    if stripped.startswith(PREFIX):
        try:
            parts = scan(stripped)
        except ExpressionError:
            return text
        if len(parts) == 1 and isinstance(parts[0], ExpressionPart):
            return parts[0].inner
    return text
