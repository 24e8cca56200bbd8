"""Template processing over JSON-like values, Orca's failure summary, and syntax checking."""

from __future__ import annotations

import pytest

from engine.expressions import (
    ExpressionEnvironment,
    SyntaxProblem,
    check,
    check_expression,
    is_expression,
    process,
)
from engine.expressions.template import scan
from tests.engine.expressions.conftest import NOW_MS


def test_orca_reference_examples(env: ExpressionEnvironment) -> None:
    config = {
        "tag": "${trigger['parameters']['tag']}",
        "groups": "${#stage('Deploy')['context']['deploy.server.groups']}",
        "manifestStages": "${execution.stages.?[type == 'deployManifest'].![name]}",
        "target": "${parameters.env == 'prod' ? 'a' : 'b'}",
        "judgment": "${#judgment('Approve')}",
        "next": "${#toInt(parameters.n) + 1}",
    }
    processed = process(config, env)
    assert processed.summary == {}
    assert processed.value == {
        "tag": "1.2.3",
        "groups": {"default": ["deployment shop"]},
        "manifestStages": ["Deploy"],
        "target": "a",
        "judgment": "ship",
        "next": 42,
    }


def test_whole_string_expressions_keep_their_type(env: ExpressionEnvironment) -> None:
    processed = process(
        ["${1 + 1}", "${1.5}", "${true}", "${ {1, 2} }", "${ {'a': 1} }", "${'text'}"], env
    )
    assert processed.value == [2, 1.5, True, [1, 2], {"a": 1}, "text"]


def test_embedded_expressions_are_stringified_like_spel(env: ExpressionEnvironment) -> None:
    processed = process(
        {
            "image": "registry/shop:${parameters.tag}",
            "regions": "regions=${parameters.regions}",
            "map": "m=${ {'a': 1} }",
            "flags": "${true}/${1 > 2}",
            "number": "n=${2.5 * 2}",
            "two": "${parameters.env}-${parameters.tag}",
            "padded": " ${1}",
        },
        env,
    )
    assert processed.value == {
        "image": "registry/shop:1.2.3",
        "regions": "regions=ap-a,ap-b",
        "map": "m={a=1}",
        "flags": "true/false",
        "number": "n=5.0",
        "two": "prod-1.2.3",
        "padded": " 1",
    }


def test_null_inside_text_becomes_empty_as_in_spel_templates(env: ExpressionEnvironment) -> None:
    assert process("tag-${parameters.missing}", env).value == "tag-"


def test_strings_without_expressions_and_other_values_pass_through(
    env: ExpressionEnvironment,
) -> None:
    value = {"n": 1, "f": 1.5, "b": False, "none": None, "s": "plain $ {not} $", "l": [1, "x"]}
    processed = process(value, env)
    assert processed.value == value
    assert processed.summary == {}


def test_input_is_not_modified(env: ExpressionEnvironment) -> None:
    value = {"a": ["${parameters.tag}"]}
    processed = process(value, env)
    assert value == {"a": ["${parameters.tag}"]}
    assert processed.value == {"a": ["1.2.3"]}


def test_braces_and_quotes_inside_expressions(env: ExpressionEnvironment) -> None:
    processed = process(
        {
            "a": "${ {'k': 'v}'}['k'] }",
            "b": "${'}' + '{'}",
            "c": "x${ {1,2}.size() }y",
            "d": '${"it""s"}',
        },
        env,
    )
    assert processed.value == {"a": "v}", "b": "}{", "c": "x2y", "d": 'it"s'}


