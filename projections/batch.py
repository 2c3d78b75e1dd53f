"""Write-behind for read-model rows within one projector batch.

Handlers hand their inserts, updates by primary key and upserts to the batch's buffer (kept on
the connection); the projector writes them at the end of the batch with one executemany per
table and column set, instead of one statement per row. Order is kept where it matters: an
update of a row inserted earlier in the batch is folded into that row; an insert of a key with
an update still waiting writes everything out first; later values of a column win. Derived
columns (counts, latest dates) are recomputed once per key at the end of the batch
(`recompute`) and a handler that reads the read model (an erasure) calls `flush` first.

In careful mode (`direct`), used when a batch's write-out failed, every write runs at once in
the handler that made it, as plain statements did, so that a poison event is named and skipped.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Column, Connection, Executable, Table, bindparam, insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

KEY = "lac_row_buffer"
Row = dict[str, Any]
# A statement run once per key at the end of a batch, with the key bound as `key`.
Recompute = Executable


@dataclass
class _TableRows:
    inserts: dict[Any, Row] = field(default_factory=dict)
    # key -> columns an existing row takes from the buffered one (ON CONFLICT DO UPDATE)
    upserts: dict[Any, set[str]] = field(default_factory=dict)
    updates: dict[Any, Row] = field(default_factory=dict)


@dataclass
class RowBuffer:
    """The rows one batch has yet to write; `direct` writes each one at once instead."""

    direct: bool = False
    tables: dict[Table, _TableRows] = field(default_factory=dict)
    recomputes: dict[Recompute, dict[Any, None]] = field(default_factory=dict)

    def insert(self, conn: Connection, table: Table, row: Row) -> None:
        self._add(conn, table, row, None)

    def upsert(
        self, conn: Connection, table: Table, row: Row, on_conflict: tuple[str, ...]
    ) -> None:
        """Insert the row, or set the `on_conflict` columns of the one with its key."""
        self._add(conn, table, row, set(on_conflict))

    def update(self, conn: Connection, table: Table, key: Any, values: Row) -> None:
        """UPDATE table SET values WHERE primary key = key (no row, no change).

        The key of a table with a primary key of several columns is the tuple of their values,
        in the order of the table's primary key.
        """
        if self.direct:
            conn.execute(
                _update_statement(table, tuple(values)), _update_params(table, key, values)
            )
            return
        pending = self.tables.setdefault(table, _TableRows())
        if key in pending.inserts:
            pending.inserts[key].update(values)
            if key in pending.upserts:
                pending.upserts[key].update(values)
        else:
            pending.updates.setdefault(key, {}).update(values)

    def recompute(self, conn: Connection, statement: Recompute, key: Any) -> None:
        """Run `statement` for `key` at the end of the batch (once, however often asked)."""
        if self.direct:
            conn.execute(statement, {"key": key})
        else:
            self.recomputes.setdefault(statement, {})[key] = None

    def pending(self, table: Table, key: Any) -> Row | None:
        """The row buffered for insert under `key`, as it stands now (None when there is none)."""
        found = self.tables.get(table)
        return None if found is None else found.inserts.get(key)

    def asked(self, statement: Recompute) -> Collection[Any]:
        """The keys `statement` is to run for at the end of the batch (not run yet)."""
        return self.recomputes.get(statement, {}).keys()

    def cancel(self, statement: Recompute, key: Any) -> None:
        """A recompute asked for earlier in the batch is no longer wanted (the row was reset)."""
        self.recomputes.get(statement, {}).pop(key, None)

    def _add(self, conn: Connection, table: Table, row: Row, on_conflict: set[str] | None) -> None:
        if self.direct:
            conn.execute(_insert(conn, table, on_conflict), row)
            return
        key = _key(table, row)
        pending = self.tables.setdefault(table, _TableRows())
        if key in pending.updates or key in pending.inserts:
            self.flush(conn)  # keep the order of writes to the same row
            pending = self.tables.setdefault(table, _TableRows())
        pending.inserts[key] = dict(row)
        if on_conflict is not None:
            pending.upserts[key] = on_conflict

    def flush(self, conn: Connection) -> None:
        """Write out every buffered row, then run the recomputes."""
        tables, self.tables = self.tables, {}
        for table, pending in tables.items():
            _write(conn, table, pending)
        recomputes, self.recomputes = self.recomputes, {}
        for statement, keys in recomputes.items():
            if keys:
                conn.execute(statement, [{"key": key} for key in keys])


def rows(conn: Connection) -> RowBuffer:
    """This batch's buffer (a handler called outside a batch writes directly)."""
    found = conn.info.get(KEY)
    return found if isinstance(found, RowBuffer) else RowBuffer(direct=True)


