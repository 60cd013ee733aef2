"""Deploying and deleting through the deployments page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engine.bpmn.xml import DEFAULT_MAX_BYTES
from engine.models import Deployment, ProcessDefinition
from tests.cockpit.conftest import add_instance, deploy_key
from tests.cockpit.samples import broken_process, drawn_process

pytestmark = pytest.mark.django_db
URL = reverse("cockpit:deployments")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_uploading_a_good_file_deploys_it_and_shows_the_new_version(user_client):
    deploy_key("invoice")
    response = user_client.post(
        URL,
        {"name": "billing", "files": [upload("invoice.bpmn", drawn_process())]},
        follow=True,
    )
    definition = ProcessDefinition.objects.get(key="invoice", version=2)
    assert definition.deployment.name == "billing"
    assert definition.deployment.source == "Legato Cockpit"
    assert definition.deployment.deployed_by == "demo"
    page = response.content.decode()
    assert "Deployed <strong>billing</strong>" in page
    assert "version 2" in page
    assert reverse("cockpit:definition", args=[definition.id]) in page


def test_several_files_are_deployed_together_and_the_name_defaults_to_the_first_file(
    user_client,
):
    files = [upload("invoice.bpmn", drawn_process()), upload("order.bpmn", drawn_process("order"))]
    user_client.post(URL, {"files": files})
    deployment = Deployment.objects.get()
    assert deployment.name == "invoice"
    assert sorted(deployment.process_definitions.values_list("key", flat=True)) == [
        "invoice",
        "order",
    ]


def test_a_broken_file_shows_file_line_and_element_and_deploys_nothing(user_client):
    response = user_client.post(
        URL,
        {
            "files": [
                upload("invoice.bpmn", drawn_process()),
                upload("broken.bpmn", broken_process()),
            ]
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was deployed" in page
    assert "broken.bpmn, line 6, element <code>Flow_broken</code>" in page
    assert "targets unknown element" in page
    assert not Deployment.objects.exists()


def test_a_file_that_is_not_bpmn_is_refused_in_words(user_client):
    response = user_client.post(URL, {"files": [upload("notes.txt", b"hello")]})
    assert response.status_code == 400
    assert "is not a BPMN file" in response.content.decode()
    assert not Deployment.objects.exists()


def test_a_file_larger_than_the_parser_accepts_is_refused_before_it_is_read(user_client):
    huge = upload("huge.bpmn", b" " * (DEFAULT_MAX_BYTES + 1))
    response = user_client.post(URL, {"files": [huge]})
    assert response.status_code == 400
    assert "the largest model Legato accepts is 10 MB" in response.content.decode()


def test_deploying_without_a_file_asks_for_one(user_client):
    response = user_client.post(URL, {"name": "empty"})
    assert response.status_code == 400
    assert "Choose at least one BPMN file" in response.content.decode()


def test_the_list_shows_each_deployment_with_resources_and_definitions(user_client):
    definition = deploy_key("invoice", name="Invoice")
    page = user_client.get(URL).content.decode()
    assert "invoice.bpmn" in page
    assert reverse("cockpit:definition", args=[definition.id]) in page
    assert reverse("cockpit:deployment-delete", args=[definition.deployment_id]) in page


def test_a_resource_is_downloaded_as_deployed(user_client):
    from engine.models import Resource

    definition = deploy_key("invoice", name="Invoice")
    resource = Resource.objects.get(deployment_id=definition.deployment_id)
    url = reverse("cockpit:deployment-resource", args=[definition.deployment_id, resource.id])
    assert url in user_client.get(URL).content.decode()
    response = user_client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="invoice.bpmn"'
    assert response.content == bytes(resource.content)
    gone = reverse("cockpit:deployment-resource", args=[definition.deployment_id, "nope"])
    assert user_client.get(gone).status_code == 404


def test_only_deployments_the_user_may_read_are_listed_and_downloaded(client, operator):
    from engine.models import Resource
    from identity.resources import Permission
    from identity.resources import Resource as R
    from tests.cockpit.conftest import grant

    shown, hidden = deploy_key("shown"), deploy_key("hidden")
    grant(operator, R.DEPLOYMENT, shown.deployment_id, Permission.READ)
    client.force_login(operator)
    page = client.get(URL).content.decode()
    assert "shown.bpmn" in page
    assert "hidden.bpmn" not in page
    resource = Resource.objects.get(deployment_id=hidden.deployment_id)
    url = reverse("cockpit:deployment-resource", args=[hidden.deployment_id, resource.id])
    assert client.get(url).status_code == 403


def test_the_number_of_queries_does_not_grow_with_the_number_of_deployments(
    user_client, django_assert_max_num_queries
):
    deploy_key("k0")
    # Session, user, its groups (application access), count, deployments, their resources,
    # their definitions.
    with django_assert_max_num_queries(7):
        user_client.get(URL)
    for number in range(1, 12):
        deploy_key(f"k{number}")
    with django_assert_max_num_queries(7):
        response = user_client.get(URL)
    assert len(response.context["page"].object_list) == 12


def test_deleting_asks_for_confirmation_first_and_then_deletes(user_client):
    definition = deploy_key("invoice")
    url = reverse("cockpit:deployment-delete", args=[definition.deployment_id])
    confirm = user_client.get(url)
    assert "Delete deployment" in confirm.content.decode()
    assert "cascade" in confirm.content.decode()
    assert Deployment.objects.filter(pk=definition.deployment_id).exists()
    response = user_client.post(url, follow=True)
    assert not Deployment.objects.filter(pk=definition.deployment_id).exists()
    assert "was deleted" in response.content.decode()


def test_deleting_a_deployment_with_running_instances_without_cascade_is_refused_in_words(
    user_client,
):
    definition = deploy_key("invoice")
    add_instance(definition)
    url = reverse("cockpit:deployment-delete", args=[definition.deployment_id])
    assert (
        "1 process instance of these definitions is running"
        in user_client.get(url).content.decode()
    )
    response = user_client.post(url)
    assert response.status_code == 409
    assert "dependening process instances" in response.content.decode()
    assert Deployment.objects.filter(pk=definition.deployment_id).exists()


def test_deleting_needs_a_post_with_a_csrf_token(demo_user):
    from django.test import Client

    definition = deploy_key("invoice")
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user)
    url = reverse("cockpit:deployment-delete", args=[definition.deployment_id])
    assert client.post(url).status_code == 403
    assert Deployment.objects.filter(pk=definition.deployment_id).exists()
