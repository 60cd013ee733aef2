"""Plain-SQL writes to the engine tables: many rows per INSERT, UPDATE and DELETE by key.

The store writes a handful of rows per command, and building each statement through the
ORM (query objects, expressions, compilers) cost more Python time than the database took to
run it. A `Table` builds its statement text once; values are adapted as the ORM adapts them
(the backend's date and JSON adaptation, the field's own for the rest), so rows look the same
whoever wrote them, on PostgreSQL and on SQLite alike.

Inside `batched_writes()`, the INSERTs, UPDATEs and DELETEs whose answer nobody reads are held
and sent at the end of the block. On PostgreSQL they go as one multi-statement execute, its
values bound on the client (as Django has psycopg bind them), so the server receives one
simple query: a command's writes cost one round trip, not one each, as Camunda's flush sends
its statements as one JDBC batch. SQLite runs in process: it gets them one by one, on one
cursor.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from psycopg.adapt import Transformer

# Column types whose Python values need the field's adaptation (the rest pass unchanged).
_ADAPTED = frozenset({"DateTimeField", "DateField", "JSONField", "DecimalField", "BinaryField"})
# SQLite accepts at most 32,766 parameters per statement; stay far below.
_MAX_PARAMETERS = 2_000


_held = threading.local()  # the open batch of this thread (Django's connections are too)


@contextmanager
def batched_writes() -> Iterator[None]:
    """Hold the block's writes and send them at its end (on PostgreSQL in one round trip).
    Any other statement sent meanwhile, a read or an ORM write, first sends what is held, so
    it sees every earlier write. Nested blocks belong to the outermost."""
    if getattr(_held, "batch", None) is not None:
        yield
        return
    batch: list[_Held] = []

    def send_held_first(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        _send(batch)
        return execute(sql, params, many, context)

    db = connections[DEFAULT_DB_ALIAS]
    _held.batch, _held.db = batch, db
    try:
        with db.execute_wrapper(send_held_first):
            yield
            _send(batch)
    finally:
        _held.batch = _held.db = None


def _db() -> Any:
    """This thread's connection: the open batch's, else Django's lookup (through its
    registry of connections per thread and context: a microsecond or so per access, and a
    command's rows took dozens)."""
    db = getattr(_held, "db", None)
    return db if db is not None else connections[DEFAULT_DB_ALIAS]


def _send(batch: list[_Held]) -> None:
    # A statement's check may hold follow-up writes: they go next, in a batch of their own.
    while batch:
        held = list(batch)
        batch.clear()  # before executing: the wrapper sees an empty batch for this statement
        _send_now(held)


def _send_now(held: list[_Held]) -> None:
    db = _db()
    postgres = db.vendor == "postgresql"
    if _watched(db):
        with db.cursor() as cursor:
            if postgres:
                cursor.execute("; ".join(h.sql for h in held), [v for h in held for v in h.params])
                _check_each_result(cursor, held)
            else:
                _run_each(cursor, held, qmark=False)
        return
    with _driver_cursor(db) as cursor:
        if postgres:
            cursor.execute(_with_literals(db, held))
            _check_each_result(cursor, held)
        else:
            _run_each(cursor, held, qmark=True)


@contextmanager
def _driver_cursor(db: Any) -> Iterator[Any]:
    """A cursor of the driver itself, under Django's transaction checks and error types.
    Django's cursor costs a command more than its statements: on SQLite it converts each
    statement's placeholders with a regular expression (as long as SQLite took to run a short
    write); on PostgreSQL psycopg parses the batch's text for its placeholders on every
    execute, a batch being too long for its cache of parsed statements (about 1 ms for a
    straight-through instance's four INSERTs, twice what the server took to run them). It is
    kept when someone watches the statements (a debug cursor, an execute wrapper other than
    the batch's own)."""
    db.validate_no_broken_transaction()
    db.ensure_connection()
    with db.wrap_database_errors:
        cursor = db.connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()


def _check_each_result(cursor: Any, held: list[_Held]) -> None:
    """One result per statement, in order: hand each checked one its row count."""
    if not any(h.check for h in held):
        return
    for position, statement in enumerate(held):
        if position:
            cursor.nextset()
        if statement.check is not None:
            statement.check(cursor.rowcount)


