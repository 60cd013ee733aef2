"""Definition page instances and counts, incidents list, dashboard numbers, permissions."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from engine.models import ProcessDefinition, Task
from engine.services.runtime import complete_task, delete_process_instance, start_process_instance
from engine.services.suspension import suspend_process_instance
from identity.resources import Permission, Resource
from tests.cockpit.conftest import add_incident, deploy_key, deploy_xml, fail_job_of, grant
from tests.cockpit.samples import failing_process

pytestmark = pytest.mark.django_db


def definition_page(client, definition, **params):
    return client.get(reverse("cockpit:definition", args=[definition.id]), params)


def test_running_tokens_and_incidents_are_counted_per_activity(user_client):
    definition = deploy_xml("payment", failing_process())
    first = start_process_instance("payment")
    start_process_instance("payment")
    fail_job_of(first.id)
    data = user_client.get(reverse("cockpit:definition-counts", args=[definition.id])).json()
    assert data == {"counts": {"calc": {"running": 2, "incidents": 1}}, "running": 2}


def test_the_instance_list_filters_by_business_key_variable_state_and_start(user_client):
    definition = deploy_key("invoice")
    a = start_process_instance("invoice", business_key="A", variables={"amount": 21})
    b = start_process_instance("invoice", business_key="B", variables={"code": "21"})
    suspend_process_instance(b.id)

    def ids(**params):
        page = definition_page(user_client, definition, **params).context["page"]
        return {i.id for i in page.object_list}

    assert ids() == {a.id, b.id}
    assert ids(business_key="A") == {a.id}
    assert ids(variable="amount=21") == {a.id}
    assert ids(variable='code="21"') == {b.id}
    assert ids(state="suspended") == {b.id}
    assert ids(state="running") == {a.id}
    assert ids(state="incidents") == set()
    assert ids(started_after="2000-01-01T00:00") == {a.id, b.id}
    assert ids(started_before="2000-01-01T00:00") == set()


def test_finished_instances_are_listed_from_history_with_the_same_filters(user_client):
    definition = deploy_key("invoice")
    done = start_process_instance("invoice", business_key="A", variables={"amount": 21})
    complete_task(Task.objects.get(process_instance_id=done.id).id, user_id="demo")
    dropped = start_process_instance("invoice", business_key="B", variables={"amount": 5})
    delete_process_instance(dropped.id, "duplicate", user_id="demo")
    running = start_process_instance("invoice", business_key="C", variables={"amount": 21})

    def listed(**params):
        response = definition_page(user_client, definition, state="finished", **params)
        return response, [i.id for i in response.context["page"].object_list]

    response, ids = listed()
    assert ids == [dropped.id, done.id]  # last ended first; the running one is not there
    assert "completed" in response.content.decode()
    assert "externally_terminated" in response.content.decode()
    assert listed(variable="amount=21")[1] == [done.id]
    assert listed(business_key="B")[1] == [dropped.id]
    assert listed(started_before="2000-01-01T00:00")[1] == []
    assert running.id not in ids


def test_finished_instances_need_read_history_and_running_ones_read_instance(client, operator):
    definition = deploy_key("invoice")
    instance = start_process_instance("invoice")
    delete_process_instance(instance.id, "duplicate")
    grant(operator, Resource.PROCESS_DEFINITION, "invoice", Permission.READ,
          Permission.READ_INSTANCE)
    client.force_login(operator)
    response = definition_page(client, definition, state="finished")
    assert "permission READ_HISTORY" in response.content.decode()
    assert response.context["page"] is None

    auditor = User.objects.create_user("auditor")
    grant(auditor, Resource.APPLICATION, "cockpit", Permission.ACCESS)
    grant(auditor, Resource.PROCESS_DEFINITION, "invoice", Permission.READ,
          Permission.READ_HISTORY)
    client.force_login(auditor)
    finished = definition_page(client, definition, state="finished").context["page"]
    assert [i.id for i in finished.object_list] == [instance.id]
    response = definition_page(client, definition)
    assert "permission READ_INSTANCE" in response.content.decode()
    assert response.context["page"] is None


def test_a_bad_variable_filter_is_explained_and_the_other_filters_still_apply(user_client):
    definition = deploy_key("invoice")
    start_process_instance("invoice", business_key="A")
    response = definition_page(user_client, definition, variable="amount", business_key="A")
    assert "Write the variable as name=value" in response.content.decode()
    assert response.context["page"].paginator.count == 1


def test_the_instance_list_pages_with_a_bounded_number_of_queries(
    user_client, django_assert_max_num_queries
):
    definition = deploy_key("invoice")
    for n in range(30):
        start_process_instance("invoice", business_key=f"K{n}")
    with django_assert_max_num_queries(20):
        response = definition_page(user_client, definition, page=2)
    assert len(response.context["page"].object_list) == 5


def test_htmx_filtering_returns_only_the_list(user_client):
    definition = deploy_key("invoice")
    response = user_client.get(
        reverse("cockpit:definition", args=[definition.id]), {"business_key": "x"},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in response.content.decode()
    assert "No running instance" in response.content.decode()


def test_filters_left_out_are_named_in_the_list_htmx_swaps_in(user_client):
    definition = deploy_key("invoice")
    start_process_instance("invoice")
    response = user_client.get(
        reverse("cockpit:definition", args=[definition.id]),
        {"started_after": "garbage", "state": "bogus", "variable": "amount"},
        headers={"HX-Request": "true"},
    )
    notice = response.content.decode().split('data-testid="filters-left-out">')[1]
    notice = notice.split("</div>")[0]
    assert "Started after: Enter a valid date/time." in notice
    assert "State: Select a valid choice." in notice
    assert "Variable: Write the variable as name=value" in notice


def test_suspending_a_definition_with_its_instances_needs_confirmation(user_client):
    definition = deploy_key("invoice")
    instance = start_process_instance("invoice")
    url = reverse("cockpit:definition-suspension", args=[definition.id])
    user_client.post(url, {"action": "suspend", "include_instances": "yes"})
    assert not ProcessDefinition.objects.get(pk=definition.id).suspended
    user_client.post(url, {"action": "suspend", "include_instances": "yes", "confirm": "yes"})
    assert ProcessDefinition.objects.get(pk=definition.id).suspended
    from engine.models import ProcessInstance

    assert ProcessInstance.objects.get(pk=instance.id).suspended
    user_client.post(url, {"action": "activate", "confirm": "yes"})
    assert not ProcessDefinition.objects.get(pk=definition.id).suspended


def test_incidents_are_filtered_by_type_process_activity_and_message(user_client):
    invoice = deploy_key("invoice")
    order = deploy_key("order")
    add_incident(invoice, "Task_1")
    add_incident(order, "Task_1").__class__.objects.filter(
        process_definition_id=order.id
    ).update(incident_message="Connection refused by billing")

    def count(**params):
        return user_client.get(reverse("cockpit:incidents"), params).context["page"].paginator.count

    assert count() == 2
    assert count(process="order") == 1
    assert count(message="refused") == 1
    assert count(type="failedExternalTask") == 0
    assert count(activity="Task_1") == 2


def test_the_incidents_list_has_a_bounded_number_of_queries(
    user_client, django_assert_max_num_queries
):
    definition = deploy_key("invoice")
    for _ in range(60):
        add_incident(definition)
    with django_assert_max_num_queries(15):
        response = user_client.get(reverse("cockpit:incidents"))
    assert response.context["page"].paginator.count == 60


def test_the_dashboard_counts_instances_incidents_jobs_and_tasks(user_client):
    deploy_xml("payment", failing_process())
    deploy_key("invoice")
    failed = start_process_instance("payment")
    fail_job_of(failed.id)
    start_process_instance("invoice")
    response = user_client.get(reverse("cockpit:dashboard"), {"part": "cards"})
    numbers = response.context["overview"]
    assert numbers.running_instances == 2
    assert numbers.open_incidents == 1
    assert numbers.incidents_by_type == [("failedJob", 1)]
    assert numbers.incidents_by_process == [("payment", 1)]
    assert numbers.jobs_failing == 1
    assert numbers.open_tasks == 1
    assert "?type=failedJob" in response.content.decode()


def test_users_see_only_the_definitions_they_may_read(client, operator):
    invoice = deploy_key("invoice")
    order = deploy_key("order")
    start_process_instance("invoice")
    start_process_instance("order")
    add_incident(order)
    grant(operator, Resource.PROCESS_DEFINITION, "invoice", Permission.READ,
          Permission.READ_INSTANCE)
    client.force_login(operator)
    numbers = client.get(reverse("cockpit:dashboard")).context["overview"]
    assert numbers.running_instances == 1
    assert numbers.open_incidents == 0
    keys = [p.key for p in client.get(reverse("cockpit:processes")).context["processes"]]
    assert keys == ["invoice"]
    assert definition_page(client, invoice).status_code == 200
    assert definition_page(client, order).status_code == 403
    assert client.get(reverse("cockpit:definition-counts", args=[order.id])).status_code == 403
    assert client.get(reverse("cockpit:incidents")).context["page"].paginator.count == 0
    assert client.post(
        reverse("cockpit:definition-suspension", args=[invoice.id]),
        {"action": "suspend", "confirm": "yes"},
    ).status_code == 403
