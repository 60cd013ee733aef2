"""The syntax tree. Left-associative chains are flat (one node with a list) so that a long
``a + b + c + ...`` or ``a.b.c...`` does not make the tree (and its evaluation) deep."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Node:
    position: int


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: Any


@dataclass(frozen=True, slots=True)
class Identifier(Node):
    name: str


@dataclass(frozen=True, slots=True)
class FunctionCall(Node):
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """One access after a base: ``.name``, ``[expr]``, ``.name(args)`` or ``[expr](args)``."""

    position: int
    name: str | None
    index: Node | None
    args: tuple[Node, ...] | None


@dataclass(frozen=True, slots=True)
class Path(Node):
    base: Node
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Unary(Node):
    """Prefix operators, innermost last: ``!-x`` is ``ops=("!", "-")``."""

    ops: tuple[tuple[str, int], ...]
    operand: Node


@dataclass(frozen=True, slots=True)
class Chain(Node):
    """``first op1 x1 op2 x2 ...`` folded left, for operators of one precedence level."""

    first: Node
    rest: tuple[tuple[str, int, Node], ...]


@dataclass(frozen=True, slots=True)
class Logical(Node):
    """``a && b && c`` (op "and") or ``a || b || c`` (op "or"), short-circuit."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Conditional(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True)
class Composite(Node):
    """Text with embedded expressions; the value is always a string."""

    parts: tuple[str | Node, ...]