def test_failed_expression_keeps_its_literal_and_is_summarised(
    env: ExpressionEnvironment,
) -> None:
    processed = process(
        {"waitTime": "${#stage('Nope').context.x}", "note": "v=${parameters.tag} ${1/0}"}, env
    )
    assert processed.value == {
        "waitTime": "${#stage('Nope').context.x}",
        "note": "v=1.2.3 ${1/0}",
    }
    assert set(processed.summary) == {"#stage('Nope').context.x", "1/0"}
    [note] = processed.summary["#stage('Nope').context.x"]
    assert note["level"] == "ERROR"
    assert note["timestamp"] == NOW_MS
    assert note["exceptionType"] == "ExpressionError"
    assert str(note["description"]).startswith("Failed to evaluate [waitTime] Unable to locate")
    assert processed.failed


def test_whole_string_null_keeps_its_literal_with_an_info_note(
    env: ExpressionEnvironment,
) -> None:
    processed = process({"x": "${trigger.nothing}"}, env)
    assert processed.value == {"x": "${trigger.nothing}"}
    assert processed.summary == {
        "trigger.nothing": [
            {
                "description": "Failed to evaluate [x] : trigger.nothing not found",
                "level": "INFO",
                "timestamp": NOW_MS,
            }
        ]
    }


def test_summary_descriptions_never_contain_expressions(env: ExpressionEnvironment) -> None:
    processed = process({"a": "${'${'"}, env)
    for notes in processed.summary.values():
        for note in notes:
            assert "${" not in str(note["description"])


@pytest.mark.parametrize(
    "text",
    ["${unterminated", "${ ${nested} }", "${}", "${ 'open }", "${1 +}"],
)
def test_broken_templates_stay_literal(text: str, env: ExpressionEnvironment) -> None:
    processed = process({"f": text}, env)
    assert processed.value == {"f": text}
    assert processed.summary
    assert all(note["level"] == "ERROR" for notes in processed.summary.values() for note in notes)


def test_repeated_failures_accumulate_under_one_key(env: ExpressionEnvironment) -> None:
    processed = process(["${1/0}", "${1/0}"], env)
    assert len(processed.summary["1/0"]) == 2


def test_keys_with_expressions_are_evaluated_too(env: ExpressionEnvironment) -> None:
    processed = process({"${parameters.env}-url": "x", "n-${1+1}": 1}, env)
    assert processed.value == {"prod-url": "x", "n-2": 1}


def test_scan_splits_text_and_expressions() -> None:
    parts = scan("a${b}c${ d }")
    assert [type(p).__name__ for p in parts] == [
        "TextPart",
        "ExpressionPart",
        "TextPart",
        "ExpressionPart",
    ]
    assert [getattr(p, "key", None) for p in parts] == [None, "b", None, "d"]


def test_is_expression() -> None:
    assert is_expression("${a}")
    assert is_expression("x ${a} y")
    assert not is_expression("$a {b}")
    assert not is_expression(3)
    assert not is_expression(None)


class TestCheck:
    def test_reports_json_pointers_and_offsets(self) -> None:
        config = {
            "stages": [
                {"name": "ok ${parameters.x}"},
                {"waitTime": "${1 +}", "a/b": {"c~d": "xx${'open}"}},
            ],
            "${bad key(}": 1,
        }
        problems = check(config)
        assert [(p.path, p.offset) for p in problems] == [
            ("/${bad key(}", 0),
            ("/stages/1/a~1b/c~0d", 4),
            ("/stages/1/waitTime", 5),
        ]
        assert all(isinstance(p, SyntaxProblem) and p.message for p in problems)

    def test_valid_config_has_no_problems(self) -> None:
        assert check({"a": ["${#stage('x').status == 'SUCCEEDED'}", 1, None]}) == []

    def test_check_never_evaluates(self) -> None:
        assert check({"a": "${#fromUrl('http://169.254.169.254/')}"}) == []

    def test_check_expression_for_bare_conditions(self) -> None:
        assert check_expression("parameters.x == 'y'") is None
        assert check_expression("${parameters.x == 'y'}") is None
        problem = check_expression("parameters.x ==", "/stages/0/stageEnabled/expression")
        assert problem is not None
        assert problem.path == "/stages/0/stageEnabled/expression"
        assert problem.offset == 15
