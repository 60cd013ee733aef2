"""What the REST layer answers for the interpreter's refusals (engine.rest.errors), in the
bodies Camunda's ExceptionHandler writes."""

from __future__ import annotations

import pytest
from django.db import DataError

from engine.rest.errors import camunda_exception_handler
from engine.runtime.errors import ConcurrentModification, NotFoundError, ProcessEngineError
from engine.runtime.store import MismatchingMessageCorrelation


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            ProcessEngineError("No outgoing sequence flow for gateway 'which'", "which"),
            500,
            {"type": "ProcessEngineException", "code": 0},
        ),
        (
            ConcurrentModification("pi-1", 3),
            500,
            {
                "type": "OptimisticLockingException",
                "code": 1,
                "message": "Process instance 'pi-1' was modified concurrently (expected version 3)",
            },
        ),
        (NotFoundError("Task 't-1' does not exist"), 404, {"type": "InvalidRequestException"}),
        (MismatchingMessageCorrelation("No process definition or execution matches"), 400,
         {"type": "RestException"}),
    ],
)
def test_a_refused_command_answers_camundas_status_and_body(error, status, body):
    response = camunda_exception_handler(error, {})
    assert response is not None
    assert response.status_code == status
    assert body.items() <= response.data.items()
    assert response.data["message"] == str(error)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (DataError("value too long for type character varying(255)\nCONTEXT: ..."),
         "A value cannot be stored: value too long for type character varying(255)"),
        (OverflowError("Python int too large to convert to SQLite INTEGER"),
         "A value cannot be stored: Python int too large to convert to SQLite INTEGER"),
    ],
)
def test_a_value_its_column_cannot_hold_is_a_bad_request_not_a_server_error(error, message):
    # what no check refused earlier: the client's input, answered in Camunda's shape
    response = camunda_exception_handler(error, {})
    assert response is not None
    assert response.status_code == 400
    assert response.data == {"type": "InvalidRequestException", "message": message}