def start(conn: Connection, direct: bool) -> RowBuffer:
    """A fresh buffer for a batch (dropping anything a failed batch left on the connection)."""
    buffer = RowBuffer(direct=direct)
    conn.info[KEY] = buffer
    return buffer


def flush(conn: Connection) -> None:
    found = conn.info.get(KEY)
    if isinstance(found, RowBuffer):
        found.flush(conn)


def _write(conn: Connection, table: Table, pending: _TableRows) -> None:
    for (_, on_conflict), group in _groups(pending).items():
        conn.execute(_insert(conn, table, on_conflict), group)
    updates: dict[tuple[str, ...], list[Row]] = {}
    for key, values in pending.updates.items():
        updates.setdefault(tuple(values), []).append(_update_params(table, key, values))
    for names, params in updates.items():
        conn.execute(_update_statement(table, names), params)


Group = tuple[tuple[str, ...], frozenset[str] | None]


def _groups(pending: _TableRows) -> dict[Group, list[Row]]:
    """Rows with the same columns (and the same conflict columns) share one executemany."""
    groups: dict[Group, list[Row]] = {}
    for key, row in pending.inserts.items():
        on_conflict = pending.upserts.get(key)
        group = (tuple(row), None if on_conflict is None else frozenset(on_conflict))
        groups.setdefault(group, []).append(row)
    return groups


def _insert(
    conn: Connection, table: Table, on_conflict: set[str] | frozenset[str] | None
) -> Executable:
    if on_conflict is None:
        return insert(table)
    return _upsert_statement(conn.dialect.name, table, tuple(sorted(on_conflict)))


@cache
def _upsert_statement(dialect: str, table: Table, columns: tuple[str, ...]) -> Executable:
    stmt = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)
    return stmt.on_conflict_do_update(
        index_elements=[c.name for c in _primary_key(table)],
        set_={name: stmt.excluded[name] for name in columns},
    )


@cache
def _update_statement(table: Table, names: tuple[str, ...]) -> Executable:
    columns = _primary_key(table)
    params = _key_params(len(columns))
    return (
        update(table)
        .where(*(c == bindparam(p) for c, p in zip(columns, params, strict=True)))
        .values({name: bindparam(f"v_{name}") for name in names})
    )


def _update_params(table: Table, key: Any, values: Row) -> Row:
    params = _key_params(len(_primary_key(table)))
    keys = dict(zip(params, key, strict=True)) if len(params) > 1 else {params[0]: key}
    return {**keys, **{f"v_{name}": value for name, value in values.items()}}


@cache
def _key_params(count: int) -> tuple[str, ...]:
    """Bind names of a primary key's columns: `key_` alone, else `key_0`, `key_1`, ..."""
    return ("key_",) if count == 1 else tuple(f"key_{i}" for i in range(count))


@cache
def _primary_key(table: Table) -> tuple[Column[Any], ...]:
    return tuple(table.primary_key.columns)


def _key(table: Table, row: Row) -> Any:
    columns = _primary_key(table)
    if len(columns) == 1:
        return row[columns[0].name]
    return tuple(row[c.name] for c in columns)
