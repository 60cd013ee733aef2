"""/engine-rest/process-definition: list, filters, sorting, by id and key, XML, delete."""

from __future__ import annotations

import pytest

from engine.models import EventSubscription, ProcessDefinition, ProcessInstance, UserOperationLog
from engine.services import ResourceInput, deploy
from identity.resources import Permission, Resource
from tests.factories import bpmn_document, one_task_bpmn
from tests.identity.factories import GRANT, join_tenant, make_user, rule
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db

DEFINITION_FIELDS = [
    "id",
    "key",
    "category",
    "description",
    "name",
    "version",
    "resource",
    "deploymentId",
    "diagram",
    "suspended",
    "tenantId",
    "versionTag",
    "historyTimeToLive",
    "startableInTasklist",
]


def tagged_process(key: str, *, tag: str | None = None, startable: bool = True) -> bytes:
    attributes = f' camunda:versionTag="{tag}"' if tag else ""
    attributes += "" if startable else ' camunda:isStartableInTasklist="false"'
    return bpmn_document(
        f"""<bpmn:process id="{key}" name="{key.title()}" isExecutable="true"
    camunda:historyTimeToLive="30"{attributes}>
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
    )


def put(key: str, content: bytes | None = None, *, tenant: str | None = None) -> ProcessDefinition:
    result = deploy(
        [ResourceInput(f"{key}.bpmn", content or one_task_bpmn(key))], name=key, tenant_id=tenant
    )
    return result.process_definitions[0]


@pytest.fixture
def catalogue() -> dict[str, ProcessDefinition]:
    """invoice v1 and v2 (v2 suspended, tagged), order (not startable), acme's invoice."""
    rows = {
        "invoice1": put("invoice", tagged_process("invoice", tag="1.0")),
        "invoice2": put("invoice", tagged_process("invoice", tag="2.0")),
        "order": put("order", tagged_process("order", startable=False)),
        "acme": put("invoice", tagged_process("invoice"), tenant="acme"),
    }
    ProcessDefinition.objects.filter(pk=rows["invoice2"].id).update(suspended=True)
    return rows


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()]


def test_a_definition_has_every_camunda_field(api, catalogue):
    row = catalogue["invoice1"]
    body = api.get(f"{BASE}/process-definition/{row.id}").json()
    assert list(body) == DEFINITION_FIELDS
    assert body == {
        "id": row.id,
        "key": "invoice",
        "category": "http://legato.test/bpmn",
        "description": None,
        "name": "Invoice",
        "version": 1,
        "resource": "invoice.bpmn",
        "deploymentId": row.deployment_id,
        "diagram": None,
        "suspended": False,
        "tenantId": None,
        "versionTag": "1.0",
        "historyTimeToLive": 30,
        "startableInTasklist": True,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("key=invoice", ["invoice1", "invoice2", "acme"]),
        ("keysIn=order,nothing", ["order"]),
        ("keyLike=inv%25", ["invoice1", "invoice2", "acme"]),
        ("name=Order", ["order"]),
        ("nameLike=%25rde%25", ["order"]),
        ("version=2", ["invoice2"]),
        ("latestVersion=true", ["invoice2", "order", "acme"]),
        ("latestVersion=false", ["invoice1", "invoice2", "order", "acme"]),
        ("suspended=true", ["invoice2"]),
        ("active=true", ["invoice1", "order", "acme"]),
        ("versionTag=1.0", ["invoice1"]),
        ("versionTagLike=%25.0", ["invoice1", "invoice2"]),
        ("withoutVersionTag=true", ["order", "acme"]),
        ("startableInTasklist=true", ["invoice1", "invoice2", "acme"]),
        ("notStartableInTasklist=true", ["order"]),
        ("tenantIdIn=acme", ["acme"]),
        ("withoutTenantId=true", ["invoice1", "invoice2", "order"]),
        (
            "tenantIdIn=acme&includeProcessDefinitionsWithoutTenantId=true&key=invoice",
            ["invoice1", "invoice2", "acme"],
        ),
        ("resourceName=order.bpmn", ["order"]),
        ("resourceNameLike=%25.bpmn", ["invoice1", "invoice2", "order", "acme"]),
        ("category=http://legato.test/bpmn&key=order", ["order"]),
        ("categoryLike=http:%25&key=order", ["order"]),
        ("unknownParameter=1&key=order", ["order"]),
    ],
)
def test_definitions_filter_as_camunda_does(api, catalogue, query, expected):
    response = api.get(f"{BASE}/process-definition?{query}")
    assert sorted(ids(response)) == sorted(catalogue[name].id for name in expected)


