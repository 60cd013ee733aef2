"""/history/process-instance filters beyond the instance row: incidents, executed activities
and jobs, calls, tenants, business keys; CMMN filters match nothing."""

from __future__ import annotations

import pytest

from engine.models import HistoricActivityInstance, HistoricProcessInstance, ProcessDefinition
from engine.services import ResourceInput, deploy
from engine.services.incidents import create_incident, resolve_incident
from engine.services.runtime import delete_process_instance, start_process_instance
from tests.rest.batch_helpers import start_instances
from tests.rest.conftest import BASE
from tests.rest.test_custom_incidents_api import PARENT

pytestmark = pytest.mark.django_db

URL = f"{BASE}/history/process-instance"


def found(api, **params):
    response = api.get(URL, params)
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json())


@pytest.fixture
def instances(demo_user) -> dict[str, str]:
    """`open`: a running invoice with an open incident; `resolved`: one whose incident was
    resolved and that then ended; `plain`: a third, untouched; `parent` calling `child`."""
    open_, resolved, plain = start_instances(3)
    create_incident(open_, "addressCheck", message="street unknown")
    resolve_incident(create_incident(resolved, "manualCheck").id)
    delete_process_instance(resolved, "done")
    deploy([ResourceInput("parent.bpmn", PARENT)])
    parent = start_process_instance("parent", business_key="P-1").id
    child = HistoricProcessInstance.objects.get(super_process_instance_id=parent).id
    return {"open": open_, "resolved": resolved, "plain": plain, "parent": parent,
            "child": child}


def test_incident_filters(api, instances):
    with_incidents = sorted([instances["open"], instances["resolved"]])
    assert found(api, withIncidents="true") == with_incidents
    assert found(api, withRootIncidents="true") == with_incidents
    assert found(api, incidentStatus="open") == [instances["open"]]
    assert found(api, incidentStatus="resolved") == [instances["resolved"]]
    assert found(api, incidentType="manualCheck") == [instances["resolved"]]
    assert found(api, incidentMessageLike="street%") == [instances["open"]]


def test_calls_keys_and_activities(api, instances):
    assert found(api, subProcessInstanceId=instances["child"]) == [instances["parent"]]
    assert instances["child"] not in found(api, rootProcessInstances="true")
    assert found(api, processInstanceBusinessKeyIn="P-1,nope") == [instances["parent"]]
    # The child is an invoice instance too.
    assert found(api, processDefinitionKeyNotIn="invoice") == [instances["parent"]]
    assert found(api, activeActivityIdIn="call") == [instances["parent"]]
    finished = HistoricActivityInstance.objects.filter(
        process_instance_id=instances["plain"], activity_id="Task_1"
    )
    assert finished.exists()
    # Task_1 is still active in `plain`; the start events are finished everywhere.
    assert instances["plain"] in found(api, activeActivityIdIn="Task_1")
    assert instances["plain"] not in found(api, executedActivityIdIn="Task_1")


def test_tenants_and_cases(api, instances):
    ProcessDefinition.objects.filter(key="parent").update(tenant_id="acme")
    assert found(api, tenantIdIn="acme") == [instances["parent"]]
    assert instances["parent"] not in found(api, withoutTenantId="true")
    assert found(api, caseInstanceId="c-1") == []
    assert api.get(f"{URL}/count", {"withIncidents": "true"}).json() == {"count": 2}


def test_historic_tasks_by_who_was_ever_involved(api, demo_user):
    from engine.models import Task
    from engine.services import runtime as rt
    from engine.services.identity_links import IdentityLink, add_identity_link
    from tests.rest.test_identity_link_log_api import OFFERED

    deploy([ResourceInput("offered.bpmn", OFFERED)])
    offered = rt.start_process_instance("offered", user_id="demo").id
    task = Task.objects.get(process_instance_id=offered).id
    add_identity_link(task, IdentityLink("candidate", group_id="audit"), user_id="demo")
    rt.claim_task(task, "kermit")
    rt.complete_task(task)
    [plain] = start_instances(1)
    plain_task = Task.objects.get(process_instance_id=plain).id
    url = f"{BASE}/history/task"

    def tasks(**params):
        response = api.get(url, params)
        assert response.status_code == 200, response.content
        return sorted(t["id"] for t in response.json())

    assert tasks(taskHadCandidateGroup="audit") == [task]
    assert tasks(taskHadCandidateUser="kermit") == [task]  # offered to kermit by the model
    assert tasks(taskHadCandidateUser="piggy") == []
    assert tasks(taskInvolvedUser="kermit") == [task]
    assert tasks(taskInvolvedGroup="sales") == [task]
    assert tasks(withCandidateGroups="true") == [task]
    assert tasks(withoutCandidateGroups="true") == [plain_task]
    assert tasks(processFinished="true") == [task]
    assert tasks(processUnfinished="true") == [plain_task]
    assert tasks(taskParentTaskId=task) == []
    ProcessDefinition.objects.filter(key="offered").update(tenant_id="acme")
    assert tasks(tenantIdIn="acme") == [task]
    activities = api.get(f"{BASE}/history/activity-instance", {"tenantIdIn": "acme"}).json()
    assert {a["processInstanceId"] for a in activities} == {offered}


def test_running_instances_by_business_keys_tenant_and_cases(api, instances):
    url = f"{BASE}/process-instance"
    rows = api.get(url, {"businessKeyIn": "P-1,nope"}).json()
    assert [r["id"] for r in rows] == [instances["parent"]]
    assert api.get(url, {"caseInstanceId": "c-1"}).json() == []
    ProcessDefinition.objects.filter(key="parent").update(tenant_id="acme")
    untenanted = {r["id"] for r in api.get(url, {"processDefinitionWithoutTenantId": "true"})
                  .json()}
    assert instances["parent"] not in untenanted
    assert instances["open"] in untenanted


def test_definitions_with_incidents(api, instances):
    url = f"{BASE}/process-definition"
    keys = {d["key"] for d in api.get(url, {"incidentType": "addressCheck"}).json()}
    assert keys == {"invoice"}
    assert api.get(url, {"incidentType": "failedJob"}).json() == []
    liked = api.get(url, {"incidentMessageLike": "street%", "key": "invoice"}).json()
    assert [d["key"] for d in liked] == ["invoice"]
