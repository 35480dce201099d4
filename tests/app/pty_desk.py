"""The real `spr-desk` in a pseudo-terminal, for the tests that kill it or type into it at speed:
start it on a desk of its own, read what it draws, type into it as a handler types, and read the
database it leaves.

The app reads keys one at a time, each handled before the next (`screens/key_order.py`), so a
test may write a whole burst of keys, Tabs included, and each key reaches the field focused when
it is read. Nothing here waits for the focus between keys unless a test wants to see it arrive
(`Terminal.tab_to`: the field's placeholder or label drawn in a new style). The one wait a burst
cannot skip is for a dialog that asks a decision: it ignores keys pressed before it appeared, so
the keys answering it are written once its words are on the screen (`leave_discarding`).
"""

from __future__ import annotations

import contextlib
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COLUMNS, LINES = 100, 30
USER, PASSWORD = "kit", "amber lantern 7"
READY_SECONDS = 20.0
STEP_SECONDS = 10.0

# Keys as an xterm sends them.
TAB, SHIFT_TAB, ENTER, ESC = b"\t", b"\x1b[Z", b"\r", b"\x1b"
CTRL_N, CTRL_S, CTRL_U = b"\x0e", b"\x13", b"\x15"
F2, F3 = b"\x1bOQ", b"\x1bOR"
DOWN = b"\x1b[B"
QUEUE_TITLE = "SPR Desk · Queue"

_ESCAPES = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
"""CSI and OSC sequences and two-byte escapes: what is left is the text drawn on the screen."""
_SGR = re.compile(rb"\x1b\[[0-9;]*m")
_RESET = b"\x1b[0m"


def _drawn(text: str) -> re.Pattern[bytes]:
    """`text` as drawn, colour changes allowed inside it (a focused input draws its cursor on the
    first character of the placeholder)."""
    colours = b"(?:" + _SGR.pattern + b")*"
    return re.compile(colours.join(re.escape(bytes([c])) for c in text.encode()))


def _look(raw: bytes, drawn: re.Match[bytes]) -> tuple[bytes, ...]:
    """The colours text was drawn in: the last colour set before it (unless reset since) and the
    changes inside it."""
    before = _SGR.findall(raw, max(0, drawn.start() - 300), drawn.start())
    inside = [code for code in _SGR.findall(drawn.group()) if code != _RESET]
    return (before[-1] if before and before[-1] != _RESET else b"", *inside)


