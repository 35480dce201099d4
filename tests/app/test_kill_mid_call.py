"""A call survives the desk being killed outright.

The real `spr-desk` runs in a pseudo-terminal and is typed into key by key, as a handler types.
Once the draft holds what was typed, the whole process group gets SIGKILL: no exit handler, no
last save. The draft must then be in the database as typed, the database must be sound, and the
next start must offer the call and resume it with every field filled.

The keys go in as the app's key reader takes them (`pty_desk`): `n` for "asked all seven, none
applies" (the focus moves on to the caller's name), then each field as its Tabs and its value,
written without waiting for the focus to show. After each field the test waits for the draft to
hold it: that is what the kill must not lose.
"""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

from call_script import screen
from pty_desk import (
    CTRL_N,
    READY_SECONDS,
    STEP_SECONDS,
    TAB,
    USER,
    Terminal,
    drafts_in,
    new_desk,
    open_draft_has,
    sign_in,
    wait_for_draft,
)
from textual.widgets import Input

from screens.resume_modal import ResumeDraftModal
from screens.widgets.ticks import TickList
from spr_desk.entrypoints.bootstrap import build_app, open_desk

TYPED = {
    "referrer_name": "Dr Amy Stone",
    "referrer_organisation": "Meadowbank Surgery",
    "referrer_phone": "01296 555010",
    "nhs_number": "9434765919",
}


FIELDS = [  # (field, Tabs from the field before): `n` leaves the focus in the caller's name
    ("referrer_name", 0),
    ("referrer_organisation", 2),  # past the caller's role (a choice, left empty)
    ("referrer_phone", 1),
    ("nhs_number", 1),  # no caller questions: none are asked until the role is chosen
]


def type_call(terminal: Terminal, database: Path) -> None:
    """Keys as a handler presses them, from the queue; after each field, wait for its draft."""
    sign_in(terminal)
    terminal.wait_for_text("No open referrals", READY_SECONDS)
    since = terminal.mark()
    terminal.send(CTRL_N)  # a new call, the red-flag questions focused first
    terminal.wait_for_text("Red flags", STEP_SECONDS, since=since)

    terminal.send(b"n")  # asked all seven: none applies; on to the caller's name
    wait_for_draft(terminal, database, red_flags_cleared=True, red_flags=[])

    for name, tabs in FIELDS:
        terminal.send(TAB * tabs + TYPED[name].encode())
        wait_for_draft(terminal, database, **{name: TYPED[name]})


async def test_a_call_killed_mid_way_comes_back_whole(tmp_path: Path) -> None:
    made = new_desk(tmp_path)  # migrated, with USER able to sign in
    database, url = made.database, made.url
    terminal = made.start()
    try:
        type_call(terminal, database)
        assert open_draft_has(database, red_flags_cleared=True, **TYPED)
        terminal.kill()  # mid-call: the call screen is up, nothing recorded, nothing left
        assert terminal.process.returncode == -signal.SIGKILL
    finally:
        terminal.close()

    # (a) the draft is still open and holds every key that was typed
    [(state, payload)] = drafts_in(database)
    assert state == "open"
    assert {name: payload[name] for name in TYPED} == TYPED
    assert payload["red_flags_cleared"] is True and payload["red_flags"] == []

    # (b) the file is sound as the kill left it (read-only: nothing checkpoints the WAL first)
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()

    # (c) the next start offers the call, and Enter resumes it whole
    desk = open_desk(url)
    try:
        app = build_app(desk, user=USER)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, ResumeDraftModal), type(app.screen).__name__
            await pilot.press("enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            triage = screen(pilot)
            shown = {name: triage.query_one(f"#{name}", Input).value for name in TYPED}
            assert shown == TYPED
            assert triage.query_one("#red_flags_cleared", TickList).selected == ["yes"]
            assert triage.form.red_flags_cleared and triage.form.red_flags == []
    finally:
        desk.engine.dispose()
