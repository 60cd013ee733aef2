"""The processes list: latest version per key with counts, search, and one query per page."""

import pytest
from django.urls import reverse

from tests.cockpit.conftest import add_incident, add_instance, deploy_key

pytestmark = pytest.mark.django_db
URL = reverse("cockpit:processes")


def test_each_key_is_listed_once_with_its_latest_version_and_version_count(user_client):
    deploy_key("invoice", name="Invoice")
    deploy_key("invoice", name="Invoice v2", task="Task_2")
    deploy_key("order", name="Order")
    rows = user_client.get(URL).context["processes"]
    assert [(p.key, p.name, p.version, p.version_count) for p in rows] == [
        ("invoice", "Invoice v2", 2, 2),
        ("order", "Order", 1, 1),
    ]


def test_instances_and_incidents_of_all_versions_of_a_key_are_counted(user_client):
    first = deploy_key("invoice")
    second = deploy_key("invoice", task="Task_2")
    deploy_key("order")
    add_instance(first)
    add_instance(second)
    add_incident(first)
    rows = {p.key: p for p in user_client.get(URL).context["processes"]}
    assert (rows["invoice"].running_instances, rows["invoice"].open_incidents) == (2, 1)
    assert (rows["order"].running_instances, rows["order"].open_incidents) == (0, 0)


def test_search_filters_by_key_or_name_ignoring_case(user_client):
    deploy_key("invoice", name="Pay supplier")
    deploy_key("order", name="Ship order")
    assert [p.key for p in user_client.get(URL, {"q": "INVOI"}).context["processes"]] == ["invoice"]
    assert [p.key for p in user_client.get(URL, {"q": "ship"}).context["processes"]] == ["order"]
    response = user_client.get(URL, {"q": "nothing-like-this"})
    assert "No process matches" in response.content.decode()


def test_the_live_filter_gets_only_the_table_and_the_search_box_keeps_the_term(user_client):
    deploy_key("invoice")
    full = user_client.get(URL, {"q": "inv"}).content.decode()
    assert 'value="inv"' in full
    partial = user_client.get(URL, {"q": "inv"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert 'data-testid="process-table"' in partial.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_the_empty_list_says_how_to_deploy(user_client):
    content = user_client.get(URL).content.decode()
    assert "No processes are deployed yet" in content
    assert reverse("cockpit:deployments") in content


def test_the_number_of_queries_does_not_grow_with_the_number_of_definitions(
    user_client, django_assert_max_num_queries
):
    definition = deploy_key("k0")
    add_instance(definition)
    # Session and user lookups plus the one statistics query.
    with django_assert_max_num_queries(4):
        user_client.get(URL)
    for number in range(1, 12):
        add_incident(deploy_key(f"k{number}"))
        deploy_key(f"k{number}", task="Task_2")
    with django_assert_max_num_queries(4):
        response = user_client.get(URL)
    assert len(response.context["processes"]) == 12


def test_a_user_who_may_read_no_definition_is_not_told_nothing_is_deployed(client, operator):
    deploy_key("invoice")
    client.force_login(operator)
    content = client.get(URL).content.decode()
    assert "No process definitions you may read" in content
    assert "No processes are deployed yet" not in content


def test_a_process_whose_model_names_what_the_engine_lacks_is_marked(user_client):
    from engine.services import ResourceInput, deploy
    from tests.engine.runtime.conftest import FIXTURES

    deploy_key("invoice", name="Invoice")
    model = (FIXTURES / "unresolved_references.bpmn").read_bytes()
    (orders,) = deploy([ResourceInput("orders.bpmn", model)]).process_definitions
    response = user_client.get(URL)
    marks = {p.key: p.unresolved for p in response.context["processes"]}
    assert marks == {"invoice": 0, "unresolvedReferences": 8}
    page = response.content.decode()
    assert page.count('data-testid="needs-setup"') == 1
    assert f'{reverse("cockpit:definition", args=[orders.id])}#readiness-heading' in page
