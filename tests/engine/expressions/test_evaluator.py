"""Evaluation semantics: property access, filters, methods, Java-like numbers and strings."""

from __future__ import annotations

import pytest

from engine.expressions import ExpressionEnvironment, ExpressionError, evaluate
from tests.engine.expressions.conftest import NOW_MS

DATA = {
    "trigger": {"parameters": {"tag": "1.2.3"}},
    "items": [
        {"name": "a", "size": 1, "kind": "x"},
        {"name": "b", "size": 5, "kind": "y"},
        {"name": "c", "size": 3, "kind": "x"},
    ],
    "weights": {"low": 1, "mid": 5, "high": 9},
    "words": ["apple", "banana", "avocado"],
    "nothing": None,
    "flag": "true",
    "big": 1_712_345_678_000,
}


@pytest.fixture
def data_env() -> ExpressionEnvironment:
    return ExpressionEnvironment(variables=DATA, now_ms=lambda: NOW_MS)


def ev(text: str, env: ExpressionEnvironment) -> object:
    return evaluate(text, env)


class TestAccess:
    def test_dot_and_bracket_access_read_map_keys(self, data_env: ExpressionEnvironment) -> None:
        assert ev("trigger.parameters.tag", data_env) == "1.2.3"
        assert ev("trigger['parameters']['tag']", data_env) == "1.2.3"
        assert ev('trigger["parameters"].tag', data_env) == "1.2.3"

    def test_missing_keys_are_null_like_orca(self, data_env: ExpressionEnvironment) -> None:
        assert ev("trigger.missing", data_env) is None
        assert ev("trigger['missing']", data_env) is None
        assert ev("unknownRoot", data_env) is None

    def test_property_of_null_is_an_error_unless_safe(
        self, data_env: ExpressionEnvironment
    ) -> None:
        with pytest.raises(ExpressionError, match="cannot be found on null"):
            ev("nothing.field", data_env)
        assert ev("nothing?.field", data_env) is None
        assert ev("nothing?.length()", data_env) is None

    def test_list_and_string_indexing(self, data_env: ExpressionEnvironment) -> None:
        assert ev("items[1].name", data_env) == "b"
        assert ev("items['2'].name", data_env) == "c"
        assert ev("'hello'[1]", data_env) == "e"
        with pytest.raises(ExpressionError, match="index '3' is invalid"):
            ev("items[3]", data_env)
        with pytest.raises(ExpressionError, match="null"):
            ev("nothing[0]", data_env)

    def test_bare_name_in_a_map_index_is_the_key_itself(
        self, data_env: ExpressionEnvironment
    ) -> None:
        assert ev("weights[mid]", data_env) == 5

    def test_this_and_root_variables(self, data_env: ExpressionEnvironment) -> None:
        assert ev("#root.flag", data_env) == "true"
        assert ev("#this.flag", data_env) == "true"
        assert ev("words.?[#this.startsWith('a')]", data_env) == ["apple", "avocado"]
        assert ev("items.![#root.flag]", data_env) == ["true", "true", "true"]

    def test_unknown_variable_is_null_and_function_without_call_is_an_error(
        self, data_env: ExpressionEnvironment
    ) -> None:
        assert ev("#nope", data_env) is None
        with pytest.raises(ExpressionError, match="call it as #stage"):
            ev("#stage", data_env)


class TestCollections:
    def test_selection_first_last_projection_on_lists(
        self, data_env: ExpressionEnvironment
    ) -> None:
        assert ev("items.?[kind == 'x'].![name]", data_env) == ["a", "c"]
        assert ev("items.^[kind == 'x'].name", data_env) == "a"
        assert ev("items.$[kind == 'x'].name", data_env) == "c"
        assert ev("items.^[kind == 'z']", data_env) is None
        assert ev("items.?[size > 100]", data_env) == []
        assert ev("items.![size * 2]", data_env) == [2, 10, 6]

    def test_unqualified_method_calls_in_a_filter_target_the_element(
        self, data_env: ExpressionEnvironment
    ) -> None:
        assert ev("words.?[startsWith('a')]", data_env) == ["apple", "avocado"]

    def test_selection_and_projection_on_maps_use_entries(
        self, data_env: ExpressionEnvironment
    ) -> None:
        assert ev("weights.?[value > 3]", data_env) == {"mid": 5, "high": 9}
        assert ev("weights.^[value > 3]", data_env) == {"mid": 5}
        assert ev("weights.$[value > 3]", data_env) == {"high": 9}
        assert ev("weights.?[key.startsWith('h')].size()", data_env) == 1
        assert ev("weights.![key + '=' + value]", data_env) == ["low=1", "mid=5", "high=9"]

    def test_selection_criteria_must_be_boolean(self, data_env: ExpressionEnvironment) -> None:
        with pytest.raises(ExpressionError, match="not boolean"):
            ev("items.?[name]", data_env)

    def test_safe_selection_on_null(self, data_env: ExpressionEnvironment) -> None:
        assert ev("nothing?.?[true]", data_env) is None
        assert ev("nothing?.![1]", data_env) is None
        with pytest.raises(ExpressionError, match="selection is not supported on null"):
            ev("nothing.?[true]", data_env)


