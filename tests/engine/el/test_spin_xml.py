"""Camunda Spin's XML API in expressions: XML(), S() on XML text, elements, attributes and
XPath queries, also on Xml variables (SpinXml values)."""

import pytest

from engine.el import ExpressionError
from engine.el.spin_xml import SpinXml, parse_xml
from engine.runtime.values import TypedValue, infer_type
from tests.engine.el.support import evaluate

ORDER = """<?xml version="1.0" encoding="UTF-8"?>
<order xmlns="urn:shop" xmlns:p="urn:pay" id="A-7" p:method="card">
  <customer vip="true">Ada <!-- a comment -->Lovelace</customer>
  <item sku="x" qty="2"/>
  <item sku="y" qty="3"><![CDATA[fragile & heavy]]></item>
  <p:total currency="EUR">120.50</p:total>
</order>"""
PLAIN = "<invoice number='9'><line>one</line><line>two</line><due>2026-12-01</due></invoice>"


def test_xml_text_answers_spin_element_methods():
    assert evaluate("${XML(order).name()}", order=ORDER) == "order"
    assert evaluate("${XML(order).namespace()}", order=ORDER) == "urn:shop"
    assert evaluate('${XML(order).attr("id").value()}', order=ORDER) == "A-7"
    assert evaluate('${XML(order).attrNs("urn:pay", "method").value()}', order=ORDER) == "card"
    assert evaluate('${XML(order).attrNs("urn:pay", "method").prefix()}', order=ORDER) == "p"
    assert evaluate('${XML(order).hasAttr("id") and not XML(order).hasAttr("x")}',
                    order=ORDER) is True
    assert evaluate("${XML(order).attrNames()}", order=ORDER) == ["id", "method"]
    assert evaluate('${XML(order).attrNames("urn:pay")}', order=ORDER) == ["method"]
    # childElement(name) looks in the element's own namespace, as Spin does.
    assert evaluate('${XML(order).childElement("customer").textContent()}', order=ORDER) == (
        "Ada Lovelace"
    )
    assert evaluate('${XML(order).childElements("item").size()}', order=ORDER) == 2
    assert evaluate('${XML(order).childElements()[3].name()}', order=ORDER) == "total"
    assert evaluate('${XML(order).childElement("urn:pay", "total").textContent()}',
                    order=ORDER) == "120.50"
    assert evaluate('${XML(order).childElements("item")[1].textContent()}', order=ORDER) == (
        "fragile & heavy"
    )


def test_s_reads_xml_text_as_xml_and_other_text_as_json():
    assert evaluate('${S(invoice).attr("number").value()}', invoice=PLAIN) == "9"
    assert evaluate('${S(invoice).childElement("due").textContent()}', invoice=PLAIN) == (
        "2026-12-01"
    )
    assert evaluate('${S(text).prop("a").numberValue()}', text='{"a": 1}') == 1
    assert evaluate("${S(XML(invoice)).name()}", invoice=PLAIN) == "invoice"
    assert evaluate('${S(invoice, "application/xml").name()}', invoice=PLAIN) == "invoice"
    assert evaluate('${S(text, "application/json").prop("a").numberValue()}',
                    text='{"a": 2}') == 2
    with pytest.raises(ExpressionError, match="not 'text/csv'"):
        evaluate('${S(text, "text/csv")}', text="a,b")


def test_xpath_queries():
    assert evaluate('${XML(invoice).xPath("/invoice/line").elementList().size()}',
                    invoice=PLAIN) == 2
    assert evaluate('${XML(invoice).xPath("line").element().textContent()}',
                    invoice=PLAIN) == "one"
    assert evaluate('${XML(invoice).xPath("/invoice/@number").attribute().value()}',
                    invoice=PLAIN) == "9"
    assert evaluate('${XML(invoice).xPath("count(line)").number()}', invoice=PLAIN) == 2.0
    assert evaluate('${XML(invoice).xPath("line[2]").string()}', invoice=PLAIN) == "two"
    assert evaluate('${XML(invoice).xPath("due = \'2026-12-01\'").bool()}',
                    invoice=PLAIN) is True
    # Prefixes are the query's own (ns), never the document's.
    assert evaluate(
        '${XML(order).xPath("/s:order/s:item[@qty > 2]/@sku").ns("s", "urn:shop")'
        ".attribute().value()}", order=ORDER,
    ) == "y"
    assert evaluate(
        '${XML(order).xPath("number(/s:order/p:total)").ns(ns).number()}',
        order=ORDER, ns={"s": "urn:shop", "p": "urn:pay"},
    ) == 120.5
    assert [item.attr("sku").value() for item in evaluate(
        '${XML(order).xPath("//s:item").ns("s", "urn:shop").elementList()}', order=ORDER,
    )] == ["x", "y"]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('${XML(invoice).attr("missing")}',
         "Unable to find attribute with namespace 'None' and name 'missing'"),
        ('${XML(invoice).childElement("line")}',
         "More than one child element was found for namespace 'None' and name 'line'"),
        ('${XML(invoice).childElement("nope")}',
         "Unable to find child element with namespace 'None' and name 'nope'"),
        ('${XML(invoice).xPath("nope").element()}', "Unable to find XPath expression 'nope'"),
        ('${XML(invoice).xPath("/").element()}', "XPath expression '/' not allowed"),
        ('${XML(invoice).xPath("line/text()").element()}', "something other than an element"),
        ('${XML(invoice).xPath("line").attribute()}', "something other than an attribute"),
        ('${XML(invoice).xPath("count(line)").element()}', "gives a value, not nodes"),
        ('${XML(invoice).xPath("x:line").element()}', "Unable to evaluate XPath expression"),
        ('${XML(invoice).xPath("line[").element()}', "Unable to evaluate XPath expression"),
        ('${XML("<a><b></a>")}', "Unable to parse input into DOM document: not well-formed"),
        ("${XML(42)}", "XML\\(\\) takes XML text, not int"),
        ('${XML(invoice).mapTo("java.util.Map")}', "Method 'mapTo' is not allowed"),
    ],
)
def test_spin_xml_mistakes_are_expression_errors(expression, message):
    with pytest.raises(ExpressionError, match=message):
        evaluate(expression, invoice=PLAIN)


