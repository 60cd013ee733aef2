"""What the worker processes of bench_persistence.py run (imported in each spawned process).

A worker is configured for one database (`init`), then runs jobs: `prepare` (migrate, deploy,
capture what Legato writes per instance) once, and `measure` many times. `measure` runs
instances of one system back to back until `stop_at` and counts those that ended inside the
window [start_at, stop_at], so the workers started together are all warm inside it.

The three systems:
- `legato`: the Django service API (start_process_instance, complete_task) with full history.
- `floor`: the raw floor: the very INSERT/UPDATE/DELETE executes Legato issued for one
  instance of the graph (captured with their parameters and row counts, statements that
  changed no row dropped; a batch of writes, one execute of several statements, kept as
  one), replayed with fresh ids through the bare driver (psycopg or sqlite3) in ONE
  transaction per instance, into a copy of the bench database.
- `spiff`: SpiffWorkflow with naive persistence: its serialized workflow in one row, inserted
  at the first wait state and, per later command, read, deserialized, advanced, serialized
  and written back, one transaction per command.
- `commits`: no engine and no history, only one durable transaction per command writing one
  small row (inserted by the start, updated by each completion): what any engine that
  commits each command pays at the least, the ceiling of a persisted engine's rate.
"""

from __future__ import annotations

import itertools
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flows import COMPLETE_WITH, MODELS, BenchModel, Spiff, camunda_resources

# Ids Legato generates: uuid4 (deployments, older rows) or a process prefix and a counter.
ID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24}-[0-9a-f]+"
)
QMARK = re.compile(r"(?<!%)%s")  # Django's own conversion of %s to SQLite's ?
BY_NAME = {model.name: model for model in MODELS}


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Any  # a list, a list of lists when `many`, or None
    many: bool


@dataclass(frozen=True)
class Footprint:
    """What Legato sent to the database for one instance of a graph."""

    statements: int  # everything, reads and savepoints included
    round_trips: int  # statements sent: a batch of writes is one
    reads: int
    transactions: int
    writes: tuple[Statement, ...]  # the ones that changed rows, in order
    rows: int  # rows inserted, updated or deleted


