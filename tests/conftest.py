"""Shared fixtures: a frozen clock, real databases (SQLite files, PostgreSQL when configured),
a desk service built the way the command builds it, and demo data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from desk_databases import (
    FROZEN_NOW,
    Templates,
    _postgres_database,
    opened_desk,
)

from db.desk import DeskService

POSTGRES_ENV = "SPR_DESK_TEST_POSTGRES_URL"
"""An admin URL of a PostgreSQL server the tests may create databases on (`.ci/run` sets it)."""


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject's addopts): one worker more than the cores. Much of the suite waits
    rather than computes (desks in real terminals typed into at a handler's pace, a browser,
    subprocesses starting): on CI's two cores two workers kept them 137% busy in 529 s, three
    159% in 465 s. Every timing-sensitive test already passes with two processes burning both
    cores (`tests_support.machine`)."""
    del config
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 1


@pytest.fixture(autouse=True)
def no_user_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own database, data and log folders out of every test."""
    monkeypatch.delenv("SPR_DESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture(autouse=True)
def steady_cursors(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a snapshot test, every input and text area keeps its cursor shown: a blinking one is
    hidden half the time, so a picture would depend on the moment it was taken. (The desk's own
    fields never blink; Textual's `TextArea` does, and a stray `Input` would.) Other tests keep
    Textual's blinking, so a test of the desk's steady cursor still tries the desk's own code."""
    if "snap_compare" not in request.fixturenames:
        return
    from textual.widgets import Input, TextArea

    for widget in (Input, TextArea):
        monkeypatch.setattr(widget, "__init__", _without_blink(widget.__init__))


def _without_blink(init: Callable[..., None]) -> Callable[..., None]:
    def steady(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.cursor_blink = False

    return steady


@pytest.fixture
def now() -> datetime:
    return FROZEN_NOW


def _postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if not url and os.environ.get("CI") == "true":
        pytest.fail(f"CI must test PostgreSQL too: set {POSTGRES_ENV} (.ci/run does)")
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.db'}"
        return
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} to test it")
    with _postgres_database(admin_url, f"spr_test_{uuid.uuid4().hex[:12]}") as url:
        yield url


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    built = Templates(tmp_path_factory.mktemp("templates"))
    yield built
    built.drop(os.environ.get(POSTGRES_ENV))


@contextmanager
def copied_desk(
    kind: str, backend: str, file: Path, now: datetime, templates: Templates
) -> Iterator[DeskService]:
    """A desk copied from the `kind` template on `backend` (SQLite: into `file`), on the clock
    `now`."""
    if backend == "sqlite":
        with opened_desk(templates.sqlite_copy(kind, file), now) as service:
            yield service
        return
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} to test it")
    with templates.postgres_copy(kind, admin_url) as url, opened_desk(url, now) as service:
        yield service


@pytest.fixture(params=BACKENDS)
def desk(
    request: pytest.FixtureRequest, tmp_path: Path, now: datetime, templates: Templates
) -> Iterator[DeskService]:
    """A migrated desk with its reference data, on each backend."""
    with copied_desk("migrated", request.param, tmp_path / "desk.db", now, templates) as service:
        yield service


@pytest.fixture(params=BACKENDS)
def demo_desk(
    request: pytest.FixtureRequest, tmp_path: Path, now: datetime, templates: Templates
) -> Iterator[DeskService]:
    """A desk holding seven days of demo data (loaded before FROZEN_NOW), on each backend."""
    with copied_desk("demo", request.param, tmp_path / "desk.db", now, templates) as service:
        yield service


@pytest.fixture
def sqlite_desk(tmp_path: Path, now: datetime, templates: Templates) -> Iterator[DeskService]:
    """A SQLite desk (the app's tests need one backend only)."""
    with copied_desk("migrated", "sqlite", tmp_path / "app.db", now, templates) as service:
        yield service


@pytest.fixture
def sqlite_demo_desk(tmp_path: Path, now: datetime, templates: Templates) -> Iterator[DeskService]:
    """A SQLite desk holding seven days of demo data."""
    with copied_desk("demo", "sqlite", tmp_path / "app.db", now, templates) as service:
        yield service
