"""Camunda's bulk operations that answer a BatchDto: `POST /process-instance/delete`,
`POST /process-instance/suspended-async`, `/process-instance/variables-async`,
`/process-instance/job-retries`, `/job/retries`, `POST /external-task/retries-async`,
`POST /modification/executeAsync`, `POST /process-definition/{id}/restart-async`,
`POST /history/process-instance/set-removal-time` and `/delete`, the same two for
`/history/decision-instance`; and the
synchronous `PUT /external-task/retries`, `POST /modification/execute`,
`POST /process-definition/{id}/restart` and `PUT /process-instance/suspended`.

The targets are collected when the request arrives (ids given, plus what the embedded queries
find, read by the same code as the list resources, so only what the caller may read) and
frozen into a batch; the runner handles each one as the caller would one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from rest_framework.request import Request
from rest_framework.response import Response

from batches.models import BatchType
from engine import queries
from engine.models import EntityType, ExternalTask, Job, ProcessDefinition
from engine.rest.base import EngineView, json_body, user_id
from engine.rest.batch_targets import (
    Filter,
    created,
    flag,
    found_by,
    ids_in,
    instance_targets,
    instances_in,
    plural,
    unique_targets,
)
from engine.rest.batches import HISTORIC_BATCH_QUERY, filter_historic_batches
from engine.rest.dates import parse_date
from engine.rest.external_tasks import EXTERNAL_TASK_QUERY, filter_external_tasks
from engine.rest.history import HISTORIC_PROCESS_INSTANCE_QUERY, filter_historic_instances
from engine.rest.history_decisions import DECISION_INSTANCE_QUERY, filter_decision_instances
from engine.rest.incidents_jobs import JOB_QUERY, filter_jobs
from engine.rest.modification import START_TYPES, read_instructions
from engine.rest.params import ListQuery, invalid_request
from engine.rest.process_instances import (
    read_suspended,
)
from engine.rest.variables import read_variables
from engine.runtime.modification import CancelActivity, StartAfter, StartBefore, StartTransition
from engine.services import external_tasks, jobs, suspension
from engine.services.history_deletion import log_history_deletion
from engine.services.modification import modify_process_instance
from engine.services.oplog import OperationLog
from engine.services.removal_time import ABSOLUTE, CALCULATED, CLEARED, RemovalTime
from engine.services.restart import restart_process_instances


def _retries(body: dict[str, Any], check: Callable[[int], None]) -> int:
    value = body.get("retries")
    if value is None:
        raise invalid_request("retries is null")
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_request("'retries' must be an integer")
    check(value)
    return value


class ProcessInstanceDeleteAsync(EngineView):
    """POST /process-instance/delete: delete many instances in a batch.

    `skipCustomListeners` and `skipIoMappings` apply to each deletion as on the DELETE of one
    instance; `skipSubprocesses` is read and checked, and changes nothing (docs/rest.md)."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        reason = body.get("deleteReason")
        if reason is not None and not isinstance(reason, str):
            raise invalid_request("'deleteReason' must be a string")
        options = {
            "deleteReason": reason,
            "failIfNotExists": flag(body, "failIfNotExists", True),
            **{n: flag(body, n) for n in ("skipCustomListeners", "skipIoMappings",
                                            "skipSubprocesses")},
        }
        ids = instance_targets(request, body)
        what = f"Delete {plural(len(ids), 'process instance')}"
        return created(request, BatchType.INSTANCE_DELETION, ids, what, options)


