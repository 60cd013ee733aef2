"""Live editing of a decision in the cockpit (Camunda Cockpit Enterprise's DMN live editing):
the edited DMN file is deployed as a new deployment of the same name; a refused file deploys
nothing and comes back with the parser's words; READ on the decision and CREATE on
deployments decide who may."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lxml import etree

from cockpit.decision_table import table_view
from cockpit.dmn_versions import as_dmn13, dmn_version
from engine.dmn import parse_dmn
from engine.models import DecisionDefinition, Deployment
from engine.services import runtime as rt
from identity.resources import ANY, Permission, Resource
from tests.cockpit.conftest import grant
from tests.engine.test_decisions import DISH, SINGLE_DISH, deploy_dinner, variable

pytestmark = pytest.mark.django_db


@pytest.fixture
def dish(demo_user) -> DecisionDefinition:
    (definition,) = deploy_dinner(DISH, **SINGLE_DISH).decision_definitions
    return definition


def edit_url(definition: DecisionDefinition) -> str:
    return reverse("cockpit:decision-edit", args=[definition.id])


def test_the_editor_opens_on_the_deployed_file(user_client, dish):
    content = user_client.get(edit_url(dish)).content.decode()
    assert 'id="decision-editor"' in content
    assert 'data-decision-id="decision"' in content
    assert "Spareribs" in content  # the file, escaped in the form's textarea
    assert "This file is DMN 1.1: the editor opens and saves it as DMN 1.3" in content
    assert "dmn-modeler.production.min.js" in content
    definition_page = user_client.get(reverse("cockpit:decision", args=[dish.id]))
    assert edit_url(dish) in definition_page.content.decode()


def test_saving_deploys_the_next_version_that_processes_then_evaluate(user_client, dish):
    edited = DISH.decode().replace("Spareribs", "Pulled pork")
    response = user_client.post(edit_url(dish), {"xml": edited})
    new = DecisionDefinition.objects.get(key="decision", version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("cockpit:decision", args=[new.id])
    original = Deployment.objects.get(pk=dish.deployment_id)
    deployment = Deployment.objects.get(pk=new.deployment_id)
    assert (deployment.name, deployment.source) == (original.name, "Legato Cockpit")
    assert "Deployed: version 2" in user_client.get(response["Location"]).content.decode()
    started = rt.start_process_instance("dinner", variables={"season": "Fall", "guestCount": 2})
    assert variable(started.id, "dish") == "Pulled pork"


def test_a_refused_file_deploys_nothing_and_keeps_the_edit(user_client, dish):
    broken = DISH.decode().replace('"Spareribs"', '"Spareribs')
    response = user_client.post(edit_url(dish), {"xml": broken})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-testid="edit-problems"' in content
    assert "dish0.dmn line" in content
    assert "string is not closed" in content
    assert "&quot;Spareribs]]&gt;" in content  # the edit, in the editor's form again
    not_xml = user_client.post(edit_url(dish), {"xml": "<definitions"})
    assert not_xml.status_code == 400
    assert 'data-testid="edit-problems"' in not_xml.content.decode()
    assert DecisionDefinition.objects.filter(key="decision").count() == 1


def test_saving_the_file_unchanged_deploys_nothing(user_client, dish):
    # as the editor writes it back: DMN 1.3, laid out anew
    root = etree.fromstring(as_dmn13(DISH), etree.XMLParser(remove_blank_text=True))
    rewritten = etree.tostring(root, pretty_print=True).decode()
    assert rewritten != DISH.decode()
    for unchanged in (rewritten, DISH.decode()):
        response = user_client.post(edit_url(dish), {"xml": unchanged}, follow=True)
        assert "Nothing changed: no new version was deployed." in response.content.decode()
    assert DecisionDefinition.objects.filter(key="decision").count() == 1


def test_a_dmn_1_1_file_opens_as_dmn_1_3_and_reads_alike():
    assert (dmn_version(DISH), dmn_version(as_dmn13(DISH))) == ("1.1", "1.3")
    before, after = parse_dmn(DISH, "a.dmn"), parse_dmn(as_dmn13(DISH), "b.dmn")
    assert table_view(before.decisions[0]) == table_view(after.decisions[0])


def test_editing_needs_create_on_deployments_besides_reading_the_decision(client, operator, dish):
    client.force_login(operator)
    grant(operator, Resource.DECISION_DEFINITION, "decision", Permission.READ)
    page = client.get(reverse("cockpit:decision", args=[dish.id])).content.decode()
    assert 'data-testid="edit-decision"' not in page
    assert client.get(edit_url(dish)).status_code == 403
    assert client.post(edit_url(dish), {"xml": DISH.decode()}).status_code == 403
    grant(operator, Resource.DEPLOYMENT, ANY, Permission.CREATE)
    assert client.get(edit_url(dish)).status_code == 200
