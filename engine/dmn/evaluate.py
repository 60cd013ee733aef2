"""Evaluate one decision's logic against variables: a decision table (inputs, matching rules,
hit policy, outputs) or a literal expression. engine.dmn.requirements evaluates a DRD."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.dmn.errors import DecisionError
from engine.dmn.expressions import EVALUATION_ERRORS, InputTest, ValueExpression
from engine.dmn.feel.functions import host_value
from engine.dmn.feel.values import feel_equal, kind_of
from engine.dmn.model import (
    Aggregation,
    Decision,
    DecisionTable,
    HitPolicy,
    Input,
    LiteralExpression,
    Output,
    Rule,
)
from engine.dmn.types import TypeConversionError, convert

Lookup = Callable[[str], Any]
Result = dict[str, Any]


@dataclass(frozen=True)
class MatchedRule:
    """A rule the hit policy kept, with its output values (output name -> value); a literal
    expression has no rule (None) and its one value."""

    rule: Rule | None
    outputs: Result


@dataclass(frozen=True)
class Evaluation:
    """One evaluation as history records it (Camunda's DmnDecisionTableEvaluationEvent).

    `inputs`: each input clause with its value; `outputs`: the output clauses; `matched`: the
    rules the hit policy kept (all matching rules for COLLECT with an aggregation); `results`:
    what the decision answers; `collect_result`: the aggregate of COLLECT with an aggregation.
    """

    inputs: tuple[tuple[Input, Any], ...]
    outputs: tuple[Output, ...]
    matched: tuple[MatchedRule, ...]
    results: list[Result]
    collect_result: Any = None
    rule_count: int = 0  # rules in the table, matched or not (the metrics count them)

    @property
    def executed_elements(self) -> int:
        """Camunda's executed-decision-elements: (inputs + outputs) x rules of the table."""
        return (len(self.inputs) + len(self.outputs)) * self.rule_count


def for_callers(evaluation: Evaluation) -> Evaluation:
    """The evaluation with FEEL's times of day and durations as their ISO 8601 texts
    (`10:15:00`, `P1DT2H`, `P1Y2M`): what a process variable or history can hold. Required
    decisions still see the values themselves."""
    if not _has_feel_only_values(evaluation):
        return evaluation
    return dataclasses.replace(
        evaluation,
        inputs=tuple((clause, host_value(value)) for clause, value in evaluation.inputs),
        matched=tuple(MatchedRule(m.rule, host_value(m.outputs)) for m in evaluation.matched),
        results=host_value(evaluation.results),
        collect_result=host_value(evaluation.collect_result),
    )


def _has_feel_only_values(evaluation: Evaluation) -> bool:
    values = [value for _clause, value in evaluation.inputs]
    values += [evaluation.results, evaluation.collect_result]
    values += [m.outputs for m in evaluation.matched]
    return any(host_value(value) is not value for value in values)


def evaluate_logic(
    decision: Decision, variables: Lookup, *, now: datetime | None = None
) -> Evaluation:
    """The decision's own logic, its required decisions left aside (they are variables here).

    `variables(name)` returns a variable's value or raises KeyError. A table answers the
    matched rules' outputs after the hit policy, one dict (output name -> value) each; with
    COLLECT and an aggregation one dict {output name: aggregate} (none for SUM/MIN/MAX when
    no rule matched, as Camunda). A literal expression answers one dict {variable name:
    value}. Raises DecisionError naming the decision and what failed.
    """
    if decision.literal is not None:
        return _evaluate_literal(decision, decision.literal, variables, now)
    return evaluate_table(decision, variables, now=now)


def _evaluate_literal(
    decision: Decision, literal: LiteralExpression, variables: Lookup, now: datetime | None
) -> Evaluation:
    run = _Run(decision, variables, now)
    what = "literal expression"
    value = run.convert(run.evaluate(literal.expression, variables, what), literal.type_ref,
                        what)
    output = Output(None, literal.variable_name, None, literal.type_ref, line=literal.line)
    result = {literal.variable_name: value}
    # Camunda's history of a literal expression: no inputs, one output without clause or rule.
    return Evaluation((), (output,), (MatchedRule(None, result),), [result])


def evaluate_table(
    decision: Decision, variables: Lookup, *, now: datetime | None = None
) -> Evaluation:
    """A decision table's evaluation with what history records: input values, kept rules."""
    table = decision.table
    assert table is not None, "evaluate_logic chooses the table or the literal expression"
    run = _Run(decision, variables, now)
    values = [run.input_value(clause) for clause in table.inputs]
    matched = [rule for rule in table.rules if run.rule_matches(rule, values)]
    kept = _HIT_POLICIES[table.hit_policy](run, [(rule, run.outputs(rule)) for rule in matched])
    inputs = tuple(zip(table.inputs, values, strict=True))
    rules = tuple(MatchedRule(rule, outputs) for rule, outputs in kept)
    if table.hit_policy is HitPolicy.COLLECT and table.aggregation is not None:
        aggregated = _aggregate(run, kept, table.aggregation)
        collected = next(iter(aggregated[0].values())) if aggregated else None
        return Evaluation(
            inputs, table.outputs, rules, aggregated, collected, rule_count=len(table.rules)
        )
    return Evaluation(
        inputs, table.outputs, rules, [outputs for _, outputs in kept],
        rule_count=len(table.rules),
    )


class _Run:
    """One evaluation: the decision, the variables and the clock, and error wording."""

    def __init__(self, decision: Decision, variables: Lookup, now: datetime | None) -> None:
        self.decision = decision
        self.variables = variables
        self.now = now

    @property
    def table(self) -> DecisionTable:
        assert self.decision.table is not None
        return self.decision.table

    def fail(self, message: str) -> DecisionError:
        return DecisionError(f"Decision '{self.decision.id}': {message}")

    def input_value(self, clause: Input) -> Any:
        what = f"input '{clause.id}'"
        value = self.evaluate(clause.expression, self.variables, what)
        return self.convert(value, clause.type_ref, what)

    def rule_matches(self, rule: Rule, values: list[Any]) -> bool:
        for clause, entry, value in zip(self.table.inputs, rule.input_entries, values,
                                        strict=False):
            if entry is not None and not self._test(entry, clause, value, rule):
                return False
        return True

    def _test(self, entry: InputTest, clause: Input, value: Any, rule: Rule) -> bool:
        lookup = _with_input(clause.input_variable, value, self.variables)
        try:
            return entry.matches(value, lookup, self.now)
        except EVALUATION_ERRORS as error:
            raise self.fail(
                f"input entry of rule '{rule.id}' for input '{clause.id}' failed: {error}"
            ) from None

    def outputs(self, rule: Rule) -> Result:
        result: Result = {}
        for clause, entry in zip(self.table.outputs, rule.output_entries,
                                 strict=False):
            what = f"output '{clause.id}' of rule '{rule.id}'"
            value = self.evaluate(entry, self.variables, what)
            result[clause.key] = self.convert(value, clause.type_ref, what)
        return result

    def evaluate(self, expression: ValueExpression | None, lookup: Lookup, what: str) -> Any:
        if expression is None:
            return None
        try:
            return expression.evaluate(lookup, self.now)
        except EVALUATION_ERRORS as error:
            raise self.fail(f"{what} failed: {error}") from None

    def convert(self, value: Any, type_ref: str | None, what: str) -> Any:
        try:
            return convert(value, type_ref)
        except TypeConversionError as error:
            raise self.fail(f"{what}: {error}") from None


def _with_input(name: str, value: Any, variables: Lookup) -> Lookup:
    # Camunda puts the input value into the entry's variable context as camunda:inputVariable.
    def lookup(variable: str) -> Any:
        return value if variable == name else variables(variable)

    return lookup


Matches = list[tuple[Rule, Result]]


def _rule_ids(matches: Matches) -> str:
    return ", ".join(f"'{rule.id}'" for rule, _ in matches)


def _unique(run: _Run, matches: Matches) -> Matches:
    if len(matches) > 1:
        raise run.fail(f"hit policy 'UNIQUE' only allows a single rule to match, but rules "
                       f"{_rule_ids(matches)} matched")
    return matches


def _first(run: _Run, matches: Matches) -> Matches:
    return matches[:1]


def _any(run: _Run, matches: Matches) -> Matches:
    if not matches:
        return []
    first = matches[0][1]
    for _, result in matches[1:]:
        if result.keys() != first.keys() or not all(
            feel_equal(result[key], first[key]) for key in result
        ):
            raise run.fail(f"hit policy 'ANY' only allows multiple matching rules with equal "
                           f"output, but rules {_rule_ids(matches)} matched")
    return matches[:1]


def _all(run: _Run, matches: Matches) -> Matches:
    return matches


def _by_output_values(run: _Run, matches: Matches) -> Matches:
    """Matches sorted by outputValues order, output by output; ties keep the rule order."""
    outputs: tuple[Output, ...] = run.table.outputs

    def rank(match: tuple[Rule, Result]) -> tuple[int, ...]:
        ranks = []
        for output in outputs:
            if output.output_values:
                value = match[1].get(output.key)
                # A value not listed in outputValues ranks after every listed one.
                ranks.append(next((i for i, listed in enumerate(output.output_values)
                                   if feel_equal(value, listed)), len(output.output_values)))
        return tuple(ranks)

    return sorted(matches, key=rank)


def _priority(run: _Run, matches: Matches) -> Matches:
    return _by_output_values(run, matches)[:1]


def _output_order(run: _Run, matches: Matches) -> Matches:
    return _by_output_values(run, matches)


def _aggregate(run: _Run, matches: Matches, aggregation: Aggregation) -> list[Result]:
    """COLLECT with an aggregation: one result {output name: aggregate}, or none."""
    outputs = run.table.outputs
    if len(outputs) != 1:
        raise run.fail(f"unable to execute aggregation '{aggregation}' on a compound decision "
                       f"output; only one output is allowed, the table has {len(outputs)}")
    key = outputs[0].key
    values = [result[key] for _, result in matches if result.get(key) is not None]
    if aggregation == Aggregation.COUNT:
        return [{key: len(values)}]
    for value in values:
        if kind_of(value) != "number":
            raise run.fail(f"unable to convert value '{value}' of output '{outputs[0].id}' to "
                           f"a number for aggregation '{aggregation}'")
    if not values:
        return []  # Camunda: SUM/MIN/MAX of nothing is no result at all
    return [{key: _AGGREGATES[aggregation](values)}]


_AGGREGATES: dict[Aggregation, Callable[[list[Any]], Any]] = {
    Aggregation.SUM: sum,
    Aggregation.MIN: min,
    Aggregation.MAX: max,
}

# Each hit policy keeps some of the matches; COLLECT keeps all (an aggregation comes after).
_HIT_POLICIES: dict[HitPolicy, Callable[[_Run, Matches], Matches]] = {
    HitPolicy.UNIQUE: _unique,
    HitPolicy.FIRST: _first,
    HitPolicy.ANY: _any,
    HitPolicy.RULE_ORDER: _all,
    HitPolicy.COLLECT: _all,
    HitPolicy.PRIORITY: _priority,
    HitPolicy.OUTPUT_ORDER: _output_order,
}

