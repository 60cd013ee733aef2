"""Hardened XML loading for uploaded BPMN files.

Deployed files come from users, so the parser must not read local files (XXE), fetch URLs,
expand entities (billion laughs) or build unbounded trees. We refuse any DOCTYPE outright:
BPMN never needs one, and refusing is simpler to get right than neutralising it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no stubs

from engine.bpmn.errors import BpmnParseError, BpmnProblem
from engine.safe_xml import hardened_parser

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
# Camunda 7 still reads the Activiti namespace as its own extension namespace; Operaton (the
# community fork of Camunda 7) writes its own and reads Camunda's: we read all three alike.
ACTIVITI_NS = "http://activiti.org/bpmn"
OPERATON_NS = "http://operaton.org/schema/1.0/bpmn"
EXTENSION_NAMESPACES = (CAMUNDA_NS, ACTIVITI_NS, OPERATON_NS)
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_DEPTH = 200

# Markers of a document type declaration in the encodings an XML file may use without a
# declaration of its own; checked before parsing so that a hostile file costs microseconds.
_FORBIDDEN_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)

Element = Any  # lxml ships no type stubs; elements are etree._Element


def _parser() -> Any:
    return hardened_parser(remove_comments=True, remove_pis=True)


def _refuse(resource: str, message: str, line: int | None = None) -> BpmnParseError:
    return BpmnParseError((BpmnProblem(None, message, line, resource),))


def load_xml(
    data: bytes,
    resource: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    file_kind: str = "BPMN",
) -> Element:
    """Parse untrusted XML bytes into the root element, or raise BpmnParseError.

    `file_kind` names the format in messages ("DMN" for decision files).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _refuse(resource, "the file content must be bytes")
    data = bytes(data)
    if len(data) > max_bytes:
        raise _refuse(resource, f"file is too large ({len(data)} bytes, limit {max_bytes})")
    if not data.strip():
        raise _refuse(resource, "file is empty")
    for marker in _FORBIDDEN_MARKERS:
        index = data.find(marker)
        if index >= 0:
            line = data.count(b"\n", 0, index) + 1
            raise _refuse(
                resource,
                "document type declarations (DOCTYPE/ENTITY) are not allowed in "
                f"{file_kind} files",
                line,
            )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        error_line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
        raise _refuse(resource, f"XML is not well-formed: {exc.msg}", error_line) from None
    except (ValueError, TypeError, etree.LxmlError) as exc:
        raise _refuse(resource, f"XML could not be read: {exc}") from None
    if root is None:
        raise _refuse(resource, "file contains no XML element")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _refuse(
            resource, f"document type declarations are not allowed in {file_kind} files"
        )
    _check_depth(root, resource, max_depth)
    return root


def _check_depth(root: Element, resource: str, max_depth: int) -> None:
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > max_depth:
                raise _refuse(
                    resource,
                    f"XML is nested too deeply (more than {max_depth} levels)",
                    element.sourceline,
                )
        else:
            depth -= 1


def namespace_of(element: Element) -> str | None:
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return None
    return str(tag[1 : tag.index("}")])


def local_name(element: Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return str(tag.rsplit("}", 1)[-1])


def is_bpmn(element: Element, name: str | None = None) -> bool:
    tag = element.tag
    if not isinstance(tag, str):
        return False
    if name is not None:
        return bool(tag == f"{{{BPMN_NS}}}{name}")
    return namespace_of(element) == BPMN_NS


def is_camunda(element: Element, name: str | None = None) -> bool:
    if namespace_of(element) not in EXTENSION_NAMESPACES:
        return False
    return name is None or local_name(element) == name


# The lookups below run for every element and attribute; lxml's C-level find/iterchildren
# keep the largest conformance model at a few milliseconds.


def bpmn_children(element: Element, name: str) -> list[Element]:
    return list(element.iterchildren(f"{{{BPMN_NS}}}{name}"))


def bpmn_child(element: Element, name: str) -> Element | None:
    return element.find(f"{{{BPMN_NS}}}{name}")


@cache
def _qualified(name: str) -> tuple[str, ...]:
    """`name` in each extension namespace, as lxml spells qualified names."""
    return tuple(f"{{{namespace}}}{name}" for namespace in EXTENSION_NAMESPACES)


def camunda_children(element: Element, name: str) -> list[Element]:
    return list(element.iterchildren(*_qualified(name)))


def camunda_child(element: Element, name: str) -> Element | None:
    for child in element.iterchildren(*_qualified(name)):
        return child
    return None


def camunda_attr(element: Element, name: str) -> str | None:
    for qualified in _qualified(name):
        value = element.get(qualified)
        if value is not None:
            return str(value)
    return None


def text_of(element: Element | None) -> str | None:
    """All text inside an element (CDATA included), stripped; None when empty."""
    if element is None:
        return None
    text = "".join(element.itertext())
    text = text.strip()
    return text or None


def text_line(element: Element) -> int | None:
    """The line where `text_of(element)` begins (the element's own line plus the line breaks
    stripped before it), so that a script's line 3 can be told as a line of the file."""
    if element.sourceline is None:
        return None
    text = "".join(element.itertext())
    return element.sourceline + text[: len(text) - len(text.lstrip())].count("\n")


def ref(element: Element, name: str) -> str | None:
    """An attribute that references another element by QName; the prefix is dropped.

    Exporters write `messageRef="tns:newInvoice"`; ids are NCNames (no colon), so the part
    after the colon is the id, as Camunda resolves it.
    """
    value = element.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return value.rsplit(":", 1)[-1] if ":" in value else value
