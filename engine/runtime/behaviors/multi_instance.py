"""Multi-instance activities: a body execution holding parallel or sequential instances.

Camunda: the body (`X#multiInstanceBody`) holds nrOfInstances, nrOfActiveInstances and
nrOfCompletedInstances; each instance has loopCounter and the element variable locally.
"""

from __future__ import annotations

from typing import Any

from engine.bpmn.model import FlowNode, MultiInstance
from engine.runtime import flow
from engine.runtime.context import Run
from engine.runtime.errors import ProcessEngineError
from engine.runtime.state import Execution, JobKind, Wait
from engine.runtime.values import infer_type

NR_OF_INSTANCES = "nrOfInstances"
NR_ACTIVE = "nrOfActiveInstances"
NR_COMPLETED = "nrOfCompletedInstances"
LOOP_COUNTER = "loopCounter"
_COLLECTION = "__mi_collection"


def start_body(run: Run, execution: Execution, node: FlowNode) -> None:
    mi = node.multi_instance
    assert mi is not None
    if mi.async_before and not execution.async_done:
        execution.wait = Wait.JOB
        run.add_job(execution, JobKind.ASYNC_BEFORE, node.id)
        return
    execution.async_done = False
    execution.mi_body = True
    execution.wait = Wait.SCOPE
    run.activity_started(execution, node, body=True)
    items = _items(run, execution, node, mi)
    count = len(items) if items is not None else _cardinality(run, execution, node, mi)
    _set(run, execution, NR_OF_INSTANCES, count)
    _set(run, execution, NR_COMPLETED, 0)
    _set(run, execution, NR_ACTIVE, 0 if count == 0 else (1 if mi.is_sequential else count))
    if items is not None:
        execution.variables[_COLLECTION] = infer_type(list(items))
    flow.subscribe_boundaries(run, execution, node)
    if count == 0:
        _complete_body(run, execution, node)
        return
    if mi.is_sequential:
        _start_instance(run, execution, node, 0)
    else:
        for index in range(count):
            _start_instance(run, execution, node, index)


def _set(run: Run, execution: Execution, name: str, value: int) -> None:
    run.set_local(execution, name, infer_type(value))


def _int(run: Run, execution: Execution, name: str) -> int:
    typed = execution.variables.get(name)
    return int(typed.value) if typed is not None else 0


def _items(run: Run, execution: Execution, node: FlowNode, mi: MultiInstance) -> list[Any] | None:
    if mi.collection is None:
        if mi.element_variable is not None and mi.loop_cardinality is None:
            raise ProcessEngineError("elementVariable is set but no collection is given", node.id)
        return None
    text = mi.collection
    if "${" in text or "#{" in text:
        value = run.evaluate(text, execution, activity_id=node.id)
    else:
        value = run.get_variable(execution, text)
        if value is None and not run.has_variable(execution, text):
            raise ProcessEngineError(f"Variable '{text}' is not found", node.id)
    if isinstance(value, dict):
        return list(value)
    if not isinstance(value, list | tuple):
        raise ProcessEngineError(
            f"Collection '{text}' of the multi-instance activity is not a list", node.id
        )
    return list(value)


def _cardinality(run: Run, execution: Execution, node: FlowNode, mi: MultiInstance) -> int:
    if mi.loop_cardinality is None:
        raise ProcessEngineError("Multi-instance needs a loopCardinality or a collection", node.id)
    value = run.evaluate(mi.loop_cardinality, execution, activity_id=node.id)
    try:
        count = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinity (1/0)
        raise ProcessEngineError(
            f"loopCardinality '{mi.loop_cardinality}' is not a number", node.id
        ) from None
    if count < 0:
        raise ProcessEngineError("loopCardinality must be a non-negative integer", node.id)
    return count


def _start_instance(run: Run, body: Execution, node: FlowNode, index: int) -> None:
    mi = node.multi_instance
    assert mi is not None
    instance = run.new_execution(body, node.id)
    instance.mi_instance = True
    run.set_local(instance, LOOP_COUNTER, infer_type(index))
    collection = body.variables.get(_COLLECTION)
    if mi.element_variable and collection is not None:
        run.set_local(instance, mi.element_variable, infer_type(collection.value[index]))
    flow.enter(run, instance, node.id)


def instance_completed(run: Run, instance: Execution) -> None:
    """One instance finished: count it, then start the next (sequential) or, when all are
    done or the completionCondition holds, cancel the rest and leave the body."""
    body = run.parent(instance)
    assert body is not None
    assert body.mi_body
    node = run.definition.node(body.activity_id or "")
    mi = node.multi_instance
    assert mi is not None
    completed = _int(run, body, NR_COMPLETED) + 1
    total = _int(run, body, NR_OF_INSTANCES)
    _set(run, body, NR_COMPLETED, completed)
    _set(run, body, NR_ACTIVE, _int(run, body, NR_ACTIVE) - 1)
    loop_counter = instance.variables.get(LOOP_COUNTER)
    index = int(loop_counter.value) if loop_counter is not None else completed - 1
    done = completed >= total
    if not done and mi.completion_condition:
        done = run.condition(mi.completion_condition, instance, activity_id=node.id)
    run.remove_execution(instance)
    if done:
        flow.cancel_inside(run, body, "completion condition")
        _complete_body(run, body, node)
    elif mi.is_sequential:
        _set(run, body, NR_ACTIVE, 1)
        _start_instance(run, body, node, index + 1)


def new_inner_instance(run: Run, body: Execution) -> Execution:
    """One more instance of a running parallel body (process instance modification), not yet
    entered: counted in nrOfInstances and nrOfActiveInstances, its loopCounter the next
    number; as in Camunda, a collection's element is not given to it."""
    instance = run.new_execution(body, body.activity_id)
    instance.mi_instance = True
    total = _int(run, body, NR_OF_INSTANCES)
    run.set_local(instance, LOOP_COUNTER, infer_type(total))
    _set(run, body, NR_OF_INSTANCES, total + 1)
    _set(run, body, NR_ACTIVE, _int(run, body, NR_ACTIVE) + 1)
    return instance


def _complete_body(run: Run, body: Execution, node: FlowNode) -> None:
    body.variables.pop(_COLLECTION, None)
    if not flow.end_activity(run, body, node, in_flow=True):
        return
    mi = node.multi_instance
    if mi is not None and mi.async_after:
        body.wait = Wait.JOB
        run.add_job(body, JobKind.ASYNC_AFTER, node.id)
        return
    body.mi_body = False
    flow.take_outgoing(run, body, node)
