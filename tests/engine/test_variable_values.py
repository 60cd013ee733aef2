"""Values no variable can hold are refused by the engine with a sentence naming the variable,
before anything is written: a whole number beyond a Long, a NaN or infinite Double, JSON
holding NaN or Infinity. Runs on PostgreSQL and on SQLite (CI), whose drivers fail differently
on such values."""

import math

import pytest

from engine.errors import BadRequestError
from engine.models import (
    HistoricProcessInstance,
    HistoricVariableInstance,
    Task,
    VariableInstance,
)
from engine.queries import get_variables
from engine.runtime.values import FileValue, TypedValue
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import one_task_bpmn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

BEYOND_LONG = 99999999999999999999999


@pytest.fixture
def invoice() -> None:
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])


def test_a_plain_int_beyond_a_long_is_refused_naming_the_variable_and_nothing_starts(invoice):
    with pytest.raises(BadRequestError, match="variable 'big' of type 'Long': out of range"):
        rt.start_process_instance("invoice", variables={"big": BEYOND_LONG, "ok": 1})
    assert not HistoricProcessInstance.objects.exists()
    started = rt.start_process_instance("invoice", variables={"big": 2**63 - 1})
    assert get_variables(started.id)["big"] == TypedValue("Long", 2**63 - 1)


def test_a_typed_long_beyond_range_does_not_complete_the_task(invoice):
    started = rt.start_process_instance("invoice")
    task = Task.objects.get(process_instance_id=started.id)
    with pytest.raises(BadRequestError, match="'amount' of type 'Long': out of range for Long"):
        rt.complete_task(task.id, {"amount": TypedValue("Long", -BEYOND_LONG)})
    assert Task.objects.filter(pk=task.id).exists()
    assert not VariableInstance.objects.filter(name="amount").exists()


@pytest.mark.parametrize(
    "value", [math.inf, -math.inf, math.nan, TypedValue("Double", math.inf)], ids=repr
)
def test_a_double_that_is_not_finite_is_refused(invoice, value):
    started = rt.start_process_instance("invoice")
    with pytest.raises(BadRequestError, match="'rate' of type 'Double': not a finite number"):
        rt.set_variables(started.id, {"rate": value})
    assert "rate" not in get_variables(started.id)


def test_json_holding_nan_or_infinity_is_refused_as_not_json(invoice):
    started = rt.start_process_instance("invoice")
    with pytest.raises(BadRequestError, match="'data' of type 'Json': not valid JSON"):
        rt.set_variables(started.id, {"data": {"rates": [1.5, math.inf]}})
    with pytest.raises(BadRequestError, match="'data' of type 'Json': not valid JSON"):
        rt.set_variables(started.id, {"data": TypedValue("Json", {"n": math.nan})})
    assert "data" not in get_variables(started.id)
    rt.set_variables(started.id, {"data": {"big": BEYOND_LONG}})  # JSON numbers have no range
    assert get_variables(started.id)["data"].value == {"big": BEYOND_LONG}


def test_a_file_variable_keeps_its_content_name_type_and_encoding_through_history(invoice):
    contract = FileValue("Vertrag €".encode(), "contract.txt", "text/plain", "UTF-8")
    started = rt.start_process_instance("invoice", variables={"contract": contract})
    assert get_variables(started.id)["contract"] == TypedValue("File", contract)
    task = Task.objects.get(process_instance_id=started.id)
    rt.complete_task(task.id, {"contract": FileValue(b"v2", "contract-v2.pdf")})
    history = HistoricVariableInstance.objects.get(name="contract")
    stored = TypedValue.from_json({"type": history.type, "value": history.value})
    assert stored == TypedValue("File", FileValue(b"v2", "contract-v2.pdf"))


def test_a_file_value_that_is_not_a_file_is_refused(invoice):
    with pytest.raises(BadRequestError, match="'doc' of type 'File'"):
        rt.start_process_instance("invoice", variables={"doc": TypedValue("File", b"raw")})
    assert not HistoricProcessInstance.objects.exists()