def test_definitions_filter_by_id_list_and_deployment(api, catalogue):
    wanted = [catalogue["order"].id, catalogue["acme"].id]
    assert sorted(
        ids(api.get(f"{BASE}/process-definition?processDefinitionIdIn={','.join(wanted)}"))
    ) == sorted(wanted)
    by_id = api.get(f"{BASE}/process-definition?processDefinitionId={wanted[0]}")
    assert ids(by_id) == [wanted[0]]
    deployment = api.get(
        f"{BASE}/process-definition?deploymentId={catalogue['order'].deployment_id}"
    )
    assert ids(deployment) == [catalogue["order"].id]


def test_definitions_sort_by_version_descending_and_page(api, catalogue):
    query = "key=invoice&withoutTenantId=true&sortBy=version&sortOrder=desc"
    assert ids(api.get(f"{BASE}/process-definition?{query}")) == [
        catalogue["invoice2"].id,
        catalogue["invoice1"].id,
    ]
    paged = api.get(f"{BASE}/process-definition?{query}&firstResult=1&maxResults=5")
    assert ids(paged) == [catalogue["invoice1"].id]


@pytest.mark.parametrize(
    "sort_by",
    [
        "category",
        "key",
        "id",
        "name",
        "version",
        "deploymentId",
        "deployTime",
        "tenantId",
        "versionTag",
    ],
)
def test_every_camunda_sort_by_value_is_accepted(api, catalogue, sort_by):
    response = api.get(f"{BASE}/process-definition?sortBy={sort_by}&sortOrder=asc")
    assert len(ids(response)) == 4


def test_definitions_count_with_the_same_filters(api, catalogue):
    response = api.get(f"{BASE}/process-definition/count?key=invoice&latestVersion=true")
    assert response.json() == {"count": 2}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sortBy=colour&sortOrder=asc", "Cannot set query parameter 'sortBy' to value 'colour'"),
        ("sortBy=key", "Only a single sorting parameter specified. sortBy and sortOrder required"),
        ("version=two", "Cannot set query parameter 'version' to value 'two'"),
        ("latestVersion=1", "Cannot set query parameter 'latestVersion' to value '1'"),
        ("deployedAfter=now", "Cannot set query parameter 'deployedAfter' to value 'now'"),
        ("firstResult=x", "Cannot set query parameter 'firstResult' to value 'x'"),
    ],
)
def test_a_bad_definition_query_is_a_400_naming_the_parameter(api, query, message):
    for path in ("process-definition", "process-definition/count"):
        if path.endswith("count") and query.startswith(("sort", "first")):
            continue
        response = api.get(f"{BASE}/{path}?{query}")
        assert response.status_code == 400
        assert response.json() == {"type": "InvalidRequestException", "message": message,
                                   "code": None}


def test_listing_definitions_needs_credentials(client):
    response = client.get(f"{BASE}/process-definition")
    assert response.status_code == 401
    assert response.json()["type"] == "AuthenticationException"


# --- by id, by key, XML -----------------------------------------------------------------------


def test_an_unknown_definition_id_is_a_404_invalid_request(api):
    response = api.get(f"{BASE}/process-definition/nope")
    assert response.status_code == 404
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "No matching definition with id nope",
        "code": None,
    }


