"""Historic decision instances: a business rule task records each evaluation (level full, as
Camunda) with its input values, the outputs of the rules the hit policy kept and the process
it ran in; lower levels record none; history cleanup removes them with their instance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engine.models import HistoricDecisionInstance, HistoricProcessInstance
from engine.runtime.values import TypedValue
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from engine.services.decisions import evaluate_decision_definition
from identity.cleanup import cleanup_history
from tests.engine.dmn.support import table_xml
from tests.engine.test_decisions import DISH, SINGLE_DISH, deploy_dinner, dinner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


def test_a_business_rule_task_records_its_decision_instance_with_process_fields():
    result = deploy_dinner(DISH, **SINGLE_DISH)
    started = rt.start_process_instance("dinner", variables={"season": "Spring", "guestCount": 6})
    (instance,) = HistoricDecisionInstance.objects.all()
    (definition,) = result.decision_definitions
    assert instance.decision_definition_id == definition.id
    assert (instance.decision_definition_key, instance.decision_definition_name) == (
        "decision", "Dish")
    assert instance.process_instance_id == started.id
    assert instance.root_process_instance_id == started.id
    assert instance.process_definition_id == result.process_definitions[0].id
    assert instance.process_definition_key == "dinner"
    assert instance.activity_id == "plan"
    assert instance.activity_instance_id.startswith("plan:")
    assert instance.user_id is None
    assert instance.collect_result_value is None


def test_the_inputs_are_the_clause_values_and_the_outputs_those_of_the_matched_rule():
    deploy_dinner(DISH, **SINGLE_DISH)
    rt.start_process_instance("dinner", variables={"season": "Spring", "guestCount": 6})
    instance = HistoricDecisionInstance.objects.get()
    inputs = [(i.clause_id, i.clause_name, i.type, i.value) for i in instance.inputs.all()]
    assert inputs == [
        ("input1", "Season", "String", "Spring"),
        ("InputClause_0hmkumv", "How many guests", "Integer", 6),
    ]
    outputs = [
        (o.clause_id, o.clause_name, o.rule_id, o.rule_order, o.variable_name, o.type, o.value)
        for o in instance.outputs.all()
    ]
    assert outputs == [
        ("output1", "Dish", "row-950612891-4", 1, "desiredDish", "String", "Steak"),
    ]


def test_collect_with_sum_records_every_matched_rule_and_the_collected_value():
    table = table_xml(
        [("a", ["> 1"], ["10"]), ("b", ["> 2"], ["5"]), ("c", ["> 100"], ["1"])],
        inputs=(("x", "integer"),), outputs=(("points", "integer"),),
        hit_policy="COLLECT", aggregation="SUM",
    )
    process = dinner(resultVariable="points", mapDecisionResult="singleEntry")
    process = process.replace(b'decisionRef="decision"', b'decisionRef="d"')
    deploy([ResourceInput("p.bpmn", process), ResourceInput("d.dmn", table)])
    rt.start_process_instance("dinner", variables={"x": 3})
    instance = HistoricDecisionInstance.objects.get()
    assert instance.collect_result_value == 15.0
    assert [(o.rule_id, o.rule_order, o.value) for o in instance.outputs.all()] == [
        ("a", 1, 10), ("b", 2, 5),
    ]


def test_below_history_level_full_no_decision_instance_is_recorded(engine_settings):
    engine_settings(LEGATO_HISTORY_LEVEL="audit")
    deploy_dinner(DISH, **SINGLE_DISH)
    rt.start_process_instance("dinner", variables={"season": "Fall", "guestCount": 2})
    assert not HistoricDecisionInstance.objects.exists()


def test_a_failed_evaluation_records_nothing():
    deploy_dinner(DISH, **SINGLE_DISH)
    with pytest.raises(Exception, match="guestCount"):
        rt.start_process_instance("dinner", variables={"season": "Fall"})
    assert not HistoricDecisionInstance.objects.exists()


def test_history_cleanup_removes_the_decision_instances_of_a_removed_process_instance(settings):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    deploy_dinner(DISH, **SINGLE_DISH)
    started = rt.start_process_instance("dinner", variables={"season": "Fall", "guestCount": 2})
    HistoricProcessInstance.objects.filter(pk=started.id).update(
        end_time=timezone.now() - timedelta(days=2), removal_time=timezone.now()
    )
    run = cleanup_history(timezone.now() + timedelta(seconds=1))
    assert run is not None
    assert not HistoricDecisionInstance.objects.exists()
    assert run.rows_removed["decisions"] == 4  # the instance, two inputs, one output


def test_history_cleanup_removes_rest_evaluations_past_their_definitions_time_to_live(
    settings,
):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    (definition,) = deploy([ResourceInput("dish.dmn", DISH)]).decision_definitions
    variables = {"season": TypedValue("String", "Fall"), "guestCount": TypedValue("Integer", 2)}
    evaluate_decision_definition(definition, variables, user_id=None)
    assert HistoricDecisionInstance.objects.get().user_id is None
    # The dish table keeps history for 180 days (camunda:historyTimeToLive="P180D").
    assert cleanup_history(timezone.now() + timedelta(days=179)).instances_removed == 0
    run = cleanup_history(timezone.now() + timedelta(days=181))
    assert run.instances_removed == 1
    assert not HistoricDecisionInstance.objects.exists()


def test_a_feel_duration_input_is_recorded_as_its_text():
    table = table_xml([("r", ["-"], ['"ok"'])], inputs=(('duration("P2D")', None),))
    process = dinner(resultVariable="answer", mapDecisionResult="singleEntry")
    process = process.replace(b'decisionRef="decision"', b'decisionRef="d"')
    deploy([ResourceInput("p.bpmn", process), ResourceInput("d.dmn", table)])
    rt.start_process_instance("dinner")
    (value,) = HistoricDecisionInstance.objects.get().inputs.all()
    assert (value.type, value.value) == ("String", "P2D")  # its ISO 8601 text, as FEEL writes it
