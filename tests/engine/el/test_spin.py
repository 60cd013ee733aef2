"""Camunda Spin's JSON API in expressions: S(), JSON() and the node methods, also on Json
variables (plain dicts and lists here)."""

import pytest

from engine.el import ExpressionError
from engine.el.spin import SpinJson
from engine.runtime.values import infer_type
from tests.engine.el.support import evaluate

ORDER = {"id": "A-7", "total": 120.5, "express": True, "lines": [{"sku": "x"}, {"sku": "y"}]}
TEXT = '{"customer": {"name": "Ada", "tags": ["vip"]}, "note": null}'


def test_a_json_variable_answers_spin_node_methods():
    assert evaluate('${order.prop("id").stringValue()}', order=ORDER) == "A-7"
    assert evaluate('${order.prop("total").numberValue() > 100}', order=ORDER) is True
    assert evaluate('${order.prop("express").boolValue()}', order=ORDER) is True
    assert evaluate('${order.hasProp("id") and not order.hasProp("x")}', order=ORDER) is True
    assert evaluate("${order.fieldNames()}", order=ORDER) == ["id", "total", "express", "lines"]
    assert evaluate('${order.prop("lines").elements()[1].prop("sku").stringValue()}',
                    order=ORDER) == "y"
    assert evaluate("${order.lines.elements().size()}", order=ORDER) == 2
    # Plain map access keeps working beside it.
    assert evaluate("${order.lines[0].sku}", order=ORDER) == "x"


def test_s_and_json_parse_text_and_wrap_values():
    assert evaluate('${S(text).prop("customer").prop("name").stringValue()}', text=TEXT) == "Ada"
    assert evaluate('${JSON(text).prop("customer").prop("tags").isArray()}', text=TEXT) is True
    assert evaluate('${S(text).prop("note").isNull()}', text=TEXT) is True
    assert evaluate('${S(order).prop("id").isString()}', order=ORDER) is True
    assert evaluate('${S(text).prop("customer").toString()}', text=TEXT) == (
        '{"name":"Ada","tags":["vip"]}'
    )
    assert evaluate('x: ${S(text).prop("customer").prop("tags")}', text=TEXT) == (
        'x: ["vip"]'
    )


def test_a_spin_node_stored_in_a_variable_is_json():
    node = evaluate('${S(text).prop("customer")}', text=TEXT)
    assert isinstance(node, SpinJson)
    typed = infer_type(node)
    assert (typed.type, typed.value) == ("Json", {"name": "Ada", "tags": ["vip"]})


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('${order.prop("missing")}', "Unable to find property 'missing'"),
        ('${order.prop("id").numberValue()}', 'The node "A-7" is not a number'),
        ('${order.prop("express").stringValue()}', "The node true is not a string"),
        ('${order.prop("total").boolValue()}', "The node 120.5 is not a boolean"),
        ('${order.prop("id").prop("x")}', "the node is not an object"),
        ('${order.prop("id").elements()}', "the node is not an array"),
        ('${S("not json")}', "Unable to read the JSON text"),
    ],
)
def test_spin_mistakes_are_expression_errors(expression, message):
    with pytest.raises(ExpressionError, match=message):
        evaluate(expression, order=ORDER)


DOC = {"order": {"id": "A-7", "lines": [{"sku": "x", "qty": 2}, {"sku": "y", "qty": 3}]}}


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("$.order.id", ["A-7"]),
        ("$['order'][\"id\"]", ["A-7"]),
        ("$.order.lines[1].sku", ["y"]),
        ("$.order.lines[-1].qty", [3]),
        ("$.order.lines[*].sku", ["x", "y"]),
        ("$..qty", [2, 3]),
        ("$.order.*", ["A-7", DOC["order"]["lines"]]),
        ("$.order.missing", []),
        ("$.order.lines[5]", []),
    ],
)
def test_json_path_finds_what_jayway_would(path, found):
    query = evaluate("${doc.jsonPath(path)}", doc=DOC, path=path)
    assert [node.value for node in query.element_list()] == found