_batch_templates: dict[tuple[str, ...], bytes] = {}


def _with_literals(db: Any, held: list[_Held]) -> bytes:
    """The batch as one text with its values bound, as psycopg binds them on the client for
    Django (the same adaptation, the connection's own dumpers), from a template kept per
    sequence of statement texts: a command sends batches of a few shapes."""
    key = tuple(h.sql for h in held)
    template = _batch_templates.get(key)
    if template is None:
        if len(_batch_templates) > 4096:
            _batch_templates.clear()
        # Django's %s placeholders and %% escapes are Python's own %-format.
        template = _batch_templates[key] = "; ".join(key).encode()
    literal = Transformer(db.connection).as_literal
    return template % tuple(
        b"NULL" if value is None else literal(value) for h in held for value in h.params
    )


def _run_each(cursor: Any, held: list[_Held], *, qmark: bool) -> None:
    for statement in held:
        cursor.execute(_qmark(statement.sql) if qmark else statement.sql, statement.params)
        if statement.check is not None:
            statement.check(cursor.rowcount)


def _watched(db: Any) -> bool:
    """Whether someone watches this connection's statements (see `_driver_cursor`)."""
    own = 1 if getattr(_held, "batch", None) is not None else 0
    return db.queries_logged or len(db.execute_wrappers) > own


