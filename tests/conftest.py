"""Shared fixtures: a frozen clock, real databases (SQLite files, PostgreSQL when configured),
a desk service built the way the command builds it, and demo data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests_support import fill_demo

from db.desk import DeskService
from db.engine import make_engine
from db.migrate import upgrade_to_head

POSTGRES_ENV = "SPR_DESK_TEST_POSTGRES_URL"
"""An admin URL of a PostgreSQL server the tests may create databases on (`.ci/run` sets it)."""

FROZEN_NOW = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_user_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own database, data and log folders out of every test."""
    monkeypatch.delenv("SPR_DESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def now() -> datetime:
    return FROZEN_NOW


def _postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if not url and os.environ.get("CI") == "true":
        pytest.fail(f"CI must test PostgreSQL too: set {POSTGRES_ENV} (.ci/run does)")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.db'}"
        return
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} to test it")
    name = f"spr_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
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


@pytest.fixture
def desk(db_url: str, now: datetime) -> Iterator[DeskService]:
    with opened_desk(db_url, now) as service:
        yield service


@pytest.fixture
def demo_desk(desk: DeskService) -> DeskService:
    """A desk holding seven days of demo data, on each backend."""
    fill_demo(desk)
    return desk


@pytest.fixture
def sqlite_desk(tmp_path: Path, now: datetime) -> Iterator[DeskService]:
    """A SQLite desk (the app's tests need one backend only)."""
    with opened_desk(f"sqlite:///{tmp_path / 'app.db'}", now) as service:
        yield service


@pytest.fixture
def sqlite_demo_desk(sqlite_desk: DeskService) -> DeskService:
    """A SQLite desk holding seven days of demo data."""
    fill_demo(sqlite_desk)
    return sqlite_desk
