from datetime import datetime, timedelta

import pytest
from django.core.management import call_command

from engine.models import (
    Deployment,
    HistoricActivityInstance,
    HistoricIdentityLinkLog,
    HistoricJobLog,
    HistoricProcessInstance,
    HistoricTaskInstance,
    ProcessDefinition,
    UserOperationLog,
)
from identity.cleanup import cleanup_history, in_window, parse_window
from identity.models import HistoryCleanupRun
from tests.identity.history_rows import T0, instance

pytestmark = pytest.mark.django_db

NOW = T0 + timedelta(days=30)


def definition(key: str, ttl: int | None) -> str:
    deployment = Deployment.objects.create(id=f"d-{key}", name=key, deployment_time=T0)
    return ProcessDefinition.objects.create(
        id=f"{key}:1:x", key=key, version=1, deployment=deployment,
        resource_name=f"{key}.bpmn", history_time_to_live=ttl,
    ).id


def test_expired_history_is_removed_and_the_rest_is_kept(settings):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    short, long, forever = definition("short", 5), definition("long", 100), definition("keep", None)
    instance("old", "short", end=T0, definition_id=short)
    instance("fresh", "short", end=NOW - timedelta(days=1), definition_id=short)
    instance("running", "short", definition_id=short)
    instance("long", "long", end=T0, definition_id=long)
    instance("forever", "keep", end=T0, definition_id=forever)
    for instance_id in ("old", "fresh"):
        HistoricJobLog.objects.create(
            timestamp=T0, state="created", job_id=f"j-{instance_id}", job_type="timer",
            process_instance_id=instance_id, process_definition_id=short,
            process_definition_key="short",
        )
    run = cleanup_history(NOW, batch_size=10)
    assert sorted(HistoricProcessInstance.objects.values_list("id", flat=True)) == [
        "forever", "fresh", "long", "running"
    ]
    assert not HistoricActivityInstance.objects.filter(process_instance_id="old").exists()
    assert not HistoricTaskInstance.objects.filter(process_instance_id="old").exists()
    assert run.instances_removed == 1
    assert run.rows_removed["activities"] == 1
    assert (run.rows_removed["identity_links"], run.rows_removed["job_log"]) == (1, 1)
    assert not HistoricIdentityLinkLog.objects.filter(process_instance_id="old").exists()
    assert list(HistoricJobLog.objects.values_list("job_id", flat=True)) == ["j-fresh"]
    assert run.removed_by_key == {"short": 1}
    op = UserOperationLog.objects.get(operation_type="DeleteHistory", property="nrOfInstances")
    assert op.new_value == "1"


def test_cleanup_works_in_batches_and_records_the_run(settings):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    short = definition("short", 1)
    for n in range(5):
        instance(f"pi-{n}", "short", end=T0, definition_id=short)
    run = cleanup_history(NOW, batch_size=2)
    assert (run.instances_removed, run.batches) == (5, 3)
    assert HistoryCleanupRun.objects.get().outcome == "nothing left to remove"


def test_max_batches_stops_early(settings):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    short = definition("short", 1)
    for n in range(3):
        instance(f"pi-{n}", "short", end=T0, definition_id=short)
    run = cleanup_history(NOW, batch_size=1, max_batches=2)
    assert run.instances_removed == 2
    assert HistoricProcessInstance.objects.count() == 1


def test_outside_the_window_nothing_is_removed_and_nothing_recorded(settings):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = "22:00-06:00"
    short = definition("short", 1)
    instance("old", "short", end=T0, definition_id=short)
    noon = datetime.fromisoformat("2026-02-01T12:00:00+00:00")
    assert cleanup_history(noon) is None
    assert HistoricProcessInstance.objects.count() == 1
    assert not HistoryCleanupRun.objects.exists()


def test_the_window_can_span_midnight():
    window = parse_window("22:00-06:00")
    at = lambda hm: datetime.fromisoformat(f"2026-02-01T{hm}:00+00:00")  # noqa: E731
    assert in_window(at("23:30"), window)
    assert in_window(at("05:59"), window)
    assert not in_window(at("12:00"), window)
    assert in_window(at("12:00"), parse_window(""))


def test_the_command_runs_now_when_asked(settings, capsys):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = "22:00-22:01"
    call_command("history_cleanup", "--now")
    assert "Removed the history of 0 process instances" in capsys.readouterr().out


def test_auditors_see_cleanup_runs_on_their_page(client, settings):
    settings.LEGATO_HISTORY_CLEANUP_WINDOW = ""
    short = definition("short", 1)
    instance("old", "short", end=T0, definition_id=short)
    cleanup_history(NOW)
    from tests.identity.factories import make_user

    client.force_login(make_user("root", settings.LEGATO_ADMIN_GROUP))
    page = client.get("/audit/").content.decode()
    assert "short 1" in page
    assert "nothing left to remove" in page


def test_auditors_see_what_the_next_run_would_remove(client, settings):
    from tests.identity.factories import make_user

    short, keep = definition("short", 1), definition("keep", None)
    instance("old", "short", end=T0, definition_id=short)
    instance("recent", "short", end=datetime.now(T0.tzinfo), definition_id=short)
    instance("kept", "keep", end=T0, definition_id=keep)
    instance("running", "short", definition_id=short)
    client.force_login(make_user("root", settings.LEGATO_ADMIN_GROUP))
    rows = client.get("/audit/").context["cleanable"]
    assert [(d.key, d.history_time_to_live, d.finished, d.cleanable) for d in rows] == [
        ("short", 1, 2, 1), ("keep", None, 1, 0)
    ]


def test_auditors_see_the_finished_batches_the_next_run_would_remove(client, settings):
    from batches.models import Batch, BatchState
    from tests.identity.factories import make_user

    settings.LEGATO_BATCH_HISTORY_TIME_TO_LIVE_DAYS = 3
    Batch.objects.create(type="instance-deletion", state=BatchState.COMPLETED,
                         created_by="root", ended=T0)
    client.force_login(make_user("root", settings.LEGATO_ADMIN_GROUP))
    page = client.get("/audit/")
    (line,) = page.context["cleanable_batches"]
    assert (line.batch_type, line.history_time_to_live, line.finished, line.cleanable) == (
        "instance-deletion", 3, 1, 1
    )
    assert 'data-testid="cleanable-batches"' in page.content.decode()