def test_a_key_answers_its_latest_version_without_tenant(api, catalogue):
    body = api.get(f"{BASE}/process-definition/key/invoice").json()
    assert body["id"] == catalogue["invoice2"].id


def test_a_key_and_tenant_answer_the_tenants_latest_version(api, catalogue):
    body = api.get(f"{BASE}/process-definition/key/invoice/tenant-id/acme").json()
    assert body["id"] == catalogue["acme"].id


def test_an_unknown_key_is_a_404_rest_exception_as_camunda_words_it(api, catalogue):
    response = api.get(f"{BASE}/process-definition/key/nope")
    assert response.status_code == 404
    assert response.json() == {
        "type": "RestException",
        "message": "No matching process definition with key: nope and no tenant-id",
        "code": None,
    }
    tenant = api.get(f"{BASE}/process-definition/key/order/tenant-id/acme")
    assert tenant.json()["message"] == (
        "No matching process definition with key: order and tenant-id: acme"
    )


def test_the_xml_is_the_deployed_file_for_id_and_key_forms(api):
    xml = tagged_process("invoice", tag="1.0")
    row = put("invoice", xml)
    by_id = api.get(f"{BASE}/process-definition/{row.id}/xml").json()
    assert by_id == {"id": row.id, "bpmn20Xml": xml.decode()}
    assert api.get(f"{BASE}/process-definition/key/invoice/xml").json() == by_id


def test_the_xml_of_a_tenants_key(api, catalogue):
    body = api.get(f"{BASE}/process-definition/key/invoice/tenant-id/acme/xml").json()
    assert body["id"] == catalogue["acme"].id
    assert body["bpmn20Xml"].startswith("<?xml")


def test_the_xml_of_unknown_definitions_is_a_404(api):
    assert api.get(f"{BASE}/process-definition/nope/xml").status_code == 404
    assert api.get(f"{BASE}/process-definition/key/nope/xml").status_code == 404


# --- DELETE ------------------------------------------------------------------------------------


def test_deleting_a_definition_by_id_is_204_and_keeps_the_deployment(api, catalogue):
    row = catalogue["invoice2"]
    response = api.delete(f"{BASE}/process-definition/{row.id}")
    assert response.status_code == 204
    assert not ProcessDefinition.objects.filter(pk=row.id).exists()
    assert api.get(f"{BASE}/deployment/{row.deployment_id}").status_code == 200
    # The version before becomes the latest again.
    assert (
        api.get(f"{BASE}/process-definition/key/invoice").json()["id"] == catalogue["invoice1"].id
    )
    entry = UserOperationLog.objects.get(entity_type="ProcessDefinition")
    assert (entry.operation_type, entry.user_id, entry.process_definition_id) == (
        "Delete",
        "demo",
        row.id,
    )


def test_deleting_by_key_deletes_every_version_of_no_tenant(api, catalogue):
    assert api.delete(f"{BASE}/process-definition/key/invoice").status_code == 204
    assert list(
        ProcessDefinition.objects.filter(key="invoice").values_list("tenant_id", flat=True)
    ) == ["acme"]


def test_deleting_by_key_and_tenant_deletes_only_the_tenants_versions(api, catalogue):
    assert api.delete(f"{BASE}/process-definition/key/invoice/tenant-id/acme").status_code == 204
    assert ProcessDefinition.objects.filter(key="invoice").count() == 2


def test_deleting_unknown_definitions_is_a_404(api):
    by_id = api.delete(f"{BASE}/process-definition/nope")
    assert by_id.status_code == 404
    assert by_id.json() == {
        "type": "InvalidRequestException",
        "message": "No process definition found with id 'nope'",
        "code": None,
    }
    assert api.delete(f"{BASE}/process-definition/key/nope").status_code == 404


