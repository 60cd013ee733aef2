"""The embedded default's demo: processes deploy, traffic starts instances, work flows, and
some of it fails into incidents."""

import pytest
from django.core.management import call_command

from demo.traffic import DemoTraffic
from engine.jobs.executor import JobExecutorThread
from engine.models import HistoricProcessInstance, Incident, ProcessDefinition, Task

pytestmark = pytest.mark.django_db(transaction=True)


def test_setup_demo_deploys_the_demo_processes_once():
    call_command("setup_demo")
    call_command("setup_demo")
    keys = set(ProcessDefinition.objects.values_list("key", flat=True))
    assert {"kycReview", "lineProvisioning"} <= keys
    assert ProcessDefinition.objects.filter(key="kycReview").count() == 1


def test_demo_traffic_starts_instances_works_them_and_raises_an_incident():
    call_command("setup_demo")
    traffic = DemoTraffic("demo")
    traffic.random.seed(7)
    for _ in range(3):
        traffic.start_one()
    executor = JobExecutorThread()
    while executor.run_once():  # each failing try is recorded; retries run at once
        pass
    traffic.work_external_tasks()

    started = set(HistoricProcessInstance.objects.values_list("process_definition_key", flat=True))
    assert {"kycReview", "lineProvisioning"} <= started
    assert Task.objects.filter(name="Review customer").exists()
    (incident,) = Incident.objects.filter(activity_id="ActivateBilling")
    assert incident.incident_type == "failedJob"
    assert "tariff" in incident.incident_message


def test_the_traffic_thread_starts_instances_until_stopped():
    import time

    call_command("setup_demo")
    traffic = DemoTraffic("demo", start_every=0.2, poll=0.05)
    traffic.start()
    deadline = time.monotonic() + 20
    while not HistoricProcessInstance.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    traffic.stop()
    traffic.join(timeout=10)
    assert not traffic.is_alive()
    assert HistoricProcessInstance.objects.exists()
