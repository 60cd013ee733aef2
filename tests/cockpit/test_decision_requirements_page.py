"""The cockpit's decision requirements diagram page: the DRD of a DMN file with its decisions,
their evaluations and links; READ on the decision requirements definition decides."""

from __future__ import annotations

import pytest
from django.urls import reverse

from engine.models import DecisionRequirementsDefinition
from engine.runtime.values import TypedValue
from engine.services import ResourceInput, deploy
from engine.services.decisions import evaluate_decision_definition
from identity.resources import Permission, Resource
from tests.cockpit.conftest import grant
from tests.cockpit.samples import drawn_dinner_drd

pytestmark = pytest.mark.django_db

WINTER_WEEKEND = {
    "temperature": TypedValue("Integer", 5),
    "dayType": TypedValue("String", "Weekend"),
    "guestsWithChildren": TypedValue("Boolean", True),
}


@pytest.fixture
def drd(demo_user) -> DecisionRequirementsDefinition:
    deployed = deploy([ResourceInput("dinner.dmn", drawn_dinner_drd())])
    menu = next(row for row in deployed.decision_definitions if row.key == "menu")
    evaluate_decision_definition(menu, WINTER_WEEKEND, user_id=None)
    return DecisionRequirementsDefinition.objects.get()


def test_the_page_lists_the_decisions_with_their_evaluations_and_serves_the_file(
    user_client, drd
):
    page = user_client.get(reverse("cockpit:decision-requirements", args=[drd.id]))
    assert page.status_code == 200
    nodes = page.context["nodes"]
    assert sorted(nodes) == ["beverages", "dish", "guestCount", "menu", "season"]
    assert {key: node["evaluations"] for key, node in nodes.items()} == {
        "beverages": 1, "dish": 1, "guestCount": 1, "menu": 1, "season": 1
    }
    assert nodes["dish"]["url"].startswith("/cockpit/decisions/dish:")
    xml = user_client.get(reverse("cockpit:decision-requirements-xml", args=[drd.id]))
    assert xml["Content-Type"] == "application/xml"
    assert b"dmndi:DMNShape" in xml.content
    listed = user_client.get(reverse("cockpit:decisions")).content.decode()
    assert reverse("cockpit:decision-requirements", args=[drd.id]) in listed
    decision = user_client.get(nodes["dish"]["url"]).content.decode()
    assert 'data-testid="drd-link"' in decision


def test_read_on_the_drd_is_needed_and_history_only_where_granted(client, operator, drd):
    url = reverse("cockpit:decision-requirements", args=[drd.id])
    client.force_login(operator)
    assert client.get(url).status_code == 403
    assert client.get(reverse("cockpit:decision-requirements-xml", args=[drd.id])) \
        .status_code == 403
    grant(operator, Resource.DECISION_REQUIREMENTS_DEFINITION, drd.key, Permission.READ)
    grant(operator, Resource.DECISION_DEFINITION, "dish", Permission.READ_HISTORY)
    nodes = client.get(url).context["nodes"]
    assert nodes["dish"]["evaluations"] == 1
    assert nodes["menu"]["evaluations"] is None
    assert client.get(reverse("cockpit:decision-requirements", args=["nope"])).status_code == 404


def test_a_dmn_1_2_drd_reaches_dmn_js_in_the_dmn_1_3_namespaces(user_client, demo_user):
    # dmn-js opens DMN 1.3 only; the engine reads a DMN 1.2 file (Camunda Modeler 3) alike
    dmn12 = drawn_dinner_drd().replace(
        b"https://www.omg.org/spec/DMN/20191111/MODEL/", b"http://www.omg.org/spec/DMN/20180521/MODEL/"
    ).replace(
        b"https://www.omg.org/spec/DMN/20191111/DMNDI/", b"http://www.omg.org/spec/DMN/20180521/DMNDI/"
    )
    assert b"20191111" not in dmn12
    deploy([ResourceInput("dinner12.dmn", dmn12)])
    drd = DecisionRequirementsDefinition.objects.get()
    xml = user_client.get(reverse("cockpit:decision-requirements-xml", args=[drd.id])).content
    assert b'xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"' in xml
    assert b"https://www.omg.org/spec/DMN/20191111/DMNDI/" in xml
    assert xml.count(b"DMNShape id=") == dmn12.count(b"DMNShape id=")


def test_a_dmn_1_1_drd_reaches_dmn_js_with_its_layout_as_dmndi(user_client, demo_user):
    from lxml import etree

    from tests.cockpit.samples import dmn11_dinner_drd

    deploy([ResourceInput("dinner11.dmn", dmn11_dinner_drd())])
    drd = DecisionRequirementsDefinition.objects.get()
    xml = user_client.get(reverse("cockpit:decision-requirements-xml", args=[drd.id])).content
    assert b"biodi" not in xml
    root = etree.fromstring(xml)
    dmndi = "{https://www.omg.org/spec/DMN/20191111/DMNDI/}"
    shapes = {s.get("dmnElementRef"): s for s in root.iter(f"{dmndi}DMNShape")}
    assert sorted(shapes) == sorted(
        ["menu", "beverages", "dish", "season", "guestCount", "dayType", "cookbook"])
    bounds = shapes["dish"][0]
    assert (bounds.get("x"), bounds.get("y"), bounds.get("width")) == ("300", "340", "180")
    # each edge draws a requirement, given an id it did not have in DMN 1.1
    edges = [e.get("dmnElementRef") for e in root.iter(f"{dmndi}DMNEdge")]
    requirement_ids = {e.get("id") for e in root.iter() if str(e.tag).endswith("Requirement")}
    assert len(edges) == 7
    assert set(edges) == requirement_ids