def fetch_one(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """The first row `sql` answers. Held writes are sent first, so the read sees them. On
    SQLite, unwatched, the read goes straight to the driver as the held writes do: the
    command's few reads are as short as its writes."""
    db = _db()
    batch = getattr(_held, "batch", None)
    if db.vendor == "postgresql" or _watched(db):
        with db.cursor() as cursor:  # the batch's execute wrapper sends held writes first
            cursor.execute(sql, params)
            return cursor.fetchone()
    if batch:
        _send(batch)
    with _driver_cursor(db) as cursor:
        return cursor.execute(_qmark(sql), params).fetchone()


_QMARK = re.compile(r"(?<!%)%s")
_qmark_texts: dict[str, str] = {}


def _qmark(sql: str) -> str:
    """`sql` with SQLite's placeholders, as Django's SQLite cursor converts it."""
    text = _qmark_texts.get(sql)
    if text is None:
        if len(_qmark_texts) > 4096:  # statement texts come in a few shapes; stay bounded
            _qmark_texts.clear()
        text = _qmark_texts[sql] = _QMARK.sub("?", sql).replace("%%", "%")
    return text


@dataclass(frozen=True, slots=True)
class _Held:
    sql: str
    params: list[Any]
    check: Callable[[int], None] | None = None


def write(sql: str, params: list[Any], check: Callable[[int], None] | None = None) -> None:
    """A write whose answer nobody waits for: held in the open batch, else run now. `check`
    gets the number of rows it changed once it has run (and may raise, or write more)."""
    batch = getattr(_held, "batch", None)
    if batch is not None:
        batch.append(_Held(sql, params, check))
        return
    with _db().cursor() as cursor:
        cursor.execute(sql, params)
        if check is not None:
            check(cursor.rowcount)


class Table:
    """One model's table with a fixed column list, written with plain SQL."""

    def __init__(
        self,
        model: type[Model],
        columns: Sequence[str],
        *,
        upsert_on: Sequence[str] = (),
        upsert_columns: Sequence[str] = (),
    ) -> None:
        meta = model._meta
        fields = [meta.get_field(name) for name in columns]
        self.name = meta.db_table
        self.columns = [field.column for field in fields]  # type: ignore[union-attr]
        self._adapters: list[_Adapter | None] = [
            _adapter(field) if field.get_internal_type() in _ADAPTED else None for field in fields
        ]
        self._key = meta.pk.column
        self._upsert_on = [meta.get_field(name).column for name in upsert_on]  # type: ignore[union-attr]
        self._upsert_columns = [meta.get_field(name).column for name in upsert_columns]  # type: ignore[union-attr]
        self._adapters_by_column = dict(zip(self.columns, self._adapters, strict=True))
        self._fields_by_column = dict(zip(self.columns, fields, strict=True))
        self._statements: dict[Any, str] = {}  # statement texts, built once per shape

    # -- statements --------------------------------------------------------------------------

    def insert(self, rows: Iterable[Sequence[Any]]) -> None:
        """INSERT the rows (values in `columns` order), as few statements as the driver
        allows; with `upsert_on`, a row whose key exists updates `upsert_columns` instead."""
        ops = _db().ops
        rows = [self._adapt(row, ops) for row in rows]
        if not rows:
            return
        per_statement = max(1, _MAX_PARAMETERS // len(self.columns))
        for first in range(0, len(rows), per_statement):
            chunk = rows[first : first + per_statement]
            sql = self._statement(("insert", len(chunk)), self._insert_sql, len(chunk))
            write(sql, [v for row in chunk for v in row])

    def select_one(
        self, columns: Sequence[str], where: Mapping[str, Any], *, order_by: str | None = None
    ) -> tuple[Any, ...] | None:
        """The `columns` of the first row matching every `where` column (None matches NULL),
        in `order_by` order ("-column": descending); None when no row matches. JSON columns
        are decoded by their field; other columns come as the driver returns them."""
        shape = ("select", tuple(columns), self._where_shape(where), order_by)
        sql = self._statement(shape, self._select_sql, columns, where, order_by)
        row = fetch_one(sql, [value for value in where.values() if value is not None])
        if row is None:
            return None
        return tuple(self.decode(column, value) for column, value in zip(columns, row, strict=True))

    def decode(self, column: str, value: Any) -> Any:
        """A value read from `column`: JSON decoded by its field, the rest as the driver
        returns it."""
        field = self._fields_by_column[column]
        if value is None or field.get_internal_type() != "JSONField":
            return value
        return field.from_db_value(value, None, _db())

    def update(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """UPDATE by primary key: each row is the new values of `columns`, then the key."""
        adapters = [self._column_adapter(column) for column in columns]
        ops = _db().ops
        params = [
            [
                value if adapt is None or value is None else adapt(ops, value)
                for adapt, value in zip(adapters, row[:-1], strict=True)
            ]
            + [row[-1]]
            for row in rows
        ]
        sql = self._statement(("update", tuple(columns)), self._update_sql, columns)
        for row_params in params:
            write(sql, row_params)

    def update_where(
        self,
        values: Mapping[str, Any],
        where: Mapping[str, Any],
        check: Callable[[int], None] | None = None,
    ) -> None:
        """UPDATE the rows matching every `where` column (`check`: see `write`)."""
        ops = _db().ops
        params = [
            value if (adapt := self._column_adapter(column)) is None or value is None
            else adapt(ops, value)
            for column, value in values.items()
        ]
        shape = ("update_where", tuple(values), self._where_shape(where))
        sql = self._statement(shape, self._update_where_sql, values, where)
        write(sql, params + [v for v in where.values() if v is not None], check)

    def delete_where(
        self, where: Mapping[str, Any], check: Callable[[int], None] | None = None
    ) -> None:
        """DELETE the rows matching every `where` column (`check`: see `write`)."""
        shape = ("delete_where", self._where_shape(where))
        sql = self._statement(shape, self._delete_where_sql, where)
        write(sql, [v for v in where.values() if v is not None], check)

    def delete(self, keys: Iterable[Any], *, column: str | None = None) -> None:
        """DELETE the rows whose `column` (default: the primary key) is one of `keys`."""
        keys = list(keys)
        column = column or self._key
        for first in range(0, len(keys), _MAX_PARAMETERS):
            chunk = keys[first : first + _MAX_PARAMETERS]
            shape = ("delete", column, len(chunk))
            write(self._statement(shape, self._delete_sql, column, len(chunk)), chunk)

    # -- helpers -----------------------------------------------------------------------------

    def _statement(self, shape: Any, build: Callable[..., str], *args: Any) -> str:
        sql = self._statements.get(shape)
        if sql is None:
            sql = self._statements[shape] = build(*args)
        return sql

    def _insert_sql(self, rows: int) -> str:
        placeholder = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
        return (
            f"INSERT INTO {_q(self.name)} ({', '.join(map(_q, self.columns))}) "
            f"VALUES {', '.join([placeholder] * rows)}{self._conflict_clause()}"
        )

    def _update_where_sql(self, values: Mapping[str, Any], where: Mapping[str, Any]) -> str:
        assignments = ", ".join(f"{_q(c)} = %s" for c in values)
        return f"UPDATE {_q(self.name)} SET {assignments} WHERE {self._conditions(where)}"

    def _delete_where_sql(self, where: Mapping[str, Any]) -> str:
        return f"DELETE FROM {_q(self.name)} WHERE {self._conditions(where)}"

    def _delete_sql(self, column: str, keys: int) -> str:
        marks = ", ".join(["%s"] * keys)
        return f"DELETE FROM {_q(self.name)} WHERE {_q(column)} IN ({marks})"

    def _select_sql(
        self, columns: Sequence[str], where: Mapping[str, Any], order_by: str | None
    ) -> str:
        sql = (
            f"SELECT {', '.join(map(_q, columns))} FROM {_q(self.name)} "
            f"WHERE {self._conditions(where)}"
        )
        if order_by:
            direction = " DESC" if order_by.startswith("-") else ""
            sql += f" ORDER BY {_q(order_by.lstrip('-'))}{direction}"
        return sql + " LIMIT 1"

    def _update_sql(self, columns: Sequence[str]) -> str:
        assignments = ", ".join(f"{_q(c)} = %s" for c in columns)
        return f"UPDATE {_q(self.name)} SET {assignments} WHERE {_q(self._key)} = %s"

    def _adapt(self, row: Sequence[Any], ops: Any) -> list[Any]:
        return [
            value if adapt is None or value is None else adapt(ops, value)
            for adapt, value in zip(self._adapters, row, strict=True)
        ]

    def adapt(self, column: str, value: Any) -> Any:
        """`value` as the ORM would store it in `column`."""
        adapt = self._column_adapter(column)
        return value if adapt is None or value is None else adapt(_db().ops, value)

    def _conditions(self, where: Mapping[str, Any]) -> str:
        return " AND ".join(
            f"{_q(column)} IS NULL" if value is None else f"{_q(column)} = %s"
            for column, value in where.items()
        )

    @staticmethod
    def _where_shape(where: Mapping[str, Any]) -> tuple[tuple[str, bool], ...]:
        return tuple((column, value is None) for column, value in where.items())

    def _conflict_clause(self) -> str:
        if not self._upsert_on:
            return ""
        updates = ", ".join(f"{_q(c)} = EXCLUDED.{_q(c)}" for c in self._upsert_columns)
        return f" ON CONFLICT ({', '.join(map(_q, self._upsert_on))}) DO UPDATE SET {updates}"

    def _column_adapter(self, name: str) -> _Adapter | None:
        return self._adapters_by_column.get(name)


_Adapter = Callable[[Any, Any], Any]  # (the connection's DatabaseOperations, value) -> value


def _adapter(field: Any) -> _Adapter:
    """The backend's own adaptation for the common types (what `get_db_prep_save` ends in,
    without the layers above it), the field's full path for the rest."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _adapt_datetime
    if kind == "JSONField":
        return lambda ops, value: ops.adapt_json_value(value, field.encoder)
    return lambda ops, value: field.get_db_prep_save(value, ops.connection)


def _adapt_datetime(ops: Any, value: Any) -> Any:
    # SQLite stores naive UTC text: the engine's clock is UTC already, so the ORM's path
    # (awareness checks, conversion to the connection's zone) is only needed for others.
    # A command's rows mostly carry its one timestamp: the last one is kept.
    last = _last_datetime[0]
    if value is last[0] and ops is last[1]:
        return last[2]
    db = ops.connection
    if value.tzinfo is UTC and db.vendor == "sqlite" and db.timezone_name == "UTC":
        adapted = str(value.replace(tzinfo=None))
    else:
        adapted = ops.adapt_datetimefield_value(value)
    _last_datetime[0] = (value, ops, adapted)
    return adapted


_last_datetime: list[tuple[Any, Any, Any]] = [(None, None, None)]  # (value, ops, adapted)


def _q(name: str) -> str:
    # PostgreSQL and SQLite quote names alike; statement texts are built once per shape.
    return f'"{name}"'
