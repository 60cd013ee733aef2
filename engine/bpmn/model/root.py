"""Root elements of a definitions file: messages, signals, errors, collaboration, diagram."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    name: str | None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    id: str
    name: str | None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Error:
    id: str
    name: str | None
    error_code: str | None
    error_message: str | None = None  # camunda:errorMessage
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Escalation:
    id: str
    name: str | None
    escalation_code: str | None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    name: str | None
    process_ref: str | None


@dataclass(frozen=True, slots=True)
class MessageFlow:
    id: str
    name: str | None
    source: str
    target: str
    message_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Collaboration:
    id: str
    participants: tuple[Participant, ...] = ()
    message_flows: tuple[MessageFlow, ...] = ()


@dataclass(frozen=True, slots=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Shape:
    id: str
    element_id: str
    bounds: Bounds | None
    is_expanded: bool | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    id: str
    element_id: str
    waypoints: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Diagram:
    """BPMN DI, kept only as far as the cockpit needs it to draw markers on the diagram."""

    shapes: tuple[Shape, ...] = ()
    edges: tuple[Edge, ...] = ()
    # element id -> bounds of its (first) shape
    bounds: Mapping[str, Bounds] = field(default_factory=lambda: MappingProxyType({}))
