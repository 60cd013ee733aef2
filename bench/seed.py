"""Seeded PostgreSQL databases for the page and export benches (bench_cockpit, bench_tasklist,
bench_export), and how a page's server time is measured against them.

Seeding is realistic but fast. The demo models are deployed through `engine.services.deploy`
and a few instances are started and worked through the service API (claimed, completed, an
external task failed into an incident): their rows are the templates. Then every row of a
template instance, runtime and history alike, is cloned N times by one
`INSERT ... SELECT ... CROSS JOIN generate_series(1, N)` per table. A clone's ids are the
template's ids with the last 12 hex digits of every UUID in them replaced by the clone number
(`bench_remap`), so the references between rows, composite ids (`ReviewCustomer:<uuid>`,
`<instance>/<variable>`) and the ids inside the instance's state JSON all stay consistent
without a lookup table. Clone number g is also moved g * step seconds into the past.

The bench databases are `legato_bench_<purpose>_<pid>` on BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432), created here and dropped at the end, also on failure.
Cloned user operation log rows keep their template's hashes: the audit chain of a bench
database is not meant to verify.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import common  # noqa: F401 - puts the project root on sys.path

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
ADMIN = "admin"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-([0-9a-f]{12})")
UUID_AT_START = re.compile("^" + UUID.pattern)
UUID_AT_END = re.compile(UUID.pattern + "$")

# Columns holding ids of the instance's own things (remapped per clone); everything else
# (definition ids, names, values) is copied as it is.
ID_COLUMNS = {
    "id",
    "process_instance_id",
    "super_process_instance_id",
    "super_execution_id",
    "execution_id",
    "parent_id",
    "public_id",
    "activity_instance_id",
    "parent_activity_instance_id",
    "task_id",
    "called_process_instance_id",
    "variable_instance_id",
    "operation_id",
    "cause_incident_id",
    "root_cause_incident_id",
    "configuration",
    "user_operation_id",
}


def _admin_url(database: str = "postgres") -> str:
    return f"{POSTGRES_URL.rstrip('/')}/{database}"


def _admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(statement)


@contextmanager
def bench_database(purpose: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this process's Django; dropped afterwards.

    Django is set up here (settings read DATABASE_URL once), so call this before importing
    anything that needs models, and once per process.
    """
    name = f"legato_bench_{purpose}_{os.getpid()}"
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
    _admin_sql(f'CREATE DATABASE "{name}"')
    try:
        os.environ["DATABASE_URL"] = _admin_url(name)
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        os.environ["LEGATO_DEMO"] = "0"
        os.environ["LEGATO_DEMO_TRAFFIC"] = "0"
        os.environ["LEGATO_HISTORY_LEVEL"] = "full"
        os.environ.pop("REDIS_URL", None)  # no broker: nothing is dispatched anywhere
        os.environ["LEGATO_JOB_EXECUTOR_IN_PROCESS"] = "0"  # seeded timers must not fire
        import django

        # Spawned worker processes inherit this environment and call django.setup() too.
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        _create_remap_function()
        yield name
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
            pass
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _create_remap_function() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # Every id the engine writes is a UUID, alone or with a prefix (`ReviewCustomer:<uuid>`)
        # or a suffix (`<uuid>/customerName`). Plain string functions, not a regular
        # expression: that costs ~10 us a value, too slow for millions. A one-statement SQL
        # function is inlined by the planner, so there is no call overhead per row either.
        cursor.execute(
            "CREATE FUNCTION bench_remap(value text, h text) RETURNS text"
            " LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
            " SELECT CASE"
            " WHEN substr(value, 9, 1) = '-' AND substr(value, 24, 1) = '-'"
            " THEN left(value, 24) || h || substr(value, 37)"
            " ELSE left(value, -12) || h END $$"
        )


# -- templates --------------------------------------------------------------------------------


@dataclass
class Templates:
    """Instances started and worked through the service API, to be cloned."""

    kyc_definition_id: str
    line_definition_id: str
    # KYC review unassigned, claimed by clara, with changed variables; then (with
    # line_provisioning) a line provisioning at its external tasks and one with an incident.
    running: list[str]
    finished: list[str]  # completed KYC reviews, approved and rejected


def create_users() -> None:
    """`admin` (superuser) and `clara`, a compliance officer (business user, no admin)."""
    from django.contrib.auth.models import Group, User

    from identity.models import Authorization, AuthorizationType
    from identity.resources import Permission, Resource

    User.objects.create_superuser(ADMIN, "admin@example.com", "admin")
    clara = User.objects.create_user("clara", "clara@example.com", "clara")
    for group in ("compliance", "provisioning"):
        clara.groups.add(Group.objects.get_or_create(name=group)[0])
    # Without Application ACCESS the tasklist answers her with its 403 page.
    Authorization.objects.create(
        type=AuthorizationType.GRANT, user_id="clara", resource_type=Resource.APPLICATION,
        resource_id="tasklist", permissions=[Permission.ACCESS],
    )


