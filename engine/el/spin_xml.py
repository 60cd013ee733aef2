"""Camunda Spin's XML API in expressions: `XML(...)`, `S(xml)` and the reading methods of a
SpinXmlElement, its attributes and XPath queries
(`${XML(order).xPath("/order/item/@sku").attribute().value()}`).

An Xml variable's value is a `SpinXml` element here, as in Camunda, so
`${order.childElement("customer").textContent()}` works on the variable itself; stored, an
element is its XML text. Spin's writing methods (`attr(name, value)`, `append`, `remove`,
`replace`, ...) are not offered: a value read by an expression never changes a variable
behind the engine's back.

The text comes from users (REST, forms, service responses), so it is parsed as the BPMN files
are (engine/safe_xml.py): no document type declarations, no entities, no network.
"""

from __future__ import annotations

from typing import Any, ClassVar

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no stubs

from engine.el.errors import ExpressionError
from engine.el.host import ElObject
from engine.el.spin_xml_writing import WRITING_METHODS, Budget, XmlWriting
from engine.safe_xml import hardened_parser

MAX_XML_CHARS = 10 * 1024 * 1024


def parse_xml(text: str) -> SpinXml:
    """XML text as the value of an Xml variable: its root element, read-only; or a ValueError
    saying why it is not XML Spin reads."""
    return SpinXml(_root(text), read_only=True)


def _root(text: str) -> Any:
    if len(text) > MAX_XML_CHARS:
        raise ValueError(f"the XML text is too large ({len(text)} characters)")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ValueError("document type declarations (DOCTYPE/ENTITY) are not allowed")
    try:
        # Parsed as UTF-8 bytes: lxml refuses a str that declares its own encoding.
        root = etree.fromstring(text.encode("utf-8"), parser=hardened_parser(strip_cdata=True))
    except etree.XMLSyntaxError as error:
        raise ValueError(f"not well-formed XML: {error.msg}") from None
    if root is None:
        raise ValueError("the text holds no XML element")
    return root


def spin_xml(value: Any) -> SpinXml:
    """`XML(...)`: XML text parsed; an element answered as it is, or a copy to change when it
    reads a variable."""
    if isinstance(value, SpinXml):
        return value.copy() if value.read_only else value
    if isinstance(value, str):
        try:
            return SpinXml(_root(value))
        except ValueError as error:
            # Spin's wording (DomXmlLogger 009), with the reason.
            raise ExpressionError(f"Unable to parse input into DOM document: {error}") from None
    raise ExpressionError(f"XML() takes XML text, not {type(value).__name__}")


def looks_like_xml(text: str) -> bool:
    """What Spin's `S(text)` reads as XML rather than JSON: text starting with `<`."""
    return text.lstrip().startswith("<")


def _namespace_of(node: Any) -> str | None:
    return etree.QName(node).namespace


_NAMING_METHODS = {
    "name": "name",
    "namespace": "namespace",
    "prefix": "prefix",
    "hasPrefix": "has_prefix",
    "hasNamespace": "has_namespace",
}


class _Named(ElObject):
    """What elements and attributes answer alike about their name."""

    __slots__ = ()

    def prefix(self) -> str | None:
        raise NotImplementedError

    def namespace(self) -> str | None:
        raise NotImplementedError

    def has_prefix(self, prefix: str | None) -> bool:
        return self.prefix() == prefix

    def has_namespace(self, namespace: str | None) -> bool:
        return self.namespace() == namespace


