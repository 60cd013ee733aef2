"""The cockpit's Decisions pages: the list of latest versions with their evaluation counts,
a definition's page with its rule table, versions and recent evaluations, and one
evaluation's inputs and outputs; READ and READ_HISTORY on the decision definition decide."""

from __future__ import annotations

import pytest
from django.urls import reverse

from engine.models import HistoricDecisionInstance
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from identity.resources import Permission, Resource
from tests.cockpit.conftest import grant
from tests.engine.test_decision_requirements import DINNER_DRD, WINTER_WEEKEND, planner
from tests.engine.test_decisions import DISH, SINGLE_DISH, deploy_dinner

pytestmark = pytest.mark.django_db

LIST = reverse("cockpit:decisions")


@pytest.fixture
def dinner(demo_user):
    """Dish versions 1 (deployed with the process) and 2; version 2 evaluated once."""
    deploy_dinner(DISH, **SINGLE_DISH)
    second = deploy([ResourceInput("dish.dmn", DISH.replace(b"Spareribs", b"Ribs"))])
    started = rt.start_process_instance("dinner", variables={"season": "Fall", "guestCount": 2})
    return second.decision_definitions[0], started


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def test_the_navigation_leads_to_the_latest_version_of_each_decision(user_client, dinner):
    definition, _ = dinner
    content = page(user_client, LIST)
    assert f'href="{LIST}"' in content
    assert content.count('data-testid="decision"') == 1
    assert reverse("cockpit:decision", args=[definition.id]) in content
    assert "<code>decision</code>" in content
    assert '<td data-label="Version" class="num">2</td>' in content
    assert '<td data-label="Evaluations" class="num">1</td>' in content


def test_the_definition_page_shows_the_rule_table(user_client, dinner):
    definition, _ = dinner
    content = page(user_client, reverse("cockpit:decision", args=[definition.id]))
    assert '<strong data-testid="hit-policy">UNIQUE</strong>' in content
    assert content.count('data-testid="rule"') == 6
    assert '<th scope="col" class="dmn-input"><span class="dmn-kind">Input</span> Season' in content
    assert "<code>guestCount</code>" in content
    assert '<th scope="col" class="dmn-output"><span class="dmn-kind">Output</span> Dish' in content
    assert '<td data-label="Season" class="dmn-input"><code>&quot;Fall&quot;</code></td>' in content
    assert '<td data-label="How many guests" class="dmn-input"><code>-</code></td>' in content
    assert '<td data-label="Dish" class="dmn-output"><code>&quot;Ribs&quot;</code></td>' in content
    assert '<td data-label="Annotation">Save money</td>' in content
    assert "Version 1</a>" in content
    assert "Version 2</a>" in content


def test_the_definition_page_lists_recent_evaluations_linked_to_their_instance(
    user_client, dinner
):
    definition, started = dinner
    content = page(user_client, reverse("cockpit:decision", args=[definition.id]))
    evaluation = HistoricDecisionInstance.objects.get()
    assert content.count('data-testid="decision-instance"') == 1
    assert reverse("cockpit:decision-instance", args=[evaluation.id]) in content
    assert reverse("cockpit:instance", args=[started.id]) in content
    assert "<code>plan</code>" in content


def test_the_decision_instance_page_shows_inputs_and_outputs(user_client, dinner):
    _, started = dinner
    evaluation = HistoricDecisionInstance.objects.get()
    content = page(user_client, reverse("cockpit:decision-instance", args=[evaluation.id]))
    assert '<td data-label="Input">Season</td>' in content
    assert '<code class="break">Fall</code>' in content
    assert '<td data-label="Input">How many guests</td>' in content
    assert '<td data-label="Variable"><code>desiredDish</code></td>' in content
    assert '<code class="break">Ribs</code>' in content
    assert "<code>row-950612891-1</code>" in content
    assert reverse("cockpit:instance", args=[started.id]) in content