class ProcessInstanceSuspendedAsync(EngineView):
    """POST /process-instance/suspended-async: suspend or activate many instances."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        suspended = read_suspended(body)
        ids = instance_targets(request, body)
        what = f"{'Suspend' if suspended else 'Activate'} {plural(len(ids), 'process instance')}"
        options = {"suspended": suspended}
        return created(request, BatchType.INSTANCE_UPDATE_SUSPENSION_STATE, ids, what, options)


class ProcessInstancesSuspended(EngineView):
    """PUT /process-instance/suspended: suspend or activate, at once, the instances of a
    definition (`processDefinitionId`, or `processDefinitionKey` with its tenant filters) or
    a group (`processInstanceIds`, `processInstanceQuery`, `historicProcessInstanceQuery`)."""

    def put(self, request: Request) -> Response:
        body = json_body(request)
        suspended = read_suspended(body)
        by_definition = [n for n in ("processDefinitionId", "processDefinitionKey") if body.get(n)]
        in_group = [n for n in ("processInstanceIds", "processInstanceQuery",
                                "historicProcessInstanceQuery") if body.get(n) is not None]
        # Camunda's wording (ProcessInstanceSuspensionStateDto.updateSuspensionState)
        if by_definition and in_group:
            raise invalid_request(
                "Choose either a single processInstance with processDefinitionId or "
                "processDefinitionKey or a group of processInstances with processInstanceIds, "
                "procesInstanceQuery or historicProcessInstanceQuery."
            )
        if len(by_definition) > 1:
            raise invalid_request("Only one of processDefinitionId or processDefinitionKey "
                                  "should be set to update the suspension state.")
        if not by_definition and not in_group:
            raise invalid_request("Either processDefinitionId or processDefinitionKey should "
                                  "be set to update the suspension state.")
        if in_group:
            ids = instance_targets(request, body)
            suspension.set_instances_suspended(ids, suspended, user_id=user_id(request))
            return Response(status=204)
        tenant = body.get("processDefinitionTenantId")
        for name, value in (("processDefinitionId", body.get("processDefinitionId")),
                            ("processDefinitionKey", body.get("processDefinitionKey")),
                            ("processDefinitionTenantId", tenant)):
            if value is not None and not isinstance(value, str):
                raise invalid_request(f"'{name}' must be a string")
        suspension.set_instances_of_definitions_suspended(
            suspended,
            definition_id=body.get("processDefinitionId"),
            key=body.get("processDefinitionKey"),
            tenant_id=tenant,
            without_tenant=flag(body, "processDefinitionWithoutTenantId"),
            user_id=user_id(request),
        )
        return Response(status=204)


class ProcessInstanceMessageAsync(EngineView):
    """POST /process-instance/message-async: correlate a message to each instance given and
    found, in a batch (Camunda's correlateAllAsync: waiting executions only, none waiting in
    an instance is no failure)."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        name = body.get("messageName")
        if not isinstance(name, str) or not name:
            raise invalid_request("messageName is null")
        variables = body.get("variables") or {}
        read_variables(variables)  # checked now, read again for each instance
        if all(body.get(n) is None for n in ("processInstanceIds", "processInstanceQuery",
                                             "historicProcessInstanceQuery")):
            # Camunda's wording (CorrelateAllMessageBatchCmd)
            raise invalid_request("No process instances found.")
        ids = list(dict.fromkeys(instances_in(request, body, "processInstanceIds")))
        if not ids:
            raise invalid_request("Process instance ids cannot be empty")
        what = f"Correlate message {name} to {plural(len(ids), 'process instance')}"
        options = {"messageName": name, "variables": variables}
        with transaction.atomic():
            OperationLog(user_id(request), "CorrelateMessage", EntityType.PROCESS_INSTANCE).add(
                "messageName", new_value=name
            ).add("nrOfInstances", new_value=str(len(ids))).add(
                "nrOfVariables", new_value=str(len(variables))
            ).add("async", new_value="true").save()
            return created(request, BatchType.CORRELATE_MESSAGE, ids, what, options)


class ProcessInstanceVariablesAsync(EngineView):
    """POST /process-instance/variables-async: set the same variables on many instances."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        if not read_variables(body.get("variables")):
            raise invalid_request("variables is empty")
        ids = instance_targets(request, body)
        what = f"Set variables of {plural(len(ids), 'process instance')}"
        return created(request, BatchType.VARIABLES, ids, what, {"variables": body["variables"]})


def _job_retry_options(body: dict[str, Any]) -> dict[str, Any]:
    """`retries` and the optional `dueDate` (kept in ISO form) of a job retries batch."""
    options: dict[str, Any] = {"retries": _retries(body, jobs.check_retries)}
    if body.get("dueDate") is not None:
        try:
            options["dueDate"] = parse_date(str(body["dueDate"])).isoformat()
        except ValueError as error:
            raise invalid_request(f"'dueDate': {error}") from None
    return options


def _job_retries_batch(request: Request, ids: list[str], options: dict[str, Any]) -> Response:
    what = f"Set retries of {plural(len(ids), 'job')} to {options['retries']}"
    return created(request, BatchType.SET_JOB_RETRIES, ids, what, options)


class JobRetriesAsync(EngineView):
    """POST /job/retries: set the retries (and optionally the due date) of many jobs."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        options = _job_retry_options(body)
        instances = ids_in(body, "processInstances")
        of_instances = Job.objects.filter(process_instance_id__in=instances)
        ids = unique_targets(
            [
                *ids_in(body, "jobIds"),
                *found_by(request, body, "jobQuery", JOB_QUERY, filter_jobs),
                *of_instances.values_list("id", flat=True),
            ],
            "jobIds",
        )
        return _job_retries_batch(request, ids, options)


