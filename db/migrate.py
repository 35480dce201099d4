"""Bring a database to the current schema with Alembic, configured in code.

Start-up asks one cheap question first (the stored revision against `HEAD_REVISION`), so a desk
that is already up to date never imports Alembic at all.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD_REVISION = "0001_initial"
"""The newest revision id; a test proves it equals Alembic's head."""


def alembic_config(engine: Engine):  # -> alembic.config.Config (imported lazily)
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_to_head(engine: Engine) -> bool:
    """Upgrade when needed; returns True when a migration ran. Never drops data."""
    if current_revision(engine) == HEAD_REVISION:
        return False
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return True
