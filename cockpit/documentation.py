"""A process definition's BPMN documentation, as the definition page lists it: the text of
each `bpmn:documentation` the model holds, with the element it describes."""

from __future__ import annotations

from dataclasses import dataclass

from engine.definitions import process_model
from engine.models import ProcessDefinition


@dataclass(frozen=True)
class Documented:
    element_id: str
    name: str | None
    kind: str  # "user task", "sequence flow", "process", ...
    text: str


def documentation_of(definition: ProcessDefinition) -> list[Documented]:
    """The process's own documentation first, then its elements' in document order."""
    process = process_model(definition.id)
    found = []
    if process.documentation and process.documentation.strip():
        found.append(Documented(process.id, process.name, "process", process.documentation))
    for node in process.all_nodes.values():
        if node.documentation and node.documentation.strip():
            kind = node.kind.value.replace("_", " ")
            found.append(Documented(node.id, node.name, kind, node.documentation))
    for flow in process.all_flows.values():
        if flow.documentation and flow.documentation.strip():
            found.append(Documented(flow.id, flow.name, "sequence flow", flow.documentation))
    return found