class TestNumbers:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("7 / 2", 3),
            ("-7 / 2", -3),  # Java truncates toward zero
            ("-7 % 3", -1),  # remainder takes the dividend's sign
            ("7 % -3", 1),
            ("7.0 / 2", 3.5),
            ("7 / 2.0", 3.5),
            ("1 + 1.5", 2.5),
            ("2 ^ 62", 2**62),
            ("big + 1000", 1_712_345_679_000),
            ("2147483647 + 1", 2147483648),  # promoted to long instead of wrapping
            ("3.intValue()", 3),
            ("3.9.intValue()", 3),
            ("(-3.9).intValue()", -3),
            (
                "big.intValue()",
                (1_712_345_678_000 & 0xFFFFFFFF) - 2**32,
            ),  # Java keeps the low 32 bits
            ("3.doubleValue()", 3.0),
            ("1.0e7.toString()", "1.0E7"),
            ("0.5.toString()", "0.5"),
            ("12.toString()", "12"),
        ],
    )
    def test_java_like_arithmetic(
        self, text: str, expected: object, data_env: ExpressionEnvironment
    ) -> None:
        result = ev(text, data_env)
        assert result == expected
        assert type(result) is type(expected)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("1 / 0", "division by zero"),
            ("1.0 / 0", "division by zero"),
            ("1 % 0", "division by zero"),
            ("9223372036854775807 + 1", "overflow"),
            ("2 ^ 64", "overflow"),
            ("10.0 ^ 400", "overflow|finite"),
            ("'a' - 1", "SUBTRACT"),
            ("{1} * 2", "MULTIPLY"),
            ("true + 1", "ADD"),
        ],
    )
    def test_invalid_arithmetic_fails_cleanly(
        self, text: str, message: str, data_env: ExpressionEnvironment
    ) -> None:
        with pytest.raises(ExpressionError, match=message):
            ev(text, data_env)


class TestStringsAndConcatenation:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("'v' + 1", "v1"),
            ("1 + 'v'", "1v"),
            ("'v' + 1.5", "v1.5"),
            ("'v' + true", "vtrue"),
            ("'v' + null", "vnull"),
            ("'v' + {1, 2}", "v1,2"),  # Spring converts a list to text by joining with ','
            ("'v' + {a: 1}", "v{a=1}"),
            ("'ab' * 3", "ababab"),
            ("{1, 'a', null}.toString()", "[1, a, null]"),
            ("{a: {1, 2}}.toString()", "{a=[1, 2]}"),
        ],
    )
    def test_concatenation_follows_spel(
        self, text: str, expected: str, data_env: ExpressionEnvironment
    ) -> None:
        assert ev(text, data_env) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("'Hello'.toUpperCase()", "HELLO"),
            ("'Hello'.toLowerCase()", "hello"),
            ("'Hello'.substring(1)", "ello"),
            ("'Hello'.substring(1, 3)", "el"),
            ("'Hello'.contains('ell')", True),
            ("'Hello'.startsWith('He')", True),
            ("'Hello'.startsWith('l', 2)", True),
            ("'Hello'.endsWith('lo')", True),
            ("'a.b.c'.replace('.', '-')", "a-b-c"),
            ("'v1.2.3'.replaceAll('[^0-9]', '')", "123"),
            ("'key=value'.replaceAll('(\\w+)=(\\w+)', '$2=$1')", "value=key"),
            ("'aaa'.replaceFirst('a', 'b')", "baa"),
            ("'a,b,,c,,'.split(',')", ["a", "b", "", "c"]),
            ("'a,b,c'.split(',', 2)", ["a", "b,c"]),
            ("'  padded \t'.trim()", "padded"),
            ("'Hello'.length()", 5),
            ("''.isEmpty()", True),
            ("'Hello'.indexOf('l')", 2),
            ("'Hello'.indexOf('l', 3)", 3),
            ("'Hello'.lastIndexOf('l')", 3),
            ("'Hello'.equals('Hello')", True),
            ("'Hello'.equalsIgnoreCase('hELLO')", True),
            ("'stra\u00dfe'.equalsIgnoreCase('STRASSE')", False),  # char by char, as in Java
            ("'release-12'.matches('release-\\d+')", True),
            ("'release-12x'.matches('release-\\d+')", False),
            ("'Hello'.charAt(1)", "e"),
            ("'Hel'.concat('lo')", "Hello"),
            ("'x'.toString()", "x"),
        ],
    )
    def test_string_methods(
        self, text: str, expected: object, data_env: ExpressionEnvironment
    ) -> None:
        assert ev(text, data_env) == expected

    def test_string_method_argument_errors(self, data_env: ExpressionEnvironment) -> None:
        with pytest.raises(ExpressionError, match="index out of bounds"):
            ev("'abc'.substring(2, 1)", data_env)
        with pytest.raises(ExpressionError, match=r"method substring\(java.lang.String\)"):
            ev("'abc'.substring('x')", data_env)
        with pytest.raises(ExpressionError, match="cannot be found on type java.lang.String"):
            ev("'abc'.repeat(3)", data_env)
        with pytest.raises(ExpressionError, match="no group 2"):
            ev("'abc'.replaceAll('(b)', '$2')", data_env)