def seed_templates(*, line_provisioning: bool = True, finished: bool = True) -> Templates:
    """Deploy the demo models and start/work a handful of instances through the service API.

    The engine's id factories (`Environment.new_id`, and the store's for history and
    variable rows) are set to uuid4 meanwhile: bench_remap knows that shape, whatever shape
    the engine's default ids have.
    """
    from engine.services.runtime import environment
    from engine.store import django_store

    env = environment()
    default_ids, default_row_ids = env.new_id, django_store._new_id
    env.new_id = django_store._new_id = lambda: str(uuid.uuid4())
    try:
        templates = _work_templates(line_provisioning, finished)
    finally:
        env.new_id, django_store._new_id = default_ids, default_row_ids
    _check_id_shapes(templates.running + templates.finished)
    return templates


def _work_templates(line_provisioning: bool, finished: bool) -> Templates:
    from demo.setup import demo_resources
    from engine.models import Task
    from engine.services import deploy
    from engine.services.external_tasks import TopicRequest, fetch_and_lock, handle_failure
    from engine.services.runtime import (
        claim_task,
        complete_task,
        set_variables,
        start_process_instance,
    )

    result = deploy(demo_resources(), name="Legato bench", user_id=ADMIN)
    ids = {d.key: d.id for d in result.process_definitions}

    def kyc(n: int) -> str:
        variables = {"customerName": f"Customer {n}", "country": "DE", "riskScore": 10 + n}
        return start_process_instance(
            "kycReview", variables=variables, business_key=f"customer-{n}", user_id=ADMIN
        ).id

    def task_of(instance_id: str) -> str:
        return Task.objects.get(process_instance_id=instance_id).id

    running = [kyc(1), kyc(2), kyc(3)]
    claim_task(task_of(running[1]), "clara", user_id="clara")
    set_variables(running[2], {"riskScore": 70, "note": "second look"}, user_id=ADMIN)
    if line_provisioning:
        variables = {"tariff": "fiber", "customerName": "Line customer"}
        for n in (1, 2):
            running.append(
                start_process_instance(
                    "lineProvisioning",
                    variables=variables,
                    business_key=f"line-{n}",
                    user_id=ADMIN,
                ).id
            )
        locked = fetch_and_lock("bench-worker", 1, [TopicRequest("configure-network", 60_000)])
        # The failing one goes last: running[-1] is the instance with the incident.
        failing = locked[0].row.process_instance_id
        running.sort(key=lambda instance_id: instance_id == failing)
        handle_failure(
            locked[0].row.id,
            "bench-worker",
            error_message="Switch port 4 did not answer",
            error_details="TimeoutError: no reply within 30 s\n  at configure(port=4)",
            retries=0,
        )
    done = []
    if finished:
        for n in (4, 5):
            instance_id = kyc(n)
            claim_task(task_of(instance_id), "clara", user_id="clara")
            complete_task(
                task_of(instance_id),
                {"approved": n == 4, "reviewNote": "checked"},
                user_id="clara",
            )
            done.append(instance_id)
    return Templates(ids["kycReview"], ids.get("lineProvisioning", ""), running, done)


LENIENT = {"operation_id", "user_operation_id"}


def _check_id_shapes(instance_ids: list[str]) -> None:
    """Every id a clone remaps must start or end with a UUID (see bench_remap), or clones
    would collide."""
    for model in _clone_models():
        names = [f.attname for f in model._meta.concrete_fields if f.column in ID_COLUMNS]
        if model._meta.model_name == "taskcandidate":
            rows = model.objects.filter(task__process_instance_id__in=instance_ids)
        elif model._meta.model_name in ("processinstance", "historicprocessinstance"):
            rows = model.objects.filter(pk__in=instance_ids)
        else:
            rows = model.objects.filter(process_instance_id__in=instance_ids)
        for row in rows.values(*names):
            for name, value in row.items():
                # Serial ids are fresh per clone; operation ids may repeat harmlessly.
                if value is None or isinstance(value, int) or name in LENIENT:
                    continue
                text = str(value)
                if not (UUID_AT_START.match(text) or UUID_AT_END.search(text)):
                    raise RuntimeError(
                        f"bench/seed.py cannot clone {model.__name__}.{name} = {text!r}: it"
                        " remaps ids that start or end with a UUID"
                    )


