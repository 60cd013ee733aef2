"""The queries Cockpit and Tasklist run across instances are served by an index: a task list
by assignee, candidate group or instance, instances by definition key, business key and state,
history by instance and by time range, the instances a call activity started; and so are
the engine's own lookups across instances: due jobs, external tasks by topic, subscriptions
by message name, variables by name and value (correlation keys).

Each query's plan is asked of the database itself (EXPLAIN), with sequential scans priced out
on PostgreSQL so that an empty test table does not hide a missing index; the plan must name the
index the query needs, which a full scan of some other index would not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import QuerySet

from cockpit.queries import ended_activity_instances
from engine.jobs.acquisition import acquirable
from engine.models import EventSubscription, Execution, VariableInstance
from engine.queries.history import (
    list_historic_activity_instances,
    list_historic_details,
    list_historic_process_instances,
    list_historic_tasks,
    list_historic_variables,
    list_user_operations,
)
from engine.queries.instances import list_process_instances
from engine.queries.tasks import list_tasks
from engine.services.external_tasks import available

pytestmark = pytest.mark.django_db

SINCE = datetime(2026, 1, 1, tzinfo=UTC)
UNTIL = datetime(2026, 2, 1, tzinfo=UTC)

# (what the query is for, the query, the index its plan must use)
QUERIES: list[tuple[str, Callable[[], QuerySet], str]] = [
    ("tasks of an assignee", lambda: list_tasks(assignee="demo"), "task_assignee"),
    ("tasks of an instance", lambda: list_tasks(process_instance_id="i-1"), "task_instance"),
    (
        "tasks offered to a candidate group",
        lambda: list_tasks(candidate_group="sales"),
        "candidate_group",
    ),
    (
        "running instances by business key",
        lambda: list_process_instances(business_key="order-1"),
        "instance_business_key",
    ),
    (
        "running instances of a definition",
        lambda: list_process_instances(process_definition_id="kyc:1:x"),
        "instance_definition_start",
    ),
    (
        "instances a running instance called",
        lambda: list_process_instances(super_process_instance_id="i-1"),
        "instance_super",
    ),
    (
        "historic instances by key and state",
        lambda: list_historic_process_instances(process_definition_key="kyc", state="ACTIVE"),
        "hi_instance_key",
    ),
    (
        "historic instances by business key",
        lambda: list_historic_process_instances(business_key="order-1"),
        "hi_instance_business_key",
    ),
    (
        "historic instances started in a time range",
        lambda: list_historic_process_instances(started_after=SINCE, started_before=UNTIL),
        "hi_instance_start",
    ),
    (
        "historic instances ended in a time range",
        lambda: list_historic_process_instances(finished_after=SINCE, finished_before=UNTIL),
        "hi_instance_end",
    ),
    (
        "instances a call activity started (the cockpit's instance page)",
        lambda: list_historic_process_instances(super_process_instance_id="i-1"),
        "hi_instance_super",
    ),
    (
        "activity history of an instance",
        lambda: list_historic_activity_instances(process_instance_id="i-1"),
        "hi_act_instance",
    ),
    (
        "activities started in a time range",
        lambda: list_historic_activity_instances(started_after=SINCE, started_before=UNTIL),
        "hi_act_start",
    ),
    (
        "task history of an instance",
        lambda: list_historic_tasks(process_instance_id="i-1"),
        "hi_task_instance",
    ),
    (
        "variable history of an instance",
        lambda: list_historic_variables(process_instance_id="i-1"),
        "hi_variable_instance",
    ),
    (
        "variable updates of an instance",
        lambda: list_historic_details(process_instance_id="i-1"),
        "hi_detail_instance",
    ),
    (
        "operation log of an instance",
        lambda: list_user_operations(process_instance_id="i-1"),
        "process_instance_id",
    ),
    (
        "operation log in a time range",
        lambda: list_user_operations(after=SINCE, before=UNTIL),
        "timestamp",
    ),
    (
        "a definition's ended activities (the cockpit's History and Heatmap views)",
        lambda: ended_activity_instances("kyc:1:x"),
        "hi_act_definition",
    ),
    (
        "a definition's tokens per activity (the cockpit's diagram badges)",
        lambda: Execution.objects.filter(process_definition_id="kyc:1:x", activity_id="review"),
        "execution_definition",
    ),
    ("due jobs the executor acquires", lambda: acquirable(UNTIL), "job_due"),
    (
        "external tasks a worker fetches",
        lambda: available(UNTIL).filter(topic_name="mail"),
        "external_task_topic",
    ),
    (
        "waiting executions a message correlates to (as the store asks)",
        lambda: EventSubscription.objects.filter(
            event_type="message", event_name="Paid", process_instance_id__isnull=False
        ),
        "subscription_event",
    ),
    (
        "variables by name and value (correlation keys, variable filters)",
        lambda: VariableInstance.objects.filter(name="orderId", text_value="o-1"),
        # (name, text_value) or (name, long_value): on empty tables PostgreSQL's estimates
        # tie and it may take either; both start with the name.
        "variable_name_",
    ),
]



def plan(rows: QuerySet) -> str:
    """The plan of `rows` without their ORDER BY: the filter alone must find its index."""
    query = rows.order_by()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            return query.explain()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_seqscan")
    return query.explain()


@pytest.mark.parametrize(
    ("purpose", "query", "index"), QUERIES, ids=[purpose for purpose, _, _ in QUERIES]
)
def test_the_query_is_served_by_its_index(
    purpose: str, query: Callable[[], QuerySet], index: str
) -> None:
    found = plan(query())
    assert index in found, f"{purpose}: no index {index!r} in the plan\n{found}"
