"""`/process-definition/.../diagram`: the image deployed beside the BPMN file, found by
Camunda's rule (per extension png, jpg, gif, svg: `<file>.<key>.<ext>`, then `<file>.<ext>`)."""

from __future__ import annotations

import pytest

from identity.resources import Permission, Resource
from tests.factories import bpmn_document, one_task_bpmn, straight_process
from tests.identity.factories import join_tenant, make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR legato"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
GIF = b"GIF89a legato"


def definitions(response) -> dict[str, str]:
    """key -> definition id of a /deployment/create answer."""
    assert response.status_code == 200, response.content
    return {d["key"]: d["id"] for d in response.json()["deployedProcessDefinitions"].values()}


def assert_image(response, content: bytes, content_type: str, filename: str) -> None:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content == content


def test_the_png_beside_the_bpmn_file_is_the_diagram_before_an_svg(api, modeler_deploy):
    files = {"invoice.bpmn": one_task_bpmn("invoice"), "invoice.png": PNG, "invoice.svg": SVG}
    invoice = definitions(modeler_deploy(files))["invoice"]
    for path in (f"{invoice}/diagram", "key/invoice/diagram"):
        response = api.get(f"{BASE}/process-definition/{path}", HTTP_ACCEPT="image/*")
        assert_image(response, PNG, "image/png", "invoice.png")


def test_the_definition_dto_names_its_diagram_as_camundas_diagram_field(api, modeler_deploy):
    files = {"invoice.bpmn": one_task_bpmn("invoice"), "invoice.png": PNG}
    created = modeler_deploy(files)
    [deployed] = created.json()["deployedProcessDefinitions"].values()
    modeler_deploy({"payroll.bpmn": one_task_bpmn("payroll")}, name="payroll")
    assert deployed["diagram"] == "invoice.png"
    assert api.get(f"{BASE}/process-definition/{deployed['id']}").json()["diagram"] == "invoice.png"
    assert api.get(f"{BASE}/process-definition/key/invoice").json()["diagram"] == "invoice.png"
    listed = api.get(f"{BASE}/process-definition?sortBy=key&sortOrder=asc").json()
    assert [(d["key"], d["diagram"]) for d in listed] == [("invoice", "invoice.png"),
                                                           ("payroll", None)]
    statistics = api.get(f"{BASE}/process-definition/statistics").json()
    assert {s["definition"]["key"]: s["definition"]["diagram"] for s in statistics} == {
        "invoice": "invoice.png", "payroll": None}


def test_an_svg_named_for_the_key_answers_as_svg(api, modeler_deploy):
    files = {"payroll.bpmn20.xml": one_task_bpmn("payroll"), "payroll.payroll.svg": SVG}
    payroll = definitions(modeler_deploy(files, name="payroll"))["payroll"]
    response = api.get(f"{BASE}/process-definition/{payroll}/diagram")
    assert_image(response, SVG, "image/svg+xml", "payroll.payroll.svg")


def test_an_image_named_for_the_key_wins_over_the_files_image(api, modeler_deploy):
    two = bpmn_document(straight_process("a", task="TaskA"), straight_process("b", task="TaskB"))
    files = {"orders.bpmn": two, "orders.gif": GIF, "orders.b.gif": PNG}
    keys = definitions(modeler_deploy(files, name="orders"))
    assert_image(api.get(f"{BASE}/process-definition/{keys['a']}/diagram"), GIF, "image/gif",
                 "orders.gif")
    assert_image(api.get(f"{BASE}/process-definition/{keys['b']}/diagram"), PNG, "image/gif",
                 "orders.b.gif")


def test_the_latest_version_of_a_tenants_key_answers(api, modeler_deploy):
    modeler_deploy({"invoice.bpmn": one_task_bpmn("invoice"), "invoice.png": PNG},
                   **{"tenant-id": "acme"})
    response = api.get(f"{BASE}/process-definition/key/invoice/tenant-id/acme/diagram")
    assert_image(response, PNG, "image/png", "invoice.png")
    # The key without a tenant is another definition, here none.
    missing = api.get(f"{BASE}/process-definition/key/invoice/diagram")
    assert missing.status_code == 404


def test_a_definition_without_an_image_answers_204(api, modeler_deploy):
    invoice = definitions(modeler_deploy({"invoice.bpmn": one_task_bpmn("invoice")}))["invoice"]
    for path in (f"{invoice}/diagram", "key/invoice/diagram"):
        response = api.get(f"{BASE}/process-definition/{path}")
        assert (response.status_code, response.content) == (204, b"")


def test_an_unknown_definition_is_a_404_in_camundas_words(api):
    response = api.get(f"{BASE}/process-definition/nope:1:x/diagram")
    assert response.status_code == 404
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "no deployed process definition found with id 'nope:1:x': "
        "processDefinition is null",
        "code": None,
    }
    by_key = api.get(f"{BASE}/process-definition/key/nope/tenant-id/acme/diagram")
    assert by_key.status_code == 404
    assert by_key.json() == {
        "type": "RestException",
        "message": "No matching process definition with key: nope and tenant-id: acme",
        "code": None,
    }


@pytest.mark.django_db
def test_reading_a_diagram_needs_read_on_the_definition(modeler_deploy):
    files = {"invoice.bpmn": one_task_bpmn("invoice"), "invoice.png": PNG}
    invoice = definitions(modeler_deploy(files, **{"tenant-id": "acme"}))["invoice"]
    make_user("mallory")
    join_tenant("mallory", "acme")  # else the tenant check hides acme's definition (404)
    mallory = basic_client("mallory")
    paths = (f"{invoice}/diagram", "key/invoice/tenant-id/acme/diagram")
    for path in paths:
        assert_forbidden(mallory.get(f"{BASE}/process-definition/{path}"), "mallory")
    grant("mallory", Resource.PROCESS_DEFINITION, "invoice", Permission.READ)
    for path in paths:
        assert mallory.get(f"{BASE}/process-definition/{path}").content == PNG
