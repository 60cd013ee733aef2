"""The syntax tree of a Groovy script: statements and expressions, each with its line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Node:
    line: int


# -- expressions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: Any


@dataclass(frozen=True, slots=True)
class GString(Node):
    parts: tuple[str | Node, ...]


@dataclass(frozen=True, slots=True)
class ListLiteral(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class MapLiteral(Node):
    entries: tuple[tuple[Node, Node], ...]


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Property(Node):
    target: Node
    name: str
    safe: bool  # `?.`: null when the target is null
    spread: bool = False  # `*.`: the property of each item of a list


@dataclass(frozen=True, slots=True)
class Index(Node):
    target: Node
    index: Node


@dataclass(frozen=True, slots=True)
class MethodCall(Node):
    target: Node | None  # None: a call of a name (a closure variable or a script function)
    name: str
    arguments: tuple[Node, ...]
    safe: bool
    spread: bool = False


@dataclass(frozen=True, slots=True)
class MethodPointer(Node):
    target: Node | None  # None: `this.&name`, a function of the script
    name: str


@dataclass(frozen=True, slots=True)
class Closure(Node):
    parameters: tuple[str, ...]
    body: tuple[Node, ...]
    declared: bool  # parameters were declared (`{ a -> }` or `{ -> }`), else `it`


@dataclass(frozen=True, slots=True)
class Unary(Node):
    operator: str  # "-", "+", "!", "~" (a regular expression pattern)
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    operator: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Logical(Node):
    operator: str  # "&&", "||"
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Conditional(Node):
    condition: Node
    then: Node | None  # None: the Elvis operator `a ?: b`
    otherwise: Node


@dataclass(frozen=True, slots=True)
class Assign(Node):
    target: Node  # Name, Property or Index
    operator: str  # "=", "+=", ...
    value: Node


@dataclass(frozen=True, slots=True)
class Step(Node):
    target: Node
    delta: int  # +1 or -1
    prefix: bool


@dataclass(frozen=True, slots=True)
class New(Node):
    type_name: str
    arguments: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class TypeTest(Node):
    operator: str  # "as", "instanceof"
    operand: Node
    type_name: str


@dataclass(frozen=True, slots=True)
class Range(Node):
    low: Node
    high: Node
    exclusive: bool


# -- statements ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Declare(Node):
    name: str
    type_name: str | None  # a declared type the value is cast to; None for `def`
    value: Node | None


@dataclass(frozen=True, slots=True)
class If(Node):
    condition: Node
    then: tuple[Node, ...]
    otherwise: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ForIn(Node):
    name: str
    iterable: Node
    body: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class For(Node):
    setup: tuple[Node, ...]
    condition: Node | None
    update: tuple[Node, ...]
    body: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class While(Node):
    condition: Node
    body: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Case(Node):
    values: tuple[Node, ...]  # none: `default`
    body: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Switch(Node):
    subject: Node
    cases: tuple[Case, ...]


@dataclass(frozen=True, slots=True)
class Return(Node):
    value: Node | None


@dataclass(frozen=True, slots=True)
class Jump(Node):
    kind: str  # "break", "continue"


@dataclass(frozen=True, slots=True)
class Throw(Node):
    value: Node


@dataclass(frozen=True, slots=True)
class Catch(Node):
    type_names: tuple[str, ...]
    name: str
    body: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Try(Node):
    body: tuple[Node, ...]
    catches: tuple[Catch, ...]
    final: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class StaticImport(Node):
    """`import static <package>.<class_name>.<member>`; member `*` for all of them."""

    class_name: str
    member: str


@dataclass(frozen=True, slots=True)
class Script:
    statements: tuple[Node, ...]
    static_imports: tuple[StaticImport, ...] = ()


@dataclass(frozen=True, slots=True)
class Function(Node):
    """`def name(a, b) { ... }` at the top of a script: callable by name from the script."""

    name: str
    parameters: tuple[str, ...]
    body: tuple[Node, ...]
