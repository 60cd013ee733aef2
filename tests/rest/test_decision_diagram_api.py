"""GET .../diagram of `/decision-definition` and `/decision-requirements-definition`: the
image deployed beside the DMN file (Camunda's naming rule), else 204; 404 and 403 as the other
reads of the definition."""

from __future__ import annotations

import pytest

from engine.services import ResourceInput, deploy
from tests.engine.test_decision_requirements import DINNER_DRD
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client

pytestmark = pytest.mark.django_db

DD, DRD = f"{BASE}/decision-definition", f"{BASE}/decision-requirements-definition"
PNG = b"\x89PNG\r\n\x1a\n-dinner"


def _deploy(*extra: ResourceInput):
    result = deploy([ResourceInput("dinner.dmn", DINNER_DRD), *extra], name="dinner")
    decision = result.decision_definitions[0]
    return decision, decision.decision_requirements_definition


def test_without_an_image_every_diagram_route_answers_no_content(api, demo_user):
    decision, drd = _deploy()
    for path in (f"{DD}/{decision.id}", f"{DD}/key/{decision.key}", f"{DRD}/{drd.id}",
                 f"{DRD}/key/{drd.key}"):
        response = api.get(f"{path}/diagram")
        assert response.status_code == 204, path
        assert response.content == b""


def test_the_image_named_after_the_dmn_file_is_served_with_its_type(api, demo_user):
    decision, drd = _deploy(ResourceInput("dinner.png", PNG))
    for path in (f"{DD}/{decision.id}/diagram", f"{DRD}/key/{drd.key}/diagram",
                 f"{DRD}/{drd.id}/diagram"):
        response = api.get(path, HTTP_ACCEPT="image/png")
        assert response.status_code == 200, path
        assert (response["Content-Type"], response.content) == ("image/png", PNG)
        assert 'filename="dinner.png"' in response["Content-Disposition"]


def test_tenant_routes_find_the_tenants_definition(api, demo_user):
    result = deploy([ResourceInput("dinner.dmn", DINNER_DRD)], tenant_id="acme")
    decision = result.decision_definitions[0]
    path = f"{DD}/key/{decision.key}/tenant-id/acme/diagram"
    assert api.get(path).status_code == 204
    drd = decision.decision_requirements_definition
    assert api.get(f"{DRD}/key/{drd.key}/tenant-id/acme/diagram").status_code == 204
    assert api.get(f"{DD}/key/{decision.key}/diagram").status_code == 404  # no tenant-less one


def test_unknown_definitions_are_404_and_unreadable_ones_403(api, demo_user):
    decision, drd = _deploy()
    for path in (f"{DD}/nope/diagram", f"{DD}/key/nope/diagram", f"{DRD}/nope/diagram",
                 f"{DRD}/key/nope/diagram"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert set(response.json()) >= {"type", "message"}
    make_user("mona")
    client = basic_client("mona")
    assert_forbidden(client.get(f"{DD}/{decision.id}/diagram"), "mona")
    assert_forbidden(client.get(f"{DRD}/{drd.id}/diagram"), "mona")
