"""camunda:field injection into Python delegates; camunda:errorEventDefinition on external
tasks."""

from __future__ import annotations

from typing import Any

import pytest

from engine.runtime import commands as cmd
from engine.runtime.env import CountingIds, Environment
from engine.runtime.errors import ProcessEngineError

from .conftest import Scenario, load


def _charged(scenario, status: str):
    instance = scenario("external_error_mapping").start()
    (external,) = instance.state.external_tasks.values()
    instance.send(cmd.CompleteExternalTask(external.id, {"status": status}))
    return instance


def test_external_task_completes_when_no_error_expression_holds(scenario):
    instance = _charged(scenario, "ok")
    assert instance.task_names() == ["Paid"]
    assert instance.variable("status") == "ok"


def test_first_matching_error_event_definition_throws_its_bpmn_error(scenario):
    instance = _charged(scenario, "declined")
    assert instance.task_names() == ["Handle"]
    assert instance.variable("code") == "DECLINED"
    # Camunda's BPMN error carries the task's reported error message: none reported yet.
    assert instance.variable("message") is None
    assert not instance.state.external_tasks


def test_a_reported_failure_is_tested_against_the_error_event_definitions_too(scenario):
    instance = scenario("external_error_mapping").start()
    (external,) = instance.state.external_tasks.values()
    report = cmd.ExternalTaskReport("w1", "card refused", "402", 3)
    instance.send(cmd.FailExternalTask(external.id, report, {"status": "retry later"}))
    assert instance.state.external_tasks  # no definition holds: the task waits for retries
    instance.send(cmd.FailExternalTask(external.id, report, {"status": "declined"}))
    assert instance.task_names() == ["Handle"]
    assert (instance.variable("code"), instance.variable("message")) == (
        "DECLINED", "card refused"
    )


def test_an_error_expression_that_fails_counts_as_no_match_on_a_failure_only(scenario):
    instance = scenario("external_error_mapping").start()
    (external,) = instance.state.external_tasks.values()
    # `status` is unknown: evaluating fails; on a failure that is no match (Camunda).
    instance.send(cmd.FailExternalTask(external.id, cmd.ExternalTaskReport()))
    assert instance.state.external_tasks


def test_a_later_error_event_definition_matches_too(scenario):
    instance = _charged(scenario, "fraud")
    assert instance.variable("code") == "FRAUD"


class Mailer:
    sent: list[tuple[str, str]] = []  # noqa: RUF012 - shared on purpose: instances are per call

    template: str
    recipient: str

    def execute(self, execution: Any) -> None:
        Mailer.sent.append((self.template, self.recipient))


@pytest.fixture
def field_env() -> Environment:
    Mailer.sent = []
    stamps: list[str] = []

    def stamp(execution: Any, label: str) -> None:
        stamps.append(label)
        execution.set_variable("stamped", label)

    return Environment(
        new_id=CountingIds(), delegates={"shop.Mailer": Mailer}, beans={"stamp": stamp}
    )


def test_fields_are_set_on_a_new_delegate_instance_and_passed_to_functions(field_env, round_trip):
    instance = Scenario(load("delegate_fields"), field_env, round_trip)
    instance.start(customer="kermit@example.org")
    assert Mailer.sent == [("welcome", "kermit@example.org")]
    assert instance.ended
    assert instance.variable("stamped") == "final"


class OutOfStockException(Exception):
    """What a Python stand-in raises where the Java delegate threw com.acme.OutOfStock..."""


class NotEnough(OutOfStockException):
    pass


@pytest.mark.parametrize("raised", [OutOfStockException, NotEnough])
def test_an_exception_whose_class_an_error_code_names_is_thrown_as_that_error(
    scenario, env, raised
):
    def stock(execution):  # type: ignore[no-untyped-def]
        raise raised("only 2 left")

    env.beans = {"stock": stock}
    instance = scenario("exception_as_error").start()
    assert instance.task_names() == ["Reorder"]
    assert instance.variable("code") == "com.acme.OutOfStockException"
    assert instance.variable("why") == "only 2 left"


def test_an_exception_no_error_code_names_fails_the_command_catch_all_or_not(scenario, env):
    def stock(execution):  # type: ignore[no-untyped-def]
        raise KeyError("shelf")

    env.beans = {"stock": stock}
    with pytest.raises(KeyError):
        scenario("exception_as_error").start()


def test_a_scripts_java_exception_is_caught_by_an_error_code_naming_it_or_a_superclass(
    scenario,
):
    # IllegalArgumentException extends RuntimeException, as in Java; Exception does not
    instance = scenario("script_exception_as_error").start(amount=-5)
    assert instance.task_names() == ["Fix"]
    assert instance.variable("why") == "negative: -5"
    assert scenario("script_exception_as_error").start(amount=3).task_names() == ["Pay"]
    with pytest.raises(ProcessEngineError, match="Exception: zero at line 2"):
        scenario("script_exception_as_error").start(amount=0)
