"""Filters of the history logs that Legato used to ignore (a client got more rows than asked):
/history/variable-instance, /history/detail, /history/incident, /history/job-log,
/history/external-task-log and /history/user-operation. Case filters match nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.jobs.executor import JobExecutorThread
from engine.models import (
    HistoricDetail,
    HistoricExternalTaskLog,
    HistoricIncident,
    HistoricJobLog,
    JobDefinition,
    LogState,
    ProcessDefinition,
)
from engine.services import ResourceInput, deploy
from engine.services import external_tasks as xt
from engine.services.incidents import create_incident, resolve_incident
from engine.services.runtime import start_process_instance
from tests.factories import bpmn_document, one_task_bpmn
from tests.rest.conftest import BASE
from tests.rest.test_history_logs_api import EXTERNAL, FAILING_ONCE

pytestmark = pytest.mark.django_db
H = f"{BASE}/history"
ADDRESS = {"value": '{"city":"Bonn"}', "type": "Object",
           "valueInfo": {"objectTypeName": "com.acme.Address",
                         "serializationDataFormat": "application/json"}}


def rows(api, path: str, **params) -> list[dict]:
    response = api.get(f"{H}/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def count(api, path: str, **params) -> int:
    response = api.get(f"{H}/{path}/count", params)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def post(api, path: str, body: dict):
    return api.post(f"{H}/{path}", body, content_type="application/json")


@pytest.fixture
def started(api, demo_user) -> dict[str, str]:
    """An invoice (no tenant) started with amount, customer and an address object, whose
    amount is then changed, a variable added and its task given a local note; and an
    `other` instance of tenant acme started with amount only."""
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))], name="invoice")
    deploy([ResourceInput("other.bpmn", one_task_bpmn("other"))], name="other")
    start = f"{BASE}/process-definition/key/%s/start"
    variables = {"amount": {"value": 10, "type": "Integer"},
                 "customer": {"value": "ACME", "type": "String"}, "address": ADDRESS}
    invoice = api.post(start % "invoice", {"variables": variables},
                       content_type="application/json").json()["id"]
    other = api.post(start % "other", {"variables": {"amount": {"value": 20}}},
                     content_type="application/json").json()["id"]
    ProcessDefinition.objects.filter(key="other").update(tenant_id="acme")
    pi = f"{BASE}/process-instance/{invoice}/variables"
    for name, value in (("amount", 11), ("late", "x")):
        assert api.put(f"{pi}/{name}", {"value": value},
                       content_type="application/json").status_code == 204
    task = api.get(f"{BASE}/task?processInstanceId={invoice}").json()[0]["id"]
    assert api.put(f"{BASE}/task/{task}/localVariables/note", {"value": "hi"},
                   content_type="application/json").status_code == 204
    return {"invoice": invoice, "other": other, "task": task}


def names(found: list[dict]) -> list[tuple[str, str]]:
    return sorted((row.get("name") or row["variableName"], row["processInstanceId"])
                  for row in found)


# -- /history/variable-instance ------------------------------------------------------------


def test_variable_instances_by_name_type_definition_and_tenant(api, started):
    invoice, other = started["invoice"], started["other"]
    path = "variable-instance"
    assert names(rows(api, path, variableNameIn="amount,late")) == sorted(
        [("amount", invoice), ("late", invoice), ("amount", other)])
    assert names(rows(api, path, variableTypeIn="integer")) == sorted(
        [("amount", invoice), ("amount", other)])
    assert names(rows(api, path, variableTypeIn="Serializable")) == [("address", invoice)]
    assert names(rows(api, path, variableTypeIn="OBJECT,string")) == sorted(
        [("address", invoice), ("customer", invoice), ("late", invoice), ("note", invoice)])
    assert names(rows(api, path, processDefinitionKey="other")) == [("amount", other)]
    definition = ProcessDefinition.objects.get(key="invoice").id
    assert count(api, path, processDefinitionId=definition) == 5
    assert names(rows(api, path, tenantIdIn="acme,nobody")) == [("amount", other)]
    assert count(api, path, withoutTenantId="true") == 5
    assert count(api, path, tenantIdIn="nobody") == 0


def test_variable_instances_of_cases_match_nothing_and_the_post_form_filters_too(api, started):
    for name, value in (("caseInstanceId", "c1"), ("caseExecutionIdIn", "c1"),
                        ("caseActivityIdIn", "a")):
        assert count(api, "variable-instance", **{name: value}) == 0
    body = {"variableNameIn": ["amount"], "tenantIdIn": ["acme"]}
    found = post(api, "variable-instance", body).json()
    assert names(found) == [("amount", started["other"])]
    assert post(api, "variable-instance/count", {"caseExecutionIdIn": ["c"]}).json() == {
        "count": 0}


def test_a_variable_name_pattern_follows_variable_names_ignore_case(api, started):
    assert count(api, "variable-instance", variableNameLike="AMO%") == 0
    assert count(api, "variable-instance", variableNameLike="AMO%",
                 variableNamesIgnoreCase="true") == 2


# -- /history/detail -----------------------------------------------------------------------


def test_details_by_name_pattern_type_and_tenant(api, started):
    invoice, other = started["invoice"], started["other"]
    assert names(rows(api, "detail", variableNameLike="AMO%")) == sorted(
        [("amount", invoice), ("amount", invoice), ("amount", other)])
    assert names(rows(api, "detail", variableTypeIn="serializable")) == [("address", invoice)]
    assert names(rows(api, "detail", tenantIdIn="acme")) == [("amount", other)]
    assert count(api, "detail", withoutTenantId="true") == 6
    for name, value in (("caseInstanceId", "c"), ("caseExecutionId", "c"),
                        ("formFields", "true")):
        assert count(api, "detail", **{name: value}) == 0
    # As Camunda: `variableUpdates` given as well wins over `formFields`.
    assert count(api, "detail", formFields="true", variableUpdates="true") == 7
    # Camunda's bounds take the moment itself: `TIME_ <= occurredBefore`, `>= occurredAfter`.
    first = rows(api, "detail", variableNameLike="AMO%")[0]
    HistoricDetail.objects.filter(pk=first["id"]).update(time=datetime(2030, 1, 2, tzinfo=UTC))
    moment = "2030-01-02T00:00:00.000+0000"
    assert [r["id"] for r in rows(api, "detail", occurredAfter=moment)] == [first["id"]]
    assert first["id"] in {r["id"] for r in rows(api, "detail", occurredBefore=moment)}


def test_details_without_task_ones_and_the_initial_values(api, started):
    invoice, other = started["invoice"], started["other"]
    assert ("note", invoice) not in names(rows(api, "detail", excludeTaskDetails="true"))
    assert count(api, "detail", excludeTaskDetails="true") == 6
    # As Camunda's HistoricDetailQueryDto: given at all, even `false`, it applies.
    assert count(api, "detail", excludeTaskDetails="false") == 6
    # Given with a task id, Camunda keeps that task's details.
    assert count(api, "detail", excludeTaskDetails="true", taskId=started["task"]) == 1
    initial = rows(api, "detail", initial="true")
    assert names(initial) == sorted(
        [("address", invoice), ("amount", invoice), ("customer", invoice), ("amount", other)])
    assert all(row["initial"] for row in initial)
    later = [row for row in rows(api, "detail") if not row["initial"]]
    assert sorted((row["variableName"], row["revision"]) for row in later) == [
        ("amount", 1), ("late", 0), ("note", 0)]
    assert post(api, "detail/count", {"initial": True, "tenantIdIn": ["acme"]}).json() == {
        "count": 1}


def test_the_detail_list_keeps_objects_serialized_when_asked(api, started):
    path = f"{H}/detail?variableNameLike=address"
    assert api.get(path).json()[0]["value"] == {"city": "Bonn"}
    assert api.get(f"{path}&deserializeValues=false").json()[0]["value"] == '{"city":"Bonn"}'
    posted = api.post(f"{H}/detail?deserializeValues=false", {"variableNameLike": "address"},
                      content_type="application/json").json()
    assert posted[0]["value"] == '{"city":"Bonn"}'
    assert api.get(f"{path}&deserializeValues=maybe").status_code == 400


# -- /history/incident ---------------------------------------------------------------------


@pytest.fixture
def failed_job(demo_user) -> HistoricJobLog:
    """The `flaky` job failed with no retries left (a failedJob incident), its definition of
    tenant acme."""
    deploy([ResourceInput("flaky.bpmn", bpmn_document(FAILING_ONCE))])
    start_process_instance("flaky")
    JobExecutorThread().run_once()
    ProcessDefinition.objects.filter(key="flaky").update(tenant_id="acme")
    return HistoricJobLog.objects.get(state=LogState.FAILED)


def test_incidents_by_definition_key_message_times_and_tenant(api, started, failed_job):
    custom = create_incident(started["invoice"], "custom", message="street unknown")
    resolve_incident(custom.id)
    custom = HistoricIncident.objects.get(pk=custom.id)
    job_incident = HistoricIncident.objects.get(incident_type="failedJob")

    def ids(**params) -> list[str]:
        return sorted(row["id"] for row in rows(api, "incident", **params))

    assert ids(processDefinitionKey="invoice") == [custom.id]
    assert ids(processDefinitionKeyIn="flaky,nope") == [job_incident.id]
    assert ids(incidentMessageLike="street%") == [custom.id]
    assert ids(failedActivityId="calc") == [job_incident.id]
    assert ids(jobDefinitionIdIn=job_incident.job_definition_id) == [job_incident.id]
    assert ids(tenantIdIn="acme") == [job_incident.id]
    assert ids(withoutTenantId="true") == [custom.id]
    HistoricIncident.objects.filter(pk=custom.id).update(
        create_time=datetime(2024, 1, 1, 10, tzinfo=UTC),
        end_time=datetime(2024, 1, 2, 10, tzinfo=UTC))
    june = "2024-06-01T00:00:00.000+0000"
    assert ids(createTimeBefore=june) == [custom.id]
    assert ids(createTimeAfter=june) == [job_incident.id]
    assert ids(endTimeBefore=june) == [custom.id]
    assert ids(endTimeAfter=june) == []  # the job's incident is open: no end time
    # Strictly before and after, as Camunda compares.
    assert ids(createTimeAfter="2024-01-01T10:00:00.000+0000", createTimeBefore=june) == []
    assert ids(endTimeBefore="2024-01-02T10:00:00.000+0000") == []


def test_an_incident_of_a_failed_job_names_the_failure_entry_of_the_log(api, failed_job):
    (incident,) = rows(api, "incident", historyConfiguration=str(failed_job.id))
    assert incident["historyConfiguration"] == str(failed_job.id)
    assert incident["incidentType"] == "failedJob"
    assert count(api, "incident", historyConfiguration="999999") == 0


def test_an_incident_of_a_failed_external_task_names_the_failure_entry(api, demo_user):
    deploy([ResourceInput("ext.bpmn", bpmn_document(EXTERNAL))])
    start_process_instance("ext")
    (locked,) = xt.fetch_and_lock("w1", 1, [xt.TopicRequest(topic_name="log-me",
                                                            lock_duration=10_000)])
    xt.handle_failure(locked.row.id, "w1", error_message="down", retries=0)
    failure = HistoricExternalTaskLog.objects.get(state=LogState.FAILED)
    (incident,) = rows(api, "incident", historyConfiguration=str(failure.id))
    assert (incident["incidentType"], incident["configuration"]) == (
        "failedExternalTask", locked.row.id)


# -- /history/job-log ----------------------------------------------------------------------


def test_job_log_by_job_definition_failure_deployment_host_priority_and_tenant(
    api, started, failed_job
):
    definition = JobDefinition.objects.get(pk=failed_job.job_definition_id)
    everything = count(api, "job-log")
    assert everything == 2
    for params in ({"jobDefinitionId": definition.id},
                   {"jobDefinitionType": "async-continuation"},
                   {"jobDefinitionConfiguration": "async-before"},
                   {"deploymentId": definition.deployment_id},
                   {"hostname": failed_job.hostname},
                   {"tenantIdIn": "acme"}):
        assert count(api, "job-log", **params) == 2, params
    for params in ({"jobDefinitionId": "nope"}, {"jobDefinitionType": "timer-transition"},
                   {"jobDefinitionConfiguration": "async-after"}, {"deploymentId": "nope"},
                   {"hostname": "elsewhere"}, {"withoutTenantId": "true"},
                   {"failedActivityIdIn": "s,e"}):
        assert count(api, "job-log", **params) == 0, params
    (failure,) = rows(api, "job-log", failedActivityIdIn="calc")
    assert failure["id"] == str(failed_job.id)
    assert failure["deploymentId"] == definition.deployment_id
    HistoricJobLog.objects.filter(pk=failed_job.pk).update(job_priority=5)
    assert count(api, "job-log", jobPriorityHigherThanOrEquals="5") == 1
    assert count(api, "job-log", jobPriorityLowerThanOrEquals="4") == 1
    assert api.get(f"{H}/job-log?jobPriorityLowerThanOrEquals=high").status_code == 400


# -- /history/external-task-log ------------------------------------------------------------


def test_external_task_log_by_activity_instance_priority_and_tenant(api, demo_user):
    deploy([ResourceInput("ext.bpmn", bpmn_document(EXTERNAL))])
    start_process_instance("ext")
    (locked,) = xt.fetch_and_lock("w1", 1, [xt.TopicRequest(topic_name="log-me",
                                                            lock_duration=10_000)])
    xt.handle_failure(locked.row.id, "w1", error_message="down", retries=1)
    instance_id = locked.row.activity_instance_id
    assert count(api, "external-task-log", activityInstanceIdIn=f"{instance_id},x") == 2
    assert count(api, "external-task-log", activityInstanceIdIn="x") == 0
    HistoricExternalTaskLog.objects.filter(state=LogState.FAILED).update(priority=7)
    assert count(api, "external-task-log", priorityHigherThanOrEquals="7") == 1
    assert count(api, "external-task-log", priorityLowerThanOrEquals="6") == 1
    assert count(api, "external-task-log", withoutTenantId="true") == 2
    assert count(api, "external-task-log", tenantIdIn="acme") == 0
    ProcessDefinition.objects.filter(key="ext").update(tenant_id="acme")
    body = {"tenantIdIn": ["acme"], "priorityHigherThanOrEquals": 7}
    assert post(api, "external-task-log/count", body).json() == {"count": 1}


# -- /history/user-operation ---------------------------------------------------------------


def test_operation_log_filters_by_cases_match_nothing(api, started):
    assert count(api, "user-operation") > 0
    for name in ("caseDefinitionId", "caseInstanceId", "caseExecutionId"):
        assert count(api, "user-operation", **{name: "c"}) == 0
