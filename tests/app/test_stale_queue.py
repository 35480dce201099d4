"""The desk on a PostgreSQL server that goes away and comes back (issue 14, point 6).

The test starts its own server (`.ci/postgres.sh` on port 54331, never the shared one), stops it
with `pg_ctl` under a desk that is showing the queue, and starts it again: the queue says it is
not up to date within 5 s of the stop and reads again within 5 s of the start; a call being
taken meanwhile keeps every word typed, says once that drafts are not being saved, and is
recorded once the server is back.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from call_script import ETHEL, settle, start_call, take_call
from sqlalchemy import create_engine, text
from sqlmodel import Session, select
from tests_support import crew_call
from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from db.desk import DeskService
from db.engine import make_engine
from db.migrate import upgrade_to_head
from db.models import Referral
from screens.confirm_call_modal import ConfirmCallModal
from screens.queue import QueueScreen
from screens.reference_modal import ReferenceModal
from screens.triage import TriageScreen
from screens.widgets.queue_board import QueueBoard
from spr_desk.entrypoints.bootstrap import build_app

PORT = 54331
ROOT = Path(__file__).resolve().parents[2]
SIZE = (120, 40)
UNREACHABLE = "The desk cannot reach the database."


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
    return found[-1] if found else None


class OwnServer:
    """A throwaway cluster this test may stop and start."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pg_bin = _pg_bin()
        environment = {**os.environ, "SPR_DESK_TEST_POSTGRES_PORT": str(PORT)}
        started = subprocess.run(
            [str(ROOT / ".ci" / "postgres.sh"), "start", str(folder)],
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
            check=True,
        )
        self.admin_url = started.stdout.strip().split("=", 1)[1]

    def _pg_ctl(self, *arguments: str) -> None:
        assert self.pg_bin is not None
        command = [str(self.pg_bin / "pg_ctl"), "-D", str(self.folder / "data"), *arguments]
        if os.getuid() == 0:  # the cluster belongs to the postgres user (.ci/postgres.sh)
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, capture_output=True, timeout=60, check=True)

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {PORT} -c unix_socket_directories={self.folder}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("-l", str(self.folder / "server.log"), "-w", "-o", options, "start")

    def new_database(self, name: str) -> str:
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def close(self) -> None:
        self._pg_ctl("-m", "immediate", "-w", "stop")


@pytest.fixture
def server() -> Iterator[OwnServer]:
    if _pg_bin() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the stale-queue test: install PostgreSQL's server binaries")
        pytest.skip("no PostgreSQL server binaries (apt-get install postgresql)")
    # One server on the port at a time: test processes running side by side (xdist) take turns.
    with open(f"/tmp/spr-desk-test-postgres-{PORT}.lock", "w") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        # Under /tmp, not pytest's tmp_path: the postgres user must reach it (root's is 0700).
        folder = Path(tempfile.mkdtemp(prefix="spr-stale-queue-", dir="/tmp"))
        try:
            own = OwnServer(folder)
            try:
                yield own
            finally:
                with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
                    own.close()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def desk(server: OwnServer, now: datetime) -> Iterator[DeskService]:
    """A migrated desk on the server, built as `spr-desk` builds it (`conftest.opened_desk`,
    not imported: `from conftest` finds whichever conftest was loaded last)."""
    engine = make_engine(server.new_database("desk"))
    upgrade_to_head(engine)
    service = DeskService(engine, clock=lambda: now)
    service.ensure_reference_data()
    yield service
    engine.dispose()


async def within(
    pilot: Pilot[Any], seconds: float, condition: Callable[[], bool], what: str
) -> float:
    """Seconds until `condition` held; fails if that took longer than `seconds`."""
    start = time.monotonic()
    while not condition():
        if pilot.app._exception is not None:
            raise pilot.app._exception
        took = time.monotonic() - start
        assert took < seconds, f"{what}: not within {seconds} s"
        await pilot.pause(0.05)
    return time.monotonic() - start


def stale_banner(queue: QueueScreen) -> str:
    shown = queue.query_one("#queue-stale", Static)
    return str(shown.render()) if shown.display else ""


def drafts_banner(triage: TriageScreen) -> str:
    shown = triage.query_one("#drafts-failing", Static)
    return str(shown.render()) if shown.display else ""


async def test_the_queue_says_it_is_stale_within_5_s_of_losing_the_server_and_reads_again(
    server: OwnServer, desk: DeskService
) -> None:
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen) and stale_banner(queue) == ""
        server.stop()
        await within(pilot, 5, lambda: stale_banner(queue) != "", "the banner")
        assert stale_banner(queue).startswith(
            "Not up to date since 11:00: cannot reach the database."
        ), stale_banner(queue)
        assert not any("queue" in str(note.message) for note in app._notifications)
        server.start()
        started = time.monotonic()
        DeskService(desk.engine, clock=desk.clock).record_referral(
            crew_call(desk), by="another desk"
        )
        board = queue.query_one(QueueBoard)
        await within(
            pilot,
            5 - (time.monotonic() - started),
            lambda: stale_banner(queue) == "" and len(board.rows) == 1,
            "the queue read again",
        )


async def test_a_call_taken_while_the_server_is_away_keeps_everything_and_is_recorded_after(
    server: OwnServer, desk: DeskService
) -> None:
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        triage = await start_call(pilot)
        await take_call(pilot, ETHEL)
        server.stop()
        notes = triage.query_one("#notes", TextArea)
        for word in ("Son", " visits", " daily"):
            notes.move_cursor(notes.document.end)
            notes.insert(word)
            await pilot.pause()
        await within(pilot, 10, lambda: UNREACHABLE in drafts_banner(triage), "drafts banner")
        assert drafts_banner(triage).count(UNREACHABLE) == 1
        assert not any("draft" in str(note.message) for note in app._notifications)
        assert triage.form.notes.endswith("Son visits daily")
        assert triage.form.family_name == "Example"
        server.start()
        await within(pilot, 10, lambda: drafts_banner(triage) == "", "the drafts banner gone")
        await pilot.press("ctrl+s")
        await within(pilot, 10, lambda: isinstance(app.screen, ConfirmCallModal), "read-back")
        await pilot.press("enter")
        await within(pilot, 15, lambda: isinstance(app.screen, ReferenceModal), "recorded")
        await pilot.press("enter")
        await settle(pilot)
    with Session(desk.engine) as session:
        [row] = session.exec(select(Referral)).all()
    assert row.call_record is not None
    assert row.call_record["notes"].endswith("Son visits daily")
