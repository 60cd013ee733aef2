"""Plain-SQL writes to the engine tables: many rows per INSERT, UPDATE and DELETE by key.

The store writes a handful of rows per command, and building each statement through the
ORM (query objects, expressions, compilers) cost more Python time than the database took to
run it. A `Table` builds its statement text once; values still go through each column's
model field (`get_db_prep_save`), so dates, JSON and booleans are stored exactly as the ORM
stores them, on PostgreSQL and on SQLite alike.

Inside `batched_writes()` on PostgreSQL, the INSERTs, UPDATEs and DELETEs by key whose answer
nobody reads are held and sent together as one multi-statement execute (Django binds
parameters on the client, so the server receives one simple query): a command's writes cost
one round trip, not one each, as Camunda's flush sends its statements as one JDBC batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model

# Column types whose Python values need the field's adaptation (the rest pass unchanged).
_ADAPTED = frozenset({"DateTimeField", "DateField", "JSONField", "DecimalField", "BinaryField"})
# SQLite accepts at most 32,766 parameters per statement; stay far below.
_MAX_PARAMETERS = 2_000


_held = threading.local()  # the open batch of this thread (Django's connections are too)


@contextmanager
def batched_writes() -> Iterator[None]:
    """Hold the block's `Table` writes and send them at its end in one round trip (on
    PostgreSQL; elsewhere they run at once). Any other statement sent meanwhile, a read or
    an ORM write, first sends what is held, so it sees every earlier write."""
    if connection.vendor != "postgresql" or getattr(_held, "batch", None) is not None:
        yield
        return
    batch: list[_Held] = []

    def send_held_first(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        _send(batch)
        return execute(sql, params, many, context)

    _held.batch = batch
    try:
        with connection.execute_wrapper(send_held_first):
            yield
            _send(batch)
    finally:
        _held.batch = None


def _send(batch: list[_Held]) -> None:
    if not batch:
        return
    held = list(batch)
    batch.clear()  # before executing: the wrapper sees an empty batch for this statement
    with connection.cursor() as cursor:
        cursor.execute("; ".join(h.sql for h in held), [v for h in held for v in h.params])
        if not any(h.check for h in held):
            return
        # One result per statement, in order: hand each checked one its row count.
        for position, statement in enumerate(held):
            if position:
                cursor.nextset()
            if statement.check is not None:
                statement.check(cursor.rowcount)


@dataclass(frozen=True, slots=True)
class _Held:
    sql: str
    params: list[Any]
    check: Callable[[int], None] | None = None


def write(sql: str, params: list[Any], check: Callable[[int], None] | None = None) -> None:
    """A write whose answer nobody waits for: held in the open batch, else run now. `check`
    gets the number of rows it changed once it has run (and may raise)."""
    batch = getattr(_held, "batch", None)
    if batch is not None:
        batch.append(_Held(sql, params, check))
        return
    with connection.cursor() as cursor:
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
        self._adapters: list[Callable[[Any], Any] | None] = [
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
        rows = [self._adapt(row) for row in rows]
        if not rows:
            return
        per_statement = max(1, _MAX_PARAMETERS // len(self.columns))
        for first in range(0, len(rows), per_statement):
            chunk = rows[first : first + per_statement]
            write(self._insert_sql(len(chunk)), [v for row in chunk for v in row])

    def get(self, key: Any, columns: Sequence[str]) -> tuple[Any, ...] | None:
        """The `columns` of the row with primary key `key` (None: no such row). JSON columns
        are decoded by their field; other columns come as the driver returns them."""
        fields = [self._fields_by_column[self._column(c)] for c in columns]
        sql = self._statement(("get", tuple(columns)), self._get_sql, columns)
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        if row is None:
            return None
        return tuple(
            field.from_db_value(value, None, connection)
            if value is not None and field.get_internal_type() == "JSONField"
            else value
            for field, value in zip(fields, row, strict=True)
        )

    def update(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """UPDATE by primary key: each row is the new values of `columns`, then the key."""
        adapters = [self._column_adapter(column) for column in columns]
        params = [
            [
                value if adapt is None or value is None else adapt(value)
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
        assignments = ", ".join(f"{_q(self._column(c))} = %s" for c in values)
        params = [self._adapt_one(column, value) for column, value in values.items()]
        sql = f"UPDATE {_q(self.name)} SET {assignments} WHERE {self._conditions(where)}"
        write(sql, params + list(where.values()), check)

    def delete_where(
        self, where: Mapping[str, Any], check: Callable[[int], None] | None = None
    ) -> None:
        """DELETE the rows matching every `where` column (`check`: see `write`)."""
        sql = f"DELETE FROM {_q(self.name)} WHERE {self._conditions(where)}"
        write(sql, list(where.values()), check)

    def delete(self, keys: Iterable[Any], *, column: str | None = None) -> None:
        """DELETE the rows whose `column` (default: the primary key) is one of `keys`."""
        keys = list(keys)
        where = _q(self._column(column) if column else self._key)
        for first in range(0, len(keys), _MAX_PARAMETERS):
            chunk = keys[first : first + _MAX_PARAMETERS]
            marks = ", ".join(["%s"] * len(chunk))
            write(f"DELETE FROM {_q(self.name)} WHERE {where} IN ({marks})", chunk)

    # -- helpers -----------------------------------------------------------------------------

    def _statement(self, shape: Any, build: Callable[..., str], *args: Any) -> str:
        sql = self._statements.get(shape)
        if sql is None:
            sql = self._statements[shape] = build(*args)
        return sql

    def _insert_sql(self, rows: int) -> str:
        def build() -> str:
            placeholder = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
            return (
                f"INSERT INTO {_q(self.name)} ({', '.join(map(_q, self.columns))}) "
                f"VALUES {', '.join([placeholder] * rows)}{self._conflict_clause()}"
            )

        return self._statement(("insert", rows), build)

    def _get_sql(self, columns: Sequence[str]) -> str:
        selected = ", ".join(_q(self._column(c)) for c in columns)
        return f"SELECT {selected} FROM {_q(self.name)} WHERE {_q(self._key)} = %s"

    def _update_sql(self, columns: Sequence[str]) -> str:
        assignments = ", ".join(f"{_q(self._column(c))} = %s" for c in columns)
        return f"UPDATE {_q(self.name)} SET {assignments} WHERE {_q(self._key)} = %s"

    def _adapt(self, row: Sequence[Any]) -> list[Any]:
        return [
            value if adapt is None or value is None else adapt(value)
            for adapt, value in zip(self._adapters, row, strict=True)
        ]

    def adapt(self, column: str, value: Any) -> Any:
        """`value` as the ORM would store it in `column`."""
        return self._adapt_one(column, value)

    def _adapt_one(self, column: str, value: Any) -> Any:
        adapt = self._column_adapter(column)
        return value if adapt is None or value is None else adapt(value)

    def _conditions(self, where: Mapping[str, Any]) -> str:
        return " AND ".join(f"{_q(self._column(c))} = %s" for c in where)

    def _conflict_clause(self) -> str:
        if not self._upsert_on:
            return ""
        updates = ", ".join(f"{_q(c)} = EXCLUDED.{_q(c)}" for c in self._upsert_columns)
        return f" ON CONFLICT ({', '.join(map(_q, self._upsert_on))}) DO UPDATE SET {updates}"

    def _column(self, name: str) -> str:
        return self.columns[self.columns.index(name)] if name in self.columns else name

    def _column_adapter(self, name: str) -> Callable[[Any], Any] | None:
        return self._adapters_by_column.get(self._column(name))


def _adapter(field: Any) -> Callable[[Any], Any]:
    def adapt(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return adapt


def _q(name: str) -> str:
    return connection.ops.quote_name(name)