# -- cloning ----------------------------------------------------------------------------------


def _clone_models() -> list[Any]:
    from engine import models as m

    return [
        m.ProcessInstance,
        m.Execution,
        m.Task,
        m.TaskCandidate,
        m.VariableInstance,
        m.Job,
        m.ExternalTask,
        m.EventSubscription,
        m.Incident,
        m.HistoricProcessInstance,
        m.HistoricActivityInstance,
        m.HistoricTaskInstance,
        m.HistoricVariableInstance,
        m.HistoricDetail,
        m.HistoricIncident,
        m.UserOperationLog,
    ]


def _select_list(model: Any) -> tuple[list[str], list[str]]:
    """Target columns and the SELECT expressions that make clone `s.g` (`s.h`: its 12 hex
    digits) of a row `t`; the state JSON is left to the caller."""
    from django.db import models

    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if isinstance(field, models.AutoField | models.BigAutoField):
            continue  # a fresh serial id
        quoted = f't."{column}"'
        if column in ID_COLUMNS:
            expression = f"bench_remap({quoted}, s.h)"
        elif column == "business_key":
            expression = f"{quoted} || '-' || s.g"
        elif isinstance(field, models.DateTimeField):
            expression = f"{quoted} - s.g * v.step * interval '1 second'"
        else:
            expression = quoted
        columns.append(f'"{column}"')
        expressions.append(expression)
    return columns, expressions


def _state_expression(state_text: str, definition_ids: Sequence[str]) -> tuple[str, dict]:
    """The template's state JSON as `fragment || s.h || fragment ...`: every UUID of the
    instance's own things gets the clone's digits, the definition ids keep theirs."""
    keep = {definition_id.rsplit(":", 1)[-1] for definition_id in definition_ids}
    fragments, start = [], 0
    for match in UUID.finditer(state_text):
        if match.group(0) in keep:
            continue
        fragments.append(state_text[start : match.start(1)])
        start = match.end(1)
    fragments.append(state_text[start:])
    params = {f"fragment_{i}": text for i, text in enumerate(fragments)}
    expression = " || s.h || ".join(f"%(fragment_{i})s" for i in range(len(fragments)))
    return f"({expression})::jsonb", params


def clone_instances(
    copies: dict[str, int],
    *,
    spread_seconds: float = 86_400,
    timings: dict[str, float] | None = None,
) -> None:
    """Copy every row of each instance in `copies` that many times (clone numbers 1..n).

    Clone g of an instance starts g * spread_seconds / n seconds before its template. Tables
    are filled by two connections at once (one statement each, autocommitted); `timings`
    collects the seconds spent per table.
    """
    from concurrent.futures import ThreadPoolExecutor

    from engine.models import ProcessDefinition, ProcessInstance

    definition_ids = list(ProcessDefinition.objects.values_list("id", flat=True))
    states = dict(ProcessInstance.objects.filter(pk__in=list(copies)).values_list("id", "state"))
    jobs: list[tuple[str, Any, list[tuple[str, dict[str, Any]]]]] = []
    for model in _clone_models():
        table = model._meta.db_table
        columns, expressions = _select_list(model)
        insert = f'INSERT INTO "{table}" ({", ".join(columns)}) SELECT '
        if model is ProcessInstance:
            # One statement per template: its state text is spelled out in fragments.
            statements = []
            for instance_id, n in copies.items():
                if instance_id not in states:
                    continue
                expression, fragments = _state_expression(
                    json.dumps(states[instance_id], ensure_ascii=False), definition_ids
                )
                select = [
                    expression if c == '"state"' else e
                    for c, e in zip(columns, expressions, strict=True)
                ]
                statements.append(
                    (
                        insert + ", ".join(select) + f" FROM {_series([instance_id])}"
                        f' JOIN "{table}" t ON t.id = v.id',
                        {**fragments, **_series_params({instance_id: n}, spread_seconds)},
                    )
                )
        else:
            if model._meta.model_name == "taskcandidate":
                join = (
                    "JOIN engine_task k ON k.process_instance_id = v.id"
                    f' JOIN "{table}" t ON t.task_id = k.id'
                )
            else:
                column = (
                    "id"
                    if model._meta.model_name == "historicprocessinstance"
                    else "process_instance_id"
                )
                join = f'JOIN "{table}" t ON t."{column}" = v.id'
            statements = [
                (
                    insert + ", ".join(expressions) + f" FROM {_series(list(copies))} {join}",
                    _series_params(copies, spread_seconds),
                )
            ]
        jobs.append((model._meta.model_name, model, statements))

    def run(job: tuple[str, Any, list[tuple[str, dict[str, Any]]]]) -> tuple[str, float]:
        from django.db import connection

        started = time.perf_counter()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")
                for sql, params in job[2]:
                    cursor.execute(sql, params)
        finally:
            connection.close()  # this thread's connection
        return job[0], time.perf_counter() - started

    # TaskCandidate rows refer to Task rows: the task clones must be committed first.
    first_wave = [job for job in jobs if job[0] != "taskcandidate"]
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(run, first_wave))
        done += list(pool.map(run, [job for job in jobs if job[0] == "taskcandidate"]))
    if timings is not None:
        for name, seconds in done:
            timings[name] = timings.get(name, 0.0) + seconds


