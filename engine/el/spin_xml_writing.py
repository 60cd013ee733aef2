"""Spin's writing methods on XML elements: attributes set and removed, text set, children
appended, inserted, removed and replaced. They change the element and the document it is in,
and answer the element, so they chain (`XML("<order/>").attr("id", "7").append(line)`).

An element read from an Xml variable is read-only (it would change the variable behind the
engine's back): `XML(variable)` makes the copy a script changes and stores back. Elements
given to `append` and the others are copied in, so their own document stays as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.el.errors import ExpressionError

if TYPE_CHECKING:
    from engine.el.spin_xml import SpinXml

# Elements one document may hold: appending a document to itself thirty times must not
# take the worker's memory.
MAX_ELEMENTS = 100_000

WRITING_METHODS = {
    "removeAttr": "remove_attr",
    "removeAttrNs": "remove_attr_ns",
    "append": "append",
    "appendBefore": "append_before",
    "appendAfter": "append_after",
    "remove": "remove",
    "replace": "replace",
    "replaceChild": "replace_child",
}


class Budget:
    """How many elements a writable document holds, shared by the elements read from it, so
    that a write checks the limit without walking the whole document."""

    __slots__ = ("elements",)

    def __init__(self, root: Any) -> None:
        self.elements = element_count(root)


def element_count(element: Any) -> int:
    return int(element.xpath("count(descendant-or-self::*)"))


class XmlWriting:
    """Mixed into SpinXml: `_element` is its lxml element, `read_only` whether it may change,
    `budget` its document's element count (None for a read-only one)."""

    _element: Any
    read_only: bool
    budget: Budget | None

    def _grow(self, added: int) -> None:
        assert self.budget is not None  # writable elements have one
        if self.budget.elements + added > MAX_ELEMENTS:
            raise ExpressionError(f"an XML document of more than {MAX_ELEMENTS} elements")
        self.budget.elements += added

    def _writable(self, method: str) -> Any:
        if self.read_only:
            raise ExpressionError(
                f"Unable to {method}: this element reads a variable; change a copy, "
                "XML(variable), and set the variable to it"
            )
        return self._element

    def _set_attribute(self, key: str, value: Any) -> SpinXml:
        if value is None:
            raise ExpressionError("Unable to set an attribute to null")
        self._writable("set an attribute").set(key, str(value))
        return self  # type: ignore[return-value]

    def _set_text(self, text: Any) -> SpinXml:
        if text is None:
            raise ExpressionError("Unable to set the text content to null")
        element = self._writable("set the text content")
        for child in list(element):
            self._grow(-element_count(child) if isinstance(child.tag, str) else 0)
            element.remove(child)
        element.text = str(text)
        return self  # type: ignore[return-value]

    def remove_attr(self, name: str) -> SpinXml:
        return self.remove_attr_ns(None, name)

    def remove_attr_ns(self, namespace: str | None, name: str) -> SpinXml:
        key = f"{{{namespace}}}{name}" if namespace else name
        self._writable("remove an attribute").attrib.pop(key, None)
        return self  # type: ignore[return-value]

    def append(self, *children: Any) -> SpinXml:
        element = self._writable("append")
        for child in children:
            element.append(self._adopted(child))
        return self  # type: ignore[return-value]

    def append_before(self, child: Any, existing: Any) -> SpinXml:
        element = self._writable("append before")
        element.insert(self._index_of(existing), self._adopted(child))
        return self  # type: ignore[return-value]

    def append_after(self, child: Any, existing: Any) -> SpinXml:
        element = self._writable("append after")
        element.insert(self._index_of(existing) + 1, self._adopted(child))
        return self  # type: ignore[return-value]

    def remove(self, *children: Any) -> SpinXml:
        element = self._writable("remove")
        for child in children:
            self._index_of(child)
            self._grow(-element_count(child._element))
            element.remove(child._element)
        return self  # type: ignore[return-value]

    def replace(self, replacement: Any) -> SpinXml:
        """This element replaced in its parent; answers the new one."""
        parent = self._element.getparent()
        if parent is None:
            raise ExpressionError("Unable to replace the element: it has no parent")
        self._writable("replace")
        adopted = self._adopted(replacement)
        self._grow(-element_count(self._element))
        parent.replace(self._element, adopted)
        return type(self)(adopted, budget=self.budget)  # type: ignore[call-arg]

    def replace_child(self, existing: Any, replacement: Any) -> SpinXml:
        element = self._writable("replace a child")
        self._index_of(existing)
        adopted = self._adopted(replacement)
        self._grow(-element_count(existing._element))
        element.replace(existing._element, adopted)
        return self  # type: ignore[return-value]

    def _index_of(self, child: Any) -> int:
        if not isinstance(child, XmlWriting) or child._element.getparent() is not self._element:
            raise ExpressionError("Unable to find the given element among this one's children")
        return list(self._element).index(child._element)

    def _adopted(self, child: Any) -> Any:
        """A copy of `child` to put into this document, counted against its limit."""
        if not isinstance(child, XmlWriting):
            raise ExpressionError(f"Only XML elements can be added, not {type(child).__name__}")
        self._grow(element_count(child._element))
        return child.copy()._element  # type: ignore[attr-defined]