class ProcessInstanceJobRetriesAsync(EngineView):
    """POST /process-instance/job-retries: the retries (and due date) of every job of the
    instances given and found, failed or not (Camunda's SetJobsRetriesByProcessBatchCmd takes
    all jobs of those instances)."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        options = _job_retry_options(body)
        instances = instances_in(request, body, "processInstances")
        of_instances = Job.objects.filter(process_instance_id__in=instances).order_by(
            "process_instance_id", "id"
        )
        ids = unique_targets(of_instances.values_list("id", flat=True), "jobIds")
        return _job_retries_batch(request, ids, options)


def external_task_targets(request: Request) -> tuple[list[str], int]:
    """The external tasks and retries of `/external-task/retries(-async)`."""
    body = json_body(request)
    retries = _retries(body, external_tasks.check_retries)
    instances = instances_in(request, body, "processInstanceIds")
    of_instances = ExternalTask.objects.filter(process_instance_id__in=instances)
    ids = unique_targets(
        [
            *ids_in(body, "externalTaskIds"),
            *found_by(request, body, "externalTaskQuery", EXTERNAL_TASK_QUERY,
                    filter_external_tasks),
            *of_instances.values_list("id", flat=True),
        ],
        "externalTaskIds",
    )
    return ids, retries


class ExternalTaskRetriesAsync(EngineView):
    """POST /external-task/retries-async."""

    def post(self, request: Request) -> Response:
        ids, retries = external_task_targets(request)
        what = f"Set retries of {plural(len(ids), 'external task')} to {retries}"
        return created(
            request, BatchType.SET_EXTERNAL_TASK_RETRIES, ids, what, {"retries": retries}
        )


class ExternalTaskRetries(EngineView):
    """PUT /external-task/retries: all at once, in one transaction (one refusal: none set)."""

    def put(self, request: Request) -> Response:
        ids, retries = external_task_targets(request)
        with transaction.atomic():
            for task_id in ids:
                external_tasks.set_retries(task_id, retries, user_id=user_id(request))
        return Response(status=204)


_BY_ELEMENT = (CancelActivity, StartBefore, StartAfter, StartTransition)


def _modification(request: Request) -> tuple[list[str], dict[str, Any]]:
    """Camunda's ModificationDto: the instances of `processDefinitionId` given and found,
    and the options each one is modified with (the instructions kept in their JSON form)."""
    body = json_body(request)
    definition_id = body.get("processDefinitionId")
    if not isinstance(definition_id, str) or not definition_id:
        raise invalid_request("processDefinitionId is null")
    if not ProcessDefinition.objects.filter(pk=definition_id).exists():
        raise invalid_request(f"Process definition with id '{definition_id}' does not exist")
    raw = body.get("instructions")
    for number, instruction in enumerate(read_instructions(raw), 1):
        # A set of instances shares no activity instance: only what names an activity or a
        # flow of the definition applies to each of them.
        by_element = isinstance(instruction, _BY_ELEMENT)
        if not by_element or getattr(instruction, "ancestor_activity_instance_id", None):
            raise invalid_request(
                f"Instruction {number}: a modification of a set of process instances names "
                "activities and flows only (no activity, transition or ancestor instance ids)"
            )
    annotation = body.get("annotation")
    if annotation is not None and not isinstance(annotation, str):
        raise invalid_request("'annotation' must be a string")
    ids = instance_targets(request, body)
    options = {
        "processDefinitionId": definition_id,
        "instructions": raw,
        "annotation": annotation,
        **{n: flag(body, n) for n in ("skipCustomListeners", "skipIoMappings")},
    }
    return ids, options


class ModificationExecute(EngineView):
    """POST /modification/execute: the same instructions on every instance, in one
    transaction (one refused: none modified)."""

    def post(self, request: Request) -> Response:
        ids, options = _modification(request)
        instructions = read_instructions(options["instructions"])
        with transaction.atomic():
            for instance_id in ids:
                modify_process_instance(
                    instance_id,
                    instructions,
                    skip_custom_listeners=options["skipCustomListeners"],
                    skip_io_mappings=options["skipIoMappings"],
                    annotation=options["annotation"],
                    user_id=user_id(request),
                    process_definition_id=options["processDefinitionId"],
                )
        return Response(status=204)


class ProcessInstanceModificationAsync(EngineView):
    """POST /process-instance/{id}/modification-async: the modification of one instance in a
    batch (any instruction of the synchronous one, activity instance ids included)."""

    def post(self, request: Request, instance_id: str) -> Response:
        body = json_body(request)
        raw = body.get("instructions")
        read_instructions(raw)
        annotation = body.get("annotation")
        if annotation is not None and not isinstance(annotation, str):
            raise invalid_request("'annotation' must be a string")
        instance = queries.get_process_instance(instance_id)
        options = {
            "processDefinitionId": instance.process_definition_id,
            "instructions": raw,
            "annotation": annotation,
            **{n: flag(body, n) for n in ("skipCustomListeners", "skipIoMappings")},
        }
        what = f"Modify process instance {instance_id}"
        return created(request, BatchType.INSTANCE_MODIFICATION, [instance_id], what, options)


class ModificationExecuteAsync(EngineView):
    """POST /modification/executeAsync: a batch modifying each instance on its own."""

    def post(self, request: Request) -> Response:
        ids, options = _modification(request)
        what = f"Modify {plural(len(ids), 'process instance')}"
        return created(request, BatchType.INSTANCE_MODIFICATION, ids, what, options)


def _restart(request: Request, definition_id: str) -> tuple[list[str], dict[str, Any]]:
    """Camunda's RestartProcessInstanceDto: the finished instances given and found, and how
    each is restarted (the instructions kept in their JSON form)."""
    body = json_body(request)
    if not ProcessDefinition.objects.filter(pk=definition_id).exists():
        raise invalid_request(f"Process definition with id '{definition_id}' does not exist")
    raw = body.get("instructions")
    if not raw:
        raise invalid_request("Restart instructions cannot be empty")
    if not isinstance(raw, list) or any(
        not isinstance(item, dict) or item.get("type") not in START_TYPES for item in raw
    ):
        raise invalid_request(f"Restart instructions are of type {', '.join(START_TYPES)}")
    read_instructions(raw)
    ids = list(dict.fromkeys([
        *ids_in(body, "processInstanceIds"),
        *found_by(request, body, "historicProcessInstanceQuery", HISTORIC_PROCESS_INSTANCE_QUERY,
                filter_historic_instances),
    ]))
    if not ids:
        raise invalid_request("Process instance ids cannot be empty")
    options = {
        "processDefinitionId": definition_id,
        "instructions": raw,
        **{n: flag(body, n) for n in ("initialVariables", "withoutBusinessKey",
                                        "skipCustomListeners", "skipIoMappings")},
    }
    return ids, options


def restart_with(options: dict[str, Any], ids: list[str], actor: str | None) -> None:
    """Restart `ids` as the options of a restart request say (the batch runs this per id)."""
    restart_process_instances(
        options["processDefinitionId"],
        ids,
        read_instructions(options["instructions"]),
        initial=options["initialVariables"],
        without_business_key=options["withoutBusinessKey"],
        skip_custom_listeners=options["skipCustomListeners"],
        skip_io_mappings=options["skipIoMappings"],
        user_id=actor,
        batch_id=options.get("batchId"),
    )


class RestartProcessInstances(EngineView):
    """POST /process-definition/{id}/restart: every instance restarted, in one transaction
    (one refused: none restarted)."""

    def post(self, request: Request, definition_id: str) -> Response:
        ids, options = _restart(request, definition_id)
        restart_with(options, ids, user_id(request))
        return Response(status=204)


class RestartProcessInstancesAsync(EngineView):
    """POST /process-definition/{id}/restart-async: an instance-restart batch."""

    def post(self, request: Request, definition_id: str) -> Response:
        ids, options = _restart(request, definition_id)
        what = f"Restart {plural(len(ids), 'process instance')}"
        return created(request, BatchType.INSTANCE_RESTART, ids, what, options)


MODES = {"absoluteRemovalTime": ABSOLUTE, "clearedRemovalTime": CLEARED,
         "calculatedRemovalTime": CALCULATED}


def read_removal_time(body: dict[str, Any]) -> RemovalTime:
    """Exactly one of the three ways, as Camunda's builder insists."""
    absolute = body.get("absoluteRemovalTime")
    given = [name for name in MODES if name != "absoluteRemovalTime" and flag(body, name)]
    if absolute is not None:
        given.append("absoluteRemovalTime")
    if len(given) != 1:
        raise invalid_request(
            "Exactly one of absoluteRemovalTime, clearedRemovalTime (true) and "
            f"calculatedRemovalTime (true) must be given, not {len(given)}"
        )
    if absolute is None:
        return RemovalTime(MODES[given[0]])
    if not isinstance(absolute, str):
        raise invalid_request("'absoluteRemovalTime' must be a date")
    try:
        return RemovalTime(ABSOLUTE, parse_date(absolute))
    except ValueError as error:
        raise invalid_request(f"'absoluteRemovalTime': {error}") from None


