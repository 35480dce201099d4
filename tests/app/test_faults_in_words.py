"""Each database fault a call can meet, injected for real into the desk's SQLite file, is said
once in its words and loses nothing typed (issue 14, point 6).

- busy: a second connection holds `BEGIN IMMEDIATE` past the desk's busy timeout (cut here to
  0.2 s, so a try takes 0.2 s rather than 5 s; the desk's own engine and events otherwise);
- disk full: `PRAGMA max_page_count` set to the file's size on each of the desk's connections;
- read-only: the file opened `?mode=ro` (the tests run as root, where chmod 0400 stops nothing).

The server unreachable (PostgreSQL stopped and started) is in test_stale_queue.py. A database
too new, or not a desk's, is refused before any screen exists: the desk exits saying so in its
words (and tests/domain/test_faults.py words each `DeskFault`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from call_script import ETHEL, settle, start_call, take_call
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session, select
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

import screens.triage
from db.desk import DeskService
from db.engine import make_engine
from db.models import Referral
from screens.confirm_call_modal import ConfirmCallModal
from screens.queue import QueueScreen
from screens.reference_modal import ReferenceModal
from screens.triage import BUSY_WORDS, TriageScreen
from spr_desk.entrypoints.app import SprDeskApp
from spr_desk.entrypoints.bootstrap import build_app, open_desk
from spr_desk.faults import DeskFault, FaultKind, fault_of

SIZE = (120, 40)
BUSY = "The database is busy (an import or another desk is writing)."
FULL = "The disk holding the database is full."
READ_ONLY = "The database can only be read here, not written."


class Injected:
    """Faults put on each of the desk's connections as it is taken from the pool."""

    def __init__(self) -> None:
        self.busy_ms = 200
        self.max_pages: int | None = None


def faulty_desk(url: str, now: datetime, injected: Injected) -> DeskService:
    """The desk as `spr-desk` builds it, on the same file, with the faults `injected` holds."""
    engine = make_engine(url)

    @event.listens_for(engine, "checkout")
    def _inject(connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={injected.busy_ms}")
        cursor.execute(f"PRAGMA max_page_count={injected.max_pages or 1_073_741_823}")
        cursor.close()

    return DeskService(engine, clock=lambda: now)


@pytest.fixture
def injected() -> Injected:
    return Injected()


@pytest.fixture
def desk(sqlite_desk: DeskService, now: datetime, injected: Injected) -> Iterator[DeskService]:
    service = faulty_desk(str(sqlite_desk.engine.url), now, injected)
    yield service
    service.engine.dispose()


@contextmanager
def lock_held(desk: DeskService) -> Iterator[sqlite3.Connection]:
    """Another process's write transaction on the desk's file (a rota import, say)."""
    holder = sqlite3.connect(str(desk.engine.url.database), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield holder
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()


async def until(pilot: Pilot[Any], condition: Callable[[], bool], seconds: float = 30) -> None:
    """Wait for the screen to reach `condition`, with a generous deadline (no fixed sleeps)."""
    end = time.monotonic() + seconds
    while not condition():
        if pilot.app._exception is not None:
            raise pilot.app._exception
        assert time.monotonic() < end, "the screen never got there"
        await pilot.pause(0.05)


def notices(app: SprDeskApp, words: str) -> int:
    return sum(words in str(note.message) for note in app._notifications)


def banner(triage: TriageScreen) -> str:
    shown = triage.query_one("#drafts-failing", Static)
    return str(shown.render()) if shown.display else ""


def referrals(desk: DeskService) -> list[Referral]:
    with Session(desk.engine) as session:
        return list(session.exec(select(Referral)).all())


async def confirm(pilot: Pilot[Any]) -> None:
    """ctrl+s, then enter on the read-back: the record's worker starts (not waited for)."""
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmCallModal))
    await pilot.press("enter")


async def type_notes(pilot: Pilot[Any], triage: TriageScreen, text: str) -> None:
    notes = triage.query_one("#notes", TextArea)
    notes.move_cursor(notes.document.end)
    notes.insert(text)  # as typed: its change event puts it in the form and saves the draft
    await until(pilot, lambda: triage.form.notes.endswith(text))


async def test_a_call_meeting_a_busy_database_says_so_once_and_is_recorded_once_it_frees(
    desk: DeskService,
) -> None:
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        triage = await start_call(pilot)
        await take_call(pilot, ETHEL)
        with lock_held(desk):
            await confirm(pilot)
            await until(pilot, lambda: notices(app, BUSY_WORDS) == 1)
            assert triage.recording and app.screen is triage
        await until(pilot, lambda: isinstance(app.screen, ReferenceModal))
        reference = app.screen.reference  # type: ignore[attr-defined]
        assert notices(app, BUSY_WORDS) == 1
        assert notices(app, "NOT RECORDED") == 0
        await pilot.press("enter")
        await settle(pilot)
    assert [row.reference for row in referrals(desk)] == [reference]
    assert desk.open_drafts() == []  # the draft is marked recorded: never offered again


