"""Bring a database to the current schema with Alembic, configured in code.

Start-up asks one cheap question first (the stored revision against `HEAD_REVISION`), so a desk
that is already up to date never imports Alembic at all.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:  # imported lazily at run time (start-up need not load Alembic)
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD_REVISION = "0017_gp_owed_index"
"""The newest revision id; a test proves it equals Alembic's head."""
AUDIT_TRIGGERS_REVISION = "0006_audit_append_only"
"""The migration that makes the audit trail append-only with triggers (its SQL is reused here)."""


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's config parser reads % as interpolation: a URL-encoded socket path or a password
    # with % in it must be escaped.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` in one transaction.

    On SQLite, Alembic alters a table by copying it and dropping the old one, which the foreign
    keys of the tables pointing at it would refuse; so they are switched off for the migration
    (outside the transaction, the only place SQLite allows it) and every key is checked after.
    """
    from alembic import command

    config = alembic_config(engine)
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        # The driver's own connection, there while the connection is open (sqlite3's here).
        raw: Any = connection.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left {len(broken)} broken foreign keys")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


def upgrade_to_head(engine: Engine) -> bool:
    """Upgrade when needed; returns True when a migration ran. Never drops data."""
    if current_revision(engine) == HEAD_REVISION:
        return False
    upgrade(engine)
    return True


# revisions this version knows ------------------------------------------------------------------


@functools.cache
def known_revisions() -> frozenset[str]:
    """Every revision id in this version's migrations (imports Alembic: asked only off the fast
    path, when the stored revision is not the head)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS)).walk_revisions()
    return frozenset(script.revision for script in scripts)


def is_known(revision: str) -> bool:
    return revision == HEAD_REVISION or revision in known_revisions()


@functools.cache
def has_audit_triggers_at(revision: str) -> bool:
    """Whether a database at `revision` (a known one) should have the audit triggers."""
    if revision == HEAD_REVISION:
        return True
    from alembic.script import ScriptDirectory

    walked = ScriptDirectory(str(MIGRATIONS)).iterate_revisions(revision, "base")
    return any(script.revision == AUDIT_TRIGGERS_REVISION for script in walked)


# the audit trail's triggers -----------------------------------------------------------------


AUDIT_CONSTANTS = ("MESSAGE", "SQLITE_UP", "SQLITE_DOWN", "POSTGRES_UP", "POSTGRES_DOWN")


@functools.cache
def _audit_migration() -> dict[str, object]:
    """Migration 0006's SQL, the one definition of the triggers, for checking them and putting
    them back: its constants are evaluated from its own source, without its imports, so the
    start-up check does not load Alembic (which the migration imports for `op`)."""
    path = MIGRATIONS / "versions" / f"{AUDIT_TRIGGERS_REVISION}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    constants: list[ast.stmt] = [
        node
        for node in tree.body
        if isinstance(node, ast.Assign)
        and all(
            isinstance(target, ast.Name) and target.id in AUDIT_CONSTANTS for target in node.targets
        )
    ]
    found: dict[str, object] = {}
    exec(compile(ast.Module(constants, type_ignores=[]), str(path), "exec"), found)
    return found


def _audit_statements(dialect: str, direction: str) -> list[str]:
    prefix = {"sqlite": "SQLITE", "postgresql": "POSTGRES"}.get(dialect)
    statements = _audit_migration()[f"{prefix}_{direction}"] if prefix else []
    return [str(statement) for statement in statements]  # type: ignore[attr-defined]


def audit_trigger_names(dialect: str) -> tuple[str, ...]:
    """The triggers migration 0006 creates on this backend, in its order."""
    found = (re.search(r"CREATE TRIGGER (\w+)", sql) for sql in _audit_statements(dialect, "UP"))
    return tuple(match.group(1) for match in found if match)


def sqlite_audit_trigger_sql() -> dict[str, str]:
    """Each SQLite audit trigger's name and the SQL that creates it (as sqlite_master keeps it)."""
    return {
        match.group(1): sql
        for sql in _audit_statements("sqlite", "UP")
        if (match := re.search(r"CREATE TRIGGER (\w+)", sql))
    }


def missing_audit_triggers(connection: Connection) -> list[str]:
    """The audit triggers that are absent, changed or disabled: one query on the catalogue.

    SQLite: each trigger must be there with 0006's own SQL (a trigger of that name that does
    nothing is as good as none). PostgreSQL: each must be there and enabled."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND tbl_name = 'audit_event'"
        ).all()
        present = {name: " ".join((sql or "").split()) for name, sql in rows}
        return [
            name
            for name, sql in sqlite_audit_trigger_sql().items()
            if present.get(name) != " ".join(sql.split())
        ]
    if dialect == "postgresql":
        rows = connection.exec_driver_sql(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('audit_event') "
            "AND NOT tgisinternal AND tgenabled <> 'D'"
        ).all()
        enabled = {row[0] for row in rows}
        return [name for name in audit_trigger_names(dialect) if name not in enabled]
    return []


def repair_audit_triggers(engine: Engine, *, by: str) -> list[str]:
    """Put back the audit triggers that are missing, with 0006's own SQL (its downgrade first,
    so a changed or half-present set is replaced whole), and record it in the audit trail, in one
    transaction; returns the names that were missing (none: nothing is done)."""
    from db.models import AuditEvent
    from spr_desk.audit_actions import AuditAction
    from spr_desk.uktime import utc_now

    with engine.begin() as connection:
        missing = missing_audit_triggers(connection)
        if not missing:
            return []
        dialect = connection.dialect.name
        for statement in _audit_statements(dialect, "DOWN") + _audit_statements(dialect, "UP"):
            connection.exec_driver_sql(statement)
        if missing_audit_triggers(connection):
            raise RuntimeError("the audit triggers could not be put back")
        connection.execute(
            AuditEvent.__table__.insert().values(  # type: ignore[attr-defined]
                at=utc_now(),
                actor=by[:80],
                action=AuditAction.AUDIT_TRIGGERS_RESTORED.value,
                entity="database",
                entity_id="",
                detail=f"missing and put back: {', '.join(missing)}",
            )
        )
    return missing