@dataclass(frozen=True)
class _History:
    """Historic rows a history batch acts on: ids given and what the embedded query finds."""

    ids_field: str
    query_field: str
    query: ListQuery
    rows: Filter
    noun: str
    entity: str
    hierarchical: bool = True  # whether `hierarchical` applies (a call hierarchy)

    def targets(self, request: Request, body: dict[str, Any]) -> list[str]:
        return unique_targets([
            *ids_in(body, self.ids_field),
            *found_by(request, body, self.query_field, self.query, self.rows),
        ], self.ids_field)


PROCESS_HISTORY = _History(
    "historicProcessInstanceIds", "historicProcessInstanceQuery",
    HISTORIC_PROCESS_INSTANCE_QUERY, filter_historic_instances, "historic process instance",
    EntityType.PROCESS_INSTANCE,
)
DECISION_HISTORY = _History(
    "historicDecisionInstanceIds", "historicDecisionInstanceQuery", DECISION_INSTANCE_QUERY,
    filter_decision_instances, "historic decision instance", EntityType.DECISION_INSTANCE,
)
BATCH_HISTORY = _History(
    "historicBatchIds", "historicBatchQuery", HISTORIC_BATCH_QUERY, filter_historic_batches,
    "historic batch", EntityType.BATCH, hierarchical=False,
)


