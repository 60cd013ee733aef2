"""Spin in JavaScript scripts agrees with Spin in expressions: JSON paths (one table of cases,
tests/engine/json_path_cases.json, for engine/el/json_path.py and its port in
engine/runtime/js/json_path.js) and XML elements (read in the script from the engine's tree,
parsed and queried with XPath by the engine)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.el.errors import ExpressionError
from engine.el.json_path import find
from engine.el.spin_xml import SpinXml, parse_xml
from engine.el.spin_xml_writing import MAX_ELEMENTS
from engine.runtime.javascript import JavaScriptError, JavaScriptLimits, run_javascript
from engine.runtime.javascript_xml import MAX_QUESTIONS

LIMITS = JavaScriptLimits(timeout_ms=2000, memory_mb=64)
TABLE = json.loads((Path(__file__).parents[1] / "json_path_cases.json").read_text())


def run(source: str, **variables: Any) -> Any:
    return run_javascript(source, {}, variables, {}, LIMITS)


@pytest.mark.parametrize("case", TABLE["cases"], ids=lambda case: case["path"] or "(empty)")
def test_a_json_path_finds_the_same_in_expressions_and_in_scripts(case):
    document = TABLE["documents"][case["document"]]
    script = "S(doc).jsonPath(path).elementList().map(function (n) { return n.value(); })"
    if "error" in case:
        with pytest.raises(ExpressionError) as python:
            find(document, case["path"])
        with pytest.raises(JavaScriptError) as javascript:
            run(script, doc=document, path=case["path"])
        assert str(python.value) == case["error"]
        assert str(javascript.value) == f"TypeError: {case['error']}"
    else:
        assert find(document, case["path"]) == case["found"]
        assert run(script, doc=document, path=case["path"]) == case["found"]


ORDER = (
    '<?xml version="1.0"?><o:order xmlns:o="urn:o" xmlns="urn:d" xmlns:z="urn:z" id="7">'
    '<o:item sku="a&amp;b" z:q="1" note="x&#10;y">t&lt;x<!-- c --><?pi data?>'
    '<b xmlns:y="urn:y" y:k="v"/></o:item>tail<x xml:lang="en"/>'
    '<plain xmlns=""><deep>text</deep></plain></o:order>'
)


def python_view(element: SpinXml) -> list[Any]:
    return [
        element.name(), element.namespace(), element.prefix(), element.to_xml(),
        element.text_content(),
        [[a.name(), a.namespace(), a.value()] for a in element.attrs()],
        [python_view(child) for child in element.child_elements()],
    ]


def test_an_xml_variable_reads_in_a_script_as_in_an_expression():
    order = parse_xml(ORDER)
    script = """
    function view(e) {
      return [e.name(), e.namespace(), e.prefix(), e.toString(), e.textContent(),
              e.attrs().map(function (a) { return [a.name(), a.namespace(), a.value()]; }),
              e.childElements().map(view)];
    }
    view(order)
    """
    assert run(script, order=order) == python_view(order)
    # XML text the script parses is read the same way.
    assert run(script.replace("view(order)", "view(S(text))"), text=ORDER) == python_view(order)


def test_xpath_queries_answer_elements_attributes_and_values():
    order = parse_xml(ORDER)
    result = run(
        """
        var item = order.xPath("/o:order/o:item").ns("o", "urn:o").element();
        [item.attr("sku").value(),
         order.xPath("//d:b").ns({d: "urn:d"}).elementList().map(function (e) {
           return e.attrNs("urn:y", "k").value(); }),
         item.xPath("@z:q").ns("z", "urn:z").attribute().value(),
         order.xPath("//@*").attributeList().length,
         order.xPath("count(//*)").number(),
         order.xPath("string(@id)").string(),
         order.xPath("boolean(//plain)").bool(),
         order.xPath("number('x')").number(),
         item.xPath("..").element().name()]
        """,
        order=order,
    )
    assert result == ["a&b", ["v"], "1", 6, 6, "7", True, None, "order"]  # NaN crosses as null


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("order.xPath('//o:item[').ns('o', 'urn:o').element()",
         "TypeError: Unable to evaluate XPath expression '//o:item[' on element "
         "'urn:o:order': Invalid expression"),
        ("order.xPath('/nothing').element()",
         "TypeError: Unable to find XPath expression '/nothing'"),
        ("order.xPath('/')", "TypeError: XPath expression '/' not allowed"),
        ("S('<a><b></a>')",
         "TypeError: Unable to parse input into DOM document: not well-formed XML: "
         "Opening and ending tag mismatch: b line 1 and a, line 1, column 11"),
        ("XML('<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>')",
         "TypeError: Unable to parse input into DOM document: document type declarations "
         "(DOCTYPE/ENTITY) are not allowed"),
        ("order.attr('nope')",
         "TypeError: Unable to find attribute with namespace 'None' and name 'nope'"),
        ("order.childElement('x')",
         "TypeError: Unable to find child element with namespace 'urn:o' and name 'x'"),
        ("order.attr('id', '8')",
         "TypeError: XML elements are read-only in JavaScript scripts: attr(name, value) "
         "changes nothing here"),
        ("XML(42)", "TypeError: XML() takes XML text, not number"),
    ],
)
def test_xml_mistakes_are_script_errors(script, message):
    with pytest.raises(JavaScriptError) as raised:
        run(script, order=parse_xml(ORDER))
    assert str(raised.value) == message


def test_a_script_catches_an_xml_error_like_any_error_and_stores_elements_as_xml():
    result = run(
        """
        var caught;
        try { XML("<broken"); } catch (e) { caught = e instanceof TypeError; }
        ({caught: caught, item: XML("<item sku='a'/>"), child: order.childElements()[0]})
        """,
        order=parse_xml(ORDER),
    )
    assert result["caught"] is True
    assert isinstance(result["item"], SpinXml)
    assert result["item"].to_xml() == '<item sku="a"/>'
    assert result["child"].name() == "item"


def test_each_question_reruns_the_script_and_their_number_is_bounded():
    # A loop of dependent queries: one run per new answer, the last run's result counts.
    result = run(
        """
        var names = [];
        order.childElements().forEach(function (e, i) {
          names.push(e.xPath("name()").string() + i);
        });
        names.join()
        """,
        order=parse_xml(ORDER),
    )
    assert result == "o:item0,x1,plain2"
    with pytest.raises(JavaScriptError, match=f"more than {MAX_QUESTIONS} XML parses"):
        run("for (var i = 0; i < 500; i++) { XML('<a>' + i + '</a>'); }")


def test_the_time_limit_covers_every_run_of_a_script():
    # Each run waits 100 ms before its next question: ten runs cannot fit in 300 ms.
    limits = JavaScriptLimits(timeout_ms=300, memory_mb=64)
    script = """
    for (var i = 0; i < 10; i++) {
      var start = Date.now(); while (Date.now() - start < 30) {}
      XML('<a>' + i + '</a>');
    }
    """
    with pytest.raises(JavaScriptError, match="ran longer than 300 ms"):
        run_javascript(script, {}, {}, {}, limits)


def test_what_the_prelude_made_cannot_be_changed_by_a_script():
    run(
        """
        S.polluted = 1; XML.polluted = 1; S({}).prop.polluted = 1;
        java.util.ArrayList.polluted = 1; Object.getPrototypeOf(XML("<a/>")).polluted = 1;
        XML("<a/>").constructor.polluted = 1;
        """
    )
    assert run(
        "[S.polluted, XML.polluted, S({}).prop.polluted, java.util.ArrayList.polluted,"
        " XML('<a/>').polluted, XML('<a/>').constructor.polluted].join()"
    ) == ",,,,,"


def test_an_xml_variable_costs_only_the_scripts_that_read_it_and_has_an_element_budget():
    huge = parse_xml("<r>" + "<i/>" * (MAX_ELEMENTS + 1) + "</r>")
    assert run("1 + 1", huge=huge) == 2
    # The budget is what is tested, not the machine's speed: a busy CI host may take longer
    # than LIMITS allows to count that many elements.
    patient = JavaScriptLimits(timeout_ms=60_000, memory_mb=64)
    with pytest.raises(JavaScriptError, match=f"more than {MAX_ELEMENTS} elements"):
        run_javascript("huge.name()", {}, {"huge": huge}, {}, patient)
    # Stored back unread, a variable is its XML as it was.
    stored = run("order", order=parse_xml(ORDER))
    assert stored.to_xml() == parse_xml(ORDER).to_xml()


def test_json_makes_spin_nodes_and_still_parses_and_stringifies():
    assert run(
        "[JSON('{\"a\": [1, 2]}').jsonPath('$.a[1]').numberValue(), JSON({c: 2}).prop('c').value(),"
        " JSON.stringify({b: 1}), JSON.parse('[3]')[0]]"
    ) == [2, 2, '{"b":1}', 3]
