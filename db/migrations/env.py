"""Alembic environment: runs on the connection `db.migrate` hands it (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from db.models import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things, so Alembic copies the table; other backends ignore it.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from db.engine import make_engine

        with make_engine(config.get_main_option("sqlalchemy.url")).connect() as fresh:
            _run(fresh)
    else:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("SPR Desk migrations run online only: use `spr-desk db upgrade`.")
run_migrations_online()
