"""Decision requirements graphs (DRDs): which decisions a decision requires, resolved at parse
time with cycles refused, and evaluated as Camunda's DefaultDmnDecisionContext does."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.dmn.errors import DecisionError
from engine.dmn.evaluate import Evaluation, Lookup, Result, evaluate_logic, for_callers
from engine.dmn.feel import FeelError
from engine.dmn.model import Decision, HitPolicy

Problem = Callable[[str | None, int | None, str], None]


@dataclass(frozen=True)
class Requirement:
    """One `requiredDecision`: the id it names, its requirement's id and its line."""

    decision_id: str
    element_id: str | None
    line: int | None


def resolve_requirements(
    decisions: Sequence[Decision],
    requirements: dict[str, list[Requirement]],
    declared: Iterable[str],
    problem: Problem,
) -> tuple[Decision, ...]:
    """`decisions` (document order) with `required` filled in; reports a requirement on a
    decision the file does not declare, and every cycle, through `problem`."""
    by_id = {decision.id: decision for decision in decisions}
    known = set(declared)
    edges: dict[str, list[str]] = {}
    for decision in decisions:
        edges[decision.id] = []
        for requirement in requirements.get(decision.id, ()):
            if requirement.decision_id in by_id:
                edges[decision.id].append(requirement.decision_id)
            elif requirement.decision_id not in known:
                problem(requirement.element_id, requirement.line,
                        f"decision '{decision.id}' requires decision "
                        f"'{requirement.decision_id}', which this file does not define")
    if _report_cycles(decisions, edges, problem):
        return tuple(decisions)
    resolved: dict[str, Decision] = {}

    def resolve(key: str) -> Decision:
        # Acyclic here, so the recursion ends; each decision is built once and shared.
        if key not in resolved:
            required = tuple(resolve(r) for r in dict.fromkeys(edges[key]))
            resolved[key] = dataclasses.replace(by_id[key], required=required)
        return resolved[key]

    return tuple(resolve(decision.id) for decision in decisions)


def _report_cycles(
    decisions: Sequence[Decision], edges: dict[str, list[str]], problem: Problem
) -> bool:
    """Report each decision on a cycle of requirements once; True if there was any."""
    done: set[str] = set()
    reported: set[str] = set()

    def visit(key: str, path: list[str]) -> None:
        if key in path:
            cycle = path[path.index(key):] + [key]
            if not reported & set(cycle):
                first = next(d for d in decisions if d.id == cycle[0])
                problem(first.id, first.line,
                        f"decisions require each other in a cycle: {' -> '.join(cycle)}; "
                        "a decision cannot require itself, also not through others")
                reported.update(cycle)
            return
        if key in done:
            return
        for required in edges[key]:
            visit(required, [*path, key])
        done.add(key)

    for decision in decisions:
        visit(decision.id, [])
    return bool(reported)


@dataclass(frozen=True)
class GraphEvaluation:
    """A decision evaluated after the decisions it requires (Camunda's
    DmnDecisionEvaluationEvent): `steps` in evaluation order, the decision asked for last."""

    steps: tuple[tuple[Decision, Evaluation], ...]

    @property
    def root(self) -> Evaluation:
        return self.steps[-1][1]

    @property
    def required(self) -> tuple[tuple[Decision, Evaluation], ...]:
        return self.steps[:-1]

    @property
    def results(self) -> list[Result]:
        return self.root.results


def evaluation_order(decision: Decision) -> list[Decision]:
    """Required decisions depth first, each once, then the decision (buildDecisionTree)."""
    order: list[Decision] = []
    seen: set[str] = set()

    def visit(current: Decision) -> None:
        if current.id in seen:
            return
        for required in current.required:
            visit(required)
        seen.add(current.id)
        order.append(current)

    visit(decision)
    return order


def evaluate_graph(
    decision: Decision, variables: Lookup, *, now: datetime | None = None
) -> GraphEvaluation:
    """Evaluate the decisions `decision` requires, each once, then `decision`; the outputs of
    each required decision are variables for the decisions evaluated after it (they hide a
    variable of the same name). Raises DecisionError naming the decision that failed."""
    outputs: dict[str, Any] = {}

    def lookup(name: str) -> Any:
        return outputs[name] if name in outputs else variables(name)

    steps = []
    for current in evaluation_order(decision):
        evaluation = evaluate_logic(current, lookup, now=now)
        try:
            steps.append((current, for_callers(evaluation)))
        except FeelError as error:  # a value no caller can keep (a function)
            raise DecisionError(f"Decision '{current.id}': {error}") from None
        if current is not decision:
            outputs.update(_as_variables(current, evaluation.results))
    return GraphEvaluation(tuple(steps))


def _as_variables(decision: Decision, results: list[Result]) -> dict[str, Any]:
    """Camunda's addResultToVariableContext: a single result gives its values; several, or
    any of COLLECT without aggregation or RULE ORDER, give each output name the list of its
    values; no result gives nothing."""
    if not results:
        return {}
    table = decision.table
    listed = table is not None and table.aggregation is None and table.hit_policy in (
        HitPolicy.COLLECT, HitPolicy.RULE_ORDER)
    if len(results) == 1 and not listed:
        return dict(results[0])
    names = dict.fromkeys(name for result in results for name in result)
    return {name: [r[name] for r in results if name in r] for name in names}


def evaluate_decision(
    decision: Decision, variables: Lookup, *, now: datetime | None = None
) -> list[Result]:
    """What the decision answers, its required decisions evaluated first: one dict (output
    name -> value) per kept rule, or {variable name: value} for a literal expression."""
    return evaluate_graph(decision, variables, now=now).results