async def test_a_database_busy_past_every_try_is_not_recorded_said_once_everything_kept(
    desk: DeskService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(screens.triage, "RECORD_PAUSES", (0.05, 0.05, 0.05))
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        triage = await start_call(pilot)
        await take_call(pilot, ETHEL)
        with lock_held(desk):
            await confirm(pilot)
            await until(pilot, lambda: notices(app, "NOT RECORDED") == 1)
            await until(pilot, lambda: not triage.recording)
        assert notices(app, BUSY_WORDS) == 1
        assert notices(app, f"NOT RECORDED: {BUSY}") == 1
        assert app.screen is triage
        assert triage.query_one("#family_name", Input).value == "Example"
        assert triage.form.needs == ["dehydration", "personal_care"]
        assert referrals(desk) == []
        await confirm(pilot)  # the lock has gone: the next try records it, once
        await until(pilot, lambda: isinstance(app.screen, ReferenceModal))
        await pilot.press("enter")
        await settle(pilot)
    assert len(referrals(desk)) == 1


async def test_a_second_record_while_one_is_trying_is_refused_not_doubled(
    desk: DeskService,
) -> None:
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        triage = await start_call(pilot)
        await take_call(pilot, ETHEL)
        with lock_held(desk):
            await confirm(pilot)
            await until(pilot, lambda: notices(app, BUSY_WORDS) == 1)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert notices(app, "This call is being recorded") == 1
            assert app.screen is triage
        await until(pilot, lambda: isinstance(app.screen, ReferenceModal))
        await pilot.press("enter")
        await settle(pilot)
    assert len(referrals(desk)) == 1


async def test_the_handler_may_edit_and_leave_while_a_busy_database_is_retried(
    desk: DeskService,
) -> None:
    """Retrying holds nothing up: a word typed meanwhile is kept, and leaving the call (kept as
    a draft) stops the tries, so nothing is recorded behind the handler's back."""
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        triage = await start_call(pilot)
        await take_call(pilot, ETHEL)
        with lock_held(desk):
            await confirm(pilot)
            await until(pilot, lambda: notices(app, BUSY_WORDS) == 1)
            await type_notes(pilot, triage, "Son has a key")
            await pilot.press("escape")
            await until(pilot, lambda: type(app.screen).__name__ == "LeaveCallModal")
            await pilot.press("k")
            await until(pilot, lambda: isinstance(app.screen, QueueScreen))
            await until(pilot, lambda: not triage.recording)
        assert notices(app, "NOT RECORDED") == 0 and notices(app, "recorded after all") == 0
        assert app.my_drafts[triage.draft_key].form.notes.endswith("Son has a key")
    assert referrals(desk) == []


async def test_failing_draft_saves_show_one_banner_until_a_save_works_again(
    desk: DeskService,
) -> None:
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        triage = await start_call(pilot)
        await take_call(pilot, ETHEL)
        with lock_held(desk):
            for word in ("Lives", " with", " her", " son"):
                await type_notes(pilot, triage, word)
            await until(pilot, lambda: BUSY in banner(triage))
            assert banner(triage).startswith("Drafts are not being saved: ")
            await type_notes(pilot, triage, " now")
            assert notices(app, "draft") == 0 and notices(app, BUSY) == 0  # never a notice
        # No key after the lock goes: the saver tries the last words again by itself.
        await until(pilot, lambda: banner(triage) == "")
        await until(pilot, lambda: "son now" in str(desk.open_drafts()[0].payload["notes"]))
        assert triage.form.notes.endswith("Lives with her son now")


async def test_a_full_disk_is_said_once_in_the_banner_and_once_on_recording(
    desk: DeskService, injected: Injected
) -> None:
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        triage = await start_call(pilot)
        await take_call(pilot, ETHEL)
        with closing(sqlite3.connect(str(desk.engine.url.database))) as probe:
            injected.max_pages = probe.execute("PRAGMA page_count").fetchone()[0]
        long_notes = "Daughter visits on Tuesdays. " * 2000  # 58 KB: pages the file has not got
        await type_notes(pilot, triage, long_notes)
        await until(pilot, lambda: FULL in banner(triage))
        await confirm(pilot)
        await until(pilot, lambda: notices(app, "NOT RECORDED") == 1)
        await until(pilot, lambda: not triage.recording)
        assert notices(app, f"NOT RECORDED: {FULL}") == 1
        assert notices(app, BUSY_WORDS) == 0  # a full disk is not retried as if busy
        assert banner(triage).count(FULL) == 1
        assert triage.form.notes == long_notes
        assert referrals(desk) == []
        injected.max_pages = None  # space freed
        await until(pilot, lambda: banner(triage) == "")
        await confirm(pilot)
        await until(pilot, lambda: isinstance(app.screen, ReferenceModal))
        await pilot.press("enter")
        await settle(pilot)
    [stored] = referrals(desk)
    assert stored.call_record is not None and stored.call_record["notes"] == long_notes


def read_only_engine(url: str) -> Engine:
    """The desk's file opened read-only by SQLite itself (`?mode=ro`)."""
    path = url.removeprefix("sqlite:///")
    return create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(
            f"file:{path}?mode=ro", uri=True, check_same_thread=False, timeout=5
        ),
    )