class TestListAndMapMethods:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("words.size()", 3),
            ("words.isEmpty()", False),
            ("words.contains('apple')", True),
            ("words.get(1)", "banana"),
            ("words.indexOf('avocado')", 2),
            ("words.indexOf('kiwi')", -1),
            ("weights.containsKey('mid')", True),
            ("weights.containsValue(9)", True),
            ("weights.get('low')", 1),
            ("weights.keySet()", ["low", "mid", "high"]),
            ("weights.values()", [1, 5, 9]),
            ("weights.size()", 3),
            ("weights.isEmpty()", False),
            ("containsKey('flag')", True),  # a bare call targets the root object
        ],
    )
    def test_collection_methods(
        self, text: str, expected: object, data_env: ExpressionEnvironment
    ) -> None:
        assert ev(text, data_env) == expected

    def test_list_get_out_of_range(self, data_env: ExpressionEnvironment) -> None:
        with pytest.raises(ExpressionError, match="out of bounds"):
            ev("words.get(7)", data_env)


class TestComparisonAndLogic:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("1 == 1.0", True),
            ("'1' == 1", False),
            ("true == 1", False),
            ("null == null", True),
            ("nothing == null", True),
            ("{1, 2} == {1, 2}", True),
            ("{a: 1} == {a: 1}", True),
            ("'abc' < 'abd'", True),
            ("null < 1", True),
            ("false < true", True),
            ("flag and true", True),  # Spring converts 'true' to a boolean
            ("'yes' or false", True),
        ],
    )
    def test_comparisons(
        self, text: str, expected: object, data_env: ExpressionEnvironment
    ) -> None:
        assert ev(text, data_env) == expected

    def test_ordering_unrelated_types_is_an_error(self, data_env: ExpressionEnvironment) -> None:
        with pytest.raises(ExpressionError, match="cannot compare"):
            ev("'a' < 1", data_env)

    def test_non_boolean_conditions_are_errors(self, data_env: ExpressionEnvironment) -> None:
        for text in ("1 and true", "nothing ? 1 : 2", "!'maybe'"):
            with pytest.raises(ExpressionError):
                ev(text, data_env)

    def test_logical_operators_short_circuit(self, data_env: ExpressionEnvironment) -> None:
        assert ev("false and nothing.boom", data_env) is False
        assert ev("true or nothing.boom", data_env) is True
        assert ev("true ? 'ok' : nothing.boom", data_env) == "ok"