class SpinXml(_Named, XmlWriting):
    """One element of an XML document (Camunda's SpinXmlElement; its writing methods in
    engine/el/spin_xml_writing.py)."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        **_NAMING_METHODS,
        **WRITING_METHODS,
        "attr": "attr",
        "attrNs": "attr_ns",
        "hasAttr": "has_attr",
        "hasAttrNs": "has_attr_ns",
        "attrs": "attrs",
        "attrNames": "attr_names",
        "textContent": "text_content",
        "childElement": "child_element",
        "childElements": "child_elements",
        "xPath": "x_path",
        "toString": "to_xml",
    }

    __slots__ = ("_element", "budget", "read_only")

    def __init__(
        self, element: Any, *, read_only: bool = False, budget: Budget | None = None
    ) -> None:
        self._element = element
        self.read_only = read_only
        self.budget = None if read_only else budget or Budget(element.getroottree().getroot())

    def _wrap(self, element: Any) -> SpinXml:
        """An element of this one's document."""
        if self.read_only:
            return SpinXml(element, read_only=True)
        return SpinXml(element, budget=self.budget)

    def copy(self, *, read_only: bool = False) -> SpinXml:
        """A copy of this element (with what is below it), in a document of its own. Made
        from its text, which declares every namespace in scope: a prefix used only in an
        attribute's value (`xsi:type="p:Money"`) stays declared."""
        return SpinXml(_root(self.to_xml()), read_only=read_only)

    def frozen(self) -> SpinXml:
        """This element as a variable keeps it: read-only, so no script changes it later."""
        return self if self.read_only else self.copy(read_only=True)

    def name(self) -> str:
        return etree.QName(self._element).localname

    def namespace(self) -> str | None:
        return _namespace_of(self._element)

    def prefix(self) -> str | None:
        return self._element.prefix

    def attr(self, name: str, *value: Any) -> Any:
        """`attr(name)`: the attribute; `attr(name, value)`: sets it, answers this element."""
        return self.attr_ns(None, name, *value)

    def attr_ns(self, namespace: str | None, name: str, *value: Any) -> Any:
        key = _clark(namespace, name)
        if value:
            return self._set_attribute(key, value[0])
        if key not in self._element.attrib:
            raise ExpressionError(
                f"Unable to find attribute with namespace '{namespace}' and name '{name}'"
            )
        return SpinXmlAttribute(self._element, key)

    def has_attr(self, name: str) -> bool:
        return self.has_attr_ns(None, name)

    def has_attr_ns(self, namespace: str | None, name: str) -> bool:
        return _clark(namespace, name) in self._element.attrib

    def attrs(self, *namespace: str | None) -> list[SpinXmlAttribute]:
        """Every attribute, or (one argument) those of one namespace."""
        found = [SpinXmlAttribute(self._element, key) for key in self._element.attrib]
        if namespace:
            return [attribute for attribute in found if attribute.namespace() == namespace[0]]
        return found

    def attr_names(self, *namespace: str | None) -> list[str]:
        return [attribute.name() for attribute in self.attrs(*namespace)]

    def text_content(self, *text: Any) -> Any:
        """DOM's textContent: every text below the element, comments and instructions left
        out; `textContent(text)` replaces what the element holds with that text."""
        if text:
            return self._set_text(text[0])
        return "".join(self._element.itertext())

    def child_element(self, *name: str | None) -> SpinXml:
        """`childElement(name)` (in this element's namespace, as Spin does) or
        `childElement(namespace, name)`: the one such child; none or several is an error."""
        namespace, local_name = self._name_arguments(name)
        found = self.child_elements(namespace, local_name)
        if len(found) > 1:
            raise ExpressionError(
                f"More than one child element was found for namespace '{namespace}' and "
                f"name '{local_name}'"
            )
        return found[0]

    def child_elements(self, *name: str | None) -> list[SpinXml]:
        """Every child element, or those named `(name)` / `(namespace, name)`; a name that
        matches none is an error, as in Spin."""
        children = [child for child in self._element if isinstance(child.tag, str)]
        if not name:
            return [self._wrap(child) for child in children]
        namespace, local_name = self._name_arguments(name)
        found = [
            self._wrap(child)
            for child in children
            if etree.QName(child).localname == local_name and _namespace_of(child) == namespace
        ]
        if not found:
            raise ExpressionError(
                f"Unable to find child element with namespace '{namespace}' and name "
                f"'{local_name}'"
            )
        return found

    def _name_arguments(self, name: tuple[str | None, ...]) -> tuple[str | None, str]:
        if len(name) == 1 and name[0] is not None:
            return self.namespace(), name[0]
        if len(name) == 2 and name[1] is not None:
            return name[0], name[1]
        raise ExpressionError("childElement takes (name) or (namespace, name), not null")

    def x_path(self, expression: str) -> SpinXPathQuery:
        return SpinXPathQuery(self, expression)

    def to_xml(self) -> str:
        return etree.tostring(self._element, encoding="unicode", with_tail=False)

    def __str__(self) -> str:
        return self.to_xml()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpinXml) and other.to_xml() == self.to_xml()

    def __hash__(self) -> int:
        return hash(self.to_xml())