class _Jsonb:
    """A picklable stand-in for psycopg's Jsonb parameter wrapper."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj


_vendor = ""


def init(database_url: str) -> None:
    global _vendor
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("LEGATO_HISTORY_LEVEL", "full")
    import django

    django.setup()
    from django.db import connection

    _vendor = connection.vendor


# -- prepare -----------------------------------------------------------------------------------


def prepare() -> dict[str, Footprint]:
    """Migrate the bench database, deploy the graphs, create Spiff's table, and capture the
    footprint of one (warm) instance of each graph. Leaves no connection open."""
    from django.core.management import call_command
    from django.db import connection, connections

    from engine.services import ResourceInput, deploy

    call_command("migrate", verbosity=0)
    deploy([ResourceInput(name, data) for name, data in camunda_resources().items()])
    with connection.cursor() as cursor:
        text = "jsonb" if _vendor == "postgresql" else "text"
        cursor.execute(
            f"CREATE TABLE spiff_workflow (id varchar(36) PRIMARY KEY, state {text} NOT NULL, "
            "completed boolean NOT NULL, updated varchar(40) NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE bench_commit (id varchar(36) PRIMARY KEY, commands integer NOT NULL)"
        )
    footprints = {}
    for model in MODELS:
        legato_instance(model)  # warm the definition cache
        footprints[model.name] = _capture(model)
    connections.close_all()
    return footprints


def _capture(model: BenchModel) -> Footprint:
    """Run one instance twice: with the store's write batching off, to count statements and
    the rows each changed; then as Legato runs, to get what it sends (a batch of writes is
    one execute of several statements: the floor replays it as one, too)."""
    single = _sent(model, batched=False)
    sent = _sent(model, batched=True)
    rows = sum(max(rowcount, 1) for sql, _, _, rowcount in single if _writes(sql) and rowcount)
    writes = [
        Statement(sql, _portable(params), many)
        for sql, params, many, rowcount in sent
        # a batch's row count is its first statement's: keep every batch
        if _writes(sql) and (rowcount != 0 or "; " in sql)
    ]
    return Footprint(
        statements=len(single),
        round_trips=len(sent),
        reads=sum(1 for sql, *_ in single if _verb(sql) == "SELECT"),
        transactions=1 + model.user_tasks,  # one per command: the start, each completion
        writes=tuple(writes),
        rows=rows,
    )


def _sent(model: BenchModel, *, batched: bool) -> list[tuple[str, Any, bool, int]]:
    """The statements one instance of `model` sends: (sql, params, many, row count)."""
    from contextlib import nullcontext

    from django.db import connection

    from engine.store import django_store

    seen: list[tuple[str, Any, bool, int]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        seen.append((sql, params, many, context["cursor"].rowcount))
        return result

    batched_writes = django_store.batched_writes
    if not batched:
        django_store.batched_writes = nullcontext  # type: ignore[assignment]
    try:
        with connection.execute_wrapper(record):
            legato_instance(model)
    finally:
        django_store.batched_writes = batched_writes
    return seen


def _verb(sql: str) -> str:
    return sql.lstrip().split(None, 1)[0].upper()


def _writes(sql: str) -> bool:
    return _verb(sql) in {"INSERT", "UPDATE", "DELETE"}


def _portable(params: Any) -> Any:
    """Parameters the parent process can unpickle without Django (enums become str)."""
    if isinstance(params, str):
        return str.__str__(params)
    if isinstance(params, list | tuple):
        return [_portable(value) for value in params]
    if type(params).__name__ == "Jsonb":
        return _Jsonb(params.obj)
    return params


def warm() -> None:
    """Import and cache everything once in this worker (the pool runs one per worker: the
    pause keeps a worker from taking two)."""
    from django.db import connections

    for model in MODELS:
        legato_instance(model)
    Spiff()
    connections.close_all()
    time.sleep(0.5)


# -- Legato ------------------------------------------------------------------------------------


def legato_instance(model: BenchModel) -> None:
    from engine.services import runtime as rt

    started = rt.start_process_instance(model.key, variables=model.variables)
    # The start names the user tasks it left open, as Spiff's workflow and the floor have
    # theirs at hand: no task query (docs/performance.md, 2026-11-27 02:10).
    for task_id in started.task_ids:
        rt.complete_task(task_id, COMPLETE_WITH)


# -- the raw floor -----------------------------------------------------------------------------


_ID_PREFIX = uuid.uuid4().hex[:24]
_id_counter = itertools.count(1)


def _fresh_ids(params: Any, ids: dict[str, str]) -> Any:
    def swap(match: re.Match[str]) -> str:
        old = match.group(0)
        new = ids.get(old)
        if new is None:
            new = ids[old] = f"{_ID_PREFIX}-{next(_id_counter):x}"  # as cheap as Legato's
        return new

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return ID.sub(swap, value) if "-" in value else value
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, _Jsonb):
            from psycopg.types.json import Jsonb

            return Jsonb(value.obj)
        return value

    return walk(params)


def _floor_instance(footprint: Footprint, keep: frozenset[str]) -> Callable[[Any], None]:
    postgres = _vendor == "postgresql"
    statements = [
        (s.sql if postgres or s.params is None else QMARK.sub("?", s.sql).replace("%%", "%"), s)
        for s in footprint.writes
    ]

    def run(db: Any) -> None:
        ids = {old: old for old in keep}  # deployment and definition ids stay as they are
        with _transaction(db):
            cursor = db.cursor()
            for sql, statement in statements:
                params = _fresh_ids(statement.params, ids)
                if statement.many:
                    cursor.executemany(sql, params)
                else:
                    cursor.execute(sql, params)

    return run


@contextmanager
def _transaction(db: Any) -> Iterator[None]:
    if isinstance(db, sqlite3.Connection):
        # As Django's SQLite settings here: an IMMEDIATE transaction, wait for the lock.
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    else:
        with db.transaction():
            yield


def _connect(floor: bool) -> Any:
    """A bare driver connection to the bench database (or its floor copy)."""
    from django.db import connection

    settings = connection.settings_dict
    name = settings["NAME"] + ("_floor" if floor else "")
    if _vendor == "postgresql":
        import psycopg

        return psycopg.connect(
            dbname=name,
            user=settings["USER"],
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            autocommit=True,  # transactions are explicit (db.transaction())
            cursor_factory=psycopg.ClientCursor,  # the binding Django uses
        )
    from engine.store.sqlite_wal import checkpoint_beside_commits

    db = sqlite3.connect(name, timeout=20, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")  # as Django does on every connection
    db.executescript(settings["OPTIONS"].get("init_command", ""))  # the embedded default's
    checkpoint_beside_commits(db, name)  # and its checkpoints, as on Legato's connections
    return db


def _definition_ids() -> frozenset[str]:
    from engine.models import ProcessDefinition

    found: set[str] = set()
    for definition_id, deployment_id in ProcessDefinition.objects.values_list(
        "id", "deployment_id"
    ):
        found.update(ID.findall(f"{definition_id} {deployment_id}"))
    return frozenset(found)


# -- Spiff with naive persistence --------------------------------------------------------------


def _spiff_instance(spiff: Spiff, model: BenchModel) -> Callable[[Any], None]:
    postgres = _vendor == "postgresql"
    mark = "%s" if postgres else "?"
    state = "%s::jsonb" if postgres else "?"
    insert = (
        f"INSERT INTO spiff_workflow (id, state, completed, updated) "
        f"VALUES ({mark}, {state}, {mark}, {mark})"
    )
    select = f"SELECT state{'::text' if postgres else ''} FROM spiff_workflow WHERE id = {mark}" + (
        " FOR UPDATE" if postgres else ""
    )
    update = (
        f"UPDATE spiff_workflow SET state = {state}, completed = {mark}, updated = {mark} "
        f"WHERE id = {mark}"
    )
    serializer = spiff.serializer

    def run(db: Any) -> None:
        instance_id = str(uuid.uuid4())
        with _transaction(db):
            workflow = spiff.start(model)
            db.execute(
                insert,
                (instance_id, serializer.serialize_json(workflow), workflow.is_completed(), _now()),
            )
        completed = workflow.is_completed()
        while not completed:
            with _transaction(db):
                (stored,) = db.execute(select, (instance_id,)).fetchone()
                workflow = serializer.deserialize_json(stored)
                spiff.complete(workflow, spiff.ready_tasks(workflow)[0])
                completed = workflow.is_completed()
                db.execute(
                    update, (serializer.serialize_json(workflow), completed, _now(), instance_id)
                )

    return run


# -- one small row per command -----------------------------------------------------------------


def _commits_instance(model: BenchModel) -> Callable[[Any], None]:
    mark = "%s" if _vendor == "postgresql" else "?"
    insert = f"INSERT INTO bench_commit (id, commands) VALUES ({mark}, 1)"
    update = f"UPDATE bench_commit SET commands = commands + 1 WHERE id = {mark}"

    def run(db: Any) -> None:
        instance_id = str(uuid.uuid4())
        with _transaction(db):
            db.execute(insert, (instance_id,))
        for _ in range(model.user_tasks):
            with _transaction(db):
                db.execute(update, (instance_id,))

    return run


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


# -- measure -----------------------------------------------------------------------------------


def measure(
    system: str,
    model_name: str,
    start_at: float,
    stop_at: float,
    footprint: Footprint | None = None,
) -> int:
    """Instances of `model_name` run by `system` that ended inside [start_at, stop_at]."""
    model = BY_NAME[model_name]
    db = None
    if system == "legato":

        def one() -> None:
            legato_instance(model)

    elif system == "floor":
        assert footprint is not None
        db = _connect(floor=True)
        replay = _floor_instance(footprint, _definition_ids())

        def one() -> None:
            replay(db)

    elif system == "commits":
        db = _connect(floor=False)
        commit_run = _commits_instance(model)

        def one() -> None:
            commit_run(db)

    else:
        db = _connect(floor=False)
        spiff_run = _spiff_instance(Spiff(), model)

        def one() -> None:
            spiff_run(db)

    done = 0
    try:
        while True:
            one()
            now = time.time()
            if now >= stop_at:
                break
            if now >= start_at:
                done += 1
    finally:
        if db is not None:
            db.close()
        from django.db import connections

        connections.close_all()
    return done
