"""dmn-js opens DMN 1.3 files only; Camunda 7 models are often DMN 1.1 (Camunda Modeler before
4.0) or 1.2. For the diagram and the decision editor their elements move to the DMN 1.3
namespaces (the engine reads the three alike) and a DMN 1.1 file's layout, the Modeler's
`biodi` extension elements, becomes DMN 1.3's diagram interchange; nothing else changes."""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no stubs

from engine.dmn.parser import DMN11_NS, DMN12_NS, DMN13_NS
from engine.safe_xml import hardened_parser

DMNDI12_NS = "http://www.omg.org/spec/DMN/20180521/DMNDI/"
DMNDI13_NS = "https://www.omg.org/spec/DMN/20191111/DMNDI/"
DC_NS = "http://www.omg.org/spec/DMN/20180521/DC/"
DI_NS = "http://www.omg.org/spec/DMN/20180521/DI/"
BIODI_NS = "http://bpmn.io/schema/dmn/biodi/1.0"  # the Camunda Modeler's DMN 1.1 layout
_RENAMED = {DMN11_NS: DMN13_NS, DMN12_NS: DMN13_NS, DMNDI12_NS: DMNDI13_NS}
_REQUIREMENTS = ("informationRequirement", "knowledgeRequirement", "authorityRequirement")


def dmn_version(xml: bytes) -> str:
    """"1.1", "1.2" or "1.3" by the root element's namespace ("" when it is none of them)."""
    root = etree.fromstring(xml, hardened_parser())
    namespace = etree.QName(root).namespace
    return {DMN11_NS: "1.1", DMN12_NS: "1.2", DMN13_NS: "1.3"}.get(namespace, "")


def as_dmn13(xml: bytes) -> bytes:
    """The same file in DMN 1.3's namespaces (unchanged when it is DMN 1.3 already), a DMN
    1.1 layout as DMN 1.3's diagram interchange."""
    root = etree.fromstring(xml, hardened_parser())
    if etree.QName(root).namespace not in _RENAMED:
        return xml
    for element in root.iter(etree.Element):
        name = etree.QName(element)
        if name.namespace in _RENAMED:
            element.tag = etree.QName(_RENAMED[name.namespace], name.localname).text
    layout = _layout_as_dmndi(root)
    prefixes = {
        prefix: _RENAMED.get(uri, uri) for prefix, uri in root.nsmap.items()
        if uri != BIODI_NS
    }
    if layout is not None:
        prefixes.update({"dmndi": DMNDI13_NS, "dc": DC_NS, "di": DI_NS})
        root.append(layout)
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


def _layout_as_dmndi(root: etree._Element) -> etree._Element | None:
    """The `biodi:bounds` and `biodi:edge` elements of a DMN 1.1 file as a DMNDI diagram
    (shapes by element, edges by the requirement they draw, which gets an id if it has none),
    as bpmn.io's DMN migration does; the biodi elements go. None when there are none."""
    shapes, edges = [], []
    for extension in list(root.iter(f"{{{DMN13_NS}}}extensionElements")):
        owner = extension.getparent()
        for bounds in extension.findall(f"{{{BIODI_NS}}}bounds"):
            shapes.append((owner.get("id"), dict(bounds.attrib)))
            extension.remove(bounds)
        for edge in extension.findall(f"{{{BIODI_NS}}}edge"):
            requirement = _requirement(owner, edge.get("source", ""))
            points = [(p.get("x"), p.get("y")) for p in edge.findall(f"{{{BIODI_NS}}}waypoints")]
            if requirement is not None:
                edges.append((requirement, points))
            extension.remove(edge)
        if len(extension) == 0:
            owner.remove(extension)
    if not shapes:
        return None
    dmndi = etree.Element(f"{{{DMNDI13_NS}}}DMNDI")
    diagram = etree.SubElement(dmndi, f"{{{DMNDI13_NS}}}DMNDiagram", id="DMNDiagram_migrated")
    for element_id, bounds in shapes:
        shape = etree.SubElement(diagram, f"{{{DMNDI13_NS}}}DMNShape",
                                 id=f"DMNShape_{element_id}", dmnElementRef=element_id)
        etree.SubElement(shape, f"{{{DC_NS}}}Bounds", {
            key: bounds[key] for key in ("height", "width", "x", "y") if key in bounds
        })
    for requirement_id, points in edges:
        edge = etree.SubElement(diagram, f"{{{DMNDI13_NS}}}DMNEdge",
                                id=f"DMNEdge_{requirement_id}", dmnElementRef=requirement_id)
        for x, y in points:
            etree.SubElement(edge, f"{{{DI_NS}}}waypoint", x=x or "0", y=y or "0")
    return dmndi


def _requirement(owner: etree._Element, source: str) -> str | None:
    """The id of `owner`'s requirement of the element `source` (given one if it had none)."""
    for kind in _REQUIREMENTS:
        for requirement in owner.findall(f"{{{DMN13_NS}}}{kind}"):
            if any(ref.get("href") == f"#{source}" for ref in requirement):
                if requirement.get("id") is None:
                    requirement.set("id", f"{kind}_{owner.get('id')}_{source}")
                return str(requirement.get("id"))
    return None
