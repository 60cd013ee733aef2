"""The start form read by id, by key and by key and tenant (the tenant's latest version):
rendered-form (generated from camunda:formData), startForm, deployed-start-form,
form-variables; and activity statistics of a key's latest version."""

from __future__ import annotations

import pytest

from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from tests.factories import bpmn_document, one_task_bpmn
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_form_submission import LOAN
from tests.rest.test_read_authorization import basic_client

pytestmark = pytest.mark.django_db
PD = f"{BASE}/process-definition"


def deploy_loan(tenant_id=None, limit="1000"):
    xml = bpmn_document(LOAN.replace('defaultValue="1000"', f'defaultValue="{limit}"'))
    return deploy([ResourceInput("loan.bpmn", xml)], name="loan",
                  tenant_id=tenant_id).process_definitions[0]


def test_the_rendered_start_form_is_the_generated_html_by_id_key_and_tenant(api, demo_user):
    mine = deploy_loan()
    theirs = deploy_loan("acme")
    for url in (f"{PD}/{mine.id}/rendered-form", f"{PD}/key/loan/rendered-form",
                f"{PD}/key/loan/tenant-id/acme/rendered-form"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/xhtml+xml")
        html = response.content.decode()
        assert 'cam-variable-name="customer"' in html
        assert 'cam-variable-type="Long"' in html
    assert theirs.tenant_id == "acme"


def test_a_start_event_without_form_fields_has_no_rendered_form(api, demo_user):
    [definition] = deploy([ResourceInput("plain.bpmn", one_task_bpmn("plain"))]).process_definitions
    response = api.get(f"{PD}/key/plain/rendered-form")
    assert response.status_code == 404
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "No matching rendered start form for process definition with the id "
                   f"{definition.id} found.",
                   "code": None,
    }


def test_unknown_keys_tenants_and_unreadable_definitions_are_refused(api, demo_user):
    deploy_loan("acme")
    missing = api.get(f"{PD}/key/loan/tenant-id/other/rendered-form")
    assert missing.status_code == 404
    assert missing.json()["message"] == (
        "No matching process definition with key: loan and tenant-id: other")
    assert api.get(f"{PD}/key/loan/rendered-form").status_code == 404  # no tenant-less one
    assert api.get(f"{PD}/nope/rendered-form").status_code == 404
    make_user("mallory")
    mallory = basic_client("mallory")
    # Another tenant's definitions do not exist for her; ours she may not read.
    assert mallory.get(f"{PD}/key/loan/tenant-id/acme/rendered-form").status_code == 404
    deploy_loan()
    assert mallory.get(f"{PD}/key/loan/rendered-form").status_code == 403
    assert mallory.get(f"{PD}/key/loan/statistics").status_code == 403


def test_the_tenants_latest_version_answers_the_start_form_reads(api, demo_user):
    deploy_loan("acme", limit="10")
    deploy_loan("acme", limit="20")
    deploy_loan("other", limit="99")
    base = f"{PD}/key/loan/tenant-id/acme"
    variables = api.get(f"{base}/form-variables").json()
    assert variables["limit"] == {"type": "Long", "value": 20, "valueInfo": {}}
    assert set(api.get(f"{base}/form-variables?variableNames=customer").json()) == {"customer"}
    assert api.get(f"{base}/startForm").json()["key"] is None
    deployed = api.get(f"{base}/deployed-start-form")
    assert deployed.status_code == 400  # no form key: Camunda's "no deployed form"
    assert api.get(f"{PD}/key/loan/tenant-id/nope/startForm").status_code == 404


def test_activity_statistics_by_key_count_the_latest_versions_tokens(api, demo_user):
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    old = start_process_instance("invoice")
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice", name="v2"))])
    for _ in range(2):
        start_process_instance("invoice")
    response = api.get(f"{PD}/key/invoice/statistics?failedJobs=true")
    assert response.status_code == 200
    [row] = response.json()
    assert (row["instances"], row["failedJobs"], row["incidents"]) == (2, 0, [])
    assert old.id
    assert api.get(f"{PD}/key/nope/statistics").status_code == 404
    both = api.get(f"{PD}/key/invoice/statistics?incidents=true&incidentsForType=failedJob")
    assert both.status_code == 400


def test_activity_statistics_by_key_and_tenant(api, demo_user):
    [definition] = deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))],
                          tenant_id="acme").process_definitions
    start_process_instance(definition_id=definition.id)
    response = api.get(f"{PD}/key/invoice/tenant-id/acme/statistics")
    assert [row["instances"] for row in response.json()] == [1]
    assert api.get(f"{PD}/key/invoice/tenant-id/other/statistics").status_code == 404