def _clark(namespace: str | None, name: str) -> str:
    return f"{{{namespace}}}{name}" if namespace else name


class SpinXmlAttribute(_Named):
    """One attribute of an element (Camunda's SpinXmlAttribute, its reading part)."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        **_NAMING_METHODS,
        "value": "value",
        "toString": "value",
    }

    __slots__ = ("_element", "_key")

    def __init__(self, element: Any, key: str) -> None:
        self._element = element
        self._key = key

    def name(self) -> str:
        return etree.QName(self._key).localname

    def namespace(self) -> str | None:
        return etree.QName(self._key).namespace

    def prefix(self) -> str | None:
        namespace = self.namespace()
        if namespace is None:
            return None
        return next(
            (prefix for prefix, uri in self._element.nsmap.items() if uri == namespace and prefix),
            None,
        )

    def value(self) -> str:
        return self._element.attrib[self._key]

    def __str__(self) -> str:
        return self.value()


class SpinXPathQuery(ElObject):
    """`element.xPath(expression)` (Spin's SpinXPathQuery): XPath 1.0 evaluated with the
    element as context node; prefixes are those given with `ns(prefix, uri)` or `ns(map)`."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "element": "element",
        "elementList": "element_list",
        "attribute": "attribute",
        "attributeList": "attribute_list",
        "string": "as_string",
        "number": "as_number",
        "bool": "as_bool",
        "ns": "ns",
    }

    __slots__ = ("_context", "_expression", "_namespaces")

    def __init__(self, context: SpinXml, expression: str) -> None:
        if expression.strip() == "/":
            raise ExpressionError(f"XPath expression '{expression}' not allowed")
        self._context = context
        self._expression = expression
        self._namespaces: dict[str, str] = {}

    def ns(self, prefix: Any, namespace: str | None = None) -> SpinXPathQuery:
        if isinstance(prefix, dict):
            self._namespaces = {str(key): str(uri) for key, uri in prefix.items()}
        elif prefix is None or namespace is None:
            raise ExpressionError("ns takes a prefix and a namespace, or a map of them")
        else:
            self._namespaces[str(prefix)] = namespace
        return self

    def _evaluate(self, wrapped: str | None = None) -> Any:
        expression = self._expression if wrapped is None else f"{wrapped}({self._expression})"
        try:
            return self._context._element.xpath(expression, namespaces=self._namespaces)
        except etree.XPathError as error:
            raise ExpressionError(
                f"Unable to evaluate XPath expression '{self._expression}' on element "
                f"'{self._context.namespace()}:{self._context.name()}': {error}"
            ) from None

    def _nodes(self) -> list[Any]:
        found = self._evaluate()
        if not isinstance(found, list):
            raise ExpressionError(
                f"XPath expression '{self._expression}' gives a value, not nodes: use "
                "string(), number() or bool()"
            )
        if not found:
            raise ExpressionError(f"Unable to find XPath expression '{self._expression}'")
        return found

    def element(self) -> SpinXml:
        """The first node found, which must be an element."""
        return self._as_element(self._nodes()[0])

    def element_list(self) -> list[SpinXml]:
        return [self._as_element(node) for node in self._nodes()]

    def attribute(self) -> SpinXmlAttribute:
        return self._as_attribute(self._nodes()[0])

    def attribute_list(self) -> list[SpinXmlAttribute]:
        return [self._as_attribute(node) for node in self._nodes()]

    def _as_element(self, node: Any) -> SpinXml:
        if not isinstance(node, etree._Element) or not isinstance(node.tag, str):
            raise ExpressionError(
                f"XPath expression '{self._expression}' found something other than an element"
            )
        return self._context._wrap(node)

    def _as_attribute(self, node: Any) -> SpinXmlAttribute:
        if not getattr(node, "is_attribute", False):
            raise ExpressionError(
                f"XPath expression '{self._expression}' found something other than an "
                "attribute"
            )
        return SpinXmlAttribute(node.getparent(), node.attrname)

    def as_string(self) -> str:
        return str(self._evaluate("string"))

    def as_number(self) -> float:
        return float(self._evaluate("number"))

    def as_bool(self) -> bool:
        return bool(self._evaluate("boolean"))
