"""A task's last update and state (Camunda 7.20's lastUpdated and taskState): every command
Camunda counts as an update of a task (TaskEntity.triggerUpdateEvent) stamps the task and
runs its `update` listeners; history keeps Created, Updated, Completed or Deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import queries
from engine.models import HistoricTaskInstance, Task
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from engine.services.identity_links import (
    CANDIDATE,
    IdentityLink,
    add_identity_link,
    delete_identity_link,
)
from engine.services.standalone_tasks import create_task
from engine.services.suspension import suspend_process_instance
from tasklist import attachments, comments
from tests.engine.test_task_listener_events import deploy_watched
from tests.factories import one_task_bpmn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

CREATED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def now(monkeypatch):
    """The engine's clock, at CREATED_AT until a test moves it."""
    current = [CREATED_AT]
    monkeypatch.setattr(rt, "clock", lambda: current[0])
    return current


def open_task() -> Task:
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    started = rt.start_process_instance("invoice")
    return Task.objects.get(process_instance_id=started.id)


def state_of(task_id: str) -> tuple[datetime | None, str, str | None]:
    row = Task.objects.get(pk=task_id)
    return row.last_updated, row.task_state, HistoricTaskInstance.objects.get(pk=task_id).task_state


def test_a_new_task_is_created_and_not_updated(now):
    task = open_task()
    assert state_of(task.id) == (None, "Created", "Created")


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(lambda t: rt.set_assignee(t, "demo"), id="assign"),
        pytest.param(lambda t: rt.claim_task(t, "demo"), id="claim"),
        pytest.param(lambda t: rt.unclaim_task(t), id="unclaim-unassigned"),
        pytest.param(lambda t: rt.update_task(t, priority=50), id="save-unchanged"),
        pytest.param(lambda t: rt.update_task(t, name="Check"), id="rename"),
        pytest.param(lambda t: rt.delegate_task(t, "demo"), id="delegate"),
        pytest.param(
            lambda t: add_identity_link(t, IdentityLink(CANDIDATE, group_id="sales")),
            id="add-candidate",
        ),
        pytest.param(
            lambda t: delete_identity_link(t, IdentityLink(CANDIDATE, user_id="nobody")),
            id="delete-absent-candidate",
        ),
        pytest.param(
            lambda t: comments.add_comment(Task.objects.get(pk=t), "checked", user_id="demo"),
            id="comment",
        ),
        pytest.param(
            lambda t: attachments.add_attachment(
                Task.objects.get(pk=t), name="scan", url="https://example.org/scan.pdf"
            ),
            id="attachment",
        ),
        pytest.param(
            lambda t: rt.set_task_variables(t, {"checked": True}, local=True), id="own-variable"
        ),
    ],
)
def test_each_update_command_stamps_the_task_and_its_history(now, command):
    task = open_task()
    now[0] = CREATED_AT + timedelta(minutes=5)
    command(task.id)
    assert state_of(task.id) == (now[0], "Updated", "Updated")


def test_a_variable_of_the_process_set_through_the_task_is_no_update_of_it(now):
    # Camunda's SetTaskVariablesCmd updates the task only when its own variables change.
    task = open_task()
    now[0] = CREATED_AT + timedelta(minutes=5)
    rt.set_task_variables(task.id, {"amount": 10})
    assert state_of(task.id) == (None, "Created", "Created")


def test_a_variable_the_task_holds_itself_set_through_it_updates_it(now):
    # Camunda's SetTaskVariablesCmd: a non-local set that lands on the task's own variable
    task = open_task()
    rt.set_task_variables(task.id, {"note": "first"}, local=True)
    now[0] = CREATED_AT + timedelta(minutes=9)
    rt.set_task_variables(task.id, {"note": "second"})
    assert state_of(task.id) == (now[0], "Updated", "Updated")


def test_a_task_of_no_process_is_updated_by_a_variable_it_holds_not_by_its_parents():
    parent = create_task(name="Parent")
    child = create_task(name="Child", parent_task_id=parent)
    rt.set_task_variables(parent, {"budget": 1}, local=True)
    rt.set_task_variables(child, {"budget": 2})  # goes to the parent, which holds it
    assert Task.objects.get(pk=child).last_updated is None
    rt.set_task_variables(child, {"mine": 1}, local=True)
    first = Task.objects.get(pk=child).last_updated
    rt.set_task_variables(child, {"mine": 2})  # the child holds it itself
    assert Task.objects.get(pk=child).last_updated > first


def test_the_last_update_moves_with_each_one(now):
    task = open_task()
    now[0] = CREATED_AT + timedelta(minutes=5)
    rt.claim_task(task.id, "demo")
    now[0] = CREATED_AT + timedelta(hours=2)
    rt.update_task(task.id, priority=70)
    assert state_of(task.id)[0] == CREATED_AT + timedelta(hours=2)


def test_comments_and_attachments_fire_the_update_listeners():
    deploy_watched()
    started = rt.start_process_instance("watched", variables={"heard": ""})
    task = Task.objects.get(process_instance_id=started.id)
    comment = comments.add_comment(task, "first look", user_id="demo")
    comments.update_comment(task, str(comment.pk), "second look", user_id="demo")
    attachment = attachments.add_attachment(task, name="scan", url="https://example.org/a")
    attachments.delete_attachment(task, str(attachment.pk))
    comments.delete_comments(task, user_id="demo")
    heard = queries.get_variables(started.id)["heard"].value.split()
    assert heard == ["update"] * 5


def test_history_ends_completed_or_deleted(now):
    completed, deleted = open_task(), open_task()
    rt.claim_task(completed.id, "demo")
    rt.complete_task(completed.id)
    rt.delete_process_instance(deleted.process_instance_id, "no longer needed")
    states = dict(
        HistoricTaskInstance.objects.filter(pk__in=[completed.id, deleted.id]).values_list(
            "id", "task_state"
        )
    )
    assert states == {completed.id: "Completed", deleted.id: "Deleted"}


def test_a_task_of_no_process_is_stamped_too():
    task_id = create_task(name="Call the customer")
    assert Task.objects.get(pk=task_id).task_state == "Created"
    rt.set_assignee(task_id, "demo")
    row = Task.objects.get(pk=task_id)
    assert (row.task_state, row.last_updated is not None) == ("Updated", True)
    assert HistoricTaskInstance.objects.get(pk=task_id).task_state == "Updated"
    rt.set_task_variables(task_id, {"called": False}, local=True)
    assert Task.objects.get(pk=task_id).last_updated > row.last_updated


def test_a_suspended_task_takes_comments_and_attachments_as_in_camunda(now):
    task = open_task()
    suspend_process_instance(task.process_instance_id)
    now[0] = CREATED_AT + timedelta(minutes=5)
    comments.add_comment(Task.objects.get(pk=task.id), "on hold", user_id="demo")
    assert state_of(task.id) == (now[0], "Updated", "Updated")
