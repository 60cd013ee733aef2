"""State shared by the tag parsers while one file is read."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.bpmn.errors import BpmnProblem
from engine.bpmn.xml import Element

# Camunda's parseBooleanAttribute accepts these spellings as true; anything else is false.
_TRUE_VALUES = frozenset({"true", "enabled", "on", "active", "yes"})


@dataclass
class ParseContext:
    resource: str
    problems: list[BpmnProblem] = field(default_factory=list)
    # True while reading an executable process: only then do we report what the engine cannot
    # run (non-executable processes are documentation; Camunda 7 never deploys them).
    strict: bool = True
    # (source id, target id, line) of every association, resolved after all scopes are read.
    associations: list[tuple[str, str]] = field(default_factory=list)

    def problem(self, element: Element | None, message: str, element_id: str | None = None) -> None:
        line = element.sourceline if element is not None else None
        if element_id is None and element is not None:
            element_id = element.get("id")
        self.problems.append(BpmnProblem(element_id, message, line, self.resource))

    def unsupported(self, element: Element, message: str, element_id: str | None = None) -> None:
        """Report something the engine cannot execute, but only inside an executable process."""
        if self.strict:
            self.problem(element, message, element_id)


def parse_bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in _TRUE_VALUES


def split_list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())
