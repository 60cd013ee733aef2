"""The identity link log: who a task was offered to, assigned to and owned by, and who made
each change (Camunda's HistoricIdentityLinkLog), and GET /history/identity-link-log."""

from __future__ import annotations

import pytest

from engine.models import HistoricIdentityLinkLog, Task
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from engine.services.identity_links import IdentityLink, add_identity_link, delete_identity_link
from engine.services.standalone_tasks import create_task
from identity.resources import Permission, Resource
from tests.factories import bpmn_document
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db

OFFERED = bpmn_document("""<bpmn:process id="offered" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review" />
  <bpmn:userTask id="review" camunda:candidateUsers="kermit"
    camunda:candidateGroups="sales" />
  <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")


@pytest.fixture
def task(demo_user) -> Task:
    deploy([ResourceInput("offered.bpmn", OFFERED)])
    started = rt.start_process_instance("offered", user_id="demo")
    return Task.objects.get(process_instance_id=started.id)


def entries(task_id):
    return [
        (e.operation_type, e.type, e.user_id or e.group_id, e.assigner_id)
        for e in HistoricIdentityLinkLog.objects.filter(task_id=task_id).order_by("id")
    ]


def test_every_change_of_the_people_of_a_task_is_logged_with_who_made_it(task):
    assert entries(task.id) == [
        ("add", "candidate", "kermit", "demo"), ("add", "candidate", "sales", "demo"),
    ]
    rt.claim_task(task.id, "kermit", user_id="kermit")
    rt.delegate_task(task.id, "piggy", user_id="kermit")
    delete_identity_link(task.id, IdentityLink("candidate", group_id="sales"), user_id="demo")
    add_identity_link(task.id, IdentityLink("candidate", user_id="gonzo"), user_id="demo")
    rt.resolve_task(task.id, user_id="piggy")
    rt.complete_task(task.id, user_id="kermit")
    assert entries(task.id)[2:] == [
        ("add", "assignee", "kermit", "kermit"),
        # delegating, one change (one timestamp): kermit owns, piggy works
        ("delete", "assignee", "kermit", "kermit"),
        ("add", "assignee", "piggy", "kermit"),
        ("add", "owner", "kermit", "kermit"),
        ("delete", "candidate", "sales", "demo"),
        ("add", "candidate", "gonzo", "demo"),
        ("delete", "assignee", "piggy", "piggy"),  # resolved: back to its owner
        ("add", "assignee", "kermit", "piggy"),
    ]  # completing the task changes nobody's links: nothing logged
    row = HistoricIdentityLinkLog.objects.filter(task_id=task.id).first()
    assert (row.process_definition_key, row.process_instance_id) == ("offered",
                                                                     task.process_instance_id)


def test_below_history_level_full_nothing_is_logged(settings, demo_user):
    settings.LEGATO_HISTORY_LEVEL = "audit"
    deploy([ResourceInput("offered.bpmn", OFFERED)])
    started = rt.start_process_instance("offered", user_id="demo")
    rt.claim_task(Task.objects.get(process_instance_id=started.id).id, "kermit")
    assert not HistoricIdentityLinkLog.objects.exists()


def test_a_standalone_task_logs_its_people_too(demo_user):
    task_id = create_task(name="Call back", assignee="demo", owner="demo", user_id="demo")
    rt.set_assignee(task_id, "kermit", user_id="demo")
    assert entries(task_id) == [
        ("add", "assignee", "demo", "demo"), ("add", "owner", "demo", "demo"),
        ("delete", "assignee", "demo", "demo"), ("add", "assignee", "kermit", "demo"),
    ]


def test_the_log_is_listed_filtered_sorted_and_counted(api, task):
    rt.claim_task(task.id, "kermit", user_id="demo")
    url = f"{BASE}/history/identity-link-log"
    listed = api.get(url, {"taskId": task.id, "sortBy": "time", "sortOrder": "asc"}).json()
    assert len(listed) == 3
    claimed = listed[-1]
    assert {k: claimed[k] for k in ("type", "userId", "groupId", "operationType", "assignerId",
                                    "processDefinitionKey", "rootProcessInstanceId")} == {
        "type": "assignee", "userId": "kermit", "groupId": None, "operationType": "add",
        "assignerId": "demo", "processDefinitionKey": "offered",
        "rootProcessInstanceId": task.process_instance_id,
    }
    assert claimed["time"]
    assert claimed["processDefinitionId"].startswith("offered:")
    groups = api.get(url, {"type": "candidate", "groupId": "sales"}).json()
    assert [g["groupId"] for g in groups] == ["sales"]
    assert api.get(f"{url}/count", {"operationType": "add"}).json() == {"count": 3}
    assert api.get(f"{url}/count", {"operationType": "delete"}).json() == {"count": 0}
    assert api.get(url, {"sortBy": "nope", "sortOrder": "asc"}).status_code == 400
    assert api.get(url, {"dateAfter": "yesterday"}).status_code == 400


def test_reading_the_log_needs_read_history(task):
    make_user("mallory")
    mallory = basic_client("mallory")
    url = f"{BASE}/history/identity-link-log/count"
    assert mallory.get(url).json() == {"count": 0}
    grant("mallory", Resource.PROCESS_DEFINITION, "offered", Permission.READ_HISTORY)
    assert mallory.get(url).json() == {"count": 2}