def test_deleting_a_definition_with_running_instances_needs_cascade(api, catalogue):
    row = catalogue["order"]
    ProcessInstance.objects.create(
        id="pi-1", process_definition=row, state={}, start_time="2026-01-01T00:00:00Z"
    )
    response = api.delete(f"{BASE}/process-definition/{row.id}?cascade=false")
    assert response.status_code == 500
    assert response.json()["type"] == "DeletionFailedException"
    assert "without cascading failed" in response.json()["message"]
    assert ProcessDefinition.objects.filter(pk=row.id).exists()


def test_deleting_the_latest_version_gives_message_start_back_to_the_version_before(api):
    def message_start(task: str) -> bytes:
        return bpmn_document(
            f"""<bpmn:process id="order" isExecutable="true">
  <bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{task}" />
  <bpmn:userTask id="{task}" />
</bpmn:process>""",
            extra='<bpmn:message id="m" name="OrderPlaced" />',
        )

    first = put("order", message_start("a"))
    second = put("order", message_start("b"))
    assert EventSubscription.objects.get().process_definition_id == second.id
    api.delete(f"{BASE}/process-definition/{second.id}")
    subscription = EventSubscription.objects.get()
    assert (subscription.process_definition_id, subscription.event_name) == (
        first.id,
        "OrderPlaced",
    )


def starters_process(key: str, *, users: str = "", groups: str = "") -> bytes:
    return bpmn_document(
        f"""<bpmn:process id="{key}" isExecutable="true"
    camunda:candidateStarterUsers="{users}" camunda:candidateStarterGroups="{groups}">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
    )


def test_startable_by_names_the_candidate_starters_directly_or_through_a_group(api):
    make_user("mona", "sales")
    make_user("kurt", "accounting")
    by_mona = put("refund", starters_process("refund", users="mona, kurt"))
    by_sales = put("quote", starters_process("quote", groups="sales,management"))
    put("audit", starters_process("audit"))  # names nobody
    query = f"{BASE}/process-definition?sortBy=key&sortOrder=asc&startableBy="
    assert ids(api.get(query + "mona")) == [by_sales.id, by_mona.id]
    assert ids(api.get(query + "kurt")) == [by_mona.id]
    assert ids(api.get(query + "nobody")) == []
    assert api.get(f"{BASE}/process-definition/count?startableBy=mona").json() == {"count": 2}
    # The next version names its own starters.
    put("refund", starters_process("refund", groups="accounting"))
    assert ids(api.get(query + "kurt&latestVersion=true")) == [
        ProcessDefinition.objects.get(key="refund", version=2).id
    ]


def test_startable_permission_check_keeps_what_the_caller_may_start(api, catalogue):
    make_user("mona")
    client = basic_client("mona")
    grant("mona", Resource.PROCESS_DEFINITION, "invoice", Permission.READ)
    rule(GRANT, Resource.PROCESS_DEFINITION, "order", Permission.READ, Permission.CREATE_INSTANCE,
         user="mona")
    query = f"{BASE}/process-definition?latestVersion=true&startablePermissionCheck=true"
    # CREATE_INSTANCE on the definition is not enough without CREATE on process instances.
    assert ids(client.get(query)) == []
    grant("mona", Resource.PROCESS_INSTANCE, "*", Permission.CREATE)
    assert ids(client.get(query)) == [catalogue["order"].id]
    readable = ids(client.get(f"{BASE}/process-definition?latestVersion=true"))
    assert set(readable) == {catalogue["invoice2"].id, catalogue["order"].id}
    join_tenant("mona", "acme")  # the tenant check hid acme's invoice from her until now
    readable = ids(client.get(f"{BASE}/process-definition?latestVersion=true"))
    assert set(readable) == {catalogue["invoice2"].id, catalogue["acme"].id, catalogue["order"].id}
    assert len(ids(api.get(query))) == 3  # demo administers: everything