def test_an_element_stored_in_a_variable_is_xml_text_and_reads_back():
    element = evaluate('${XML(order).childElement("customer")}', order=ORDER)
    typed = infer_type(element)
    assert typed.type == "Xml"
    stored = typed.to_json()
    # The element keeps the namespace it inherits; its tail text and siblings stay behind.
    assert stored == {
        "type": "Xml",
        "value": '<customer xmlns="urn:shop" xmlns:p="urn:pay" vip="true">Ada '
                 "<!-- a comment -->Lovelace</customer>",
    }
    again = TypedValue.from_json(stored).value
    assert isinstance(again, SpinXml)
    assert again == element
    assert evaluate('${customer.attr("vip").value()}', customer=again) == "true"


def test_hostile_xml_is_refused():
    for text in (
        '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
        '<!DOCTYPE d SYSTEM "http://127.0.0.1:1/x.dtd"><d/>',
    ):
        with pytest.raises(ValueError, match="document type declarations"):
            parse_xml(text)
    with pytest.raises(ValueError, match="not well-formed"):
        parse_xml("<d>&undefined;</d>")
    with pytest.raises(ValueError, match="no XML element|not well-formed"):
        parse_xml("just text")


def test_spin_writing_methods_change_a_copy():
    doc = evaluate('${XML("<order/>").attr("id", "7").textContent("draft")}')
    line = evaluate('${XML("<line sku=\'x\'/>")}')
    doc.append(line, line.copy().attr("sku", "y"))
    assert line.to_xml() == '<line sku="x"/>'  # appended as a copy
    first, second = doc.child_elements("line")
    doc.append_before(evaluate('${XML("<note/>")}'), first)
    doc.append_after(evaluate('${XML("<total>9</total>")}'), second)
    doc.remove(first).remove_attr("id").remove_attr("missing")
    doc.attr_ns("urn:x", "flag", "1")
    assert doc.to_xml() == (
        '<order xmlns:ns0="urn:x" ns0:flag="1">draft<note/><line sku="y"/><total>9</total></order>'
    )
    total = doc.child_element("total").replace(evaluate('${XML("<sum>9</sum>")}'))
    assert total.name() == "sum"
    doc.replace_child(doc.child_element("note"), evaluate('${XML("<memo/>")}'))
    assert [child.name() for child in doc.child_elements()] == ["memo", "line", "sum"]


def test_an_xml_variable_is_read_only_and_xml_of_it_a_copy_to_change():
    stored = parse_xml(PLAIN)
    with pytest.raises(ExpressionError, match="this element reads a variable"):
        evaluate('${invoice.attr("number", "10")}', invoice=stored)
    with pytest.raises(ExpressionError, match="this element reads a variable"):
        evaluate('${invoice.childElement("due").textContent("x")}', invoice=stored)
    changed = evaluate('${XML(invoice).attr("number", "10")}', invoice=stored)
    assert changed.attr("number").value() == "10"
    assert stored.attr("number").value() == "9"
    kept = infer_type(changed).value
    changed.attr("number", "11")  # what was stored does not follow
    assert kept.attr("number").value() == "10"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('${XML(invoice).append("text")}', "Only XML elements can be added, not str"),
        ('${XML(invoice).remove(XML("<line/>"))}', "among this one's children"),
        ('${XML(invoice).replace(XML("<x/>"))}', "it has no parent"),
        ('${XML(invoice).attr("a", null)}', "Unable to set an attribute to null"),
    ],
)
def test_spin_xml_writing_mistakes_are_expression_errors(expression, message):
    with pytest.raises(ExpressionError, match=message):
        evaluate(expression, invoice=PLAIN)


def test_a_document_cannot_double_itself_without_end():
    doc = evaluate('${XML("<a><b/></a>")}')
    for _ in range(15):
        doc.append(doc)  # 2 ** 16 elements
    with pytest.raises(ExpressionError, match="more than 100000 elements"):
        doc.append(doc)
