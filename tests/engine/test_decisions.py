"""Business rule tasks evaluating deployed DMN decisions, through the service API on the
database: deployment versions decisions, the task binds to a version, evaluates the table with
the instance's variables and stores the mapped result; every failure fails the command."""

from __future__ import annotations

import pytest

from engine import decisions
from engine.errors import DeploymentError
from engine.models import DecisionDefinition, HistoricProcessInstance, ProcessInstance
from engine.queries.instances import get_variables
from engine.runtime.errors import ProcessEngineError
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.conformance.conftest import MODELS
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

DISH = (MODELS / "dish-decision.dmn").read_bytes()


def dinner(**attributes: str) -> bytes:
    """start -> business rule task `plan` (decision `decision`, the dish table) -> user task."""
    extra = "".join(f' camunda:{name}="{value}"' for name, value in attributes.items())
    return bpmn_document(
        f"""<bpmn:process id="dinner" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="plan" />
  <bpmn:businessRuleTask id="plan" camunda:decisionRef="decision"{extra} />
  <bpmn:sequenceFlow id="f2" sourceRef="plan" targetRef="serve" />
  <bpmn:userTask id="serve" />
  <bpmn:sequenceFlow id="f3" sourceRef="serve" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
    )


def deploy_dinner(*decision_files: bytes, **attributes: str):
    """The dinner process (its task with `attributes`) and, in the same deployment, the
    given decision files."""
    files = [ResourceInput("dinner.bpmn", dinner(**attributes))]
    files += [ResourceInput(f"dish{i}.dmn", data) for i, data in enumerate(decision_files)]
    return deploy(files)


SINGLE_DISH = {"mapDecisionResult": "singleEntry", "resultVariable": "dish"}


def dish_with(dish: str) -> bytes:
    """The dish table with every output replaced: a second version that answers `dish`."""
    text = DISH.decode()
    for served in ("Spareribs", "Roastbeef", "Dry Aged Gourmet Steak", "Steak", "Stew"):
        text = text.replace(f'"{served}"', f'"{dish}"')
    return text.replace('"Light Salad and a nice Steak"', f'"{dish}"').encode()


def variable(instance_id: str, name: str):
    return get_variables(instance_id)[name].value


def test_the_task_stores_the_single_entry_of_the_matching_rule():
    deploy_dinner(DISH, **SINGLE_DISH)
    for season, guests, dish in (
        ("Spring", 4, "Dry Aged Gourmet Steak"),
        ("Spring", 7, "Steak"),
        ("Spring", 20, "Stew"),
        ("Summer", 30, "Light Salad and a nice Steak"),
    ):
        started = rt.start_process_instance(
            "dinner", variables={"season": season, "guestCount": guests}
        )
        assert variable(started.id, "dish") == dish, (season, guests)


def test_without_a_mapping_the_result_is_the_list_of_matched_rules():
    deploy_dinner(DISH, resultVariable="plan")
    started = rt.start_process_instance("dinner", variables={"season": "Fall", "guestCount": 2})
    assert variable(started.id, "plan") == [{"desiredDish": "Spareribs"}]


def test_deploying_versions_decisions_and_the_binding_chooses_one():
    first = deploy([ResourceInput("dish.dmn", DISH)])
    deploy([ResourceInput("dish.dmn", dish_with("Soup"))])
    (row,) = first.decision_definitions
    assert (row.key, row.version, row.name, row.history_time_to_live) == (
        "decision",
        1,
        "Dish",
        180,
    )
    versions = DecisionDefinition.objects.order_by("version").values_list("key", "version")
    assert list(versions) == [("decision", 1), ("decision", 2)]
    spring = {"season": "Spring", "guestCount": 4}

    def plan(**binding: str) -> str:
        deploy_dinner(**SINGLE_DISH, **binding)
        return variable(rt.start_process_instance("dinner", variables=spring).id, "dish")

    assert plan() == "Soup"  # latest
    assert plan(decisionRefBinding="version", decisionRefVersion="1") == "Dry Aged Gourmet Steak"
    # binding "deployment": the decision deployed with the process, not the newest one
    deploy_dinner(dish_with("Curry"), **SINGLE_DISH, decisionRefBinding="deployment")
    deploy([ResourceInput("dish.dmn", dish_with("Pasta"))])
    assert variable(rt.start_process_instance("dinner", variables=spring).id, "dish") == "Curry"


def test_a_cold_node_reads_the_decision_from_the_stored_file():
    deploy_dinner(DISH, **SINGLE_DISH)
    decisions.clear()
    started = rt.start_process_instance("dinner", variables={"season": "Winter", "guestCount": 3})
    assert variable(started.id, "dish") == "Roastbeef"


def test_a_missing_decision_fails_the_start_and_leaves_nothing():
    deploy_dinner()
    with pytest.raises(ProcessEngineError, match="no decision definition deployed") as failed:
        rt.start_process_instance("dinner")
    assert failed.value.activity_id == "plan"
    assert not ProcessInstance.objects.exists()
    assert not HistoricProcessInstance.objects.exists()


def test_a_table_that_cannot_decide_fails_the_command_naming_the_activity():
    deploy_dinner(DISH, **SINGLE_DISH)
    # no `guestCount`: the input expression names an unknown variable
    with pytest.raises(ProcessEngineError) as failed:
        rt.start_process_instance("dinner", variables={"season": "Fall"})
    assert failed.value.activity_id == "plan"
    assert "guestCount" in str(failed.value)
    assert not ProcessInstance.objects.exists()


def test_a_broken_decision_file_refuses_the_whole_deployment_with_its_line():
    broken = DISH.replace(b"<text>[5..8]</text>", b"<text>[5..</text>")
    line = DISH[: DISH.index(b"[5..8]")].count(b"\n") + 1
    with pytest.raises(DeploymentError) as refused:
        deploy_dinner(broken)
    (problem,) = refused.value.problems
    assert (problem.resource, problem.line) == ("dish0.dmn", line)
    assert not DecisionDefinition.objects.exists()


def test_the_model_is_refused_for_a_binding_or_mapping_camunda_does_not_know():
    with pytest.raises(DeploymentError) as refused:
        deploy_dinner(decisionRefBinding="newest", mapDecisionResult="firstEntry")
    text = str(refused.value)
    assert "camunda:decisionRefBinding 'newest'" in text
    assert "camunda:mapDecisionResult 'firstEntry'" in text
    with pytest.raises(DeploymentError, match="needs camunda:decisionRefVersion"):
        deploy_dinner(decisionRefBinding="version")


def test_a_key_defined_twice_in_one_deployment_is_refused():
    with pytest.raises(DeploymentError, match="decision key 'decision' is also defined in"):
        deploy([ResourceInput("a.dmn", DISH), ResourceInput("b.dmn", DISH)])
