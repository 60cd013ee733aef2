"""`POST /message` (correlate), `POST /signal` (broadcast) and `POST /condition` (evaluate
conditional start events).

A message that matches nothing, or more than one target without `all`, is Camunda's
MismatchingMessageCorrelationException, answered 400 RestException (MessageRestServiceImpl);
EngineView maps it. The service checks the caller's permission (UPDATE on instances; CREATE
for the instances a condition starts).
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from engine.models import EventSubscription, HistoricProcessInstance, ProcessInstance
from engine.rest import serializers
from engine.rest.base import EngineView, json_body, user_id
from engine.rest.definition_actions import _variables_of
from engine.rest.params import invalid_request
from engine.rest.process_instances import instance_dto
from engine.rest.variables import read_variables, write_variables
from engine.runtime.errors import NotFoundError as RuntimeNotFound
from engine.runtime.errors import ProcessEngineError
from engine.runtime.tenancy import TenantFilter
from engine.services import runtime


def _result(
    request: Request,
    instance_id: str,
    waiting: dict[str, str],
    with_variables: bool,
) -> serializers.Dto:
    """MessageCorrelationResultWithVariableDto: `Execution` when the message reached a waiting
    execution, `ProcessDefinition` when it started an instance."""
    running = ProcessInstance.objects.select_related("process_definition").filter(
        pk=instance_id
    ).first()
    tenant = running.process_definition.tenant_id if running else None
    result: serializers.Dto
    if instance_id in waiting:
        result = {
            "resultType": "Execution",
            "execution": {
                "id": waiting[instance_id],
                "processInstanceId": instance_id,
                "ended": running is None,
                "tenantId": tenant,
            },
            "processInstance": None,
        }
    else:
        started = _started_dto(request, instance_id, running)
        result = {"resultType": "ProcessDefinition", "execution": None, "processInstance": started}
    if with_variables:
        result["variables"] = write_variables(_variables_of(instance_id, running is None))
    return result


def _started_dto(
    request: Request, instance_id: str, running: ProcessInstance | None
) -> serializers.Dto:
    """ProcessInstanceDto of an instance just started: from history when it already ended."""
    if running is not None:
        return {**instance_dto(request, running), "ended": False}
    history = HistoricProcessInstance.objects.get(pk=instance_id)
    return {
        "links": [],
        "id": instance_id,
        "definitionId": history.process_definition_id,
        "definitionKey": history.process_definition_key,
        "businessKey": history.business_key,
        "caseInstanceId": None,
        "ended": True,
        "suspended": False,
        "tenantId": None,
    }


def read_tenant(body: dict[str, Any]) -> TenantFilter | None:
    """`tenantId` / `withoutTenantId`: the executions and definitions of that tenant, or of
    none, receive the event (neither: every tenant's)."""
    tenant_id, without = body.get("tenantId"), body.get("withoutTenantId") or False
    if tenant_id is not None and not isinstance(tenant_id, str):
        raise invalid_request("'tenantId' must be a string")
    if not isinstance(without, bool):
        raise invalid_request("'withoutTenantId' must be true or false")
    if tenant_id is not None and without:
        # Camunda's wording (MessageRestServiceImpl)
        raise invalid_request(
            "Parameter 'tenantId' cannot be used together with parameter 'withoutTenantId'."
        )
    if tenant_id is not None:
        return TenantFilter(tenant_id)
    return TenantFilter(None) if without else None


class CorrelateMessage(EngineView):
    """POST /message."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        name = body.get("messageName")
        if not isinstance(name, str) or not name:
            # Camunda's wording (MessageRestServiceImpl.createMessageCorrelationBuilder).
            raise invalid_request("No message name supplied")
        tenant = read_tenant(body)
        instance_id = body.get("processInstanceId")
        if tenant is not None and instance_id is not None:
            # Camunda's wording (CommandLogger.exceptionCorrelateMessageWithProcessInstance...)
            raise invalid_request(
                "Cannot specify a tenant-id when correlate a message to a single process "
                "instance."
            )
        # Which instances wait for the message now: a result naming them is an Execution.
        waiting = dict(
            EventSubscription.objects.filter(event_type="message", event_name=name)
            .exclude(process_instance_id__isnull=True)
            .values_list("process_instance_id", "execution_id")
        )
        ids = runtime.correlate_message(
            name,
            business_key=body.get("businessKey"),
            correlation_keys=read_variables(body.get("correlationKeys"), "correlationKeys"),
            variables=read_variables(body.get("processVariables"), "processVariables"),
            all=bool(body.get("all")),
            process_instance_id=instance_id,
            local_variables=read_variables(
                body.get("localCorrelationKeys"), "localCorrelationKeys"
            ) or None,
            variables_local=read_variables(
                body.get("processVariablesLocal"), "processVariablesLocal"
            ),
            variables_to_triggered_scope=read_variables(
                body.get("processVariablesToTriggeredScope"), "processVariablesToTriggeredScope"
            ),
            tenant=tenant,
            user_id=user_id(request),
        )
        with_variables = bool(body.get("variablesInResultEnabled"))
        if not body.get("resultEnabled") and not with_variables:
            return Response(status=204)
        return Response([_result(request, i, waiting, with_variables) for i in ids])


class ThrowSignal(EngineView):
    """POST /signal `{name, variables}`: 204."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        name = body.get("name")
        if not isinstance(name, str) or not name:
            # Camunda's wording (SignalRestServiceImpl.throwSignal).
            raise invalid_request("No signal name given")
        tenant = read_tenant(body)
        variables = read_variables(body.get("variables"))
        execution_id = body.get("executionId")
        if execution_id is None:
            runtime.broadcast_signal(name, variables, tenant=tenant, user_id=user_id(request))
            return Response(status=204)
        if not isinstance(execution_id, str):
            raise invalid_request("'executionId' must be a string")
        if tenant is not None:  # Camunda's wording (CommandLogger)
            raise invalid_request(
                "Cannot specify a tenant-id when deliver a signal to a single execution."
            )
        try:
            runtime.signal_event_received(
                name, execution_id, variables, user_id=user_id(request)
            )
        except RuntimeNotFound as missing:  # no such execution, or not waiting for it
            raise invalid_request(str(missing)) from None
        return Response(status=204)


class EvaluateCondition(EngineView):
    """POST /condition `{variables, businessKey, processDefinitionId}`: the instances started
    at conditional start events whose condition holds (an empty list when none holds). No
    conditional start event to evaluate is a 400 (Camunda's ProcessEngineException)."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        tenant = read_tenant(body)
        business_key = body.get("businessKey")
        definition_id = body.get("processDefinitionId")
        for name, value in (("businessKey", business_key), ("processDefinitionId", definition_id)):
            if value is not None and not isinstance(value, str):
                raise invalid_request(f"{name} must be a string")
        if tenant is not None and definition_id is not None:
            raise invalid_request(
                "Cannot specify a tenant-id when evaluating the conditions of one process "
                "definition."
            )
        try:
            started = runtime.evaluate_start_conditions(
                read_variables(body.get("variables")),
                business_key=business_key,
                definition_id=definition_id,
                tenant=tenant,
                user_id=user_id(request),
            )
        except RuntimeNotFound:
            raise
        except ProcessEngineError as refused:
            raise invalid_request(str(refused)) from None
        running = {
            row.id: row
            for row in ProcessInstance.objects.select_related("process_definition").filter(
                pk__in=[instance.id for instance in started]
            )
        }
        return Response([_started_dto(request, i.id, running.get(i.id)) for i in started])
