"""GET and POST /task(/count) fields Camunda 7.24 documents that Legato once ignored:
`orQueries` (POST), `taskDefinitionKeyNotIn`, `caseInstanceVariables` (no CMMN: nothing
matches); and the PUT /task/{id} fields `assignee`, `delegationState`, `tenantId` and
`caseInstanceId`. `updatedAfter` is in test_task_updates_api.py."""

from __future__ import annotations

import pytest

from engine import queries
from engine.models import HistoricTaskInstance, Task, TaskCandidate, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from identity.resources import Permission, Resource
from tests.engine.test_task_listener_events import deploy_watched
from tests.factories import bpmn_document, one_task_bpmn
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db
JSON = "application/json"


def task_of(instance_id: str) -> str:
    return Task.objects.get(process_instance_id=instance_id).id


@pytest.fixture
def tasks(demo_user) -> dict[str, str]:
    """Four `invoice` tasks (mine: kermit's; sales: offered to sales; piggys: piggy's and
    offered to sales; idle: nobody's) and a `payroll` task with another definition key."""
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    deploy([ResourceInput("payroll.bpmn", one_task_bpmn("payroll", task="Pay"))])
    names = ("mine", "sales", "piggys", "idle")
    found = {
        name: task_of(rt.start_process_instance("invoice", variables={"n": i}).id)
        for i, name in enumerate(names)
    }
    found["payroll"] = task_of(rt.start_process_instance("payroll").id)
    Task.objects.filter(pk=found["mine"]).update(assignee="kermit", name="Mine")
    Task.objects.filter(pk=found["piggys"]).update(assignee="piggy")
    for name in ("sales", "piggys"):
        TaskCandidate.objects.create(task_id=found[name], group_id="sales")
    return found


def post(api, body, path="task"):
    return api.post(f"{BASE}/{path}", body, content_type=JSON)


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {task["id"] for task in response.json()}


