"""Migrations: Alembic's head is exactly the models, and upgrading keeps every row."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select
from tests_support import fill_demo

from db.desk import DeskService
from db.engine import make_engine
from db.migrate import HEAD_REVISION, alembic_config, current_revision, upgrade_to_head
from db.models import metadata


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


def _row_counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in metadata.tables.items()
        }


def test_upgrading_a_database_that_holds_data_keeps_every_row(db_url: str, now) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001_initial")
    desk = DeskService(engine, clock=lambda: now)
    fill_demo(desk, days=2)
    before = _row_counts(engine)
    assert before["referral"] > 0 and before["audit_event"] > before["referral"]
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    upgrade_to_head(engine)
    assert _row_counts(engine) == before
    engine.dispose()