def test_json_path_answers_one_element_or_says_how_many_it_found():
    assert evaluate('${S(text).jsonPath("$.customer.name").stringValue()}', text=TEXT) == "Ada"
    assert evaluate('${doc.jsonPath("$..sku").elementList().size()}', doc=DOC) == 2
    with pytest.raises(ExpressionError, match=r"JSON path '\$\.\.sku' found 2 elements, not one"):
        evaluate('${doc.jsonPath("$..sku").stringValue()}', doc=DOC)
    with pytest.raises(ExpressionError, match="Invalid JSON path 'order.id': it must start"):
        evaluate('${doc.jsonPath("order.id")}', doc=DOC)
    with pytest.raises(ExpressionError, match=r"Invalid JSON path '\$\.order\[\?\(@\.x'"):
        evaluate('${doc.jsonPath("$.order[?(@.x")}', doc=DOC)


STORE = {
    "limit": 10,
    "book": [
        {"title": "Sayings", "price": 8.95, "category": "reference", "tags": []},
        {"title": "Sword", "price": 12.99, "category": "fiction", "isbn": "0-553"},
        {"title": "Moby Dick", "price": 8.99, "category": "fiction", "isbn": "0-395",
         "tags": ["sea"]},
        {"title": "Rings", "price": 22.99, "category": "fiction", "isbn": "0-395-19"},
    ],
    "bicycle": {"color": "red", "price": 19.95},
}


@pytest.mark.parametrize(
    ("path", "titles"),
    [
        ("$.book[?(@.price < 10)].title", ["Sayings", "Moby Dick"]),
        ("$.book[?(@.price < $.limit)].title", ["Sayings", "Moby Dick"]),
        ("$.book[?(@.isbn)].title", ["Sword", "Moby Dick", "Rings"]),
        ("$.book[?(!@.isbn)].title", ["Sayings"]),
        ("$.book[?(@.category == 'fiction' && @.price > 20)].title", ["Rings"]),
        ("$.book[?(@.category == 'reference' || @.price >= 22.99)].title", ["Sayings", "Rings"]),
        ('$.book[?(@.category != "fiction")].title', ["Sayings"]),
        ("$.book[?(@.title =~ /^s.*/i)].title", ["Sayings", "Sword"]),
        ("$.book[?(@.isbn in ['0-553', '0-395'])].title", ["Sword", "Moby Dick"]),
        ("$.book[?(@.category nin ['fiction'])].title", ["Sayings"]),
        ("$.book[?(@.tags size 1)].title", ["Moby Dick"]),
        ("$.book[?(@.tags empty true)].title", ["Sayings"]),
        ("$.book[?((@.price < 9 || @.price > 20) && @.isbn)].title", ["Moby Dick", "Rings"]),
        ("$.book[?(@.price == 8.95)].title", ["Sayings"]),
        ("$.book[?(@.missing == null)].title", []),
        ("$..book[?(@.price > 20)].title", ["Rings"]),
        ("$.book[1:3].title", ["Sword", "Moby Dick"]),
        ("$.book[-2:].title", ["Moby Dick", "Rings"]),
        ("$.book[:1].title", ["Sayings"]),
        ("$.book[0,3].title", ["Sayings", "Rings"]),
        ("$.book[*]['title']", ["Sayings", "Sword", "Moby Dick", "Rings"]),
    ],
)
def test_json_path_filters_slices_and_unions(path, titles):
    query = evaluate("${store.jsonPath(path)}", store=STORE, path=path)
    assert [node.value for node in query.element_list()] == titles


def test_json_path_filter_on_an_object_and_several_names():
    assert evaluate(
        '${store.jsonPath("$.bicycle[?(@.color == \'red\')].price").numberValue()}',
        store=STORE,
    ) == 19.95
    found = evaluate('${store.jsonPath("$.bicycle[\'color\',\'price\']").element()}',
                     store=STORE)
    assert found.value == {"color": "red", "price": 19.95}
    assert evaluate('${store.jsonPath("$..price").elementList().size()}', store=STORE) == 5


