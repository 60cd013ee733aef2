"""The operator's day in a real browser, with a real Celery worker running the jobs.

A job fails and its incident badge appears on the open diagram without reload; the operator
opens the incident, reads the error, fixes the variable, retries; the instance completes and
the badge disappears live; a bulk retry of 200 incidents shows its progress up to 100%.
"""

import re

import pytest
from playwright.sync_api import expect

from engine.models import ExternalTask, Incident, Task
from engine.services import ResourceInput, deploy
from engine.services.external_tasks import set_retries
from engine.services.runtime import claim_task, start_process_instance
from tests import live
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_login import log_in
from tests.cockpit.samples import failing_process
from tests.factories import bpmn_document, one_task_bpmn

pytestmark = pytest.mark.django_db(transaction=True)
NARROW = {"width": 375, "height": 800}
SLOW = 30_000  # a Celery round trip on a shared machine


@pytest.fixture
def worker(live_server_url, channel_prefix):
    """A real worker on the default queue, where the web server and this test send jobs."""
    with live.celery_worker(channel_prefix, "celery"):
        yield


def badge(page, kind: str):
    return page.locator(f'.activity-counts[data-activity-id="calc"] .{kind}')


def test_an_operator_fixes_a_failed_job_and_sees_it_live(
    page, browser, live_server_url, demo_user, worker, screenshot
):
    (definition,) = deploy(
        [ResourceInput("payment.bpmn", failing_process())], name="payment"
    ).process_definitions
    log_in(page, live_server_url, "demo", "demo")
    # A second screen keeps the definition's diagram open the whole time.
    watcher = page.context.new_page()
    watcher.goto(f"{live_server_url}/cockpit/processes/{definition.id}/")
    expect(watcher.locator('[data-element-id="calc"]')).to_be_visible()
    expect(watcher.locator("#live-status")).to_have_text("live")
    expect(badge(watcher, "incidents")).to_have_count(0)

    instance = start_process_instance("payment", business_key="order-7")
    # The worker runs the job, it fails once (R1), the incident is raised and published.
    expect(badge(watcher, "incidents")).to_have_text("1", timeout=SLOW)
    expect(watcher.get_by_test_id("instance-table")).to_contain_text("order-7")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    watcher.screenshot(path=str(ARTIFACTS / "cockpit-definition-incident-1280.png"), full_page=True)

    page.goto(live_server_url + "/cockpit/")
    expect(page.get_by_test_id("open-incidents")).to_have_text("1")
    screenshot("cockpit-dashboard-live-1280")
    page.get_by_role("navigation", name="Cockpit").get_by_role("link", name="Incidents").click()
    row = page.get_by_test_id("incident-table").get_by_role("row", name=re.compile("amount"))
    expect(row).to_contain_text("failedJob")
    screenshot("cockpit-incidents-1280")
    row.get_by_role("link", name=re.compile("amount")).click()

    expect(page).to_have_url(re.compile(f"/cockpit/instances/{instance.id}/"))
    message = page.get_by_test_id("incident-message")
    expect(message).to_contain_text("Cannot resolve identifier 'amount'")
    expect(page.locator(".djs-element.legato-incident")).to_have_count(1)
    page.get_by_text("Stack trace").click()
    expect(page.locator(".stacktrace")).to_contain_text("Traceback")
    screenshot("cockpit-instance-incident-1280")

    page.get_by_label("Name").fill("amount")
    page.get_by_label("Type", exact=True).select_option("Integer")
    page.get_by_label("Value", exact=True).fill("twenty")
    page.get_by_role("button", name="Add variable").click()
    expect(page.get_by_role("status", name="Messages")).to_contain_text("is not a whole number")
    # nothing was added: the instance still has no variables, so its form is open as before
    expect(page.get_by_label("Name")).to_be_visible()
    page.get_by_label("Name").fill("amount")
    page.get_by_label("Type", exact=True).select_option("Integer")
    page.get_by_label("Value", exact=True).fill("21")
    page.get_by_role("button", name="Add variable").click()
    expect(page.get_by_test_id("variables")).to_contain_text("amount")

    page.get_by_role("button", name="Retry").click()
    # The job runs again in the worker and the instance ends: the page follows by itself.
    expect(page.get_by_test_id("instance-state")).to_have_text("Completed", timeout=SLOW)
    expect(page.get_by_test_id("timeline")).to_contain_text("by demo")
    screenshot("cockpit-instance-finished-1280")
    expect(badge(watcher, "incidents")).to_have_count(0, timeout=SLOW)
    expect(badge(watcher, "running")).to_have_count(0, timeout=SLOW)
    watcher.screenshot(path=str(ARTIFACTS / "cockpit-definition-cleared-1280.png"), full_page=True)

    page.set_viewport_size(NARROW)
    page.reload()
    expect(page.get_by_test_id("instance-state")).to_have_text("Completed")
    screenshot("cockpit-instance-finished-375")