def _set_removal_time_view(history: _History, batch_type: str) -> type[EngineView]:
    class SetRemovalTime(EngineView):
        """POST /history/{process,decision}-instance/set-removal-time and
        /history/batch/set-removal-time."""

        def post(self, request: Request) -> Response:
            body = json_body(request)
            removal = read_removal_time(body)
            hierarchical = history.hierarchical and flag(body, "hierarchical")
            ids = history.targets(request, body)
            options = {"removalTime": removal.to_json(), "hierarchical": hierarchical}
            what = f"Set the removal time of {plural(len(ids), history.noun)}"
            with transaction.atomic():
                response = created(request, batch_type, ids, what, options)
                # Camunda logs the request once, with what it asks for.
                log = OperationLog(user_id(request), "SetRemovalTime", history.entity)
                log.add("mode", new_value=removal.mode.upper())
                log.add("removalTime",
                        new_value=removal.time.isoformat() if removal.time else None)
                if history.hierarchical:
                    log.add("hierarchical", new_value=str(hierarchical).lower())
                log.add("nrOfInstances", new_value=len(ids))
                log.add("async", new_value="true").save()
            return response

    return SetRemovalTime


SetRemovalTimeAsync = _set_removal_time_view(PROCESS_HISTORY, BatchType.PROCESS_SET_REMOVAL_TIME)
DecisionSetRemovalTimeAsync = _set_removal_time_view(
    DECISION_HISTORY, BatchType.DECISION_SET_REMOVAL_TIME
)
BatchSetRemovalTimeAsync = _set_removal_time_view(
    BATCH_HISTORY, BatchType.BATCH_SET_REMOVAL_TIME
)


def _history_deletion_view(history: _History, batch_type: str) -> type[EngineView]:
    class HistoryDeletion(EngineView):
        """POST /history/{process,decision}-instance/delete: delete the history of many in a
        batch (ids, embedded query, `deleteReason`, `failIfNotExists`)."""

        def post(self, request: Request) -> Response:
            body = json_body(request)
            reason = body.get("deleteReason")
            if reason is not None and not isinstance(reason, str):
                raise invalid_request("'deleteReason' must be a string")
            ids = history.targets(request, body)
            options = {"deleteReason": reason,
                       "failIfNotExists": flag(body, "failIfNotExists", True)}
            what = f"Delete the history of {plural(len(ids), history.noun)}"
            with transaction.atomic():
                response = created(request, batch_type, ids, what, options)
                log_history_deletion(user_id(request), len(ids), asynchronous=True,
                                     entity=history.entity)
            return response

    return HistoryDeletion


HistoricInstancesDeleteAsync = _history_deletion_view(
    PROCESS_HISTORY, BatchType.HISTORIC_INSTANCE_DELETION
)
HistoricDecisionsDeleteAsync = _history_deletion_view(
    DECISION_HISTORY, BatchType.HISTORIC_DECISION_DELETION
)