@pytest.mark.parametrize(
    "path",
    ["$.book[?(@.price <)]", "$.book[?(@.title =~ 'x')]", "$.book[1:2:3]", "$.book[?@.x]",
     "$.book.", "$.book[?(@.x == /[/)]"],
)
def test_json_path_syntax_mistakes_name_the_position(path):
    with pytest.raises(ExpressionError, match=r"Invalid JSON path '.*' at position \d+"):
        evaluate("${store.jsonPath(path)}", store=STORE, path=path)


def test_spin_writing_methods_change_a_copy_made_by_s():
    node = evaluate(
        '${S(order).prop("status", "paid").prop("lines").append(S("{\\"sku\\": \\"z\\"}"))'
        '.insertAt(0, "first").removeAt(1)}',
        order=ORDER,
    )
    assert node.value == ["first", {"sku": "y"}, {"sku": "z"}]
    assert ORDER["lines"] == [{"sku": "x"}, {"sku": "y"}]  # the variable is unchanged
    root = evaluate("${S(order)}", order=ORDER)
    root.prop("lines").remove({"sku": "x"}).append(2.5)
    root.delete_prop(["express", "total"])
    assert root.value == {"id": "A-7", "lines": [{"sku": "y"}, 2.5]}
    numbers = evaluate('${S("[1, 2, 1]").insertBefore(2, 0).insertAfter(2, 3).removeLast(1)}')
    assert numbers.value == [1, 0, 2, 3]
    assert evaluate('${S("[1, 2, 1]").lastIndexOf(1)}') == 2
    assert evaluate('${S("[1, 2]").contains(3)}') is False


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('${order.prop("lines").append(1)}', "this node reads a variable"),
        ('${order.jsonPath("$.lines").element().append(1)}', "this node reads a variable"),
        ('${S(order).prop("id").append(1)}', "the node is not an array"),
        ('${S(order).prop("lines").removeAt(5)}', "Index 5 is out of bounds for 2 elements"),
        ('${S(order).prop("lines").remove(7)}', "Unable to find 7 in the array"),
        ('${S(order).deleteProp("nope")}', "Unable to find property 'nope'"),
    ],
)
def test_spin_writing_mistakes_are_expression_errors(expression, message):
    with pytest.raises(ExpressionError, match=message):
        evaluate(expression, order=ORDER)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('${S(text).prop("customer").prop("tags").mapTo("java.util.ArrayList")}', ["vip"]),
        ('${order.prop("lines").mapTo("java.util.List<java.util.Map>")}',
         [{"sku": "x"}, {"sku": "y"}]),
        ("${order.mapTo('java.util.HashMap<java.lang.String, java.lang.Object>').id}", "A-7"),
        ('${order.lines.mapTo("java.util.ArrayList").size()}', 2),
        ('${order.prop("total").mapTo("java.lang.Double")}', 120.5),
        ('${order.prop("total").mapTo("java.lang.String")}', "120.5"),
        ('${order.prop("express").mapTo("java.lang.Boolean")}', True),
        ('${S("[3, 1, 3]").mapTo("java.util.LinkedHashSet<java.lang.Long>")}', [3, 1]),
        ('${S(text).prop("note").mapTo("java.util.List")}', None),
    ],
)
def test_map_to_answers_java_collections_maps_and_scalars(expression, expected):
    assert evaluate(expression, order=ORDER, text=TEXT) == expected


def test_what_map_to_answers_is_a_copy_a_variable_can_hold():
    mapped = evaluate('${order.prop("lines").mapTo("java.util.ArrayList")}', order=ORDER)
    mapped[0]["sku"] = "changed"
    assert ORDER["lines"][0]["sku"] == "x"
    assert infer_type(mapped).type == "Json"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('${order.mapTo("java.util.ArrayList")}', "'java.util.ArrayList': it is an object"),
        ('${order.prop("id").mapTo("java.lang.Integer")}', "'java.lang.Integer': it is a string"),
        ('${S("[4294967296]").mapTo("java.util.List<java.lang.Integer>")}', "out of its range"),
        ('${order.mapTo("com.example.Order")}', "Legato runs no Java classes"),
        ('${order.mapTo("java.util.List<")}', "not a Java type name"),
    ],
)
def test_map_to_refuses_what_jackson_would_not_map(expression, message):
    with pytest.raises(ExpressionError, match=message):
        evaluate(expression, order=ORDER)