WORKER = """<bpmn:process id="worker" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work" />
  <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="work" />
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""


def external_task_incidents(count: int) -> None:
    deploy([ResourceInput("worker.bpmn", bpmn_document(WORKER))], name="worker")
    for _ in range(count):
        instance = start_process_instance("worker")
        task = ExternalTask.objects.get(process_instance_id=instance.id)
        set_retries(task.id, 0, user_id="demo")


def test_a_bulk_retry_of_200_incidents_reports_progress_to_100_percent(
    page, live_server_url, demo_user, worker, screenshot
):
    external_task_incidents(200)
    log_in(page, live_server_url, "demo", "demo")
    page.goto(live_server_url + "/cockpit/incidents/?type=failedExternalTask")
    expect(page.get_by_test_id("incident-count")).to_contain_text("200 open incidents")
    page.get_by_role("button", name="Retry all 200 matching").click()
    expect(page).to_have_url(re.compile(r"/cockpit/batches/[0-9a-f-]+/$"))
    expect(page.get_by_test_id("batch-percent")).to_have_text("100%", timeout=60_000)
    expect(page.get_by_test_id("batch-done")).to_have_text("200 retried", timeout=SLOW)
    expect(page.get_by_test_id("batch-state")).to_have_text("Finished", timeout=SLOW)
    screenshot("cockpit-batch-1280")
    assert not Incident.objects.exists()
    page.set_viewport_size(NARROW)
    page.goto(live_server_url + "/cockpit/incidents/")
    expect(page.get_by_text("No open incidents.")).to_be_visible()
    screenshot("cockpit-incidents-empty-375")


def test_a_form_opened_on_the_instance_page_stays_open_through_a_live_refresh(
    page, live_server_url, demo_user
):
    deploy([ResourceInput("review.bpmn", one_task_bpmn("review"))], name="review")
    instance = start_process_instance("review", variables={"amount": 1})
    task = Task.objects.get(process_instance_id=instance.id)
    log_in(page, live_server_url, "demo", "demo")
    page.goto(live_server_url + f"/cockpit/instances/{instance.id}/")
    expect(page.locator("#live-status")).to_have_text("live")
    name = page.get_by_label("Name")
    expect(name).to_be_hidden()  # the instance has variables: the form starts folded
    page.get_by_text("Add a variable").click()
    expect(name).to_be_visible()

    claim_task(task.id, "demo")  # elsewhere: the page re-reads its sections
    expect(page.locator(f"#assignee-{task.id}")).to_have_value("demo", timeout=SLOW)
    expect(name).to_be_visible()
    name.fill("note")  # still the form the operator opened


def test_a_lost_live_message_is_made_up_for_at_the_next_heartbeat(
    page, live_server_url, demo_user, redis_url, channel_prefix
):
    import redis

    deploy([ResourceInput("review.bpmn", one_task_bpmn("review"))], name="review")
    instance = start_process_instance("review")
    task = Task.objects.get(process_instance_id=instance.id)
    log_in(page, live_server_url, "demo", "demo")
    page.goto(live_server_url + f"/cockpit/instances/{instance.id}/")
    expect(page.locator("#live-status")).to_have_text("live")
    claim_task(task.id, "demo")  # heard: after it, the page has nothing left to re-read
    assignee = page.locator(f"#assignee-{task.id}")
    expect(assignee).to_have_value("demo", timeout=SLOW)
    page.wait_for_timeout(1000)  # a refresh waits 150 ms for more events: let it be done

    # What a dropped message leaves behind: the change is in the database, and its number
    # was taken in the group the operator listens to, but nothing arrived.
    Task.objects.filter(pk=task.id).update(assignee="mary")
    redis.Redis.from_url(redis_url).incr(f"{channel_prefix}:seq:cockpit")
    expect(assignee).to_have_value("mary", timeout=SLOW)


def test_a_live_refresh_that_fails_is_tried_again(page, live_server_url, demo_user):
    deploy([ResourceInput("review.bpmn", one_task_bpmn("review"))], name="review")
    instance = start_process_instance("review")
    task = Task.objects.get(process_instance_id=instance.id)
    log_in(page, live_server_url, "demo", "demo")
    page.goto(live_server_url + f"/cockpit/instances/{instance.id}/")
    expect(page.locator("#live-status")).to_have_text("live")
    page.wait_for_timeout(1000)  # the socket's hello re-reads once: let it be done

    failed = []

    def fail_once(route):
        if failed:
            route.continue_()
        else:
            failed.append(route.request.url)
            route.abort()  # the server did not answer

    page.route("**/*part=sections*", fail_once)
    claim_task(task.id, "demo")
    expect(page.locator(f"#assignee-{task.id}")).to_have_value("demo", timeout=SLOW)
    assert failed
