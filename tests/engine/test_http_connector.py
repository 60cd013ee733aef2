"""`camunda:connector` service tasks (Camunda Connect's http-connector) against a real HTTP
server on the loopback interface: request built from input parameters, response read by
output parameters, an error status kept as an answer, no answer failing the command."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from engine.errors import DeploymentError
from engine.models import ProcessInstance
from engine.queries import get_variables
from engine.runtime.errors import ProcessEngineError
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from engine.services.environment import environment
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


class Shop(BaseHTTPRequestHandler):
    """GET /orders/<id> answers the order; POST /echo answers what it got; anything else 404."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path.startswith("/orders/"):
            order = {"id": self.path.rsplit("/", 1)[1], "total": 120.5}
            self._answer(200, json.dumps(order), accept=self.headers.get("Accept"))
        else:
            self._answer(404, "no such thing")

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        echo = {"got": json.loads(body), "type": self.headers["Content-Type"]}
        self._answer(201, json.dumps(echo))

    def _answer(self, status: int, text: str, accept: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("X-Accept-Seen", accept or "")
        self.end_headers()
        self.wfile.write(text.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def shop() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def connector_task(
    task_id: str, inputs: str, outputs: str, connector: str = "http-connector"
) -> str:
    return (
        f'<bpmn:serviceTask id="{task_id}"><bpmn:extensionElements><camunda:connector>'
        f"<camunda:connectorId>{connector}</camunda:connectorId>"
        f"<camunda:inputOutput>{inputs}{outputs}</camunda:inputOutput>"
        "</camunda:connector></bpmn:extensionElements></bpmn:serviceTask>"
    )


def param(kind: str, name: str, value: str) -> str:
    return f'<camunda:{kind}Parameter name="{name}">{value}</camunda:{kind}Parameter>'


FETCH = connector_task(
    "fetch",
    param("input", "url", "${shop}/orders/${orderId}")
    + param("input", "method", "GET")
    + param(
        "input",
        "headers",
        '<camunda:map><camunda:entry key="Accept">application/json</camunda:entry></camunda:map>',
    ),
    param("output", "status", "${statusCode}")
    + param("output", "total", '${S(response).prop("total").numberValue()}')
    + param("output", "accepted", '${headers["X-Accept-Seen"]}'),
)
SEND = connector_task(
    "send",
    param("input", "url", "${shop}/echo")
    + param("input", "method", "POST")
    + param(
        "input",
        "headers",
        '<camunda:map><camunda:entry key="Content-Type">application/json</camunda:entry>'
        "</camunda:map>",
    )
    + param("input", "payload", '${S(order).toString()}'),
    param("output", "echo", "${S(response).prop(\"got\")}")
    + param("output", "sentAs", '${S(response).prop("type").stringValue()}')
    + param("output", "created", "${statusCode == 201}"),
)


def deploy_chain(*tasks: str) -> None:
    """start -> each task in turn -> a user task."""
    ids = ["start"] + [re.search(r'id="([^"]+)"', task)[1] for task in tasks] + ["wait"]
    body = '<bpmn:startEvent id="start" />' + "".join(tasks) + '<bpmn:userTask id="wait" />'
    body += "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}" />'
        for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False))
    )
    process = f'<bpmn:process id="calls" isExecutable="true">{body}</bpmn:process>'
    deploy([ResourceInput("calls.bpmn", bpmn_document(process))])


def test_a_get_and_a_post_read_and_send_json(shop):
    deploy_chain(FETCH, SEND)
    started = rt.start_process_instance(
        "calls", variables={"shop": shop, "orderId": "A-7", "order": {"sku": "x", "qty": 2}}
    )
    variables = {name: (v.type, v.value) for name, v in get_variables(started.id).items()}
    assert variables["status"] == ("Integer", 200)
    assert variables["total"] == ("Double", 120.5)
    assert variables["accepted"] == ("String", "application/json")
    assert variables["echo"] == ("Json", {"sku": "x", "qty": 2})
    assert variables["sentAs"] == ("String", "application/json")
    assert variables["created"] == ("Boolean", True)
    # The response itself is not a variable unless an output parameter maps it.
    assert not {"response", "statusCode", "headers"} & set(variables)


def test_an_error_status_is_an_answer_not_a_failure(shop):
    missing = connector_task(
        "missing",
        param("input", "url", "${shop}/nothing-here"),
        param("output", "status", "${statusCode}") + param("output", "body", "${response}"),
    )
    deploy_chain(missing)
    started = rt.start_process_instance("calls", variables={"shop": shop})
    variables = {name: v.value for name, v in get_variables(started.id).items()}
    assert (variables["status"], variables["body"]) == (404, "no such thing")


def test_a_request_without_an_answer_fails_the_command_and_changes_nothing(shop):
    deploy_chain(FETCH)
    closed = shop.rsplit(":", 1)[0] + ":9"  # the discard port: nothing listens
    with pytest.raises(ProcessEngineError, match="The connector 'http-connector' failed: GET "):
        rt.start_process_instance("calls", variables={"shop": closed, "orderId": "1"})
    assert not ProcessInstance.objects.exists()


def test_an_unknown_connector_is_refused_at_deploy_with_the_line():
    with pytest.raises(DeploymentError) as raised:
        deploy_chain(connector_task("mail", "", "", connector="mail-send"))
    (problem,) = raised.value.problems
    assert problem.element_id == "mail"
    assert problem.line is not None
    assert problem.message == (
        "camunda:connector 'mail-send' is not available (Legato has http-connector, "
        "soap-http-connector)"
    )


@override_settings(LEGATO_HTTP_CONNECTOR=False)
def test_connectors_switched_off_fail_the_task_saying_so(shop):
    environment.cache_clear()
    try:
        deploy_chain(FETCH)
        with pytest.raises(ProcessEngineError, match="'http-connector' is switched off"):
            rt.start_process_instance("calls", variables={"shop": shop, "orderId": "1"})
    finally:
        environment.cache_clear()
