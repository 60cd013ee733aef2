"""/engine-rest/external-task: Camunda shapes, Basic auth, and long polling that wakes on create."""

import asyncio
import base64
import time

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from engine.models import ExternalTask, Incident
from engine.rest.dates import format_date
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document, external_task_process

pytestmark = pytest.mark.django_db(transaction=True)
REST = "/engine-rest"
BASE = f"{REST}/external-task"
START_WORK = "/".join((REST, "process-definition", "key", "work", "start"))
AUTH = {"Authorization": "Basic " + base64.b64encode(b"demo:demo").decode()}

WORK = external_task_process("work", topic="mail")


@pytest.fixture
def work(demo_user):
    deploy([ResourceInput("work.bpmn", bpmn_document(WORK))])
    return lambda **variables: rt.start_process_instance(
        "work", variables=variables, business_key="bk-1"
    )


def fetch_body(timeout=0, **topic):
    return {
        "workerId": "w1",
        "maxTasks": 10,
        "asyncResponseTimeout": timeout,
        "topics": [{"topicName": "mail", "lockDuration": 10_000, **topic}],
    }


def test_fetch_and_lock_answers_with_camundas_locked_task_shape(api, work):
    started = work(amount=5, when="x")
    response = api.post(f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json")
    assert response.status_code == 200
    [task] = response.json()
    assert set(task) == {
        "activityId",
        "activityInstanceId",
        "errorMessage",
        "errorDetails",
        "executionId",
        "id",
        "lockExpirationTime",
        "createTime",
        "processDefinitionId",
        "processDefinitionKey",
        "processDefinitionVersionTag",
        "processInstanceId",
        "retries",
        "suspended",
        "workerId",
        "topicName",
        "tenantId",
        "variables",
        "priority",
        "businessKey",
        "extensionProperties",
    }
    assert (task["topicName"], task["workerId"], task["businessKey"]) == ("mail", "w1", "bk-1")
    assert task["processInstanceId"] == started.id
    assert task["variables"]["amount"] == {"type": "Integer", "value": 5, "valueInfo": {}}
    assert task["lockExpirationTime"].endswith("+0000")


def test_fetch_and_lock_answers_the_tasks_create_time_after_its_lock_expiration(api, work):
    work()
    [task] = api.post(f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json").json()
    keys = list(task)
    assert keys[keys.index("lockExpirationTime") + 1] == "createTime"
    assert task["createTime"] == api.get(f"{BASE}/{task['id']}").json()["createTime"]
    assert task["createTime"].endswith("+0000")


def test_complete_with_typed_variables_moves_the_instance_on(api, work):
    work()
    [task] = api.post(f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json").json()
    body = {
        "workerId": "w1",
        "variables": {
            "sent": {"value": True, "type": "Boolean"},
            "at": {"value": "2026-01-02T03:04:05.000+0000", "type": "Date"},
            "order": {
                "value": '{"id": 7}',
                "type": "Object",
                "valueInfo": {"serializationDataFormat": "application/json"},
            },
        },
    }
    response = api.post(f"{BASE}/{task['id']}/complete", body, content_type="application/json")
    assert response.status_code == 204
    assert not ExternalTask.objects.exists()


def test_java_serialized_objects_are_refused_with_400(api, work):
    work()
    [task] = api.post(f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json").json()
    body = {
        "workerId": "w1",
        "variables": {
            "x": {
                "value": "rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA==",
                "type": "Object",
                "valueInfo": {
                    "objectTypeName": "java.lang.Runtime",
                    "serializationDataFormat": "application/x-java-serialized-object",
                },
            }
        },
    }
    response = api.post(f"{BASE}/{task['id']}/complete", body, content_type="application/json")
    assert response.status_code == 400
    assert "Java serialization format is prohibited" in response.json()["message"]
    assert ExternalTask.objects.exists()


def _object(type_name, value):
    return {
        "value": value,
        "type": "Object",
        "valueInfo": {"objectTypeName": type_name, "serializationDataFormat": "application/json"},
    }


def test_object_variables_keep_their_java_type_name_through_runtime_and_history(api, work):
    # Java clients deserialize an Object into the class objectTypeName names.
    started = api.post(
        START_WORK,
        {"variables": {"order": _object("com.acme.Order", '{"id": 7}')}},
        content_type="application/json",
    ).json()
    [task] = api.post(
        f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json"
    ).json()
    assert task["variables"]["order"]["valueInfo"]["objectTypeName"] == "com.acme.Order"
    assert task["variables"]["order"]["value"] == '{"id":7}'  # serialized, as Camunda's
    body = {"workerId": "w1", "variables": {"invoice": _object("com.acme.Invoice", "[1, 2]")}}
    assert api.post(
        f"{BASE}/{task['id']}/complete", body, content_type="application/json"
    ).status_code == 204

    def type_names(dtos):
        return {name: dto["valueInfo"]["objectTypeName"] for name, dto in dtos}

    expected = {"order": "com.acme.Order", "invoice": "com.acme.Invoice"}
    runtime = api.get(f"{REST}/process-instance/{started['id']}/variables").json()
    assert type_names(runtime.items()) == expected
    query = f"processInstanceId={started['id']}"
    history = api.get(f"{REST}/history/variable-instance?{query}").json()
    assert type_names((v["name"], v) for v in history) == expected
    details = api.get(f"{REST}/history/detail?{query}").json()
    assert type_names((d["variableName"], d) for d in details) == expected


def test_object_type_name_must_be_a_string(api, work):
    response = api.post(
        START_WORK,
        {"variables": {"order": _object(7, "{}")}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "objectTypeName of variable 'order' must be a string" in response.json()["message"]
    assert not ExternalTask.objects.exists()


def test_complete_by_another_worker_is_a_400_and_unknown_task_a_404(api, work):
    work()
    [task] = api.post(f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json").json()
    wrong = api.post(
        f"{BASE}/{task['id']}/complete", {"workerId": "w2"}, content_type="application/json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["type"] == "InvalidRequestException"
    assert "It is locked by worker 'w1'" in wrong.json()["message"]
    missing = api.post(f"{BASE}/nope/complete", {"workerId": "w1"}, content_type="application/json")
    assert missing.status_code == 404
    assert missing.json()["message"] == "External task with id nope does not exist"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"maxTasks": 10**20}, "'maxTasks' is out of range for a 32-bit integer"),
        ({"sorting": True}, "'sorting' must be a list of {sortBy, sortOrder}"),
        ({"topics": [{"topicName": "mail", "lockDuration": 10**18}]},
         "'lockDuration' must be at most 31536000000000 milliseconds (1000 years)"),
    ],
)
def test_a_fetch_with_numbers_or_lists_camunda_cannot_read_is_a_400(api, work, change, message):
    work()
    body = {**fetch_body(), **change}
    response = api.post(f"{BASE}/fetchAndLock", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"type": "InvalidRequestException", "message": message, "code": None}
    assert ExternalTask.objects.get().worker_id is None


def test_a_failure_with_retries_beyond_an_int_is_a_400_and_keeps_the_lock(api, work):
    work()
    [task] = api.post(f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json").json()
    failure = {"workerId": "w1", "errorMessage": "down", "retries": 2**31}
    response = api.post(f"{BASE}/{task['id']}/failure", failure, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == "'retries' is out of range for a 32-bit integer"
    row = ExternalTask.objects.get()
    assert (row.worker_id, row.error_message) == ("w1", None)


def test_failure_error_details_retries_and_queries(api, work):
    work()
    [task] = api.post(f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json").json()
    # none yet: Camunda's null text is a 204, with no body and no content type
    none = api.get(f"{BASE}/{task['id']}/errorDetails")
    assert (none.status_code, none.content, none.get("Content-Type")) == (204, b"", None)
    failure = {"workerId": "w1", "errorMessage": "down", "errorDetails": "stack", "retries": 0}
    assert (
        api.post(
            f"{BASE}/{task['id']}/failure", failure, content_type="application/json"
        ).status_code
        == 204
    )
    assert Incident.objects.get().incident_type == "failedExternalTask"
    details = api.get(f"{BASE}/{task['id']}/errorDetails")
    assert (details.status_code, details.content) == (200, b"stack")
    assert api.get(f"{BASE}?noRetriesLeft=true").json()[0]["errorMessage"] == "down"
    assert api.get(f"{BASE}/count?topicName=mail").json() == {"count": 1}
    assert (
        api.put(
            f"{BASE}/{task['id']}/retries", {"retries": 2}, content_type="application/json"
        ).status_code
        == 204
    )
    assert not Incident.objects.exists()
    assert api.get(f"{BASE}/{task['id']}").json()["retries"] == 2
    assert api.get(f"{BASE}/topic-names").json() == ["mail"]


CHARGE = """<bpmn:process id="charge" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ext" />
  <bpmn:serviceTask id="ext" camunda:type="external" camunda:topic="mail">
    <bpmn:extensionElements>
      <camunda:errorEventDefinition id="refused" errorRef="refused"
          expression="${externalTask.errorDetails == '402' and externalTask.workerId == 'w1'}" />
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  <bpmn:boundaryEvent id="caught" attachedToRef="ext">
    <bpmn:errorEventDefinition camunda:errorMessageVariable="why" />
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="caught" targetRef="handle" />
  <bpmn:userTask id="handle" />
  <bpmn:sequenceFlow id="f3" sourceRef="ext" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""


def test_a_failure_that_an_error_event_definition_matches_throws_its_bpmn_error(api, demo_user):
    refused = '<bpmn:error id="refused" errorCode="REFUSED" />'
    deploy([ResourceInput("charge.bpmn", bpmn_document(CHARGE, extra=refused))])
    started = rt.start_process_instance("charge")
    [task] = api.post(f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json").json()
    failure = {"workerId": "w1", "errorMessage": "no funds", "errorDetails": "500", "retries": 2}
    assert api.post(f"{BASE}/{task['id']}/failure", failure,
                    content_type="application/json").status_code == 204
    assert ExternalTask.objects.get(pk=task["id"]).retries == 2  # an ordinary failure
    failure |= {"errorDetails": "402", "retries": 1}
    assert api.post(f"{BASE}/{task['id']}/failure", failure,
                    content_type="application/json").status_code == 204
    assert not ExternalTask.objects.filter(pk=task["id"]).exists()
    why = api.get(f"{REST}/process-instance/{started.id}/variables/why").json()
    assert why["value"] == "no funds"
    assert [t["taskDefinitionKey"] for t in api.get(f"{REST}/task").json()] == ["handle"]


ROUTE = """<bpmn:process id="route" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
  <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="mail" />
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="which" />
  <bpmn:exclusiveGateway id="which" />
  <bpmn:sequenceFlow id="f3" sourceRef="which" targetRef="end">
    <bpmn:conditionExpression>${sent}</bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:endEvent id="end" />
</bpmn:process>"""


def test_a_completion_the_process_cannot_continue_from_is_a_500_and_keeps_the_task(api, demo_user):
    deploy([ResourceInput("route.bpmn", bpmn_document(ROUTE))])
    rt.start_process_instance("route")
    [task] = api.post(f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json").json()
    body = {"workerId": "w1", "variables": {"sent": {"value": False, "type": "Boolean"}}}
    response = api.post(f"{BASE}/{task['id']}/complete", body, content_type="application/json")
    assert response.status_code == 500
    assert response.json()["type"] == "ProcessEngineException"
    assert "which" in response.json()["message"]
    assert ExternalTask.objects.get(pk=task["id"]).worker_id == "w1"


def test_extend_lock_unlock_and_priority(api, work):
    work()
    [task] = api.post(f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json").json()
    url = f"{BASE}/{task['id']}"
    extend = {"workerId": "w1", "newDuration": 60_000}
    assert api.post(f"{url}/extendLock", extend, content_type="application/json").status_code == 204
    assert api.post(f"{url}/unlock").status_code == 204
    assert (
        api.put(f"{url}/priority", {"priority": 9}, content_type="application/json").status_code
        == 204
    )
    dto = api.get(url).json()
    assert (dto["workerId"], dto["lockExpirationTime"], dto["priority"]) == (None, None, 9)


def test_requests_without_credentials_get_401_with_a_basic_challenge(client, demo_user):
    response = client.post(f"{BASE}/fetchAndLock", fetch_body(), content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    wrong = client.get(BASE, HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"demo:x").decode())
    assert wrong.status_code == 401


async def test_a_long_poll_times_out_with_an_empty_list(work):
    started = time.monotonic()
    response = await AsyncClient().post(
        f"{BASE}/fetchAndLock",
        fetch_body(timeout=300),
        content_type="application/json",
        headers=AUTH,
    )
    assert response.status_code == 200
    assert response.json() == []
    # waited for its timeout, and not for anything longer (generous: CI machines are busy)
    assert 0.25 < time.monotonic() - started < 10


async def test_a_waiting_worker_wakes_as_soon_as_a_matching_task_is_created(work):
    poll = asyncio.ensure_future(
        AsyncClient().post(
            f"{BASE}/fetchAndLock",
            fetch_body(timeout=20_000),
            content_type="application/json",
            headers=AUTH,
        )
    )
    await asyncio.sleep(0.5)  # the worker is waiting now
    assert not poll.done()
    created = time.monotonic()
    await sync_to_async(work, thread_sensitive=False)()
    response = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - created < 10  # woken, long before the 20 s timeout
    [task] = response.json()
    assert task["topicName"] == "mail"
    created = await sync_to_async(ExternalTask.objects.get)(pk=task["id"])
    assert task["createTime"] == format_date(created.created)


def test_a_worker_without_permission_fetches_nothing_and_cannot_complete(client, db):
    import base64

    from django.contrib.auth.models import User

    from engine.models import ExternalTask
    from engine.services import ResourceInput, deploy
    from engine.services.runtime import start_process_instance
    from tests.factories import bpmn_document

    User.objects.create_user("stranger", password="stranger-pass-1")
    auth = "Basic " + base64.b64encode(b"stranger:stranger-pass-1").decode()
    process = """<bpmn:process id="work" isExecutable="true">
      <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="w" />
      <bpmn:serviceTask id="w" camunda:type="external" camunda:topic="secret" />
      <bpmn:sequenceFlow id="f2" sourceRef="w" targetRef="e" /><bpmn:endEvent id="e" />
    </bpmn:process>"""
    deploy([ResourceInput("w.bpmn", bpmn_document(process))])
    start_process_instance("work")
    body = {
        "workerId": "w1",
        "maxTasks": 5,
        "topics": [{"topicName": "secret", "lockDuration": 1000}],
    }
    fetched = client.post(
        "/engine-rest/external-task/fetchAndLock",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert (fetched.status_code, fetched.json()) == (200, [])
    task = ExternalTask.objects.get()
    completed = client.post(
        f"/engine-rest/external-task/{task.id}/complete",
        {"workerId": "w1"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert completed.status_code == 403
    assert completed.json()["type"] == "AuthorizationException"
    assert ExternalTask.objects.filter(pk=task.id).exists()


def _server_threads(port: int) -> int:
    from pathlib import Path

    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.endswith(b"daphne") for part in cmdline) and str(port).encode() in cmdline:
            status = (entry / "status").read_text()
            return int(status.split("Threads:")[1].split()[0])
    raise AssertionError("daphne not found")


@pytest.mark.django_db(transaction=True)
def test_waiting_workers_hold_no_thread_each(live_server_url, demo_user):
    import asyncio
    import base64
    import json

    port = int(live_server_url.rsplit(":", 1)[1])
    auth = base64.b64encode(b"demo:demo").decode()
    body = json.dumps(
        {
            "workerId": "w",
            "maxTasks": 1,
            "asyncResponseTimeout": 3000,
            "topics": [{"topicName": "nothing-here", "lockDuration": 1000}],
        }
    )
    request = (
        "POST /engine-rest/external-task/fetchAndLock HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Basic {auth}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()

    async def one() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        await writer.drain()
        answer = await reader.read(64)
        writer.close()
        return answer[:12]

    async def many() -> tuple[int, set[bytes]]:
        waiters = [asyncio.create_task(one()) for _ in range(60)]
        await asyncio.sleep(1.5)  # all are waiting now
        threads = _server_threads(port)
        return threads, set(await asyncio.gather(*waiters))

    threads, answers = asyncio.run(many())
    assert answers == {b"HTTP/1.1 200"}
    assert threads < 30  # a shared pool and the server's own, not one per waiting worker


@pytest.mark.django_db(transaction=True)
def test_a_waiting_worker_gets_a_task_whose_lock_ran_out(live_server_url, demo_user):
    import base64
    import json
    import time
    import urllib.request

    from engine.services import ResourceInput, deploy
    from engine.services import external_tasks as xt
    from engine.services.runtime import start_process_instance
    from tests.factories import bpmn_document

    process = """<bpmn:process id="lock" isExecutable="true">
      <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="w" />
      <bpmn:serviceTask id="w" camunda:type="external" camunda:topic="short-lock" />
      <bpmn:sequenceFlow id="f2" sourceRef="w" targetRef="e" /><bpmn:endEvent id="e" />
    </bpmn:process>"""
    deploy([ResourceInput("lock.bpmn", bpmn_document(process))])
    start_process_instance("lock")
    topic = xt.TopicRequest(topic_name="short-lock", lock_duration=700)
    assert len(xt.fetch_and_lock("slow-worker", 1, [topic])) == 1
    body = json.dumps(
        {
            "workerId": "second",
            "maxTasks": 1,
            "asyncResponseTimeout": 30_000,
            "topics": [{"topicName": "short-lock", "lockDuration": 10_000}],
        }
    ).encode()
    request = urllib.request.Request(
        live_server_url + "/engine-rest/external-task/fetchAndLock",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": "Basic " + base64.b64encode(b"demo:demo").decode(),
        },
    )
    began = time.monotonic()
    with urllib.request.urlopen(request, timeout=60) as response:
        tasks = json.loads(response.read())
    waited = time.monotonic() - began
    assert [t["workerId"] for t in tasks] == ["second"]
    assert waited < 15  # answered when the first lock ran out, not at the 30 s timeout
