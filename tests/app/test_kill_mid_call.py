"""A call survives the desk being killed outright.

The real `spr-desk` runs in a pseudo-terminal and is typed into key by key, as a handler types.
Once the draft holds what was typed, the whole process group gets SIGKILL: no exit handler, no
last save. The draft must then be in the database as typed, the database must be sound, and the
next start must offer the call and resume it with every field filled.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from call_script import screen
from textual.widgets import Checkbox, Input

from screens.resume_modal import ResumeDraftModal
from spr_desk.app import SprDeskApp
from spr_desk.cli import open_desk

COLUMNS, LINES = 100, 30
READY_SECONDS = 20.0
STEP_SECONDS = 10.0

TYPED = {
    "referrer_name": "Dr Amy Stone",
    "referrer_organisation": "Meadowbank Surgery",
    "referrer_phone": "01296 555010",
    "nhs_number": "9434765919",
}

_ESCAPES = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
"""CSI and OSC sequences and two-byte escapes: what is left is the text drawn on the screen."""


def _spr_desk() -> list[str]:
    """The installed command next to this interpreter (as a handler starts it), else the module."""
    script = Path(sys.executable).with_name("spr-desk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "spr_desk"]


class Terminal:
    """`spr-desk` in a pseudo-terminal of its own session; its output is read all the time, so
    the app never blocks writing to the screen."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        try:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
            self.process = subprocess.Popen(
                argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                cwd=cwd,
                start_new_session=True,
                close_fds=True,
            )
        except BaseException:
            os.close(self.master)
            raise
        finally:
            os.close(slave)
        self._output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: every slave end is closed (the app is gone)
                return
            if not data:
                return
            with self._lock:
                self._output.extend(data)

    def text(self) -> str:
        """Everything drawn so far, without the escape sequences."""
        with self._lock:
            raw = bytes(self._output)
        return _ESCAPES.sub(b"", raw).decode("utf-8", "replace")

    def wait_for_text(self, wanted: str, seconds: float) -> None:
        wait_until(
            lambda: wanted in self.text(),
            seconds,
            lambda: f"{wanted!r} never appeared on the screen; last drawn:\n{self.text()[-1500:]}",
            self,
        )

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def kill(self) -> None:
        """SIGKILL to the whole process group: no chance to clean up or save."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=10)

    def close(self) -> None:
        try:
            self.kill()
        finally:
            self._reader.join(timeout=5)
            os.close(self.master)


def wait_until(
    condition: Callable[[], bool],
    seconds: float,
    explain: Callable[[], str],
    terminal: Terminal,
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return
        code = terminal.process.poll()
        if code is not None:
            raise AssertionError(f"spr-desk exited ({code}) early: {terminal.text()[-1500:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"after {seconds:.0f} s: {explain()}")
        time.sleep(0.05)


def drafts_in(database: Path) -> list[tuple[str, dict[str, Any]]]:
    """(state, payload) of every call draft, through a read-only connection of its own."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        rows = connection.execute("SELECT state, payload FROM call_draft").fetchall()
    finally:
        connection.close()
    return [(state, json.loads(payload)) for state, payload in rows]


def open_draft_has(database: Path, **expected: object) -> bool:
    return any(
        state == "open" and all(payload.get(name) == value for name, value in expected.items())
        for state, payload in drafts_in(database)
    )


def type_call(terminal: Terminal, database: Path) -> None:
    """Keys as a handler presses them, from the queue; after each field, wait for its draft."""
    terminal.wait_for_text("No open referrals", READY_SECONDS)
    terminal.send(b"\x0e")  # ctrl+n: a new call, red flags focused first
    terminal.wait_for_text("Red flags", STEP_SECONDS)
    steps: list[tuple[bytes, dict[str, object]]] = [
        (b"\t ", {"red_flags_cleared": True}),  # tab to "none applies", space ticks it
        (b"\t" + TYPED["referrer_name"].encode(), {"referrer_name": TYPED["referrer_name"]}),
        # two tabs: past the role (a Select) to the organisation
        (
            b"\t\t" + TYPED["referrer_organisation"].encode(),
            {"referrer_organisation": TYPED["referrer_organisation"]},
        ),
        (b"\t" + TYPED["referrer_phone"].encode(), {"referrer_phone": TYPED["referrer_phone"]}),
        (b"\t" + TYPED["nhs_number"].encode(), {"nhs_number": TYPED["nhs_number"]}),
    ]
    for keys, expected in steps:
        terminal.send(keys)
        wait_until(
            lambda expected=expected: open_draft_has(database, **expected),
            STEP_SECONDS,
            lambda keys=keys, expected=expected: (
                f"after the keys {keys!r} no open draft held {expected}; drafts: "
                f"{drafts_in(database)}"
            ),
            terminal,
        )


async def test_a_call_killed_mid_way_comes_back_whole(tmp_path: Path) -> None:
    database = tmp_path / "desk.db"
    url = f"sqlite:///{database}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SPR_DESK_DATABASE_URL", "TEXTUAL", "TEXTUAL_DRIVER", "NO_COLOR")
    }
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(COLUMNS),
        LINES=str(LINES),
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_STATE_HOME=str(tmp_path / "xdg-state"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
    )
    upgraded = subprocess.run(
        [*_spr_desk(), "db", "upgrade", "--db", url],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert upgraded.returncode == 0, upgraded.stderr

    terminal = Terminal([*_spr_desk(), "--db", url], env, tmp_path)
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

    # (b) the file is sound, read as the next start finds it (the WAL left as the kill left it)
    connection = sqlite3.connect(database, timeout=5)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()

    # (c) the next start offers the call, and Enter resumes it whole
    desk = open_desk(url)
    try:
        app = SprDeskApp(desk)
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
            assert triage.query_one("#red_flags_cleared", Checkbox).value is True
            assert triage.form.red_flags_cleared and triage.form.red_flags == []
    finally:
        desk.engine.dispose()
