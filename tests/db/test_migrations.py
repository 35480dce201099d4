"""Migrations: Alembic's head is exactly the models, and upgrading keeps every row."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, func, inspect, select
from sqlalchemy.engine import make_url
from tests_support import fill_demo

from db.desk import DeskService
from db.engine import make_engine
from db.migrate import (
    AUDIT_TRIGGERS_REVISION,
    HEAD_REVISION,
    MIGRATIONS,
    alembic_config,
    audit_trigger_names,
    current_revision,
    has_audit_triggers_at,
    known_revisions,
    missing_audit_triggers,
    sqlite_audit_trigger_sql,
    upgrade,
    upgrade_to_head,
)
from db.models import metadata
from spr_desk.queue_view import queue_band

# SQLite cannot reflect an index on an expression (the audit trail's lower(actor) index), so
# SQLAlchemy and Alembic say they skip it; tests/db/test_big_reads.py checks the plan uses it.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index"),
    pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based"),
]

FIRST_REVISION = "0001_initial"


def test_head_revision_constant_is_alembics_head(db_url: str) -> None:
    engine = make_engine(db_url)
    script = ScriptDirectory.from_config(alembic_config(engine))
    assert script.get_heads() == [HEAD_REVISION]
    engine.dispose()


def test_upgrade_from_empty_gives_exactly_the_models_schema(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    assert upgrade_to_head(engine) is True
    assert current_revision(engine) == HEAD_REVISION
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
        tables = set(inspect(connection).get_table_names())
    assert differences == []
    assert tables == set(metadata.tables) | {"alembic_version"}
    engine.dispose()


def _plain(value: object) -> object:
    """Reflected SQLite times come back naive (they are stored as UTC), PostgreSQL's aware."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _rows(engine: Engine, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        tables = MetaData()
        tables.reflect(connection)
        return {
            name: sorted(
                tuple(_plain(value) for value in row)
                for row in connection.execute(
                    select(*(tables.tables[name].c[column] for column in names))
                )
            )
            for name, names in columns.items()
        }


def test_upgrading_a_database_that_holds_data_keeps_every_row(
    db_url: str, tmp_path: Path, now: datetime
) -> None:
    """Demo data made at head is copied into a database at the first revision (the columns it
    had then), which is then upgraded: every row and every old value must still be there."""
    source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")
    upgrade_to_head(source)
    fill_demo(DeskService(source, clock=lambda: now), days=2)

    engine = make_engine(db_url)
    upgrade(engine, FIRST_REVISION)
    old = MetaData()
    old.reflect(engine)
    old_columns = {
        table.name: [column.name for column in table.columns]
        for table in old.sorted_tables
        if table.name != "alembic_version"
    }
    copied = _rows(source, old_columns)
    with engine.begin() as connection:
        for table in old.sorted_tables:
            if copied.get(table.name):
                connection.execute(
                    table.insert(),
                    [
                        dict(zip(old_columns[table.name], row, strict=True))
                        for row in copied[table.name]
                    ],
                )
    assert sum(len(rows) for rows in copied.values()) > 500
    assert len(copied["referral"]) > 0

    upgrade(engine, "head")
    assert current_revision(engine) == HEAD_REVISION
    assert _rows(engine, old_columns) == copied
    with engine.connect() as connection:
        referral = metadata.tables["referral"]
        assert connection.execute(select(func.count()).select_from(referral)).scalar_one() == len(
            copied["referral"]
        )
        # Columns added since are filled in from the old values (0005: the queue band).
        bands = connection.execute(select(referral.c.status, referral.c.queue_band)).all()
        assert {status for status, _ in bands} >= {"recorded", "in_service", "closed"}
        assert all(band == queue_band(status) for status, band in bands)
    source.dispose()
    engine.dispose()


def test_a_url_with_a_percent_sign_does_not_break_the_migration_config(tmp_path: Path) -> None:
    folder = tmp_path / "100%"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder}/desk.db")
    assert upgrade_to_head(engine) is True
    option = alembic_config(engine).get_main_option("sqlalchemy.url")
    assert option is not None and make_url(option).database == str(folder / "desk.db")
    engine.dispose()


def test_a_migrated_database_has_every_audit_trigger_migration_0006_defines(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade_to_head(engine)
    with engine.connect() as connection:
        assert missing_audit_triggers(connection) == []
    assert len(audit_trigger_names(engine.dialect.name)) == 2
    engine.dispose()


def test_the_audit_sql_checked_and_put_back_is_migration_0006s_own() -> None:
    """The start-up check reads 0006's constants from its source without importing Alembic:
    they must be exactly what the migration itself runs."""
    path = Path(MIGRATIONS, "versions", f"{AUDIT_TRIGGERS_REVISION}.py")
    spec = importlib.util.spec_from_file_location("migration_0006", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    names = audit_trigger_names("sqlite")
    assert sqlite_audit_trigger_sql() == dict(zip(names, migration.SQLITE_UP, strict=True))
    assert all(
        name in " ".join(migration.POSTGRES_UP) for name in audit_trigger_names("postgresql")
    )
    assert audit_trigger_names("postgresql") == ("audit_event_no_change", "audit_event_no_truncate")


def test_which_revisions_have_the_audit_triggers() -> None:
    assert not has_audit_triggers_at("0005_queue_band")
    assert has_audit_triggers_at(AUDIT_TRIGGERS_REVISION)
    assert has_audit_triggers_at("0010_audit_actor_index")
    assert has_audit_triggers_at(HEAD_REVISION)
    assert {FIRST_REVISION, AUDIT_TRIGGERS_REVISION, HEAD_REVISION} <= known_revisions()
