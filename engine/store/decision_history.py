"""Historic decision instances from `DecisionEvaluated` effects: one instance row, its input
rows and one output row per output of each rule the hit policy kept (Camunda's
DefaultDmnHistoryEventProducer); a literal expression has no inputs and one output without
clause or rule. A decision of a DRD also records each decision it required, with
`root_decision_instance_id` pointing at its own row (HistoricDecisionInstanceManager).
Called by the projection and by the REST evaluation, inside the evaluating command's
transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from engine.dmn import Evaluation
from engine.models import (
    HistoricDecisionInput,
    HistoricDecisionInstance,
    HistoricDecisionOutput,
    HistoricProcessInstance,
)
from engine.runtime import effects as fx
from engine.runtime.values import infer_type


def write_decision_instances(
    evaluations: Sequence[fx.DecisionEvaluated],
    new_id: Callable[[], str],
    *,
    user_id: str | None = None,
) -> list[str]:
    """Insert the rows of each evaluation; answers the ids of the evaluated (root) decisions."""
    if not evaluations:
        return []
    roots = _roots(evaluations)
    rows = _Rows(new_id)
    root_ids = []
    for evaluated in evaluations:
        root = _instance(evaluated, evaluated, new_id(), roots, user_id)
        rows.add(root, evaluated.evaluation, evaluated.time)
        root_ids.append(root.id)
        for required in evaluated.required:
            instance = _instance(evaluated, required, new_id(), roots, user_id)
            instance.root_decision_instance_id = root.id
            rows.add(instance, required.evaluation, evaluated.time)
    HistoricDecisionInstance.objects.bulk_create(rows.instances)
    HistoricDecisionInput.objects.bulk_create(rows.inputs)
    HistoricDecisionOutput.objects.bulk_create(rows.outputs)
    return root_ids


class _Rows:
    """The rows of one batch of evaluations, inserted together."""

    def __init__(self, new_id: Callable[[], str]) -> None:
        self.new_id = new_id
        self.instances: list[HistoricDecisionInstance] = []
        self.inputs: list[HistoricDecisionInput] = []
        self.outputs: list[HistoricDecisionOutput] = []

    def add(self, instance: HistoricDecisionInstance, result: Evaluation, time: Any) -> None:
        self.instances.append(instance)
        for position, (clause, value) in enumerate(result.inputs):
            self.inputs.append(HistoricDecisionInput(
                id=self.new_id(), decision_instance=instance, position=position,
                clause_id=clause.id, clause_name=clause.label, create_time=time,
                **_typed(value),
            ))
        position = 0
        for order, matched in enumerate(result.matched, start=1):
            for clause in result.outputs:
                self.outputs.append(HistoricDecisionOutput(
                    id=self.new_id(), decision_instance=instance, position=position,
                    clause_id=clause.id, clause_name=clause.label, variable_name=clause.key,
                    # A literal expression's value comes from no rule: no id, no order.
                    rule_id=matched.rule.id if matched.rule else None,
                    rule_order=order if matched.rule else None, create_time=time,
                    **_typed(matched.outputs.get(clause.key)),
                ))
                position += 1


def _instance(
    evaluated: fx.DecisionEvaluated,
    decision: fx.DecisionEvaluated | fx.RequiredDecisionEvaluated,
    instance_id: str,
    roots: dict[str, str],
    user_id: str | None,
) -> HistoricDecisionInstance:
    """The row of `decision`, the evaluated one or one it required, with the process fields
    and tenant of the evaluation."""
    process_instance = evaluated.process_instance_id
    collected = decision.evaluation.collect_result
    return HistoricDecisionInstance(
        id=instance_id,
        decision_definition_id=decision.decision_definition_id,
        decision_definition_key=decision.decision_definition_key,
        decision_definition_name=decision.decision_definition_name,
        evaluation_time=evaluated.time,
        process_definition_id=evaluated.process_definition_id,
        process_definition_key=evaluated.process_definition_key,
        process_instance_id=process_instance,
        root_process_instance_id=roots.get(process_instance or "", process_instance),
        execution_id=evaluated.execution_id,
        activity_id=evaluated.activity_id,
        activity_instance_id=evaluated.activity_instance_id,
        # Camunda keeps the built-in aggregators' number as a double.
        collect_result_value=None if collected is None else float(collected),
        user_id=user_id if process_instance is None else None,
        tenant_id=evaluated.tenant_id,
        decision_requirements_definition_id=evaluated.decision_requirements_definition_id,
        decision_requirements_definition_key=evaluated.decision_requirements_definition_key,
    )


def _typed(value: Any) -> dict[str, Any]:
    # Camunda records input and output values untyped: their type is what the value is.
    typed = infer_type(value)
    try:
        return {"type": typed.type, "value": typed.to_json()["value"]}
    except TypeError:
        # A FEEL date or duration has no variable type: history keeps its text rather than
        # failing the command that evaluated it.
        return {"type": "String", "value": str(value)}


def _roots(evaluations: Sequence[fx.DecisionEvaluated]) -> dict[str, str]:
    """Process instance id -> its root, for instances called by another (few, rare)."""
    roots: dict[str, str] = {}
    for evaluated in evaluations:
        parent = evaluated.super_process_instance_id
        if evaluated.process_instance_id is None or parent is None:
            continue
        seen = {evaluated.process_instance_id}
        while parent is not None and parent not in seen:
            seen.add(parent)
            root, parent = parent, (
                HistoricProcessInstance.objects.filter(pk=parent)
                .values_list("super_process_instance_id", flat=True).first()
            )
        roots[evaluated.process_instance_id] = root
    return roots
