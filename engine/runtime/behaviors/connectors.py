"""A `camunda:connector` service task: the connector's input parameters build the request,
the connector answers, and its output parameters read the response (`statusCode`,
`response`, `headers` visible over the execution's variables) into the execution's scope."""

from __future__ import annotations

from engine.bpmn.model import FlowNode, Implementation, InputOutput
from engine.runtime.behaviors.listeners import el_typed, parameter_typed, parameter_value
from engine.runtime.connectors import ConnectorError
from engine.runtime.context import Run
from engine.runtime.errors import ProcessEngineError
from engine.runtime.state import Execution
from engine.runtime.values import infer_type


def call_connector(
    run: Run, execution: Execution, node: FlowNode, implementation: Implementation
) -> None:
    name = implementation.connector_id or ""
    connector = run.env.connectors.get(name)
    if connector is None:
        raise ProcessEngineError(f"The connector '{name}' is switched off", node.id)
    io = implementation.connector_io or InputOutput()
    request = {p.name: parameter_value(run, p.value, execution, node.id) for p in io.inputs}
    try:
        response = connector(request)
    except ConnectorError as error:
        raise ProcessEngineError(f"The connector '{name}' failed: {error}", node.id) from None
    # Camunda's ConnectorVariableScope: the response, with the execution as its parent.
    answer = Execution(
        id=f"{execution.id}/{name}",
        parent_id=execution.id,
        activity_id=node.id,
        activity_instance_id=execution.activity_instance_id,
        variables={key: infer_type(value) for key, value in response.items()},
    )
    values = [(p, parameter_typed(run, p, answer, node.id)) for p in io.outputs]
    for parameter, value in values:
        run.set_variable(execution, parameter.name, value, from_expression=el_typed(parameter))
