"""POST /process-definition/{id}/restart and /restart-async: finished instances start again at
the given elements, with the variables they ended (or started) with and their business key."""

from __future__ import annotations

import pytest

from engine.models import HistoricProcessInstance, ProcessDefinition, Task, UserOperationLog
from engine.queries import get_variables
from engine.services import runtime as rt
from tests.rest.batch_helpers import run_to_end
from tests.rest.conftest import BASE
from tests.rest.test_modification_api import FIXTURE

pytestmark = pytest.mark.django_db

SECOND = [{"type": "startBeforeActivity", "activityId": "second"}]


@pytest.fixture
def definition_id(modeler_deploy) -> str:
    assert modeler_deploy({"modification.bpmn": FIXTURE.read_bytes()}).status_code == 200
    return ProcessDefinition.objects.get(key="modification").id


def finished_instance(business_key: str = "R-1") -> str:
    """Started with amount 5, changed to 9, then cancelled."""
    started = rt.start_process_instance(
        "modification", variables={"amount": 5}, business_key=business_key
    )
    rt.set_variables(started.id, {"amount": 9})
    rt.delete_process_instance(started.id, "by mistake")
    return started.id


def restart(api, definition_id, suffix="restart", **body):
    return api.post(f"{BASE}/process-definition/{definition_id}/{suffix}", body,
                    content_type="application/json")


def restarted_from(old_id: str) -> HistoricProcessInstance:
    return HistoricProcessInstance.objects.get(restarted_process_instance_id=old_id)


def test_a_cancelled_instance_restarts_where_asked_with_its_last_variables(api, definition_id):
    old = finished_instance()
    response = restart(api, definition_id, processInstanceIds=[old], instructions=SECOND)
    assert response.status_code == 204, response.content
    new = restarted_from(old)
    assert (new.business_key, new.state, new.start_activity_id) == ("R-1", "ACTIVE", "second")
    assert get_variables(new.id)["amount"].value == 9
    assert list(Task.objects.filter(process_instance_id=new.id).values_list("name", flat=True)) \
        == ["Second"]
    dto = api.get(f"{BASE}/history/process-instance/{new.id}").json()
    assert dto["restartedProcessInstanceId"] == old
    logged = UserOperationLog.objects.filter(operation_type="RestartProcessInstance")
    assert dict(logged.values_list("property", "new_value")) == {
        "nrOfInstances": "1", "async": "false"
    }


def test_initial_variables_and_no_business_key_on_request(api, definition_id):
    old = finished_instance()
    restart(api, definition_id, processInstanceIds=[old], instructions=SECOND,
            initialVariables=True, withoutBusinessKey=True)
    new = restarted_from(old)
    assert new.business_key is None
    assert get_variables(new.id)["amount"].value == 5


def test_a_history_query_selects_the_instances(api, definition_id):
    old = [finished_instance(f"Q-{n}") for n in range(2)]
    rt.start_process_instance("modification", business_key="still running")
    response = restart(api, definition_id, instructions=SECOND,
                       historicProcessInstanceQuery={"processDefinitionId": definition_id,
                                                     "finished": True})
    assert response.status_code == 204, response.content
    assert {restarted_from(i).business_key for i in old} == {"Q-0", "Q-1"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"processInstanceIds": ["x"]}, "Restart instructions cannot be empty"),
        ({"instructions": SECOND}, "Process instance ids cannot be empty"),
        ({"processInstanceIds": ["x"], "instructions": [{"type": "cancel", "activityId": "a"}]},
         "Restart instructions are of type"),
        ({"processInstanceIds": ["no-such"], "instructions": SECOND}, "cannot be found"),
    ],
)
def test_bad_requests_are_400(api, definition_id, body, message):
    response = restart(api, definition_id, **body)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_one_active_instance_refuses_them_all(api, definition_id):
    old = finished_instance()
    running = rt.start_process_instance("modification").id
    response = restart(api, definition_id, processInstanceIds=[old, running], instructions=SECOND)
    assert response.status_code == 400
    assert f"Historic process instance {running} is still active" in response.json()["message"]
    assert not HistoricProcessInstance.objects.filter(restarted_process_instance_id=old).exists()
    assert HistoricProcessInstance.objects.count() == 2


def test_an_instance_of_another_definition_is_refused(api, definition_id, modeler_deploy):
    old = finished_instance()
    changed = FIXTURE.read_bytes().replace(b'name="Last"', b'name="Final"')
    modeler_deploy({"modification.bpmn": changed})
    newer = ProcessDefinition.objects.get(key="modification", version=2).id
    response = restart(api, newer, processInstanceIds=[old], instructions=SECOND)
    assert response.status_code == 400
    assert "does not match given process definition" in response.json()["message"]


def test_restart_async_makes_a_batch_where_each_instance_fails_alone(api, definition_id):
    old = finished_instance()
    running = rt.start_process_instance("modification").id
    response = restart(api, definition_id, "restart-async",
                       processInstanceIds=[old, running], instructions=SECOND)
    assert response.status_code == 200, response.content
    dto = response.json()
    assert (dto["type"], dto["totalJobs"]) == ("instance-restart", 2)
    assert not HistoricProcessInstance.objects.filter(restarted_process_instance_id=old).exists()
    batch = run_to_end(dto["id"])
    assert batch.failed == 1
    assert restarted_from(old).business_key == "R-1"
    assert UserOperationLog.objects.filter(
        operation_type="RestartProcessInstance", property="async", new_value="true",
        batch_id=dto["id"],
    ).exists()
