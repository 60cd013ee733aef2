"""The XML side of JavaScript scripts: Xml variables given to a script as trees, and the
answers to the questions a script's Spin XML asks (engine/runtime/js/spin_xml.js).

V8 has no XML parser, and mini-racer calls Python only asynchronously (a Python function is a
Promise-returning function in the script), which a synchronous script cannot wait for. So a
script reads a tree of each document here; where it needs lxml (parsing XML text, an XPath
query) its run stops with the question, this module answers it with the same code
expressions use (engine/el/spin_xml.py: hardened parser, XPath 1.0 with the element as
context), and the script runs again from the start with every answer so far. The runs before
the last one are void (their writes are dropped), so a script's effects are those of one run.
Nothing crosses but JSON: text and names in, trees and values out.
"""

from __future__ import annotations

import math
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no stubs

from engine.el.errors import ExpressionError
from engine.el.spin_xml import MAX_XML_CHARS, SpinXml, SpinXPathQuery, spin_xml
from engine.el.spin_xml_writing import MAX_ELEMENTS

XML_KEY = "__legato_xml__"
_XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"

# Questions one script may ask (each costs a run of the script), and XML text it may parse.
MAX_QUESTIONS = 100
MAX_PARSED_CHARS = MAX_XML_CHARS

_XPATH_METHODS = {
    "element": SpinXPathQuery.element,
    "elementList": SpinXPathQuery.element_list,
    "attribute": SpinXPathQuery.attribute,
    "attributeList": SpinXPathQuery.attribute_list,
    "string": SpinXPathQuery.as_string,
    "number": SpinXPathQuery.as_number,
    "bool": SpinXPathQuery.as_bool,
}


class XmlDocuments:
    """The documents one script reads, numbered for it: Xml variables and the text it
    parsed; each keeps its elements in document order, the numbers the script's tree uses.
    A variable's tree is made when the script first reads the variable, so that a script
    that does not read a large document does not pay for it."""

    def __init__(self) -> None:
        self._roots: list[Any] = []
        self._elements: list[list[Any] | None] = []
        self._numbers: list[dict[Any, int] | None] = []
        self._parsed_chars = 0

    def variable(self, value: SpinXml) -> dict[str, Any]:
        """An Xml variable as the script receives it: the number of its document."""
        if value._element.getparent() is not None:  # an element read from a document
            value = value.copy(read_only=True)
        return {XML_KEY: {"doc": self._register(value._element)}}

    def answer(self, request: Any) -> dict[str, Any]:
        """The answer to one question of spin_xml.js: a document's tree, a parsed document,
        `{found: ...}` for XPath, or `{error: message}` (thrown in the script as a TypeError
        where it asked)."""
        try:
            kind = request.get("kind") if isinstance(request, dict) else None
            if kind == "tree":
                return {"tree": self._tree(self._document(request.get("doc")))}
            if kind == "parse":
                return self._parse(request.get("text"))
            if kind == "xpath":
                return self._xpath(request)
            raise ExpressionError("a question the engine does not know")
        except (ExpressionError, ValueError) as error:
            return {"error": str(error)}

    def _parse(self, text: Any) -> dict[str, Any]:
        if not isinstance(text, str):
            raise ExpressionError("XML() takes XML text")
        self._parsed_chars += len(text)
        if self._parsed_chars > MAX_PARSED_CHARS:
            raise ExpressionError(
                f"Unable to parse input into DOM document: a script may parse at most "
                f"{MAX_PARSED_CHARS} characters of XML"
            )
        document = self._register(spin_xml(text)._element)
        return {"doc": document, "tree": self._tree(int(document))}

    def _xpath(self, request: dict[str, Any]) -> dict[str, Any]:
        elements = self._elements[self._document(request.get("doc"))]
        number = request.get("element")
        method = _XPATH_METHODS.get(request.get("method", ""))
        if elements is None or not isinstance(number, int) or method is None:
            raise ExpressionError("an XPath question about no element of the script")
        if not 0 <= number < len(elements):
            raise ExpressionError("an XPath question about no element of the script")
        context = SpinXml(elements[number], read_only=True)
        query = context.x_path(str(request.get("expression", "")))
        namespaces = request.get("namespaces") or {}
        if namespaces:
            query.ns({str(prefix): str(uri) for prefix, uri in dict(namespaces).items()})
        numbers = self._numbers[self._document(request.get("doc"))]
        assert numbers is not None  # made with the elements
        return {"found": _found(method(query), numbers)}

    def _register(self, root: Any) -> str:
        self._roots.append(root)
        self._elements.append(None)
        self._numbers.append(None)
        return str(len(self._roots) - 1)

    def _document(self, document: Any) -> int:
        if not isinstance(document, str) or not document.isdigit():
            raise ExpressionError("a question about no document of the script")
        if int(document) >= len(self._roots):
            raise ExpressionError("a question about no document of the script")
        return int(document)

    def _tree(self, document: int) -> dict[str, Any]:
        elements: list[Any] = []
        tree = _tree(self._roots[document], {}, elements)
        self._elements[document] = elements
        self._numbers[document] = {element: at for at, element in enumerate(elements)}
        return tree


def _found(found: Any, numbers: dict[Any, int]) -> Any:
    """An XPath result for the script: elements by number, attributes as (element number,
    attribute key), numbers that JSON cannot hold as text."""
    if isinstance(found, list):
        return [_found(item, numbers) for item in found]
    if isinstance(found, SpinXml):
        return numbers[found._element]
    if isinstance(found, float) and not math.isfinite(found):
        return "NaN" if math.isnan(found) else ("Infinity" if found > 0 else "-Infinity")
    if isinstance(found, bool | str | float):
        return found
    return [numbers[found._element], found._key]  # a SpinXmlAttribute


def _tree(element: Any, parent_namespaces: dict[Any, str], elements: list[Any]) -> dict:
    """One element as spin_xml.js reads it: number, names, own namespace declarations,
    attributes and children (text, elements, comments, processing instructions)."""
    if len(elements) >= MAX_ELEMENTS:
        raise ValueError(
            f"an XML document of more than {MAX_ELEMENTS} elements is too large for a script"
        )
    number = len(elements)
    elements.append(element)
    namespaces = element.nsmap
    declared = [
        [prefix, uri] for prefix, uri in namespaces.items()
        if parent_namespaces.get(prefix) != uri
    ]
    children: list[Any] = [element.text] if element.text else []
    for child in element:
        if isinstance(child.tag, str):
            children.append(_tree(child, namespaces, elements))
        elif child.tag is etree.Comment:
            children.append({"k": "comment", "t": child.text or ""})
        elif child.tag is etree.PI:
            children.append({"k": "pi", "q": child.target, "t": child.text or ""})
        if child.tail:
            children.append(child.tail)
    name = etree.QName(element)
    return {
        "i": number,
        "q": f"{element.prefix}:{name.localname}" if element.prefix else name.localname,
        "n": name.localname,
        "u": name.namespace,
        "p": element.prefix,
        "d": declared,
        "a": [_attribute(key, value, namespaces) for key, value in element.attrib.items()],
        "c": children,
    }


def _attribute(key: str, value: str, namespaces: dict[Any, str]) -> list[Any]:
    name = etree.QName(key)
    prefix = None
    if name.namespace == _XML_NAMESPACE:
        prefix = "xml"
    elif name.namespace is not None:
        prefix = next(
            (p for p, uri in namespaces.items() if uri == name.namespace and p), None
        )
    qualified = f"{prefix}:{name.localname}" if prefix else name.localname
    return [key, qualified, name.localname, name.namespace, prefix, value]
