"""The tasklist's due-date order is served by an index on PostgreSQL (where CI runs the
tasklist's tests): a page of a long list walks `task_due` in order and stops, instead of
sorting every task offered to the user's groups (docs/performance.md, bench_tasklist)."""

from __future__ import annotations

import pytest
from django.db import connection

from engine.queries.tasks import list_tasks
from tasklist.lists import AppliedSort, sorted_tasks

pytestmark = pytest.mark.django_db


def test_the_due_date_order_walks_its_index():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps NULLs first in an ascending index; the order wants them last")
    tasks = list_tasks(candidate_user="clara", candidate_user_groups=["compliance"])
    page = sorted_tasks(tasks, "", AppliedSort(sort="due", order="asc"))[:50]
    with connection.cursor() as cursor:
        # Priced out, so that the small test table does not hide a missing index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    try:
        found = page.explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_sort")
    assert "task_due" in found, found
