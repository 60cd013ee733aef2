"""A process definition's page: diagram source, versions, facts, badge counts."""

import json

import pytest
from django.urls import reverse

from tests.cockpit.conftest import add_incident, deploy_key
from tests.engine.dmn.support import table_xml

pytestmark = pytest.mark.django_db


def test_the_xml_view_serves_the_deployed_bytes_unchanged(user_client):
    definition = deploy_key("invoice")
    response = user_client.get(reverse("cockpit:definition-xml", args=[definition.id]))
    assert response["Content-Type"] == "application/xml"
    assert b'<bpmn:process id="invoice"' in response.content


def test_the_page_points_the_viewer_at_the_xml_and_shows_the_facts(user_client):
    definition = deploy_key("invoice", name="Invoice")
    content = user_client.get(reverse("cockpit:definition", args=[definition.id])).content
    page = content.decode()
    assert f'data-xml-url="{reverse("cockpit:definition-xml", args=[definition.id])}"' in page
    assert "cockpit/diagram.js" in page
    assert "bpmn-navigated-viewer.production.min.js" in page
    for fact in ("invoice", "invoice.bpmn", definition.deployment_id, "No running instances"):
        assert fact in page


def test_the_page_names_the_candidate_starters_of_the_process(user_client):
    from engine.services import ResourceInput, deploy
    from tests.rest.test_process_definition_api import starters_process

    xml = starters_process("refund", users="mona", groups="sales")
    (definition,) = deploy([ResourceInput("refund.bpmn", xml)]).process_definitions
    page = user_client.get(reverse("cockpit:definition", args=[definition.id])).content.decode()
    assert "Candidate starters" in page
    assert "mona, group sales" in page
    plain = deploy_key("invoice")
    page = user_client.get(reverse("cockpit:definition", args=[plain.id])).content.decode()
    assert "Candidate starters" not in page


def test_the_version_switcher_lists_every_version_newest_first(user_client):
    first = deploy_key("invoice")
    second = deploy_key("invoice", task="Task_2")
    response = user_client.get(reverse("cockpit:definition", args=[first.id]))
    assert [v.id for v in response.context["versions"]] == [second.id, first.id]
    assert 'aria-current="page">Version 1' in response.content.decode()


def test_incidents_are_rendered_as_per_activity_counts_for_the_badges(user_client):
    definition = deploy_key("invoice")
    add_incident(definition, "Task_1")
    add_incident(definition, "Task_1")
    response = user_client.get(reverse("cockpit:definition", args=[definition.id]))
    page = response.content.decode()
    data = page.split('<script id="activity-counts" type="application/json">')[1]
    counts = json.loads(data.split("</script>")[0])
    assert counts == {"Task_1": {"running": 0, "incidents": 2}}


def _instance_counts(queries) -> int:
    return sum(
        1
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)") and 'FROM "engine_processinstance"' in q["sql"]
    )


def test_the_instances_are_counted_once_unless_a_filter_narrows_the_list(
    user_client, django_assert_max_num_queries
):
    from engine.services import runtime

    definition = deploy_key("invoice")
    runtime.start_process_instance("invoice", business_key="INV-1")
    runtime.start_process_instance("invoice", business_key="INV-2")
    url = reverse("cockpit:definition", args=[definition.id])
    with django_assert_max_num_queries(40) as whole:
        page = user_client.get(url).content.decode()
    assert _instance_counts(whole) == 1
    assert "2 matching instances" in page
    with django_assert_max_num_queries(40) as narrowed:
        page = user_client.get(url, {"business_key": "INV-2"}).content.decode()
    assert _instance_counts(narrowed) == 2  # the running total and the filtered list
    assert "1 matching instance<" in page
    assert "INV-2" in page
    assert "INV-1" not in page


def test_the_history_time_to_live_is_shown_and_changed(user_client, client, operator):
    from engine.models import ProcessDefinition

    definition = deploy_key("invoice")
    page = reverse("cockpit:definition", args=[definition.id])
    url = reverse("cockpit:definition-history-ttl", args=[definition.id])
    assert ">for ever</dd>" in user_client.get(page).content.decode()
    saved = user_client.post(url, {"days": "30"}, follow=True).content.decode()
    assert "History of version 1 is kept 30 days." in saved
    assert ">30 days</dd>" in saved
    refused = user_client.post(url, {"days": "soon"}, follow=True).content.decode()
    assert "“soon” is not a whole number of days" in refused
    user_client.post(url, {"days": ""})
    assert ProcessDefinition.objects.get(pk=definition.id).history_time_to_live is None

    client.force_login(operator)  # may open the cockpit, may not update the definition
    assert client.post(url, {"days": "1"}).status_code == 403
    assert ProcessDefinition.objects.get(pk=definition.id).history_time_to_live is None


