"""Decision requirements graphs deployed and evaluated on the database, as Camunda 7 does:
a DMN file of several decisions makes a decision requirements definition its decisions point
to; a business rule task on a DRD's root evaluates every required decision once and records a
historic decision instance for each, pointing at the root's."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from engine import decisions
from engine.errors import DeploymentError
from engine.models import (
    DecisionDefinition,
    DecisionRequirementsDefinition,
    HistoricDecisionInstance,
    HistoricDecisionOutput,
    ProcessInstance,
)
from engine.runtime.errors import ProcessEngineError
from engine.runtime.values import TypedValue
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from engine.services.decisions import evaluate_decision_definition
from identity.cleanup import cleanup_history
from tests.engine.test_decisions import DISH, variable
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

DINNER_DRD = (Path(__file__).parents[1] / "fixtures" / "dmn" / "dinner_decisions.dmn").read_bytes()
WINTER_WEEKEND = {"temperature": 5, "dayType": "Weekend", "guestsWithChildren": True}
DECISIONS = ["season", "guestCount", "dish", "beverages", "menu"]


def planner(decision_ref: str) -> bytes:
    """start -> business rule task `plan` (the decision, singleEntry into `plan`) -> user task."""
    return bpmn_document(
        f"""<bpmn:process id="planner" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="plan" />
  <bpmn:businessRuleTask id="plan" camunda:decisionRef="{decision_ref}"
      camunda:mapDecisionResult="singleEntry" camunda:resultVariable="plan" />
  <bpmn:sequenceFlow id="f2" sourceRef="plan" targetRef="serve" />
  <bpmn:userTask id="serve" />
  <bpmn:sequenceFlow id="f3" sourceRef="serve" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
    )


def test_a_file_of_several_decisions_makes_a_versioned_drd_its_decisions_point_to():
    first = deploy([ResourceInput("dinner.dmn", DINNER_DRD), ResourceInput("dish.dmn", DISH)])
    second = deploy([ResourceInput("dinner.dmn", DINNER_DRD)])
    drds = list(DecisionRequirementsDefinition.objects.order_by("version"))
    assert [(d.key, d.name, d.version, d.resource_name) for d in drds] == [
        ("dinnerDecisions", "Dinner Decisions", 1, "dinner.dmn"),
        ("dinnerDecisions", "Dinner Decisions", 2, "dinner.dmn"),
    ]
    assert drds[0].id.startswith("dinnerDecisions:1:")
    assert drds[0].deployment_id == first.deployment.id
    assert drds[0].category == "http://camunda.org/schema/1.0/dmn"
    in_drd = {row.key: row for row in first.decision_definitions if row.key != "decision"}
    assert sorted(in_drd) == sorted(DECISIONS)
    assert {row.decision_requirements_definition_id for row in in_drd.values()} == {drds[0].id}
    assert {row.decision_requirements_definition_key for row in in_drd.values()} == {
        "dinnerDecisions"}
    # A file of one decision makes no DRD (Camunda persists none for a single decision).
    single = DecisionDefinition.objects.get(key="decision")
    assert single.decision_requirements_definition_id is None
    assert {r.decision_requirements_definition_id for r in second.decision_definitions} == {
        drds[1].id}


def test_a_business_rule_task_on_the_root_evaluates_the_graph_and_records_each_decision():
    deploy([ResourceInput("planner.bpmn", planner("menu")),
            ResourceInput("dinner.dmn", DINNER_DRD)])
    started = rt.start_process_instance("planner", variables=WINTER_WEEKEND)
    assert variable(started.id, "plan") == "Serve Stew"
    rows = list(HistoricDecisionInstance.objects.all())
    by_key = {row.decision_definition_key: row for row in rows}
    assert sorted(by_key) == sorted(DECISIONS)
    assert len(rows) == len(DECISIONS)  # `dish`, required twice, is evaluated once
    root = by_key["menu"]
    assert root.root_decision_instance_id is None
    assert {by_key[k].root_decision_instance_id for k in DECISIONS[:-1]} == {root.id}
    drd = DecisionRequirementsDefinition.objects.get()
    assert {(r.decision_requirements_definition_id, r.decision_requirements_definition_key)
            for r in rows} == {(drd.id, "dinnerDecisions")}
    assert {(r.process_instance_id, r.activity_id) for r in rows} == {(started.id, "plan")}
    dish = DecisionDefinition.objects.get(key="dish")
    assert by_key["dish"].decision_definition_id == dish.id
    assert by_key["dish"].decision_definition_name == "Dish"
    beverages = HistoricDecisionOutput.objects.filter(decision_instance=by_key["beverages"])
    assert [o.value for o in beverages] == ["Bordeaux", "Water", "Apple Juice"]
    # The literal expression: no inputs, one output with no clause and no rule.
    (menu,) = HistoricDecisionOutput.objects.filter(decision_instance=root)
    assert (menu.variable_name, menu.value, menu.clause_id) == ("menu", "Serve Stew", None)
    assert (menu.rule_id, menu.rule_order) == (None, None)
    assert not root.inputs.exists()