def refused(response, words: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["type"] == "InvalidRequestException"
    assert words in body["message"]


def test_assignee_not_in_keeps_only_tasks_assigned_to_someone_else(api, tasks):
    # Camunda's SQL `ASSIGNEE_ not in (...)` never holds for an unassigned task.
    found = ids(api.get(f"{BASE}/task", {"assigneeNotIn": "kermit"}))
    assert found == {tasks["piggys"]}


# -- orQueries -------------------------------------------------------------------------------

def test_an_or_query_finds_tasks_assigned_to_me_or_offered_to_my_group(api, tasks):
    either = {"orQueries": [{"assignee": "kermit", "candidateGroup": "sales"}]}
    assert ids(post(api, either)) == {tasks["mine"], tasks["sales"]}
    assert post(api, either, "task/count").json() == {"count": 2}
    # as in the main query, a candidate criterion keeps assigned tasks out unless asked
    either["orQueries"][0]["includeAssignedTasks"] = True
    assert ids(post(api, either)) == {tasks["mine"], tasks["sales"], tasks["piggys"]}


def test_an_or_query_that_matches_nothing_leaves_nothing(api, tasks):
    nothing = {"orQueries": [{"assignee": "nobody", "taskDefinitionKey": "nowhere"}]}
    assert post(api, nothing, "task/count").json() == {"count": 0}


def test_or_queries_hold_together_with_each_other_and_the_main_criteria(api, tasks):
    body = {
        "processDefinitionKey": "invoice",
        "orQueries": [
            {"assignee": "kermit", "unassigned": True},
            {"nameLike": "Mi%", "candidateGroups": ["sales"]},
        ],
    }
    # the first keeps mine, sales, idle (not payroll: main); the second mine and sales
    assert ids(post(api, body)) == {tasks["mine"], tasks["sales"]}


def test_each_variable_condition_of_an_or_query_is_an_alternative(api, tasks):
    body = {"orQueries": [{"processVariables": [
        {"name": "n", "operator": "eq", "value": 0},
        {"name": "N", "operator": "eq", "value": 3},
    ], "variableNamesIgnoreCase": True}]}
    assert ids(post(api, body)) == {tasks["mine"], tasks["idle"]}


def test_a_false_flag_in_an_or_query_is_no_alternative(api, tasks):
    body = {"orQueries": [{"assigned": False, "suspended": False, "name": "Mine"}]}
    assert ids(post(api, body)) == {tasks["mine"]}
    assert post(api, {"orQueries": [{}]}, "task/count").json() == {"count": 5}


def test_a_case_criterion_in_an_or_query_matches_no_task(api, tasks):
    body = {"orQueries": [{"caseInstanceId": "c1", "assignee": "piggy"}]}
    assert ids(post(api, body)) == {tasks["piggys"]}
    alone = {"orQueries": [{"caseInstanceVariables": [{"name": "a", "operator": "eq",
                                                       "value": 1}]}]}
    assert post(api, alone, "task/count").json() == {"count": 0}


@pytest.mark.parametrize(
    ("criteria", "words"),
    [
        ({"withCandidateGroups": True},
         "Invalid query usage: cannot set withCandidateGroups() within 'or' query"),
        ({"withoutCandidateUsers": True},
         "Invalid query usage: cannot set withoutCandidateUsers() within 'or' query"),
        ({"assignee": "kermit", "includeAssignedTasks": True},
         "has to be called before 'includeAssignedTasks'"),
        ({"sorting": [{"sortBy": "name", "sortOrder": "asc"}]}, "cannot set sorting"),
        ({"orQueries": [{"name": "x"}]}, "cannot set nested orQueries"),
        ({"lastUpdated": "x"}, "'lastUpdated' is not supported in orQueries"),
    ],
)
def test_what_an_or_query_cannot_hold_is_refused(api, tasks, criteria, words):
    refused(post(api, {"orQueries": [criteria]}), words)
    refused(post(api, {"orQueries": [criteria]}, "task/count"), words)


def test_an_or_query_evaluates_expressions_for_the_caller(tasks):
    make_user("kermit", "sales")
    grant("kermit", Resource.TASK, "*", Permission.READ)
    body = {"orQueries": [{"assigneeExpression": "${currentUser()}",
                           "candidateGroupsExpression": "${currentUserGroups()}"}]}
    assert ids(post(basic_client("kermit"), body)) == {tasks["mine"], tasks["sales"]}


# -- taskDefinitionKeyNotIn, caseInstanceVariables --------------------------------------------

def test_task_definition_key_not_in_leaves_those_keys_and_standalone_tasks_out(api, tasks):
    assert api.post(f"{BASE}/task/create", {"id": "loose", "name": "Loose"},
                    content_type=JSON).status_code == 204
    assert ids(api.get(f"{BASE}/task", {"taskDefinitionKeyNotIn": "Task_1"})) \
        == {tasks["payroll"]}
    assert ids(post(api, {"taskDefinitionKeyNotIn": ["Pay"]})) \
        == {tasks[name] for name in ("mine", "sales", "piggys", "idle")}
    assert api.get(f"{BASE}/task/count", {"taskDefinitionKeyNotIn": "Task_1,Pay"}).json() \
        == {"count": 0}


def test_a_case_variable_filter_matches_no_task_unless_it_is_empty(api, tasks):
    assert api.get(f"{BASE}/task/count", {"caseInstanceVariables": "a_eq_1"}).json() \
        == {"count": 0}
    condition = [{"name": "a", "operator": "eq", "value": 1}]
    assert post(api, {"caseInstanceVariables": condition}, "task/count").json() == {"count": 0}
    assert post(api, {"caseInstanceVariables": []}, "task/count").json() == {"count": 5}


# -- PUT /task/{id} ---------------------------------------------------------------------------

def put(client, task_id, **fields):
    return client.put(f"{BASE}/task/{task_id}", fields, content_type=JSON)


def test_put_sets_and_clears_the_assignee_and_logs_it_as_an_update(api, tasks):
    task_id = tasks["idle"]
    assert put(api, task_id, assignee="kermit", name="Idle").status_code == 204
    assert api.get(f"{BASE}/task/{task_id}").json()["assignee"] == "kermit"
    assert HistoricTaskInstance.objects.get(pk=task_id).assignee == "kermit"
    logged = UserOperationLog.objects.get(task_id=task_id, property="assignee")
    assert (logged.operation_type, logged.org_value, logged.new_value) \
        == ("Update", None, "kermit")
    assert put(api, task_id, assignee=None).status_code == 204
    assert Task.objects.get(pk=task_id).assignee is None
    assert ids(api.get(f"{BASE}/task", {"assignee": "kermit"})) == {tasks["mine"]}


def test_put_sets_the_delegation_state_in_any_case_and_clears_it_with_null(api, tasks):
    task_id = tasks["mine"]
    assert put(api, task_id, delegationState="resolved").status_code == 204
    assert api.get(f"{BASE}/task/{task_id}").json()["delegationState"] == "RESOLVED"
    logged = UserOperationLog.objects.get(task_id=task_id, property="delegation")
    assert logged.new_value == "RESOLVED"
    assert put(api, task_id, delegationState=None).status_code == 204
    assert Task.objects.get(pk=task_id).delegation_state is None
    refused(put(api, task_id, delegationState="DONE"),
            "Valid values for property 'delegationState' are 'PENDING' or 'RESOLVED', "
            "but was 'DONE'")


def test_put_keeps_the_tenant_and_refuses_another_one_changing_nothing(api, demo_user):
    (tax,) = deploy([ResourceInput("tax.bpmn", one_task_bpmn("tax"))],
                    tenant_id="acme").process_definitions
    task_id = task_of(rt.start_process_instance(definition_id=tax.id).id)
    assert put(api, task_id, tenantId="acme", name="Same tenant").status_code == 204
    response = put(api, task_id, tenantId="other", name="Moved", assignee="kermit")
    assert response.status_code == 500
    assert response.json()["type"] == "ProcessEngineException"
    assert response.json()["message"] == (
        f"ENGINE-03072 Cannot change tenantId of Task '{task_id}'. Current tenant id 'acme', "
        "Tenant id to set 'other'"
    )
    assert Task.objects.filter(pk=task_id, name="Same tenant", assignee=None).exists()


def test_put_refuses_a_tenant_for_a_task_of_no_tenant(api, tasks):
    response = put(api, tasks["idle"], tenantId="acme")
    assert response.status_code == 500
    assert "Current tenant id 'null', Tenant id to set 'acme'" in response.json()["message"]
    assert put(api, tasks["idle"], tenantId=None).status_code == 204


def test_put_takes_no_case_instance_but_null(api, tasks):
    refused(put(api, tasks["idle"], caseInstanceId="c1", name="x"),
            "'caseInstanceId' is not supported")
    assert Task.objects.get(pk=tasks["idle"]).name != "x"
    assert put(api, tasks["idle"], caseInstanceId=None, name="x").status_code == 204


def test_put_refuses_an_assignee_that_is_no_text(api, tasks):
    refused(put(api, tasks["idle"], assignee=7), "'assignee' must be a string")


def test_a_new_assignee_alone_needs_task_assign_other_changes_update(tasks):
    make_user("gonzo")
    grant("gonzo", Resource.TASK, tasks["idle"], Permission.TASK_ASSIGN)
    gonzo = basic_client("gonzo")
    assert put(gonzo, tasks["idle"], assignee="piggy", name="Renamed").status_code == 403
    assert Task.objects.get(pk=tasks["idle"]).assignee is None
    assert put(gonzo, tasks["idle"], assignee="piggy").status_code == 204
    assert Task.objects.get(pk=tasks["idle"]).assignee == "piggy"


def test_put_of_an_assignee_runs_the_assignment_listeners(api, demo_user):
    deploy_watched()
    started = rt.start_process_instance("watched", variables={"heard": ""})
    assert put(api, task_of(started.id), assignee="kermit").status_code == 204
    assert queries.get_variables(started.id)["heard"].value.split() == ["update", "assignment"]
    # The assignee and another field in one PUT: `update` once, then `assignment`, as
    # Camunda's saveTask fires them.
    assert put(api, task_of(started.id), assignee="piggy", name="Recheck").status_code == 204
    heard = queries.get_variables(started.id)["heard"].value.split()
    assert heard == ["update", "assignment", "update", "assignment"]
    task = Task.objects.get(pk=task_of(started.id))
    assert (task.assignee, task.name) == ("piggy", "Recheck")


def test_put_assigns_a_standalone_task(api, demo_user):
    assert api.post(f"{BASE}/task/create", {"id": "loose", "name": "Loose"},
                    content_type=JSON).status_code == 204
    assert put(api, "loose", assignee="kermit", delegationState="PENDING").status_code == 204
    dto = api.get(f"{BASE}/task/loose").json()
    assert (dto["assignee"], dto["delegationState"]) == ("kermit", "PENDING")


SCOPED = """<bpmn:process id="scoped" isExecutable="true">
  <bpmn:startEvent id="s" />
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="sub" />
  <bpmn:subProcess id="sub">
    <bpmn:extensionElements><camunda:inputOutput>
      <camunda:inputParameter name="region">north</camunda:inputParameter>
    </camunda:inputOutput></bpmn:extensionElements>
    <bpmn:startEvent id="sub_s" />
    <bpmn:sequenceFlow id="f2" sourceRef="sub_s" targetRef="work" />
    <bpmn:userTask id="work" />
  </bpmn:subProcess>
</bpmn:process>"""


def test_process_variables_of_any_scope_match_but_a_tasks_own_do_not(api, demo_user):
    # Camunda: `TASK_ID_ is null and RES.PROC_INST_ID_ = PROC_INST_ID_`, any scope.
    deploy([ResourceInput("scoped.bpmn", bpmn_document(SCOPED))])
    instance = rt.start_process_instance("scoped").id
    task = task_of(instance)
    assert ids(api.get(f"{BASE}/task", {"processVariables": "region_eq_north"})) == {task}
    found = api.get(f"{BASE}/process-instance", {"variables": "region_eq_north"}).json()
    assert [row["id"] for row in found] == [instance]
    assert api.put(f"{BASE}/task/{task}/localVariables/mood",
                   {"value": "calm", "type": "String"}, content_type=JSON).status_code == 204
    assert ids(api.get(f"{BASE}/task", {"processVariables": "mood_eq_calm"})) == set()
    assert ids(api.get(f"{BASE}/task", {"taskVariables": "mood_eq_calm"})) == {task}


def test_candidate_groups_meet_and_a_candidate_user_takes_no_group_criterion(api, tasks):
    # Camunda's TaskQueryImpl: candidateGroup with candidateGroupIn is their intersection,
    # candidateGroupLike an alternative; a group criterion beside candidateUser is refused.
    both = {"candidateGroup": "sales", "candidateGroups": "sales,hr"}
    assert ids(api.get(f"{BASE}/task", both)) == {tasks["sales"]}
    apart = {"candidateGroup": "sales", "candidateGroups": "hr"}
    assert ids(api.get(f"{BASE}/task", apart)) == set()
    assert ids(api.get(f"{BASE}/task", {"candidateGroups": "hr",
                                        "candidateGroupLike": "sal%"})) == {tasks["sales"]}
    for name, value, words in (
        ("candidateGroup", "sales", "candidateUser and candidateGroup"),
        ("candidateGroups", "sales", "candidateUser and candidateGroupIn"),
        ("candidateGroupLike", "s%", "candidateGroupLike and candidateUser"),
    ):
        refused(api.get(f"{BASE}/task", {"candidateUser": "kermit", name: value}),
                f"Invalid query usage: cannot set both {words}")


def test_tasks_by_their_instance_and_definition(api, demo_user):
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice", name="Invoice"))])
    payroll = deploy([ResourceInput("payroll.bpmn", one_task_bpmn("payroll", name="Payroll"))],
                     tenant_id="acme").process_definitions[0]
    a = task_of(rt.start_process_instance("invoice", business_key="A-1").id)
    b = task_of(rt.start_process_instance("invoice", business_key="B-2").id)
    p = task_of(rt.start_process_instance(definition_id=payroll.id, business_key="P-1").id)

    def found(**params) -> set[str]:
        return ids(api.get(f"{BASE}/task", params))

    assert found(processInstanceBusinessKey="A-1") == {a}
    assert found(processInstanceBusinessKeyIn="A-1,P-1") == {a, p}
    assert found(processInstanceBusinessKeyLike="%-1") == {a, p}
    assert found(processDefinitionKey="invoice") == {a, b}
    assert found(processDefinitionKeyIn="payroll,nothing") == {p}
    assert found(processDefinitionName="Payroll") == {p}
    assert found(processDefinitionNameLike="Inv%") == {a, b}
    assert found(tenantIdIn="acme") == {p}
    assert found(withoutTenantId="true") == {a, b}
    assert found(withoutTenantId="false") == {a, b, p}
