import math
from decimal import Decimal

import pytest

from engine.el import ExpressionError
from tests.engine.el.support import evaluate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${1 + 2}", 3),
        ("${5 - 7}", -2),
        ("${6 * 7}", 42),
        ("${1.5 + 1}", 2.5),
        ("${'0' + 1}", 1),
        ("${'2' * '3'}", 6),
        ("${'1.5' + 1}", 2.5),
        ("${null + null}", 0),
        ("${null + 4}", 4),
        ("${'' + 4}", 4),
        ("${10 / 4}", 2.5),
        ("${4 / 2}", 2.0),
        ("${9 div 3}", 3.0),
        ("${7 % 3}", 1),
        ("${7 mod 3}", 1),
        ("${-7 % 3}", -1),
        ("${7.5 % 2}", 1.5),
        ("${null / null}", 0),
        ("${-5}", -5),
        ("${-'5'}", -5),
        ("${-'2.5'}", -2.5),
        ("${-null}", 0),
        ("${2 + 3 * 4}", 14),
        ("${(2 + 3) * 4}", 20),
        ("${10 - 3 - 2}", 5),
        ("${100 / 10 / 5}", 2.0),
    ],
)
def test_arithmetic_follows_the_el_coercion_rules(text, expected):
    value = evaluate(text)
    assert value == expected
    assert type(value) is type(expected)


def test_plus_never_concatenates_strings():
    with pytest.raises(ExpressionError, match="Cannot coerce 'a' \\(String\\) to Long"):
        evaluate("${'a' + 'b'}")


def test_integer_results_stay_integers_beyond_the_long_range():
    assert evaluate("${a * a}", a=2**62) == 2**124


def test_decimal_operands_keep_decimal_arithmetic():
    assert evaluate("${price * 2}", price=Decimal("1.10")) == Decimal("2.20")
    assert evaluate("${price / 4}", price=Decimal("1.00")) == Decimal("0.25")


def test_double_division_by_zero_is_infinity_or_nan_as_in_java():
    assert evaluate("${1 / 0}") == math.inf
    assert evaluate("${-1 / 0}") == -math.inf
    assert math.isnan(evaluate("${0 / 0}"))


def test_integer_modulo_by_zero_is_an_error():
    with pytest.raises(ExpressionError, match="Division by zero"):
        evaluate("${1 % 0}")


def test_arithmetic_on_a_boolean_is_an_error():
    with pytest.raises(ExpressionError, match="Cannot coerce true \\(Boolean\\)"):
        evaluate("${true + 1}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${1 == 1}", True),
        ("${1 eq 1.0}", True),
        ("${'1' == 1}", True),
        ("${1 != 2}", True),
        ("${1 ne 1}", False),
        ("${'a' == 'a'}", True),
        ("${null == null}", True),
        ("${null == 0}", False),
        ("${null == ''}", False),
        ("${'' == 0}", True),
        ("${true == 'true'}", True),
        ("${true == 'TRUE'}", True),
        ("${false == 'yes'}", True),
        ("${2 < 10}", True),
        ("${'2' < '10'}", False),
        ("${'10' > 9}", True),
        ("${3 lt 4}", True),
        ("${3 gt 4}", False),
        ("${4 <= 4}", True),
        ("${4 le 3}", False),
        ("${4 >= 5}", False),
        ("${5 ge 5}", True),
        ("${null < 1}", False),
        ("${null >= null}", False),
        ("${'abc' < 'abd'}", True),
        ("${1 + 1 == 2}", True),
        ("${1 < 2 == true}", True),
    ],
)
def test_comparisons_coerce_their_operands(text, expected):
    assert evaluate(text) is expected


def test_a_number_compared_with_a_non_numeric_string_is_an_error():
    with pytest.raises(ExpressionError, match="Cannot coerce 'abc'"):
        evaluate("${amount > 'abc'}", amount=5)


def test_a_variable_equals_a_string_literal():
    assert evaluate("${status == 'approved'}", status="approved") is True


def test_decimals_compare_with_numbers():
    assert evaluate("${price >= 10}", price=Decimal("10.00")) is True


def test_maps_cannot_be_ordered():
    with pytest.raises(ExpressionError, match="Cannot compare Map with Map"):
        evaluate("${a < b}", a={}, b={})


def test_dates_compare_in_time_order():
    assert evaluate("${due < now()}", due=evaluate("${dateTime().minusDays(1).toDate()}"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${true && true}", True),
        ("${true and false}", False),
        ("${false || true}", True),
        ("${false or false}", False),
        ("${!true}", False),
        ("${not false}", True),
        ("${!!true}", True),
        ("${'true' && 'TRUE'}", True),
        ("${'yes' || null}", False),
        ("${!null}", True),
        ("${a && b && c}", False),
        ("${x || y || z}", True),
        ("${true || false && false}", True),
    ],
)
def test_logic_coerces_operands_to_boolean(text, expected):
    assert evaluate(text, a=True, b=True, c=False, x=False, y=False, z=True) is expected


def test_and_stops_at_the_first_false_operand():
    assert evaluate("${false && missing}") is False


def test_or_stops_at_the_first_true_operand():
    assert evaluate("${true || missing}") is True


def test_a_number_is_not_a_boolean():
    with pytest.raises(ExpressionError, match="Cannot coerce 1 \\(Long\\) to Boolean"):
        evaluate("${1 && true}")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), ("", True), ([], True), ({}, True), ((), True),
     ("x", False), ([0], False), ({"k": None}, False), (0, False), (False, False)],
)
def test_empty_is_true_for_null_and_empty_strings_and_collections(value, expected):
    assert evaluate("${empty v}", v=value) is expected
    assert evaluate("${not empty v}", v=value) is (not expected)


def test_ternary_picks_a_branch_and_evaluates_only_that_branch():
    assert evaluate("${a > b ? 'x' : 'y'}", a=2, b=1) == "x"
    assert evaluate("${a > b ? missing : 'y'}", a=1, b=2) == "y"


def test_ternaries_nest_to_the_right():
    assert evaluate("${n < 0 ? 'neg' : n == 0 ? 'zero' : 'pos'}", n=0) == "zero"


def test_ternary_condition_accepts_a_boolean_string():
    assert evaluate("${flag ? 1 : 2}", flag="true") == 1


def test_unary_minus_binds_tighter_than_multiplication():
    assert evaluate("${-2 * -3}") == 6


def test_a_long_chain_of_operators_is_flat_and_evaluates():
    assert evaluate("${" + " + ".join(["1"] * 5000) + "}") == 5000
