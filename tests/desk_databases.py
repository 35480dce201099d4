"""Test databases: a desk opened as `spr-desk` opens one, and the migrated templates copied for
each test (`Templates`). Imported by conftest.py's fixtures and by the tests that open a desk of
their own; kept out of conftest.py itself, since `tests/domain/conftest.py` shares its module name
and one run that collects both could import the wrong one."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from tests_support import fill_demo

from db.desk import DeskService
from db.engine import make_engine
from db.migrate import upgrade_to_head

FROZEN_NOW = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


@contextmanager
def _postgres_database(admin_url: str, name: str, template: str | None = None) -> Iterator[str]:
    """A new database on the server (a copy of `template` if given), dropped afterwards."""
    try:
        yield _create_database(admin_url, name, template)
    finally:
        _drop_database(admin_url, name)


def _create_database(admin_url: str, name: str, template: str | None = None) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _drop_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def opened_desk(url: str, now: datetime) -> Iterator[DeskService]:
    """A migrated desk with reference data, on the clock `now`, built as `spr-desk` builds it."""
    engine = make_engine(url)
    upgrade_to_head(engine)
    service = DeskService(engine, clock=lambda: now)
    service.ensure_reference_data()
    yield service
    engine.dispose()


class Templates:
    """Databases built once per test process and backend, then copied for each test that asks:
    a migrated desk with its reference data (0.35 s to migrate on SQLite) and one holding seven
    days of demo data (3.7 s on SQLite, 5.4 s on PostgreSQL), against about 0.05 s a copy. A
    SQLite file is copied through SQLite's backup API, a PostgreSQL database by CREATE DATABASE
    ... TEMPLATE."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sqlite: dict[str, Path] = {}
        self.postgres: dict[str, str] = {}

    @staticmethod
    def _fill(kind: str, service: DeskService) -> None:
        if kind == "demo":
            fill_demo(service)

    def sqlite_copy(self, kind: str, target: Path) -> str:
        if kind not in self.sqlite:
            built = self.folder / f"{kind}.db"
            with opened_desk(f"sqlite:///{built}", FROZEN_NOW) as service:
                self._fill(kind, service)
            self.sqlite[kind] = built
        # owner-only, as the desk makes its own files
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        with (
            closing(sqlite3.connect(self.sqlite[kind])) as source,
            closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
        return f"sqlite:///{target}"

    @contextmanager
    def postgres_copy(self, kind: str, admin_url: str) -> Iterator[str]:
        if kind not in self.postgres:
            name = f"spr_{kind}_{uuid.uuid4().hex[:12]}"
            self.postgres[kind] = name  # dropped by drop(), at the end of the session
            with opened_desk(_create_database(admin_url, name), FROZEN_NOW) as service:
                self._fill(kind, service)
        name = f"spr_test_{uuid.uuid4().hex[:12]}"
        with _postgres_database(admin_url, name, template=self.postgres[kind]) as url:
            yield url

    def drop(self, admin_url: str | None) -> None:
        if admin_url is None:
            return
        for name in self.postgres.values():
            _drop_database(admin_url, name)
