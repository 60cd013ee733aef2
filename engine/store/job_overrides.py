"""New jobs take the state of their job definition: created suspended under a suspended one,
with its overriding priority when it has one (Camunda's JobDefinition semantics).

Applied as one UPDATE held with the command's other writes, not as a read per job: the job
definition id is known without the database (engine.runtime.job_definitions), and the UPDATE
only touches jobs whose definition overrides something, so a command pays no round trip for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.models import Job, JobDefinition
from engine.store.rows import write

_JOBS = Job._meta.db_table
_DEFINITIONS = JobDefinition._meta.db_table
_STATEMENTS: dict[int, str] = {}


def _statement(count: int) -> str:
    sql = _STATEMENTS.get(count)
    if sql is None:
        of_job = f'd."id" = "{_JOBS}"."job_definition_id"'
        marks = ", ".join(["%s"] * count)
        sql = _STATEMENTS[count] = (
            f'UPDATE "{_JOBS}" SET '
            f'"suspended" = CASE WHEN EXISTS (SELECT 1 FROM "{_DEFINITIONS}" d '
            f'WHERE {of_job} AND d."suspended") THEN TRUE ELSE "{_JOBS}"."suspended" END, '
            f'"priority" = COALESCE((SELECT d."overriding_job_priority" FROM "{_DEFINITIONS}" d '
            f'WHERE {of_job}), "{_JOBS}"."priority") '
            f'WHERE "id" IN ({marks}) AND "job_definition_id" IN (SELECT "id" FROM '
            f'"{_DEFINITIONS}" WHERE "suspended" OR "overriding_job_priority" IS NOT NULL)'
        )
    return sql


def apply_job_definitions(job_ids: Sequence[str]) -> None:
    """Suspend and re-prioritise the given new jobs as their job definitions say."""
    for first in range(0, len(job_ids), 500):
        chunk = list(job_ids[first : first + 500])
        write(_statement(len(chunk)), chunk)