def test_finished_instances_found_by_the_filters_are_restarted_in_a_batch(user_client):
    from batches.models import Batch
    from engine.models import HistoricProcessInstance
    from engine.services.runtime import delete_process_instance, start_process_instance
    from tests.rest.batch_helpers import run_to_end

    definition = deploy_key("invoice")
    old = [start_process_instance("invoice", business_key=f"K-{n}").id for n in range(3)]
    for instance_id in old[:2]:
        delete_process_instance(instance_id, "by mistake")
    page = reverse("cockpit:definition", args=[definition.id])
    listed = user_client.get(page, {"state": "finished"}).content.decode()
    assert "Restart these 2 finished instances" in listed
    assert "Restart these" not in user_client.get(page).content.decode()  # running list

    url = reverse("cockpit:definition-restart", args=[definition.id]) + "?state=finished"
    response = user_client.post(url, {"activity": "Task_1"}, follow=True)
    batch = Batch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cockpit:batch", args=[batch.id])
    assert (batch.type, batch.total) == ("instance-restart", 2)
    run_to_end(str(batch.id))
    restarted = HistoricProcessInstance.objects.filter(restarted_process_instance_id__in=old)
    assert sorted(restarted.values_list("business_key", flat=True)) == ["K-0", "K-1"]

    refused = user_client.post(url, {"activity": "nope"}, follow=True).content.decode()
    assert "choose where they start" in refused
    assert Batch.objects.count() == 1


def test_the_removal_time_of_filtered_finished_instances_is_set_in_a_batch(user_client):
    from datetime import UTC, datetime

    from batches.models import Batch
    from engine.models import HistoricProcessInstance
    from engine.services.runtime import delete_process_instance, start_process_instance
    from tests.rest.batch_helpers import run_to_end

    definition = deploy_key("invoice")
    ids = [start_process_instance("invoice").id for _ in range(3)]
    for instance_id in ids[:2]:
        delete_process_instance(instance_id, "done")
    page = reverse("cockpit:definition", args=[definition.id])
    assert "Set when the history of these 2 instances" in user_client.get(
        page, {"state": "finished"}).content.decode()
    url = reverse("cockpit:definition-removal-time", args=[definition.id]) + "?state=finished"
    refused = user_client.post(url, {"mode": "absolute", "date": "not a day"}, follow=True)
    assert "Nothing changed" in refused.content.decode()
    assert not Batch.objects.exists()
    user_client.post(url, {"mode": "absolute", "date": "2027-02-03"})
    batch = Batch.objects.get()
    assert (batch.type, batch.total) == ("process-set-removal-time", 2)
    run_to_end(str(batch.id))
    times = dict(HistoricProcessInstance.objects.values_list("id", "removal_time"))
    when = datetime(2027, 2, 3, tzinfo=UTC)
    assert [times[i] for i in ids] == [when, when, None]


def test_the_open_incidents_of_a_version_are_listed_on_its_page(user_client):
    from engine.services.runtime import start_process_instance
    from tests.cockpit.conftest import deploy_xml, fail_job_of
    from tests.cockpit.samples import failing_process

    definition = deploy_xml("payment", failing_process())
    instance = start_process_instance("payment")
    incident = fail_job_of(instance.id)
    page = user_client.get(reverse("cockpit:definition", args=[definition.id]))
    assert [i.id for i in page.context["incidents"]] == [incident.id]
    body = page.content.decode()
    assert reverse("cockpit:instance", args=[instance.id]) + f"#incident-{incident.id}" in body
    assert "?process=payment" in body


def test_running_instances_with_incidents_are_migrated_to_a_version_in_a_batch(user_client):
    from batches.models import Batch
    from engine.models import Incident, Job, Task
    from engine.services import ResourceInput, deploy
    from engine.services.jobs import execute_job_now, set_job_retries
    from engine.services.runtime import start_process_instance
    from tests import migration_models as m
    from tests.rest.batch_helpers import run_to_end

    task = (
        '<bpmn:serviceTask id="work" camunda:asyncBefore="true" camunda:expression="{e}" '
        'camunda:resultVariable="result" />'
    )
    v1 = deploy([ResourceInput("v1.bpmn", m.chain(task.format(e="${notThere}")))])
    v2 = deploy([ResourceInput("v2.bpmn", m.chain(task.format(e="${'ok'}"), m.REVIEW))])
    source = v1.process_definitions[0]
    target = v2.process_definitions[0]
    stuck = start_process_instance(definition_id=source.id).id
    fine = start_process_instance(definition_id=source.id).id
    job = Job.objects.get(process_instance_id=stuck)
    for _ in range(3):
        with pytest.raises(Exception, match="notThere"):
            execute_job_now(job.id)
    page = reverse("cockpit:definition", args=[source.id])
    listed = user_client.get(page, {"state": "incidents"}).content.decode()
    assert "Migrate these 1 running instance to another version" in listed
    assert "Migrate these 2 running instances" in user_client.get(page).content.decode()

    url = reverse("cockpit:definition-migrate", args=[source.id]) + "?state=incidents"
    response = user_client.post(url, {"target": target.id}, follow=True)
    batch = Batch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cockpit:batch", args=[batch.id])
    assert (batch.type, batch.total) == ("instance-migration", 1)
    run_to_end(str(batch.id))
    job.refresh_from_db()
    assert job.process_definition_id == target.id
    assert Incident.objects.get(process_instance_id=stuck).process_definition_id == target.id
    assert Job.objects.get(process_instance_id=fine).process_definition_id == source.id
    set_job_retries(job.id, 1)
    execute_job_now(job.id)
    assert Task.objects.get(process_instance_id=stuck).task_definition_key == "review"

    refused = user_client.post(url, {"target": source.id}, follow=True).content.decode()
    assert "choose the version they move to" in refused
    assert Batch.objects.count() == 1


