"""Every cockpit page needs a logged-in user and renders for one."""

import pytest
from django.urls import reverse

from tests.cockpit.conftest import deploy_key

pytestmark = pytest.mark.django_db


def page_urls() -> list[str]:
    definition = deploy_key("invoice", name="Invoice")
    return [
        reverse("cockpit:dashboard"),
        reverse("cockpit:processes"),
        reverse("cockpit:definition", args=[definition.id]),
        reverse("cockpit:definition-xml", args=[definition.id]),
        reverse("cockpit:deployments"),
        reverse("cockpit:deployment-delete", args=[definition.deployment_id]),
    ]


def test_anonymous_users_are_sent_to_the_login_page_from_every_page(client):
    for url in page_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


def test_every_page_renders_for_a_logged_in_user(user_client):
    for url in page_urls():
        assert user_client.get(url).status_code == 200, url


def test_the_cockpit_pages_link_to_processes_and_deployments(user_client):
    content = user_client.get(reverse("cockpit:dashboard")).content.decode()
    assert f'href="{reverse("cockpit:processes")}"' in content
    assert f'href="{reverse("cockpit:deployments")}"' in content


def test_the_dashboard_counts_deployed_process_keys_not_versions(user_client):
    deploy_key("invoice")
    deploy_key("invoice", task="Task_2")
    deploy_key("order")
    response = user_client.get(reverse("cockpit:dashboard"))
    assert response.context["overview"].deployed_processes == 2


def test_the_dashboard_counts_the_processes_that_need_setup(user_client):
    from engine.services import ResourceInput, deploy
    from tests.engine.runtime.conftest import FIXTURES

    deploy_key("invoice")
    url = reverse("cockpit:dashboard")
    assert 'data-testid="needs-setup-count"' not in user_client.get(url).content.decode()
    model = (FIXTURES / "unresolved_references.bpmn").read_bytes()
    deploy([ResourceInput("orders.bpmn", model)])
    content = user_client.get(url).content.decode()
    assert "1 needs setup" in content
    assert "1 needs setup" in user_client.get(url, {"part": "cards"}).content.decode()


def test_the_dashboard_says_how_to_deploy_when_nothing_is_deployed(user_client):
    content = user_client.get(reverse("cockpit:dashboard")).content.decode()
    assert "Nothing is deployed yet" in content
    assert "Upload a BPMN file" in content


def test_an_unknown_definition_or_deployment_says_so_in_words(user_client):
    response = user_client.get(reverse("cockpit:definition", args=["nope:1:x"]))
    assert response.status_code == 404
    assert "No matching process definition with id nope:1:x" in response.content.decode()
    response = user_client.get(reverse("cockpit:deployment-delete", args=["nope"]))
    assert response.status_code == 404
    assert "Deployment with id &#x27;nope&#x27; does not exist" in response.content.decode()


def test_the_dashboard_shows_unassigned_tasks_by_candidate_group_to_who_may_read_all(
    user_client, operator, client
):
    from engine.services.identity_links import IdentityLink, add_identity_link
    from engine.services.standalone_tasks import create_task

    for number, group in enumerate(("sales", "sales", None)):
        task_id = create_task(task_id=f"t{number}", name=f"Call {number}")
        if group:
            add_identity_link(task_id, IdentityLink("candidate", group_id=group))
    content = user_client.get(reverse("cockpit:dashboard")).content.decode()
    assert "2 unassigned for <code>sales</code>" in content
    assert "1 unassigned offered to no group" in content

    client.force_login(operator)  # may open the cockpit, may not read all tasks
    content = client.get(reverse("cockpit:dashboard")).content.decode()
    assert 'data-testid="tasks-by-group"' not in content