def _series(instance_ids: list[str]) -> str:
    """Rows (v.id, s.g, s.h, v.step): each template with its clone numbers and their digits."""
    values = ", ".join(
        f"(%(id_{i})s, %(n_{i})s::int, %(step_{i})s::float8)" for i in range(len(instance_ids))
    )
    return (
        f"(VALUES {values}) AS v(id, n, step) CROSS JOIN LATERAL"
        " (SELECT g, lpad(to_hex(g), 12, '0') AS h FROM generate_series(1, v.n) AS g) AS s"
    )


def _series_params(copies: dict[str, int], spread_seconds: float) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for i, (instance_id, n) in enumerate(copies.items()):
        params |= {f"id_{i}": instance_id, f"n_{i}": n, f"step_{i}": spread_seconds / max(n, 1)}
    return params


@contextmanager
def indexes_built_afterwards() -> Iterator[None]:
    """Drop the engine tables' plain indexes for a bulk load and build them again after it.

    Building an index once is several times cheaper than maintaining it row by row; the
    tables end up exactly as migrated. Unique constraints stay (they guard the clones).
    """
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            " AND tablename LIKE 'engine%%' AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield

    def build(definition: str) -> None:
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem TO '256MB'")
                cursor.execute(definition)
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(build, [definition for _, definition in indexes]))


def analyze() -> None:
    """What autovacuum would have done to a database of that size: fresh planner statistics
    and a visibility map (index-only scans)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def table_counts(*names: str) -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'SELECT count(*) FROM "engine_{name}"')
            counts[name] = cursor.fetchone()[0]
    return counts


# -- server time ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageTime:
    """Server time of one page: the median of `runs` requests after a warm-up."""

    url: str
    status: int
    median_ms: float
    queries: int
    sql_ms: float  # time the database cursor took, summed over the page's queries
    size: int
    slowest: list[tuple[float, str]]  # (ms, SQL) of the slowest queries


def client(username: str | None = None) -> Any:
    """A Django test client against this process's server, logged in as `username`."""
    from django.contrib.auth.models import User
    from django.test import Client

    # 127.0.0.1 is in the default ALLOWED_HOSTS; the test client's `testserver` is not.
    browser = Client(HTTP_HOST="127.0.0.1")
    if username:
        browser.force_login(User.objects.get(username=username))
    return browser


def time_page(browser: Any, url: str, *, warm_up: int = 2, runs: int = 7) -> PageTime:
    """Median wall time of `browser.get(url)` in this process: routing, middleware, view,
    database and template, without network. One more request counts the queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm_up):
        response = browser.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = browser.get(url)
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as captured:
        browser.get(url)
    timed = sorted(
        ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True
    )
    return PageTime(
        url=url,
        status=response.status_code,
        median_ms=statistics.median(times) * 1000,
        queries=len(captured.captured_queries),
        sql_ms=sum(ms for ms, _ in timed),
        size=len(response.content),
        slowest=timed[:3],
    )


def print_page(what: str, page: PageTime, baseline: PageTime, target_ms: float) -> bool:
    """One report line per page (common.report), its queries and the slowest of them (three
    when the page missed its target)."""
    from common import report

    met = page.median_ms < target_ms and page.status == 200
    report(
        what,
        f"{page.median_ms:,.1f} ms",
        f"{baseline.url} ({baseline.median_ms:.1f} ms)",
        page.median_ms / baseline.median_ms,
        f"< {target_ms:g} ms: {'met' if met else 'MISSED'}",
    )
    print(
        f"    {page.url}  HTTP {page.status}, {page.size:,} bytes, {page.queries} queries"
        f" taking {page.sql_ms:,.1f} ms",
        flush=True,
    )
    for ms, sql in page.slowest[: 3 if not met else 1]:
        print(f"      slowest: {ms:6.1f} ms  {sql[:200]}", flush=True)
    return met