def spr_desk_command() -> list[str]:
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

    def raw(self, since: int = 0) -> bytes:
        """What the app wrote (after `since`), escape sequences and all."""
        with self._lock:
            # Sliced before it is copied: a test polls this while many calls are drawn.
            return bytes(self._output[since:])

    def mark(self) -> int:
        """Where the output is now: wait for what is drawn after it."""
        with self._lock:
            return len(self._output)

    def text(self, since: int = 0) -> str:
        """What was drawn (after `since`), without the escape sequences."""
        return _ESCAPES.sub(b"", self.raw(since)).decode("utf-8", "replace")

    def wait_for_text(self, wanted: str, seconds: float, *, since: int = 0) -> None:
        wait_until(
            lambda: wanted in self.text(since),
            seconds,
            lambda: f"{wanted!r} never appeared on the screen; last drawn:\n{self.text()[-1500:]}",
            self,
        )

    def wait_for_focus(self, text: str, since: int, seconds: float) -> None:
        """Until `text` (a placeholder or a label) is drawn after `since` in another style than
        it was last drawn before: the focus has come to (or left) its widget."""
        pattern = _drawn(text)

        def restyled() -> bool:
            raw = self.raw()
            before = [_look(raw, m) for m in pattern.finditer(raw, 0, since)]
            return any(
                not before or _look(raw, m) != before[-1] for m in pattern.finditer(raw, since)
            )

        wait_until(
            restyled,
            seconds,
            lambda: f"the focus never showed on {text!r}; last drawn:\n{self.text()[-1500:]}",
            self,
        )

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def send_spaced(self, keys: list[bytes], gap: float) -> None:
        """One key (a character, or a key's whole escape sequence) every `gap` seconds."""
        for key in keys:
            self.send(key)
            time.sleep(gap)

    def tab_to(self, text: str, tabs: int = 1) -> None:
        """Tab to the next field, shown by `text`, and wait until it has the focus."""
        since = self.mark()
        self.send(b"\t" * tabs)
        self.wait_for_focus(text, since, STEP_SECONDS)

    def kill(self) -> None:
        """SIGKILL to the whole process group: no chance to clean up or save."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
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
    *,
    poll: float = 0.05,
) -> None:
    """Until `condition()`; an AssertionError with `explain()` after `seconds`, or at once if
    the app exits. `poll`: seconds between looks (shorter where a test looks hundreds of times)."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return
        code = terminal.process.poll()
        if code is not None:
            raise AssertionError(f"spr-desk exited ({code}) early: {terminal.text()[-1500:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"after {seconds:.0f} s: {explain()}")
        time.sleep(poll)


@dataclass(frozen=True)
class Desk:
    """A desk of its own: a SQLite file, migrated, with one call handler (`USER`) on it."""

    database: Path
    env: dict[str, str]
    """What `spr-desk` runs with: the test runner's environment, kept out of the user's files."""
    cwd: Path

    @property
    def url(self) -> str:
        return f"sqlite:///{self.database}"

    def start(self) -> Terminal:
        """`spr-desk` on this desk, as a handler starts it (it asks who is signing in)."""
        return Terminal([*spr_desk_command(), "--db", self.url], self.env, self.cwd)


def new_desk(tmp_path: Path) -> Desk:
    """A migrated desk in `tmp_path` with `USER` able to sign in, through `spr-desk` itself."""
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
    desk = Desk(tmp_path / "desk.db", env, tmp_path)
    upgraded = subprocess.run(
        [*spr_desk_command(), "db", "upgrade", "--db", desk.url],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert upgraded.returncode == 0, upgraded.stderr
    added = subprocess.run(
        [*spr_desk_command(), "user", "add", USER, "--role", "call_handler", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env | {"SPR_DESK_DATABASE_URL": desk.url},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    return desk


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


def wait_for_draft(terminal: Terminal, database: Path, **expected: object) -> None:
    wait_until(
        lambda: open_draft_has(database, **expected),
        STEP_SECONDS,
        lambda: f"no open draft held {expected}; drafts: {drafts_in(database)}",
        terminal,
    )


def open_payloads(database: Path) -> list[dict[str, Any]]:
    """The payload of every open draft."""
    return [payload for state, payload in drafts_in(database) if state == "open"]


def leave_discarding(terminal: Terminal, database: Path) -> None:
    """esc, d, d: the call on screen is thrown away (asked twice), the queue is back and no
    draft is open. Each answer is written once its question is drawn: a dialog that asks a
    decision ignores keys pressed before it appeared."""
    since = terminal.mark()
    terminal.send(ESC)
    terminal.wait_for_text("Leave this call?", STEP_SECONDS, since=since)
    since = terminal.mark()
    terminal.send(b"d")
    terminal.wait_for_text("Discard everything typed", STEP_SECONDS, since=since)
    since = terminal.mark()
    terminal.send(b"d")
    terminal.wait_for_text(QUEUE_TITLE, STEP_SECONDS, since=since)
    wait_until(
        lambda: not open_payloads(database),
        STEP_SECONDS,
        lambda: f"the call left was not discarded; drafts: {drafts_in(database)}",
        terminal,
    )


def sign_in(terminal: Terminal) -> None:
    terminal.wait_for_text("Sign in to SPR Desk", READY_SECONDS)
    terminal.send(USER.encode())
    since = terminal.mark()
    terminal.send(b"\r")
    terminal.wait_for_focus("your password", since, STEP_SECONDS)
    terminal.send(PASSWORD.encode() + b"\r")