def test_a_literal_expressions_evaluation_shows_its_result(user_client, demo_user):
    deploy([ResourceInput("planner.bpmn", planner("menu")),
            ResourceInput("dinner.dmn", DINNER_DRD)])
    rt.start_process_instance("planner", variables=WINTER_WEEKEND)
    menu = HistoricDecisionInstance.objects.get(decision_definition_key="menu")
    content = page(user_client, reverse("cockpit:decision-instance", args=[menu.id]))
    assert 'data-testid="decision-result"' in content
    assert '<td data-label="Variable"><code>menu</code></td>' in content
    assert '<code class="break">Serve Stew</code>' in content
    assert "None" not in content
    assert "The table has no inputs" not in content


def test_unknown_ids_are_404_pages(user_client, dinner):
    assert "does not exist" in page(user_client, reverse("cockpit:decision-instance",
                                                         args=["nope"]), 404)
    page(user_client, reverse("cockpit:decision", args=["nope"]), 404)


def test_permissions_decide_what_an_operator_sees(client, operator, dinner):
    definition, _ = dinner
    client.force_login(operator)
    assert "No decision definitions you may read" in page(client, LIST)
    page(client, reverse("cockpit:decision", args=[definition.id]), 403)
    grant(operator, Resource.DECISION_DEFINITION, "decision", Permission.READ)
    assert '<td data-label="Evaluations" class="num"><span class="muted"' in page(client, LIST)
    content = page(client, reverse("cockpit:decision", args=[definition.id]))
    assert 'data-testid="no-history-permission"' in content
    evaluation = HistoricDecisionInstance.objects.get()
    page(client, reverse("cockpit:decision-instance", args=[evaluation.id]), 403)


def test_the_process_instance_page_links_the_decisions_it_evaluated(user_client, dinner):
    _, started = dinner
    evaluation = HistoricDecisionInstance.objects.get()
    content = page(user_client, reverse("cockpit:instance", args=[started.id]))
    assert 'data-testid="evaluated-decision"' in content
    assert reverse("cockpit:decision-instance", args=[evaluation.id]) in content


def test_a_literal_expression_decision_shows_its_variable_and_text(user_client, demo_user):
    deployed = deploy([ResourceInput("dinner.dmn", DINNER_DRD)])
    menu = next(row for row in deployed.decision_definitions if row.key == "menu")
    content = page(user_client, reverse("cockpit:decision", args=[menu.id]))
    assert "LITERAL EXPRESSION" in content
    assert "&quot;Serve &quot; + desiredDish" in content


def test_a_decisions_history_time_to_live_is_shown_and_changed(user_client, client, operator):
    from engine.models import DecisionDefinition, UserOperationLog

    (definition,) = deploy_dinner(DISH, **SINGLE_DISH).decision_definitions
    page = reverse("cockpit:decision", args=[definition.id])
    url = reverse("cockpit:decision-history-ttl", args=[definition.id])
    shown = user_client.get(page).content.decode()
    assert '<dd data-testid="history-ttl">180 days</dd>' in shown  # the file's P180D
    assert f'action="{url}"' in shown
    saved = user_client.post(url, {"days": "7"}, follow=True).content.decode()
    assert "History of version 1 is kept 7 days." in saved
    assert '<dd data-testid="history-ttl">7 days</dd>' in saved
    logged = UserOperationLog.objects.get(operation_type="UpdateHistoryTimeToLive")
    assert (logged.org_value, logged.new_value) == ("180", "7")
    refused = user_client.post(url, {"days": "-3"}, follow=True).content.decode()
    assert "“-3” is not a whole number of days" in refused

    client.force_login(operator)
    grant(operator, Resource.DECISION_DEFINITION, "decision", Permission.READ)
    assert f'action="{url}"' not in client.get(page).content.decode()
    assert client.post(url, {"days": "1"}).status_code == 403
    assert DecisionDefinition.objects.get(pk=definition.id).history_time_to_live == 7
