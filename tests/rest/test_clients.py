"""Real Camunda client libraries, unchanged, against a live Legato (daphne) with demo/demo:
pycamunda (instances and tasks), camunda-external-task-client-python3 and Camunda's
JavaScript external-task client (complete, BPMN error, failure)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pycamunda.processdef
import pycamunda.processinst
import pycamunda.task
import pytest
import requests
from camunda.external_task.external_task_worker import ExternalTaskWorker
from requests.auth import HTTPBasicAuth

from engine.models import Incident, Task
from engine.queries.instances import get_variables
from engine.runtime.values import FileValue
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document

pytestmark = pytest.mark.django_db(transaction=True)

JS_DIR = Path(__file__).resolve().parent.parent / "clients" / "js"
AUTH = HTTPBasicAuth("demo", "demo")

PAYMENT = bpmn_document(
    """<bpmn:process id="payment" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="charge" />
  <bpmn:serviceTask id="charge" camunda:type="external" camunda:topic="charge" />
  <bpmn:boundaryEvent id="declined" attachedToRef="charge">
    <bpmn:errorEventDefinition errorRef="err" />
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="charge" targetRef="review" />
  <bpmn:userTask id="review" name="Review" />
  <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />
  <bpmn:sequenceFlow id="f4" sourceRef="declined" targetRef="call" />
  <bpmn:userTask id="call" name="Call the customer" />
  <bpmn:sequenceFlow id="f5" sourceRef="call" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>""",
    extra='<bpmn:error id="err" errorCode="E_DECLINED" />',
)


@pytest.fixture
def engine_url(live_server_url, demo_user):
    deploy([ResourceInput("payment.bpmn", PAYMENT)])
    return f"{live_server_url}/engine-rest"


def start_with_pycamunda(url: str, mode: str, business_key: str) -> str:
    request = pycamunda.processdef.StartInstance(url=url, key="payment", business_key=business_key)
    request.auth = AUTH
    request.add_variable(name="mode", value=mode)
    return request().id_


def activities(instance_id: str) -> set[str]:
    return set(Task.objects.filter(process_instance_id=instance_id)
               .values_list("task_definition_key", flat=True))


def test_pycamunda_starts_lists_claims_and_completes(engine_url):
    instance = start_with_pycamunda(engine_url, "complete", "PY-1")
    listing = pycamunda.processinst.GetList(url=engine_url, business_key="PY-1")
    listing.auth = AUTH
    assert [i.id_ for i in listing()] == [instance]
    # The external task is still open: complete it by hand through the worker client below.
    worker = ExternalTaskWorker("py-worker", base_url=engine_url, config={
        "auth_basic": {"username": "demo", "password": "demo"},
        "asyncResponseTimeout": 1000, "lockDuration": 10000, "maxTasks": 5, "sleepSeconds": 0,
    })
    worker.fetch_and_execute(["charge"], lambda task: task.complete({"charged": True}))
    tasks = pycamunda.task.GetList(url=engine_url, process_instance_id=instance)
    tasks.auth = AUTH
    (review,) = tasks()
    assert review.task_definition_key == "review"
    assert review.created is not None
    claim = pycamunda.task.Claim(url=engine_url, id_=review.id_, user_id="demo")
    claim.auth = AUTH
    claim()
    complete = pycamunda.task.Complete(url=engine_url, id_=review.id_)
    complete.auth = AUTH
    complete()
    assert tuple(tasks()) == ()


def test_python_external_task_client_completes_throws_and_fails(engine_url):
    ids = {mode: start_with_pycamunda(engine_url, mode, f"PY-{mode}")
           for mode in ("complete", "error", "fail")}

    def handle(task):
        mode = task.get_variable("mode")
        if mode == "complete":
            return task.complete({"charged": True})
        if mode == "error":
            return task.bpmn_error("E_DECLINED", "card declined")
        return task.failure("gateway down", "stack", max_retries=0, retry_timeout=0)

    worker = ExternalTaskWorker("py-worker", base_url=engine_url, config={
        "auth_basic": {"username": "demo", "password": "demo"},
        "asyncResponseTimeout": 1000, "lockDuration": 10000, "maxTasks": 10, "sleepSeconds": 0,
    })
    worker.fetch_and_execute(["charge"], handle)
    assert activities(ids["complete"]) == {"review"}
    assert activities(ids["error"]) == {"call"}
    assert Incident.objects.filter(process_instance_id=ids["fail"],
                                   incident_type="failedExternalTask").exists()


@pytest.mark.skipif(shutil.which("node") is None or not (JS_DIR / "node_modules").exists(),
                    reason="node or tests/clients/js/node_modules missing (scripts/test.sh "
                    "runs npm ci there)")
def test_javascript_external_task_client_completes_throws_and_fails(engine_url):
    ids = {mode: start_with_pycamunda(engine_url, mode, f"JS-{mode}")
           for mode in ("complete", "error", "fail")}
    contract = FileValue("Vertrag €".encode(), "contract.txt", "text/plain", "UTF-8")
    ids["file"] = rt.start_process_instance(
        "payment", variables={"mode": "file", "contract": contract}
    ).id
    run = subprocess.run(["node", "worker.mjs", engine_url, "4"], cwd=JS_DIR,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert activities(ids["complete"]) == {"review"}
    assert activities(ids["error"]) == {"call"}
    assert Incident.objects.filter(process_instance_id=ids["fail"]).exists()
    # The client downloaded the File and sent one back.
    assert activities(ids["file"]) == {"review"}
    receipt = get_variables(ids["file"])["receipt"]
    assert receipt.type == "File"
    assert (receipt.value.filename, receipt.value.mime_type) == ("receipt.txt", "text/plain")
    assert receipt.value.content == f"received contract.txt: {len(contract.content)} bytes".encode()


def test_clients_reach_the_default_engine_by_its_name(engine_url):
    # Camunda serves every resource under /engine/{name} too; some clients are set up so.
    named = f"{engine_url}/engine/default"
    instance = start_with_pycamunda(named, "complete", "NAMED-1")
    worker = ExternalTaskWorker("py-worker", base_url=named, config={
        "auth_basic": {"username": "demo", "password": "demo"},
        "asyncResponseTimeout": 1000, "lockDuration": 10000, "maxTasks": 5, "sleepSeconds": 0,
    })
    worker.fetch_and_execute(["charge"], lambda task: task.complete({"charged": True}))
    assert activities(instance) == {"review"}
    other = requests.post(f"{engine_url}/engine/other/external-task/fetchAndLock", auth=AUTH,
                          json={"workerId": "w", "maxTasks": 1, "topics": []}, timeout=10)
    assert (other.status_code, other.json()) == (400, {
        "type": "InvalidRequestException", "message": "No process engine available",
        "code": None})
