"""A business rule task on the root of a DRD, on the in-memory engine: the decisions it
requires are evaluated first and reported in the one DecisionEvaluated history effect."""

from __future__ import annotations

from pathlib import Path

from engine.runtime import effects as fx
from engine.runtime.engine import ProcessEngine
from engine.runtime.env import CountingIds, Environment
from engine.runtime.memory import InMemoryStore
from tests.factories import bpmn_document

DINNER_DRD = (Path(__file__).parents[2] / "fixtures" / "dmn" / "dinner_decisions.dmn").read_bytes()
PLANNER = bpmn_document("""<bpmn:process id="planner" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="plan" />
  <bpmn:businessRuleTask id="plan" camunda:decisionRef="menu"
      camunda:mapDecisionResult="singleEntry" camunda:resultVariable="plan" />
  <bpmn:sequenceFlow id="f2" sourceRef="plan" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>""")


def test_the_root_decision_reports_the_decisions_it_required_with_their_ids():
    store = InMemoryStore()
    engine = ProcessEngine(store, Environment(new_id=CountingIds()))
    engine.deploy({"planner.bpmn": PLANNER, "dinner.dmn": DINNER_DRD}, deployment_id="d1")
    started = engine.start_process_instance(
        "planner", variables={"temperature": 12, "dayType": "Weekday", "guestsWithChildren": False})
    (evaluated,) = [e for e in store.history if isinstance(e, fx.DecisionEvaluated)]
    assert (evaluated.decision_definition_key, evaluated.process_instance_id) == (
        "menu", started.id)
    assert evaluated.evaluation.results == [{"menu": "Serve Spareribs"}]
    assert [r.decision_definition_id for r in evaluated.required] == [
        "season:1:d1", "guestCount:1:d1", "dish:1:d1", "beverages:1:d1"]
    assert [r.evaluation.results for r in evaluated.required][3] == [
        {"beverages": "Pinot Grigio"}, {"beverages": "Water"}]
    assert (evaluated.decision_requirements_definition_id,
            evaluated.decision_requirements_definition_key) == ("dinnerDecisions:d1",
                                                                 "dinnerDecisions")
