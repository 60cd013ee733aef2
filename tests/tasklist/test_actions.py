"""Task page actions: who may claim, unclaim, assign, delegate, set dates and comment."""

from datetime import datetime

import pytest
from django.utils import timezone

from engine.models import Task, TaskCandidate
from engine.services import runtime
from tasklist.models import TaskComment
from tests.tasklist.conftest import login, start_kyc

pytestmark = pytest.mark.django_db


def notices(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_candidate_claims_and_unclaims(demo, alice):
    task = start_kyc()
    client = login(alice)
    response = client.post(f"/tasklist/tasks/{task.id}/claim/", follow=True)
    assert "You claimed “Review customer”." in notices(response)
    assert Task.objects.get(pk=task.id).assignee == "alice"
    client.post(f"/tasklist/tasks/{task.id}/unclaim/")
    assert Task.objects.get(pk=task.id).assignee is None


def test_a_user_who_is_not_a_candidate_cannot_claim_and_is_told_why(demo, mallory):
    task = start_kyc()
    response = login(mallory).post(f"/tasklist/tasks/{task.id}/claim/", follow=True)
    assert "may not claim the task 'Review customer'" in notices(response)
    assert "neither its assignee nor a candidate" in notices(response)
    assert Task.objects.get(pk=task.id).assignee is None


def test_a_user_who_is_not_involved_cannot_open_the_task(demo, mallory):
    task = start_kyc()
    response = login(mallory).get(f"/tasklist/tasks/{task.id}/")
    assert response.status_code == 403
    assert "may not see the task" in response.content.decode()
    assert login(mallory).get(f"/tasklist/tasks/{task.id}/diagram.xml").status_code == 404


def test_claiming_a_task_someone_else_holds_is_refused_in_words(demo, alice, bob):
    task = start_kyc()
    runtime.claim_task(task.id, "alice")
    response = login(bob).post(f"/tasklist/tasks/{task.id}/claim/", follow=True)
    assert "already claimed by someone else" in notices(response)
    assert Task.objects.get(pk=task.id).assignee == "alice"


def test_a_candidate_assigns_and_delegates_and_the_delegate_resolves(demo, alice, bob):
    task = start_kyc()
    login(alice).post(f"/tasklist/tasks/{task.id}/assign/", {"assignee": "alice"})
    login(alice).post(f"/tasklist/tasks/{task.id}/delegate/", {"assignee": "bob"})
    delegated = Task.objects.get(pk=task.id)
    assert (delegated.assignee, delegated.owner, delegated.delegation_state) == (
        "bob",
        "alice",
        "PENDING",
    )
    response = login(bob).post(
        f"/tasklist/tasks/{task.id}/complete/", {"riskScore": "10", "riskLevel": "low"}, follow=True
    )
    assert "resolved; it is back with alice" in notices(response)
    resolved = Task.objects.get(pk=task.id)
    assert (resolved.assignee, resolved.delegation_state) == ("alice", "RESOLVED")


def test_due_and_follow_up_dates_are_set_from_the_page(demo, alice):
    task = start_kyc()
    login(alice).post(
        f"/tasklist/tasks/{task.id}/dates/",
        {"due_date": "2030-05-01T09:30", "follow_up_date": "2030-04-28"},
    )
    saved = Task.objects.get(pk=task.id)
    assert saved.due_date == timezone.make_aware(datetime(2030, 5, 1, 9, 30))
    assert saved.follow_up_date == timezone.make_aware(datetime(2030, 4, 28))


def test_a_bad_date_is_refused_in_words(demo, alice):
    task = start_kyc()
    response = login(alice).post(
        f"/tasklist/tasks/{task.id}/dates/", {"due_date": "next tuesday"}, follow=True
    )
    assert "“next tuesday” is not a date" in notices(response)


def test_comments_are_added_by_candidates_and_shown_on_the_page(demo, alice, mallory):
    task = start_kyc()
    login(alice).post(f"/tasklist/tasks/{task.id}/comments/", {"message": "Passport checked."})
    comment = TaskComment.objects.get()
    assert (comment.user_id, comment.task_id) == ("alice", task.id)
    assert comment.process_instance_id == task.process_instance_id
    assert "Passport checked." in login(alice).get(f"/tasklist/tasks/{task.id}/").content.decode()
    login(mallory).post(f"/tasklist/tasks/{task.id}/comments/", {"message": "hi"})
    assert TaskComment.objects.count() == 1


def test_the_task_page_shows_process_business_key_history_and_diagram(demo, alice):
    task = start_kyc(business_key="KYC-42")
    body = login(alice).get(f"/tasklist/tasks/{task.id}/").content.decode()
    assert "KYC review" in body
    assert "KYC-42" in body
    assert "Check the customer&#x27;s identity documents" in body
    assert 'data-activity-id="review"' in body
    assert "Customer onboarded" in body  # the start event, from the instance's history
    xml = login(alice).get(f"/tasklist/tasks/{task.id}/diagram.xml")
    assert xml.status_code == 200
    assert b'bpmnElement="review"' in xml.content


def test_a_completed_task_page_says_it_is_gone(demo, alice):
    task = start_kyc()
    runtime.claim_task(task.id, "alice")
    runtime.complete_task(task.id, {"riskScore": 1})
    response = login(alice).get(f"/tasklist/tasks/{task.id}/")
    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()


def test_an_assigner_offers_the_task_to_a_group_and_takes_the_offer_back(demo, alice, mallory):
    task = start_kyc()
    runtime.claim_task(task.id, "alice")
    client = login(alice)
    added = client.post(
        f"/tasklist/tasks/{task.id}/candidates/", {"kind": "group", "name": "sales"}, follow=True
    )
    assert "Offered to the group sales." in notices(added)
    assert "group sales" in added.content.decode()
    assert login(mallory).get(f"/tasklist/tasks/{task.id}/").status_code == 200  # sales member
    removed = client.post(
        f"/tasklist/tasks/{task.id}/candidates/",
        {"kind": "group", "name": "sales", "remove": "1"},
        follow=True,
    )
    assert "The group sales is no longer a candidate." in notices(removed)
    assert login(mallory).get(f"/tasklist/tasks/{task.id}/").status_code == 403


def test_changing_candidates_needs_the_assign_right(demo, mallory):
    task = start_kyc()
    response = login(mallory).post(
        f"/tasklist/tasks/{task.id}/candidates/", {"kind": "group", "name": "sales"}, follow=True
    )
    assert "may not change the candidates of" in notices(response)
    assert not TaskCandidate.objects.filter(task_id=task.id, group_id="sales").exists()


def test_the_task_page_shows_the_task_history_to_who_may_read_the_log(demo, demo_user, alice):
    task = start_kyc()
    runtime.claim_task(task.id, "alice", user_id="alice")
    runtime.update_task(task.id, priority=80, user_id="alice")
    admin = login(demo_user)
    page = admin.get(f"/tasklist/tasks/{task.id}/").content.decode()
    log = page[page.index('data-testid="task-log"'):]
    assert log.index("Update") < log.index("Claim")  # newest first
    assert "assignee: — → alice" in log
    assert "priority: 50 → 80" in log
    # alice works on the task but may not read the operation log (Camunda: READ_HISTORY)
    mine = login(alice).get(f"/tasklist/tasks/{task.id}/").content.decode()
    assert "Nothing recorded that you may read." in mine