def test_a_task_on_a_required_decision_evaluates_only_what_that_decision_requires():
    deploy([ResourceInput("planner.bpmn", planner("dish")),
            ResourceInput("dinner.dmn", DINNER_DRD)])
    decisions.clear()  # a cold node: the decision and its neighbours' ids come from the database
    started = rt.start_process_instance("planner", variables={"temperature": 12,
                                                              "dayType": "Holiday"})
    assert variable(started.id, "plan") == "Steak"
    keys = HistoricDecisionInstance.objects.values_list("decision_definition_key", flat=True)
    assert sorted(keys) == ["dish", "guestCount", "season"]


def test_a_required_decision_that_cannot_decide_fails_the_task_and_records_nothing():
    deploy([ResourceInput("planner.bpmn", planner("menu")),
            ResourceInput("dinner.dmn", DINNER_DRD)])
    with pytest.raises(ProcessEngineError, match="Decision 'season'") as failed:
        rt.start_process_instance("planner", variables={"dayType": "Weekday"})
    assert failed.value.activity_id == "plan"
    assert not ProcessInstance.objects.exists()
    assert not HistoricDecisionInstance.objects.exists()


def test_a_cycle_of_required_decisions_refuses_the_deployment_with_its_line():
    cyclic = DINNER_DRD.replace(b'<decisionTable id="seasonTable"',
                                b'<informationRequirement id="loop">'
                                b'<requiredDecision href="#menu" /></informationRequirement>'
                                b'<decisionTable id="seasonTable"')
    line = DINNER_DRD[: DINNER_DRD.index(b'<decision id="season"')].count(b"\n") + 1
    with pytest.raises(DeploymentError) as refused:
        deploy([ResourceInput("dinner.dmn", cyclic)])
    (problem,) = refused.value.problems
    assert (problem.resource, problem.line, problem.element_id) == ("dinner.dmn", line, "season")
    assert "cycle: season -> menu -> dish -> season" in problem.message
    assert not DecisionRequirementsDefinition.objects.exists()
    assert not DecisionDefinition.objects.exists()


def test_one_deployment_may_hold_a_drd_key_once():
    renamed = DINNER_DRD
    for key in DECISIONS:
        renamed = renamed.replace(f'id="{key}"'.encode(), f'id="{key}2"'.encode())
        renamed = renamed.replace(f'href="#{key}"'.encode(), f'href="#{key}2"'.encode())
    with pytest.raises(DeploymentError, match="decision requirements definition key "
                       "'dinnerDecisions'"):
        deploy([ResourceInput("a.dmn", DINNER_DRD), ResourceInput("b.dmn", renamed)])


def test_history_cleanup_removes_required_decisions_with_their_root(settings):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    deployed = deploy([ResourceInput("dinner.dmn", DINNER_DRD)])
    menu = next(row for row in deployed.decision_definitions if row.key == "menu")
    variables = {name: TypedValue("Integer" if name == "temperature" else "String", value)
                 for name, value in WINTER_WEEKEND.items() if name != "guestsWithChildren"}
    variables["guestsWithChildren"] = TypedValue("Boolean", False)
    evaluate_decision_definition(menu, variables, user_id=None)
    assert HistoricDecisionInstance.objects.count() == 5
    # `season` keeps history one day, `menu` (the root) thirty: the root's time decides.
    assert cleanup_history(timezone.now() + timedelta(days=2)).instances_removed == 0
    assert HistoricDecisionInstance.objects.count() == 5
    assert cleanup_history(timezone.now() + timedelta(days=31)).instances_removed == 1
    assert not HistoricDecisionInstance.objects.exists()
