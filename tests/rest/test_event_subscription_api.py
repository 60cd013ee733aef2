"""`/event-subscription`: the subscriptions of waiting executions and deployed start events,
as Camunda's EventSubscriptionRestService answers them, showing only what the caller may read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.models import EventSubscription
from engine.services import ResourceInput, deploy
from identity.resources import Permission, Resource
from tests.identity.factories import join_tenant, make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

URL = f"{BASE}/event-subscription"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn"
CAMUNDA_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$")


def _file(name: str) -> ResourceInput:
    return ResourceInput(name, (FIXTURES / name).read_bytes())


def _start(api, path: str) -> str:
    body = {"variables": {"ready": {"value": False, "type": "Boolean"}}}
    response = api.post(f"{BASE}/{path}/start", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return str(response.json()["id"])


@pytest.fixture
def waiting(api):
    """Instances `first` and `second` (no tenant), `acme` and `beta` (of those tenants), each
    waiting at a message, a signal and a conditional catch; and the `ordering` definition,
    whose message start event subscribes without an instance."""
    for tenant in ("acme", "beta", None):
        deploy([_file("event_catches.bpmn")], name="catches", tenant_id=tenant)
    deploy([_file("message_start.bpmn")], name="ordering")
    return {
        "first": _start(api, "process-definition/key/waiting"),
        "second": _start(api, "process-definition/key/waiting"),
        "acme": _start(api, "process-definition/key/waiting/tenant-id/acme"),
        "beta": _start(api, "process-definition/key/waiting/tenant-id/beta"),
    }


def rows(api, query: str = "") -> list[dict]:
    response = api.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def ids(api, query: str) -> set[str]:
    return {row["id"] for row in rows(api, query)}


def subscription(instance_id: str | None, activity_id: str) -> str:
    return EventSubscription.objects.get(
        process_instance_id=instance_id, activity_id=activity_id
    ).id


def execution_at(api, instance_id: str, activity_id: str) -> str:
    found = api.get(f"{BASE}/execution?processInstanceId={instance_id}&activityId={activity_id}")
    return str(found.json()[0]["id"])


def test_an_instance_waiting_at_three_events_lists_a_subscription_for_each(api, waiting):
    first = waiting["first"]
    listed = {row["activityId"]: row for row in rows(api, f"processInstanceId={first}")}
    assert set(listed) == {"catchPayment", "catchAlarm", "whenReady"}
    for activity_id, event_type, event_name in (
        ("catchPayment", "message", "PaymentReceived"),
        ("catchAlarm", "signal", "Alarm"),
        ("whenReady", "conditional", None),
    ):
        row = listed[activity_id]
        assert list(row) == [
            "id", "eventType", "eventName", "executionId", "processInstanceId", "activityId",
            "createdDate", "tenantId",
        ]
        assert row == {
            "id": subscription(first, activity_id),
            "eventType": event_type,
            "eventName": event_name,
            "executionId": execution_at(api, first, activity_id),
            "processInstanceId": first,
            "activityId": activity_id,
            "createdDate": row["createdDate"],
            "tenantId": None,
        }
        assert CAMUNDA_DATE.match(row["createdDate"])


def test_a_message_start_event_is_listed_without_instance_and_execution(api, waiting):
    [row] = rows(api, "eventName=OrderPlaced")
    assert row["id"] == subscription(None, "orderPlaced")
    assert (row["eventType"], row["activityId"]) == ("message", "orderPlaced")
    assert (row["executionId"], row["processInstanceId"], row["tenantId"]) == (None, None, None)


def test_the_subscriptions_end_with_the_wait(api, waiting):
    signal = {"name": "Alarm"}
    assert api.post(f"{BASE}/signal", signal, content_type="application/json").status_code == 204
    assert rows(api, "eventType=signal") == []
    assert len(rows(api, "eventType=message")) == 5


def test_each_filter_narrows_the_list(api, waiting):
    first, acme = waiting["first"], waiting["acme"]
    everything = ids(api, "")
    assert len(everything) == 4 * 3 + 1
    payment = subscription(first, "catchPayment")
    assert ids(api, f"eventSubscriptionId={payment}") == {payment}
    assert len(ids(api, "eventName=PaymentReceived")) == 4
    assert len(ids(api, "eventType=message")) == 5
    assert len(ids(api, "eventType=conditional")) == 4
    assert ids(api, "eventType=compensate") == set()
    alarm_execution = execution_at(api, first, "catchAlarm")
    assert ids(api, f"executionId={alarm_execution}") == {subscription(first, "catchAlarm")}
    assert len(ids(api, f"processInstanceId={first}")) == 3
    assert len(ids(api, "activityId=whenReady")) == 4
    assert ids(api, "tenantIdIn=acme") == ids(api, f"processInstanceId={acme}")
    assert len(ids(api, "tenantIdIn=acme,beta")) == 6
    assert len(ids(api, "withoutTenantId=true")) == 7
    assert len(ids(api, "tenantIdIn=acme&includeEventSubscriptionsWithoutTenantId=true")) == 10
    both = ids(api, f"eventType=signal&processInstanceId={first}")
    assert both == {subscription(first, "catchAlarm")}
    assert ids(api, "eventName=nothing") == set()


def test_sorting_by_created_and_tenant_in_both_directions(api, waiting):
    def instances(query: str) -> list[str]:
        return [row["processInstanceId"] for row in rows(api, f"eventType=signal&{query}")]

    by_time = [waiting["first"], waiting["second"], waiting["acme"], waiting["beta"]]
    assert instances("sortBy=created&sortOrder=asc") == by_time
    assert instances("sortBy=created&sortOrder=desc") == by_time[::-1]
    tenants = "tenantIdIn=acme,beta&sortBy=tenantId&sortOrder="
    assert instances(tenants + "asc") == [waiting["acme"], waiting["beta"]]
    assert instances(tenants + "desc") == [waiting["beta"], waiting["acme"]]


def test_paging_and_count(api, waiting):
    ordered = [row["id"] for row in rows(api, "sortBy=created&sortOrder=asc")]
    page = rows(api, "sortBy=created&sortOrder=asc&firstResult=2&maxResults=4")
    assert [row["id"] for row in page] == ordered[2:6]
    assert rows(api, "firstResult=20") == []
    assert api.get(f"{URL}/count").json() == {"count": 13}
    assert api.get(f"{URL}/count?eventType=signal&withoutTenantId=true").json() == {"count": 2}
    # Paging and sorting do not change a count.
    assert api.get(f"{URL}/count?maxResults=1&sortBy=created&sortOrder=asc").json() == {
        "count": 13
    }


def refused(name: str, value: str) -> str:
    return f"Cannot set query parameter '{name}' to value '{value}'"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sortBy=eventName&sortOrder=asc", refused("sortBy", "eventName")),
        ("sortBy=created&sortOrder=up", refused("sortOrder", "up")),
        ("sortBy=created", "Only a single sorting parameter specified. sortBy and sortOrder "
         "required"),
        ("withoutTenantId=yes", refused("withoutTenantId", "yes")),
        ("firstResult=-1", refused("firstResult", "-1")),
        ("maxResults=many", refused("maxResults", "many")),
    ],
)
def test_malformed_parameters_are_a_400_naming_them(api, demo_user, query, message):
    for path in (URL, f"{URL}/count"):
        if path.endswith("count") and query.startswith(("sort", "firstResult", "maxResults")):
            continue  # the count ignores sorting and paging, as Camunda's does
        response = api.get(f"{path}?{query}")
        assert response.status_code == 400, response.content
        assert response.json() == {"type": "InvalidRequestException", "message": message,
                                   "code": None}


def test_a_user_without_grants_sees_no_subscription(waiting):
    make_user("mallory")
    mallory = basic_client("mallory")
    assert mallory.get(URL).json() == []
    assert mallory.get(f"{URL}/count").json() == {"count": 0}


def test_grants_on_one_instance_or_one_definition_show_only_those(waiting):
    make_user("mary")
    for tenant in ("acme", "beta"):  # the tenant check would hide their instances
        join_tenant("mary", tenant)
    mary = basic_client("mary")
    grant("mary", Resource.PROCESS_INSTANCE, waiting["first"], Permission.READ)
    assert {row["processInstanceId"] for row in mary.get(URL).json()} == {waiting["first"]}
    # READ_INSTANCE on the key shows every instance of it, but not the start event of
    # another key, nor one without instance (Camunda checks the execution's definition).
    grant("mary", Resource.PROCESS_DEFINITION, "waiting", Permission.READ_INSTANCE)
    assert mary.get(f"{URL}/count").json() == {"count": 12}
    grant("mary", Resource.PROCESS_INSTANCE, "*", Permission.READ)
    assert mary.get(f"{URL}/count").json() == {"count": 13}