class TestTypes:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("T(java.lang.Math).max(3, 9)", 9),
            ("T(Math).min(3, 9)", 3),
            ("T(Math).abs(-2.5)", 2.5),
            ("T(Math).floor(2.7)", 2.0),
            ("T(Math).ceil(2.1)", 3.0),
            ("T(Math).round(2.5)", 3),
            ("T(Math).pow(2, 10)", 1024.0),
            ("T(Math).PI > 3.14", True),
            ("T(Integer).parseInt('42')", 42),
            ("T(Integer).MAX_VALUE", 2147483647),
            ("T(java.lang.Long).parseLong('1712345678000')", 1712345678000),
            ("T(Double).parseDouble('2.5')", 2.5),
            ("T(Boolean).parseBoolean('TRUE')", True),
            ("T(String).valueOf(12)", "12"),
            ("T(String).join('-', {'a', 'b'})", "a-b"),
            ("T(java.time.LocalDate).now()", "2024-04-05"),
            ("T(java.time.LocalDateTime).now()", "2024-04-05T19:34:38"),
            ("T(java.time.Instant).now()", "2024-04-05T19:34:38Z"),
            ("T(java.net.URLEncoder).encode('a b&c~')", "a+b%26c%7E"),
            ("T(java.util.UUID).randomUUID().toString().length()", 36),
            ("12 instanceof T(Integer)", True),
            ("12 instanceof T(String)", False),
            ("{1} instanceof T(java.util.List)", True),
        ],
    )
    def test_allowed_static_helpers(
        self, text: str, expected: object, data_env: ExpressionEnvironment
    ) -> None:
        assert ev(text, data_env) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "T(java.lang.Runtime).getRuntime().exec('id')",
            "T(java.lang.System).getenv()",
            "T(java.lang.Class).forName('java.lang.Runtime')",
            "T(java.io.File)",
            "new java.io.File('/')",
            "new String('x')",
            "new java.util.Random()",
        ],
    )
    def test_other_types_are_not_allowed(self, text: str, data_env: ExpressionEnvironment) -> None:
        with pytest.raises(ExpressionError, match="is not allowed"):
            ev(text, data_env)

    def test_static_members_outside_the_allow_list_are_refused(
        self, data_env: ExpressionEnvironment
    ) -> None:
        with pytest.raises(ExpressionError, match="not allowed"):
            ev("T(Math).random()", data_env)
        with pytest.raises(ExpressionError, match="not allowed"):
            ev("T(Integer).getInteger('x')", data_env)

    def test_a_type_reference_is_not_a_result_value(self, data_env: ExpressionEnvironment) -> None:
        with pytest.raises(ExpressionError, match="not a value"):
            ev("T(Math)", data_env)


class TestDates:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "new java.text.SimpleDateFormat('yyyyMMdd-HHmm').format(new java.util.Date())",
                "20240405-1934",
            ),
            (
                "new java.text.SimpleDateFormat(\"yyyy-MM-dd'T'HH:mm:ss.SSSZ\").format(0)",
                "1970-01-01T00:00:00.000+0000",
            ),
            (
                "new java.text.SimpleDateFormat('EEE, d MMM yy h:mm a z').format(1712345678000)",
                "Fri, 5 Apr 24 7:34 PM UTC",
            ),
            (
                "new java.text.SimpleDateFormat('D w W F u EEEE MMMM').format(1712345678000)",
                "96 14 1 1 5 Friday April",
            ),
            ("new java.text.SimpleDateFormat(\"'o''clock' HH\").format(0)", "o'clock 00"),
            ("new java.util.Date().toString()", "Fri Apr 05 19:34:38 UTC 2024"),
            ("new java.util.Date().getTime()", NOW_MS),
            ("new java.util.Date()", NOW_MS),  # a date in a result is its timestamp (Jackson)
            ("new java.util.Date(0) < new java.util.Date()", True),
            ("new java.util.Date(0).before(new java.util.Date(1))", True),
            ("'at ' + new java.util.Date(0)", "at Thu Jan 01 00:00:00 UTC 1970"),
        ],
    )
    def test_date_formatting_uses_the_injected_clock_in_utc(
        self, text: str, expected: object, data_env: ExpressionEnvironment
    ) -> None:
        assert ev(text, data_env) == expected

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("new java.text.SimpleDateFormat('yyyy-bb')", "illegal pattern character 'b'"),
            ("new java.text.SimpleDateFormat('yyyy')", "is not a value"),
            ("new java.text.SimpleDateFormat('y').format('today')", "cannot format"),
            ("new java.util.Date(9223372036854775807)", "outside the years"),
            ("new java.util.Date().setTime(0)", "cannot be found"),
            ("new java.text.SimpleDateFormat('y').parse('2024')", "cannot be found"),
        ],
    )
    def test_date_errors(self, text: str, message: str, data_env: ExpressionEnvironment) -> None:
        with pytest.raises(ExpressionError, match=message):
            ev(text, data_env)


def test_results_are_copies_of_environment_data(data_env: ExpressionEnvironment) -> None:
    result = ev("items", data_env)
    assert result == DATA["items"]
    assert result is not DATA["items"]
    assert isinstance(result, list)
    result[0]["name"] = "changed"
    assert DATA["items"][0]["name"] == "a"
