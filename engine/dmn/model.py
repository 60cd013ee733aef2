"""DMN decisions as immutable data; expressions are compiled when the file is parsed."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from engine.dmn.expressions import InputTest, ValueExpression


class HitPolicy(StrEnum):
    UNIQUE = "UNIQUE"
    FIRST = "FIRST"
    PRIORITY = "PRIORITY"
    ANY = "ANY"
    COLLECT = "COLLECT"
    RULE_ORDER = "RULE ORDER"
    OUTPUT_ORDER = "OUTPUT ORDER"


class Aggregation(StrEnum):
    SUM = "SUM"
    MIN = "MIN"
    MAX = "MAX"
    COUNT = "COUNT"


@dataclass(frozen=True)
class Input:
    id: str | None
    label: str | None
    # None: no input expression text; the input value is null (Camunda allows it).
    expression: ValueExpression | None
    type_ref: str | None
    # camunda:inputVariable: the name input entries see the input value under.
    input_variable: str = "cellInput"
    line: int | None = None


@dataclass(frozen=True)
class Output:
    id: str | None
    name: str | None
    label: str | None
    type_ref: str | None
    # outputValues, most important first: the order PRIORITY and OUTPUT ORDER sort by.
    output_values: tuple[Any, ...] = ()
    line: int | None = None

    @property
    def key(self) -> str:
        """The result entry's name; a nameless output (one-output tables) falls back to its id."""
        return self.name or self.id or "output"


@dataclass(frozen=True)
class Rule:
    id: str | None
    # One per input; None is an empty or `-` entry, which matches anything.
    input_entries: tuple[InputTest | None, ...]
    # One per output; None is an empty entry, whose value is null.
    output_entries: tuple[ValueExpression | None, ...]
    description: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class DecisionTable:
    id: str | None
    hit_policy: HitPolicy
    aggregation: Aggregation | None
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]
    rules: tuple[Rule, ...]
    line: int | None = None


@dataclass(frozen=True)
class LiteralExpression:
    """A decision literal expression: one value, named by the decision's `<variable>`."""

    variable_name: str
    # The variable's typeRef: the value is converted to it, as a table output is.
    type_ref: str | None
    # None: an empty `<text>`, whose value is null.
    expression: ValueExpression | None
    line: int | None = None


@dataclass(frozen=True)
class Decision:
    """One decision of a DMN file; `id` is the decision key `camunda:decisionRef` names.

    Its logic is a decision table or a literal expression (exactly one is set). `required`
    holds the decisions its `informationRequirement`s name, resolved and in document order:
    evaluating this decision evaluates them first (a DRD).
    """

    id: str
    name: str | None
    version_tag: str | None
    history_time_to_live: str | None
    table: DecisionTable | None
    line: int | None = None
    literal: LiteralExpression | None = None
    required: tuple[Decision, ...] = ()


@dataclass(frozen=True)
class DmnDefinitions:
    decisions: tuple[Decision, ...] = field(default_factory=tuple)
    # The definitions' namespace: Camunda's decision definition category.
    namespace: str | None = None
    # The definitions' id and name: key and name of the decision requirements definition.
    id: str | None = None
    name: str | None = None

    def decision(self, key: str) -> Decision | None:
        return next((d for d in self.decisions if d.id == key), None)

    @property
    def is_drd(self) -> bool:
        """Camunda keeps a decision requirements definition for a file of more than one
        decision (DecisionRequirementsDefinitionDeployer: "persist no decision requirements
        definition for a single decision"), whether or not they require each other."""
        return len(self.decisions) > 1