def test_the_page_lists_what_the_model_names_that_the_engine_cannot_resolve(
    user_client, engine_settings
):
    from engine.services import ResourceInput, deploy
    from tests.engine.runtime.conftest import FIXTURES

    model = (FIXTURES / "unresolved_references.bpmn").read_bytes()
    (definition,) = deploy([ResourceInput("orders.bpmn", model)]).process_definitions
    # switched off after the deployment (a deployment needing it is refused while it is off)
    engine_settings(LEGATO_JAVASCRIPT=False, LEGATO_BEANS={"logger": "builtins.print"})
    url = reverse("cockpit:definition", args=[definition.id])
    response = user_client.get(url)
    rows = [(r.element, r.problem, r.remedy) for r in response.context["readiness"]]
    assert rows[:3] == [
        ("unresolvedReferences", "Java class com.acme.AuditListener has no Python stand-in",
         'Map it to a Python callable in LEGATO_DELEGATES: '
         '{"com.acme.AuditListener": "package.module.callable"}'),
        ("Charge card", "Java class com.acme.Charge has no Python stand-in",
         'Map it to a Python callable in LEGATO_DELEGATES: '
         '{"com.acme.Charge": "package.module.callable"}'),
        ("Mail receipt", "Bean mailer is not configured",
         'Add it to LEGATO_BEANS: {"mailer": "package.module.object"}'),
    ]
    assert [problem for _element, problem, _remedy in rows[3:]] == [
        "JavaScript scripts are switched off",
        "It calls process shipping, which is not deployed",
        "It evaluates decision rating, which is not deployed",
        "Java class com.acme.Notify has no Python stand-in",
        "Bean tracer is not configured",
    ]
    page = response.content.decode()
    assert "Will fail when reached" in page
    assert "Charge card <code>charge</code>" in page

    engine_settings(
        LEGATO_JAVASCRIPT=True,
        LEGATO_BEANS={name: "builtins.print" for name in ("logger", "mailer", "tracer")},
        LEGATO_DELEGATES={name: "builtins.print" for name in (
            "com.acme.AuditListener", "com.acme.Charge", "com.acme.Notify")},
    )
    deploy([ResourceInput("shipping.bpmn", (FIXTURES / "user_task.bpmn").read_bytes()
                          .replace(b'id="userTask"', b'id="shipping"'))])
    deploy([ResourceInput("rating.dmn", table_xml([("r", ["-"], ["1"])])
                          .replace(b'id="d"', b'id="rating"'))])
    response = user_client.get(url)
    assert response.context["readiness"] == []
    assert "Will fail when reached" not in response.content.decode()


def test_the_page_shows_the_models_documentation_per_element(user_client):
    from engine.services import ResourceInput, deploy
    from tests.engine.runtime.conftest import FIXTURES

    model = (FIXTURES / "user_task.bpmn").read_bytes().replace(
        b'<process id="userTask" isExecutable="true">',
        b'<process id="userTask" isExecutable="true">'
        b"<documentation>Who reviews what.\nTwo lines.</documentation>",
    )
    (definition,) = deploy([ResourceInput("review.bpmn", model)]).process_definitions
    response = user_client.get(reverse("cockpit:definition", args=[definition.id]))
    rows = [(d.element_id, d.kind, d.text) for d in response.context["documentation"]]
    assert rows == [
        ("userTask", "process", "Who reviews what.\nTwo lines."),
        ("review", "user task", "Check ${item}"),
    ]
    page = response.content.decode()
    assert "Who reviews what.<br>Two lines." in page
    plain = deploy_key("invoice")
    page = user_client.get(reverse("cockpit:definition", args=[plain.id])).content.decode()
    assert 'data-testid="documentation"' not in page
