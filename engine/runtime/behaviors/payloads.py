"""`camunda:in` mappings: the variables (and business key) a call activity passes to the
instance it starts, and a signal throw event to the instances its signal reaches or starts
(Camunda 7.15+'s signal payload)."""

from __future__ import annotations

from engine.bpmn.model import CallMapping
from engine.runtime.contents import read_contents
from engine.runtime.context import Run
from engine.runtime.state import Execution
from engine.runtime.values import TypedValue, infer_type


def input_payload(
    run: Run, execution: Execution, mappings: tuple[CallMapping, ...], activity_id: str
) -> tuple[dict[str, TypedValue], str | None]:
    """The variables the mappings pass, and the business key one of them gives (None: none).
    `local` reads the execution's own variables only, as Camunda's local mappings do."""
    variables: dict[str, TypedValue] = {}
    business_key: str | None = None
    for mapping in mappings:
        if mapping.business_key is not None:
            value = run.evaluate(mapping.business_key, execution, activity_id=activity_id)
            business_key = None if value is None else str(value)
        elif mapping.all_variables:
            variables.update(
                run.shown_execution(execution).variables if mapping.local
                else run.visible_variables(execution)
            )
        elif mapping.target:
            variables[mapping.target] = _mapped(run, mapping, execution, activity_id)
    read_contents(variables)  # they leave this instance: see engine.runtime.contents
    return variables, business_key


def _mapped(
    run: Run, mapping: CallMapping, execution: Execution, activity_id: str
) -> TypedValue:
    if mapping.source_expression is not None:
        value = run.evaluate(mapping.source_expression, execution, activity_id=activity_id)
        return infer_type(value, from_expression=True)
    if mapping.local:
        typed = run.shown_execution(execution).variables.get(mapping.source or "")
    else:
        typed = run.get_typed(execution, mapping.source or "")
    return typed if typed is not None else TypedValue("Null", None)
