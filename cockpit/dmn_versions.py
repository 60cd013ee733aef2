"""dmn-js opens DMN 1.3 files only; Camunda 7 models are often DMN 1.1 (Camunda Modeler before
4.0) or 1.2. For the decision editor their elements move to the DMN 1.3 namespaces, and
nothing else changes: the engine reads the three alike, and what dmn-js does not know (the
DMN 1.1 layout's `biodi` elements) it keeps as it is when it writes the file back."""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no stubs

from engine.dmn.parser import DMN11_NS, DMN12_NS, DMN13_NS
from engine.safe_xml import hardened_parser

DMNDI12_NS = "http://www.omg.org/spec/DMN/20180521/DMNDI/"
DMNDI13_NS = "https://www.omg.org/spec/DMN/20191111/DMNDI/"
_RENAMED = {DMN11_NS: DMN13_NS, DMN12_NS: DMN13_NS, DMNDI12_NS: DMNDI13_NS}


def dmn_version(xml: bytes) -> str:
    """"1.1", "1.2" or "1.3" by the root element's namespace ("" when it is none of them)."""
    root = etree.fromstring(xml, hardened_parser())
    namespace = etree.QName(root).namespace
    return {DMN11_NS: "1.1", DMN12_NS: "1.2", DMN13_NS: "1.3"}.get(namespace, "")


def as_dmn13(xml: bytes) -> bytes:
    """The same file in DMN 1.3's namespaces (unchanged when it is DMN 1.3 already)."""
    root = etree.fromstring(xml, hardened_parser())
    if etree.QName(root).namespace not in _RENAMED:
        return xml
    for element in root.iter(etree.Element):
        name = etree.QName(element)
        if name.namespace in _RENAMED:
            element.tag = etree.QName(_RENAMED[name.namespace], name.localname).text
    prefixes = {
        prefix: _RENAMED.get(uri, uri) for prefix, uri in root.nsmap.items()
    }
    # a new root carrying the renamed declarations; its children move over as they are
    renamed = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=prefixes)
    renamed.text = root.text
    for child in root:
        renamed.append(child)
    etree.cleanup_namespaces(renamed)
    return etree.tostring(renamed, xml_declaration=True, encoding="UTF-8")


def same_content(left: bytes, right: bytes) -> bool:
    """Whether two DMN files differ only in their DMN version's namespaces or the layout of
    the XML text (indentation, attribute order, prefixes): the editor writes a file anew
    even when nothing was edited."""
    def canonical(xml: bytes) -> bytes:
        root = etree.fromstring(as_dmn13(xml), hardened_parser(remove_blank_text=True))
        return etree.tostring(root, method="c14n2", strip_text=True)

    try:
        return canonical(left) == canonical(right)
    except etree.XMLSyntaxError:
        return False
