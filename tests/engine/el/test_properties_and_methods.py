import pytest

from engine.el import ExpressionError
from tests.engine.el.support import evaluate

CUSTOMER = {"name": "Ada", "vip": True, "tags": ["a", "b"], "address": {"city": "Oslo"}}


def test_dot_access_reads_a_map_entry():
    assert evaluate("${customer.name}", customer=CUSTOMER) == "Ada"


def test_bracket_access_reads_a_map_entry():
    assert evaluate("${customer['name']}", customer=CUSTOMER) == "Ada"


def test_property_paths_chain():
    assert evaluate("${customer.address.city}", customer=CUSTOMER) == "Oslo"
    assert evaluate("${customer.tags[1]}", customer=CUSTOMER) == "b"


def test_a_missing_map_key_is_null():
    assert evaluate("${customer.age}", customer=CUSTOMER) is None


def test_a_property_of_null_is_null():
    assert evaluate("${customer.address.street.number}", customer=CUSTOMER) is None


def test_list_index_reads_an_element_and_out_of_range_is_null():
    assert evaluate("${items[0]}", items=[10, 20]) == 10
    assert evaluate("${items['1']}", items=[10, 20]) == 20
    assert evaluate("${items[5]}", items=[10, 20]) is None
    assert evaluate("${items[-1]}", items=[10, 20]) is None


def test_a_computed_key_reads_a_map_entry():
    assert evaluate("${rates[currency]}", rates={"EUR": 1.1}, currency="EUR") == 1.1


def test_a_name_is_not_an_index_of_a_list():
    with pytest.raises(ExpressionError, match="Cannot use 'size' as an index of a List"):
        evaluate("${items.size}", items=[1])


def test_a_string_has_no_properties():
    with pytest.raises(ExpressionError, match="Property 'length' is not found on String"):
        evaluate("${s.length}", s="abc")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${s.concat('!')}", "Hello!"),
        ("${s.concat(1)}", "Hello1"),
        ("${s.equals('Hello')}", True),
        ("${s.equals(1)}", False),
        ("${s.equalsIgnoreCase('HELLO')}", True),
        ("${s.equalsIgnoreCase(null)}", False),
        ("${s.contains('ell')}", True),
        ("${s.startsWith('He')}", True),
        ("${s.endsWith('lo')}", True),
        ("${s.length()}", 5),
        ("${s.isEmpty()}", False),
        ("${''.isEmpty()}", True),
        ("${s.toUpperCase()}", "HELLO"),
        ("${s.toLowerCase()}", "hello"),
        ("${'  x \t'.trim()}", "x"),
        ("${s.substring(1)}", "ello"),
        ("${s.substring(1, 3)}", "el"),
        ("${s.substring('1', '3')}", "el"),
        ("${s.indexOf('l')}", 2),
        ("${s.indexOf('l', 3)}", 3),
        ("${s.indexOf('z')}", -1),
        ("${s.lastIndexOf('l')}", 3),
        ("${s.replace('l', 'L')}", "HeLLo"),
        ("${'a,b,,c,,'.split(',')}", ["a", "b", "", "c"]),
        ("${'a|b'.split('\\\\|')}", ["a", "b"]),
        ("${'abc'.split(';')}", ["abc"]),
        ("${s.charAt(1)}", "e"),
        ("${s.toString()}", "Hello"),
        ("${s.length() > 3 && s.startsWith('H')}", True),
    ],
)
def test_allowed_string_methods_behave_like_java(text, expected):
    assert evaluate(text, s="Hello") == expected


def test_substring_out_of_range_is_an_error():
    with pytest.raises(ExpressionError, match="String index out of range"):
        evaluate("${'abc'.substring(2, 9)}")


def test_split_refuses_a_regular_expression():
    with pytest.raises(ExpressionError, match="only a literal separator"):
        evaluate("${'a1b'.split('[0-9]+')}")


def test_a_method_argument_must_not_be_null_where_java_would_fail():
    with pytest.raises(ExpressionError, match="Argument of 'contains' must not be null"):
        evaluate("${'abc'.contains(null)}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${items.size()}", 3),
        ("${items.isEmpty()}", False),
        ("${items.contains('b')}", True),
        ("${items.contains('z')}", False),
        ("${items.get(0)}", "a"),
        ("${items.indexOf('c')}", 2),
        ("${not items.isEmpty()}", True),
    ],
)
def test_allowed_list_methods(text, expected):
    assert evaluate(text, items=["a", "b", "c"]) == expected


def test_list_contains_does_not_treat_true_as_one():
    assert evaluate("${items.contains(true)}", items=[1]) is False


def test_list_get_out_of_range_is_an_error():
    with pytest.raises(ExpressionError, match="Index 3 out of bounds for length 1"):
        evaluate("${items.get(3)}", items=["a"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${benefits.size()}", 2),
        ("${benefits.isEmpty()}", False),
        ("${benefits.get('roomUpgrade')}", True),
        ("${benefits.get('spa')}", None),
        ("${benefits.getOrDefault('spa', false)}", False),
        ("${benefits.containsKey('late')}", True),
        ("${benefits.containsValue('x')}", False),
        ("${benefits.keySet()}", ["roomUpgrade", "late"]),
        ("${benefits.values()}", [True, 2]),
    ],
)
def test_allowed_map_methods(text, expected):
    assert evaluate(text, benefits={"roomUpgrade": True, "late": 2}) == expected


def test_a_map_entry_named_like_a_method_is_still_reachable_as_a_property():
    assert evaluate("${m.size}", m={"size": "XL"}) == "XL"
    assert evaluate("${m.size()}", m={"size": "XL"}) == 1


def test_numbers_and_booleans_have_only_to_string_and_equals():
    assert evaluate("${n.toString()}", n=5) == "5"
    assert evaluate("${b.equals(true)}", b=True) is True
    with pytest.raises(ExpressionError, match="Method 'intValue' is not allowed on Long"):
        evaluate("${n.intValue()}", n=5)


def test_a_method_with_the_wrong_number_of_arguments_is_an_error():
    with pytest.raises(ExpressionError, match="Method 'substring' of String takes 1 to 2"):
        evaluate("${'abc'.substring()}")


def test_a_method_called_on_null_is_an_error():
    with pytest.raises(ExpressionError, match="Cannot call method 'size' on null"):
        evaluate("${items.size()}", items=None)
