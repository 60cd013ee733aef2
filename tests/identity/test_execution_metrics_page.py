"""Admin -> System -> Execution metrics: per month, what the meter logs hold."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from engine.metrics import names, reporter
from engine.metrics.meters import meters
from engine.models import MeterLog, Task, TaskMeterLog
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from identity.resources import Permission, Resource
from tests.factories import one_task_bpmn
from tests.identity.factories import GRANT, grant_applications, make_user, rule

pytestmark = pytest.mark.django_db
URL = "/admin/system/execution-metrics/"


@pytest.fixture(autouse=True)
def no_counts():
    meters.reset()
    yield
    meters.reset()


def cells(page: str, row_marker: str) -> dict[str, str]:
    row = page[page.index(row_marker):]
    row = row[: row.index("</tr>")]
    return dict(re.findall(r'<td class="(\w+)">(\d+)</td>', row))


def test_the_page_shows_this_months_counts_from_real_commands(
    client, settings, django_capture_on_commit_callbacks
):
    settings.LEGATO_JOB_EXECUTOR_IN_PROCESS = True
    client.force_login(make_user("root", settings.LEGATO_ADMIN_GROUP))
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    for assignee in ("kermit", "gonzo"):
        with django_capture_on_commit_callbacks(execute=True):
            started = rt.start_process_instance("invoice", user_id="root")
        task = Task.objects.get(process_instance_id=started.id)
        with django_capture_on_commit_callbacks(execute=True):
            rt.set_assignee(task.id, assignee, user_id="root")
    reporter.flush()
    # One more instance not flushed yet: the current month shows it too.
    with django_capture_on_commit_callbacks(execute=True):
        rt.start_process_instance("invoice", user_id="root")

    page = client.get(URL).content.decode()
    this_month = timezone.now().astimezone(UTC).strftime("%Y-%m")
    assert cells(page, f'data-month="{this_month}"') == {
        "fni": "6", "di": "0", "de": "0", "pi": "3", "tu": "2",
    }
    assert cells(page, 'id="metrics-total"')["pi"] == "3"


def test_earlier_months_come_from_their_rows(client, settings):
    client.force_login(make_user("root", settings.LEGATO_ADMIN_GROUP))
    first = timezone.now().astimezone(UTC).replace(day=1, hour=12)
    last_month = first - timedelta(days=3)
    MeterLog.objects.create(name=names.EXECUTED_DECISION_ELEMENTS, value=18, reporter="a",
                            timestamp=last_month,
                            milliseconds=int(last_month.timestamp() * 1000))
    TaskMeterLog.objects.create(assignee_hash=7, timestamp=last_month)
    TaskMeterLog.objects.create(assignee_hash=7, timestamp=first)
    page = client.get(URL).content.decode()
    previous = cells(page, f'data-month="{last_month.strftime("%Y-%m")}"')
    assert (previous["de"], previous["tu"]) == ("18", "1")
    assert cells(page, 'id="metrics-total"')["tu"] == "1"  # the same user in both months


def test_the_page_needs_read_on_system(client):
    grant_applications("mary", "admin")
    client.force_login(make_user("mary"))
    assert client.get(URL).status_code == 403
    rule(GRANT, Resource.SYSTEM, "*", Permission.READ, user="mary")
    assert client.get(URL).status_code == 200
    assert "Execution metrics" in client.get("/admin/").content.decode()


def test_old_dates_do_not_break_the_page(client, settings):
    client.force_login(make_user("root", settings.LEGATO_ADMIN_GROUP))
    old = datetime(2001, 1, 1, tzinfo=UTC)
    MeterLog.objects.create(name=names.ACTIVITY_INSTANCE_START, value=1, reporter="a",
                            timestamp=old, milliseconds=int(old.timestamp() * 1000))
    assert client.get(URL).status_code == 200