async def test_a_read_only_database_is_said_once_and_the_queue_still_reads(
    sqlite_desk: DeskService, now: datetime
) -> None:
    engine = read_only_engine(str(sqlite_desk.engine.url))
    desk = DeskService(engine, clock=lambda: now)
    app = build_app(desk, user="desk1")
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            queue = app.screen
            assert isinstance(queue, QueueScreen) and queue.stale is None
            triage = await start_call(pilot)
            await take_call(pilot, ETHEL)
            await until(pilot, lambda: READ_ONLY in banner(triage))
            await confirm(pilot)
            await until(pilot, lambda: notices(app, "NOT RECORDED") == 1)
            await until(pilot, lambda: not triage.recording)
            assert notices(app, f"NOT RECORDED: {READ_ONLY}") == 1
            assert notices(app, BUSY_WORDS) == 0
            assert banner(triage).count(READ_ONLY) == 1
            assert triage.query_one("#family_name", Input).value == "Example"
    finally:
        engine.dispose()
    assert referrals(sqlite_desk) == []


def foreign_file(sqlite_desk: DeskService, tmp_path: Path) -> str:
    """Another program's SQLite file, given as the desk's database."""
    path = tmp_path / "recipes.db"
    with closing(sqlite3.connect(path)) as other:
        other.execute("CREATE TABLE recipe (name TEXT, steps TEXT)")
        other.commit()
    return f"sqlite:///{path}"


def newer_desk(sqlite_desk: DeskService, tmp_path: Path) -> str:
    """A desk's database upgraded by a newer SPR Desk than this one."""
    with closing(sqlite3.connect(str(sqlite_desk.engine.url.database))) as newer:
        newer.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        newer.commit()
    return str(sqlite_desk.engine.url)


def unprotected_desk(sqlite_desk: DeskService, tmp_path: Path) -> str:
    """A desk's database whose audit triggers were dropped (its audit trail editable)."""
    with closing(sqlite3.connect(str(sqlite_desk.engine.url.database))) as tampered:
        triggers = tampered.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        for (name,) in triggers.fetchall():
            tampered.execute(f'DROP TRIGGER "{name}"')
        tampered.commit()
    return str(sqlite_desk.engine.url)


@pytest.mark.parametrize(
    ("database", "kind"),
    [
        (foreign_file, FaultKind.NOT_A_DESK_DATABASE),
        (newer_desk, FaultKind.SCHEMA_TOO_NEW),
        (unprotected_desk, FaultKind.AUDIT_UNPROTECTED),
    ],
)
async def test_a_database_the_desk_refuses_is_said_in_its_words_as_the_desk_exits(
    sqlite_desk: DeskService,
    tmp_path: Path,
    database: Callable[[DeskService, Path], str],
    kind: FaultKind,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = database(sqlite_desk, tmp_path)
    app = build_app(lambda: open_desk(url))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.return_code is not None)
    said = " ".join(capsys.readouterr().err.split())  # as the terminal shows it, unwrapped
    assert app.return_code == 1
    assert said == f"spr-desk: {fault_of(DeskFault(kind))}"


def test_no_screen_shows_an_exceptions_class_name_or_its_raw_text() -> None:
    """Every failure a screen shows goes through fault_of (or is the desk's own refusal, worded
    by screens/fault_words.py); a class name may only go to the log."""
    screens_folder = Path(screens.triage.__file__).parent
    shown = []
    for path in sorted(screens_folder.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            names_class = "type(error).__name__" in line and "log." not in line
            raw_text = any(f"{{{raw}}}" in line for raw in ("error", "error.strerror or error"))
            if names_class or raw_text:
                shown.append(f"{path.name}:{number}: {line.strip()}")
    assert shown == []
