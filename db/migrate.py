"""Bring a database to the current schema with Alembic, configured in code.

Start-up asks one cheap question first (the stored revision against `HEAD_REVISION`), so a desk
that is already up to date never imports Alembic at all.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD_REVISION = "0013_sign_in_attempts"
"""The newest revision id; a test proves it equals Alembic's head."""


def alembic_config(engine: Engine):  # -> alembic.config.Config (imported lazily)
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
        raw = connection.connection.driver_connection
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
