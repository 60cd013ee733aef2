"""POST /deployment/{id}/redeploy: a new deployment of the same name holding the old one's
resources (all, or those named by id or name), with new versions of their definitions."""

from __future__ import annotations

import pytest

from engine.models import Deployment, ProcessDefinition
from identity.resources import Permission, Resource
from tests.factories import one_task_bpmn
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def deployment(modeler_deploy) -> dict:
    response = modeler_deploy({"invoice.bpmn": one_task_bpmn("invoice"),
                               "order.bpmn": one_task_bpmn("order")}, name="billing")
    assert response.status_code == 200
    return response.json()


def redeploy(client, deployment_id, **body):
    return client.post(f"{BASE}/deployment/{deployment_id}/redeploy", body,
                       content_type="application/json")


def resources(api, deployment_id) -> dict[str, str]:
    rows = api.get(f"{BASE}/deployment/{deployment_id}/resources").json()
    return {row["name"]: row["id"] for row in rows}


def test_everything_is_deployed_again_as_new_versions(api, deployment):
    response = redeploy(api, deployment["id"], source="cockpit")
    assert response.status_code == 200, response.content
    again = response.json()
    assert again["id"] != deployment["id"]
    assert (again["name"], again["source"]) == ("billing", "cockpit")
    versions = {d["key"]: d["version"] for d in again["deployedProcessDefinitions"].values()}
    assert versions == {"invoice": 2, "order": 2}
    assert set(resources(api, again["id"])) == {"invoice.bpmn", "order.bpmn"}


def test_only_the_resources_named_by_id_or_name(api, deployment):
    ids = resources(api, deployment["id"])
    by_id = redeploy(api, deployment["id"], resourceIds=[ids["order.bpmn"]]).json()
    assert set(resources(api, by_id["id"])) == {"order.bpmn"}
    by_name = redeploy(api, deployment["id"], resourceNames=["invoice.bpmn"]).json()
    assert set(resources(api, by_name["id"])) == {"invoice.bpmn"}
    assert ProcessDefinition.objects.filter(key="invoice").count() == 2


def test_unknown_deployments_and_resources_are_404_and_deploy_nothing(api, deployment):
    assert redeploy(api, "nope").status_code == 404
    missing = redeploy(api, deployment["id"], resourceNames=["other.bpmn"])
    assert missing.status_code == 404
    assert "other.bpmn" in missing.json()["message"]
    assert redeploy(api, deployment["id"], resourceIds="x").status_code == 400
    assert Deployment.objects.count() == 1


def test_redeploying_needs_read_on_the_deployment_and_create_on_deployments(deployment):
    make_user("mallory")
    mallory = basic_client("mallory")
    grant("mallory", Resource.DEPLOYMENT, "*", Permission.CREATE)
    assert_forbidden(redeploy(mallory, deployment["id"]), "mallory")
    grant("mallory", Resource.DEPLOYMENT, deployment["id"], Permission.READ)
    assert redeploy(mallory, deployment["id"]).status_code == 200
