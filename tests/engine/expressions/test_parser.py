"""The grammar: literals, precedence, chains, and clean syntax errors with positions."""

from __future__ import annotations

import pytest

from engine.expressions import ExpressionEnvironment, ExpressionSyntaxError, evaluate
from engine.expressions import nodes as n
from engine.expressions.errors import ExpressionLimitError
from engine.expressions.parser import parse

EMPTY = ExpressionEnvironment()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'single'", "single"),
        ("'it''s'", "it's"),
        ('"double"', "double"),
        ('"say ""hi"""', 'say "hi"'),
        ("'a\\d'", "a\\d"),  # SpEL strings have no backslash escapes
        ("42", 42),
        ("42L", 42),
        ("0x1F", 31),
        ("0x1FL", 31),
        ("1.5", 1.5),
        ("1.5e3", 1500.0),
        ("2e2", 200.0),
        ("2.5f", 2.5),
        ("7d", 7.0),
        ("true", True),
        ("FALSE", False),
        ("null", None),
        ("{}", []),
        ("{:}", {}),
        ("{1, 'a', {2}}", [1, "a", [2]]),
        ("{a: 1, 'b c': 2, 3: 'x'}", {"a": 1, "b c": 2, 3: "x"}),
    ],
)
def test_literals(text: str, expected: object) -> None:
    assert evaluate(text, EMPTY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("2 ^ 3 * 2", 16),
        ("-2 ^ 2", 4),  # unary binds tighter than power in SpEL
        ("2 ^ -1", 0.5),
        ("1 + 2 == 3", True),
        ("1 < 2 and 3 > 4 or true", True),
        ("true or false and false", True),
        ("!true or true", True),
        ("not false and true", True),
        ("1 == 1 ? 'y' : 'n'", "y"),
        ("null ?: 'fallback'", "fallback"),
        ("'' ?: 'fallback'", "fallback"),
        ("'set' ?: 'fallback'", "set"),
        ("false ? 1 : true ? 2 : 3", 2),
        ("7 div 2 + 7 mod 4", 6),
        ("2 eq 2 && 1 ne 2 and 1 lt 2 and 2 gt 1 and 1 le 1 and 1 ge 1", True),
        ("1 between {0, 5}", True),
        ("'abc' matches 'a.c'", True),
        ("'x' instanceof T(String)", True),
    ],
)
def test_operators_and_precedence(text: str, expected: object) -> None:
    assert evaluate(text, EMPTY) == expected


def test_postfix_chains_are_flat_and_keep_their_order() -> None:
    node = parse("a?.b['c'].d(1).?[x].^[y].$[z].![w]")
    assert isinstance(node, n.Chain)
    assert [type(step).__name__ for step in node.steps] == [
        "Property",
        "Index",
        "MethodCall",
        "Selection",
        "Selection",
        "Selection",
        "Projection",
    ]
    assert node.steps[0] == n.Property("b", safe=True, pos=1)
    assert [s.kind for s in node.steps[3:6] if isinstance(s, n.Selection)] == [
        "all",
        "first",
        "last",
    ]


def test_textual_operator_words_still_work_as_property_names() -> None:
    env = ExpressionEnvironment(variables={"a": {"and": 1, "matches": 2, "new": 3}})
    assert evaluate("a.and + a.matches + a.new", env) == 6


def test_type_reference_and_constructor_parse_to_their_nodes() -> None:
    assert parse("T(java.lang.Math)") == n.TypeRef("java.lang.Math", 0)
    node = parse("new java.io.File('/')")
    assert isinstance(node, n.NewObject)
    assert node.type_name == "java.io.File"


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("1 +", 3),
        ("a ==", 4),
        ("'unterminated", 0),
        ("1 +* 2", 3),
        ("a == b == c", 7),  # relational operators do not chain in SpEL
        ("2 ^ 3 ^ 2", 6),
        ("a b", None),
        ("#", 1),
        ("a.?[", 4),
        ("@bean", 0),
        ("T(1)", 0),
        ("99999999999999999999", 0),
        ("   ", 0),
    ],
)
def test_syntax_errors_are_reported_with_a_position(text: str, position: int | None) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse(text)
    assert caught.value.message
    if position is not None:
        assert caught.value.position == position


def test_deep_bracket_nesting_is_refused_before_parsing() -> None:
    with pytest.raises(ExpressionLimitError):
        parse("(" * 5000 + "1" + ")" * 5000)


def test_deep_unary_nesting_is_refused_without_recursion_error() -> None:
    with pytest.raises(ExpressionLimitError):
        parse("!" * 5000 + "true")


def test_long_flat_chains_and_sums_parse_and_evaluate() -> None:
    assert evaluate("+".join(["1"] * 2000), EMPTY) == 2000
    env = ExpressionEnvironment(variables={"a": {"a": {"a": "end"}}})
    assert evaluate("a" + ".a" * 2, env) == "end"
    assert evaluate("a.a.b" + "?.a" * 3000, env) is None


def test_expression_length_is_capped() -> None:
    with pytest.raises(ExpressionLimitError):
        parse("1" + " " * 10_000)


def test_parse_results_are_cached() -> None:
    assert parse("a.b + 1") is parse("a.b + 1")
