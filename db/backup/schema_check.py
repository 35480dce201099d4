"""The schema a backup must have: the one a new database migrated to its revision has."""

from __future__ import annotations

import functools
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from db.backup.reading import _connect
from db.engine import make_engine
from db.migrate import upgrade


@dataclass(frozen=True, slots=True)
class Schema:
    """A SQLite database's schema as SQLite reports it, in comparable pieces (SQL text with its
    whitespace and quoting evened out). SQLite's own tables (sqlite_sequence, sqlite_stat1) are
    left out: SQLite makes them, not the desk."""

    tables: dict[str, tuple[str, ...]]
    """Table name: its CREATE TABLE's clauses (columns and constraints), sorted."""
    columns: dict[str, dict[str, tuple[object, ...]]]
    """Table name: column name: (type, not null, default, primary key position)."""
    foreign_keys: dict[str, frozenset[tuple[object, ...]]]
    indexes: dict[str, tuple[object, ...]]
    """Index name (SQLite's own: its table and columns): (table, its SQL or None, its columns)."""
    triggers: dict[str, str]
    views: dict[str, str]


def _even(sql: str | None) -> str:
    return " ".join((sql or "").replace('"', "").split())


def _clauses(sql: str | None) -> tuple[str, ...]:
    """A CREATE TABLE's column and constraint clauses, sorted: Alembic's batch mode writes a
    copied table's constraints in no fixed order, so only the set of clauses is its schema."""
    text = _even(sql)
    inside = text[text.find("(") + 1 : text.rfind(")")]
    clauses: list[str] = []
    depth = 0
    current: list[str] = []
    for character in inside:
        if character == "," and depth == 0:
            clauses.append("".join(current).strip())
            current = []
            continue
        depth += {"(": 1, ")": -1}.get(character, 0)
        current.append(character)
    clauses.append("".join(current).strip())
    return tuple(sorted(clauses))


def schema_of(connection: sqlite3.Connection) -> Schema:
    """The schema of the database `connection` reads (read only)."""
    rows = connection.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
        "OR type = 'index'"
    ).fetchall()
    tables = {name: _clauses(sql) for kind, name, _, sql in rows if kind == "table"}
    columns: dict[str, dict[str, tuple[object, ...]]] = {
        table: {
            row[1]: (str(row[2]).upper(), bool(row[3]), row[4], row[5])
            for row in connection.execute(f'PRAGMA table_info("{table}")')
        }
        for table in tables
    }
    foreign_keys: dict[str, frozenset[tuple[object, ...]]] = {
        table: frozenset(
            (row[2], row[3], row[4], row[5], row[6])
            for row in connection.execute(f'PRAGMA foreign_key_list("{table}")')
        )
        for table in tables
    }
    indexes: dict[str, tuple[object, ...]] = {}
    for kind, name, table, sql in rows:
        if kind != "index":
            continue
        keys = tuple(
            row[2]
            for row in connection.execute(f'PRAGMA index_xinfo("{name}")')
            if row[5]  # a key column, not the rowid SQLite adds
        )
        # SQLite's own index for a UNIQUE constraint is numbered in the order the constraints
        # were written, which is not fixed: it is known by its table and columns instead.
        known_as = f"unique ({', '.join(map(str, keys))}) on {table}" if sql is None else name
        indexes[known_as] = (table, _even(sql) if sql else None, keys)
    triggers = {name: _even(sql) for kind, name, _, sql in rows if kind == "trigger"}
    views = {name: _even(sql) for kind, name, _, sql in rows if kind == "view"}
    return Schema(tables, columns, foreign_keys, indexes, triggers, views)


@functools.cache
def schema_at(revision: str) -> Schema:
    """The schema a database at `revision` has: a new database migrated to it by Alembic, in a
    temporary folder (about 0.35 s to the head; once per revision per process)."""
    with tempfile.TemporaryDirectory(prefix="spr-desk-schema-") as folder:
        path = Path(folder) / "reference.db"
        engine = make_engine(f"sqlite:///{path}")
        try:
            upgrade(engine, revision)
        finally:
            engine.dispose()
        with closing(_connect(path)) as reference:
            return schema_of(reference)


def _compare_named(
    noun: str, found: dict[str, object], defined: dict[str, object], differs: str = ""
) -> list[str]:
    """Extra and missing names, and (`differs`: what to call one) those whose definition is
    not the desk's."""
    words = [
        f"the backup has {noun} the desk does not define: {name}"
        for name in found.keys() - defined.keys()
    ]
    words += [
        f"the backup lacks {noun} its schema defines: {name}"
        for name in defined.keys() - found.keys()
    ]
    words += [
        f"the backup's {differs} {name} is not the one the desk defines"
        for name in found.keys() & defined.keys()
        if found[name] != defined[name]
    ]
    return sorted(words)


def schema_differences(found: Schema, defined: Schema) -> list[str]:
    """What `found` has, lacks or has otherwise than `defined`, one phrase each (empty: equal)."""
    words = _compare_named("a table", dict.fromkeys(found.tables), dict.fromkeys(defined.tables))
    # A table's columns are looked at only where both have the table (else it was said above).
    for table in sorted(found.tables.keys() & defined.tables.keys()):
        have, want = found.columns[table], defined.columns[table]
        same_columns = have == want
        words += [
            f"the backup has a column the desk does not define: {table}.{name}"
            for name in sorted(have.keys() - want.keys())
        ]
        words += [
            f"the backup lacks a column its schema defines: {table}.{name}"
            for name in sorted(want.keys() - have.keys())
        ]
        words += [
            f"the backup's column {table}.{name} is {_column_in_words(have[name])}, "
            f"not {_column_in_words(want[name])}"
            for name in sorted(have.keys() & want.keys())
            if have[name] != want[name]
        ]
        if found.foreign_keys[table] != defined.foreign_keys[table]:
            words.append(f"the backup's foreign keys of table {table} are not the desk's")
        elif same_columns and found.tables[table] != defined.tables[table]:
            # Same columns, other SQL: a CHECK or another constraint was added or taken away.
            words.append(f"the backup's table {table} has constraints the desk does not define")
    words += _compare_named("an index", dict(found.indexes), dict(defined.indexes), "index")
    words += _compare_named("a trigger", dict(found.triggers), dict(defined.triggers), "trigger")
    words += _compare_named("a view", dict(found.views), dict(defined.views), "view")
    return words


def _column_in_words(column: tuple[object, ...]) -> str:
    kind, not_null, default, _ = column
    words = [str(kind) or "untyped"]
    if not_null:
        words.append("NOT NULL")
    if default is not None:
        words.append(f"DEFAULT {default}")
    return " ".join(words)


def _refusal(source: Path, revision: str, differences: list[str]) -> str:
    shown_here = differences[:3]
    more = len(differences) - len(shown_here)
    also = f"; and {more} more" if more else ""
    return (
        f"{source} is not the schema {revision} defines, so it is refused: "
        f"{'; '.join(shown_here)}{also}; nothing changed"
    )
