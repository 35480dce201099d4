"""The terminal cursor is on the focused item, read from a real terminal (tmux's `cursor_x` and
`cursor_y`) while the real `spr-desk` runs in it at 80x24 (issue 20): while the call's clock
repaints 20 times, and after each of 10 moves on the queue, the red-flag list, a field and a
dialog. Textual alone leaves it at (0,0) while a highlighted row moves (Textual #2348), so a
braille display cannot follow the queue.

The focused item is read off the screen, never from the desk: the `▶` that marks the queue's
and the red flags' highlighted line, the characters typed before a field's caret, a dialog's
title, and the names of the dialog's list in the order drawn.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

COLUMNS, LINES = 80, 24
WAIT_SECONDS = 15.0
STEADY_SECONDS = 0.15
"""How long the cursor must stay put to be read as where a key left it."""
MARK = "▶"

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and os.environ.get("CI") != "true",
    reason="tmux is not installed (CI installs it)",
)


class Tmux:
    """One tmux server of the test's own (its own socket), one window of 80x24."""

    def __init__(self, socket: str, environ: dict[str, str]) -> None:
        self.socket, self.environ = socket, environ

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            check=True,
            capture_output=True,
            text=True,
            env=self.environ,
            timeout=WAIT_SECONDS,
        )
        return done.stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "desk", *keys)

    def typed(self, text: str) -> None:
        self.run("send-keys", "-t", "desk", "-l", text)

    def lines(self) -> list[str]:
        shown = self.run("capture-pane", "-t", "desk", "-p").split("\n")
        return [line.ljust(COLUMNS) for line in (shown + [""] * LINES)[:LINES]]

    def cursor(self) -> tuple[int, int]:
        x, y = self.run("display-message", "-t", "desk", "-p", "#{cursor_x} #{cursor_y}").split()
        return int(x), int(y)

    def wait(self, what: str, done: Callable[[list[str]], bool]) -> list[str]:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            lines = self.lines()
            if done(lines):
                return lines
            if time.monotonic() > deadline:
                pytest.fail(f"waited {WAIT_SECONDS} s for {what}; the screen:\n" + "\n".join(lines))
            time.sleep(0.05)

    def settled_cursor(self) -> tuple[int, int]:
        """The cursor once it has stayed put for a moment (the frame after a key is written
        with the cursor's move at its end)."""
        last, since = self.cursor(), time.monotonic()
        while time.monotonic() - since < STEADY_SECONDS:
            time.sleep(0.03)
            now = self.cursor()
            if now != last:
                last, since = now, time.monotonic()
        return last


@pytest.fixture
def desk_in_tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.fail("CI=true and tmux is not installed: .ci/run installs it")
    environ = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TERM": "xterm-256color",
        "SPR_DESK_COPY_MINUTES": "0",
    }
    environ.pop("NO_COLOR", None)
    environ.pop("TMUX", None)
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    command = [str(Path(sys.executable).with_name("spr-desk")), "--db", url]
    subprocess.run([*command, "demo"], check=True, env=environ, capture_output=True, timeout=120)
    tmux = Tmux(f"spr-desk-test-{os.getpid()}-{tmp_path.name}", environ)
    tmux.run(
        "new-session", "-d", "-s", "desk", "-x", str(COLUMNS), "-y", str(LINES),
        " ".join(command),
    )  # fmt: skip
    try:
        tmux.wait("the sign-in", lambda lines: any("Password" in line for line in lines))
        tmux.typed("handler")
        tmux.keys("Tab")
        tmux.typed("demo-password")
        tmux.keys("Enter")
        tmux.wait("the queue", lambda lines: any(" open · " in line for line in lines))
        yield tmux
    finally:
        subprocess.run(["tmux", "-L", tmux.socket, "kill-server"], env=environ, check=False)


def marked(lines: list[str]) -> list[tuple[int, int]]:
    """Where each `▶` is drawn, as (x, y)."""
    return [(line.index(MARK), y) for y, line in enumerate(lines) if MARK in line]


def on_the_mark(tmux: Tmux, lines: list[str]) -> tuple[int, int]:
    """The one highlighted line's `▶`; the cursor must be on it."""
    marks = marked(lines)
    assert len(marks) == 1, "\n".join(lines)
    spot = tmux.settled_cursor()
    assert spot == marks[0], (spot, marks[0], lines[marks[0][1]])
    return spot


def test_the_cursor_is_on_the_focused_item_through_ticks_and_moves(desk_in_tmux: Tmux) -> None:
    tmux = desk_in_tmux

    # The queue: the cursor on the highlighted row's ▶, after each of 10 moves down.
    first = on_the_mark(tmux, tmux.lines())
    for move in range(1, 11):
        tmux.keys("Down")
        moved = first[1] + move
        lines = tmux.wait(f"queue move {move}", lambda lines, y=moved: marked(lines)[0][1] == y)
        on_the_mark(tmux, lines)

    # A dialog: on its first line when it appears; then on each name of its list in turn.
    tmux.keys("Home")
    tmux.wait("the first row", lambda lines: marked(lines) == [first])
    tmux.keys("Enter")
    tmux.wait("the referral", lambda lines: "Due by" in "\n".join(lines))
    tmux.keys("r")
    lines = tmux.wait("the dialog", lambda lines: "First face-to-face response" in "\n".join(lines))
    x, y = tmux.settled_cursor()
    assert lines[y][x:].startswith("First face-to-face response to SPR-"), (x, y, lines[y])
    tmux.keys("Tab")  # to the list of who responded
    top = tmux.settled_cursor()
    shown = len(people(tmux.lines(), top))
    assert shown >= 3, (top, tmux.lines())
    for move in range(10):
        tmux.keys("Down")  # the first highlights the first name; from the last shown it scrolls
        want = (top[0], top[1] + min(move, shown - 1))
        deadline = time.monotonic() + WAIT_SECONDS
        while (spot := tmux.settled_cursor()) != want and time.monotonic() < deadline:
            pass
        assert spot == want, (move, spot, want)
        assert highlighted(tmux, top, shown) == spot[1], (move, spot, tmux.lines()[spot[1]])
    tmux.keys("Escape")
    tmux.wait("the referral again", lambda lines: "Due by" in "\n".join(lines))
    tmux.keys("Escape")
    tmux.wait("the queue again", lambda lines: any(" open · " in line for line in lines))

    # A call: its clock repaints every second; the cursor stays on the red flag highlighted.
    tmux.keys("C-n")
    lines = tmux.wait("the call", lambda lines: any("Red flags" in line for line in lines))
    clocks: set[str] = set()
    for _tick in range(20):
        spot = on_the_mark(tmux, lines)
        assert "Stroke signs" in lines[spot[1]], lines[spot[1]]
        clocks.add(shown := call_clock(lines))
        lines = tmux.wait("the clock's next tick", lambda lines, c=shown: call_clock(lines) != c)
    assert len(clocks) == 20, clocks  # the clock repainted under it, once a second

    # The red-flag list: the cursor on the highlighted question through 10 moves.
    for move in range(10):  # down the seven questions, then back up four
        before = marked(tmux.lines())[0]
        tmux.keys("Down" if move < 6 else "Up")
        lines = tmux.wait(f"flag move {move}", lambda lines, b=before: marked(lines)[0] != b)
        on_the_mark(tmux, lines)

    # A field: the caller's name; the cursor just after what has been typed, at each key.
    tmux.keys("F2")
    typed = ""
    for character in "Dr Amy Sto":
        tmux.typed(character)
        typed += character
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            x, y = tmux.settled_cursor()
            line = tmux.lines()[y]
            if line[:x].endswith(typed) or time.monotonic() > deadline:
                break
        assert line[:x].endswith(typed), (x, y, line)


CLOCK = re.compile(r"Call (\d\d:\d\d)")


def call_clock(lines: list[str]) -> str:
    found = CLOCK.search("\n".join(lines))
    assert found is not None, lines
    return found.group(1)


SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def styles(line: str) -> list[str]:
    """The SGR attributes each cell of a `capture-pane -e` line is drawn with."""
    cells: list[str] = []
    current = ""
    at = 0
    for found in SGR.finditer(line):
        cells += [current] * len(line[at : found.start()])
        codes = found.group(1)
        current = "" if codes in ("", "0") else f"{current};{codes}"
        at = found.end()
    return cells + [current] * len(line[at:])


def highlighted(tmux: Tmux, top: tuple[int, int], shown: int) -> int:
    """The one line of the list drawn unlike the others at its first column (the highlight)."""
    drawn = tmux.run("capture-pane", "-t", "desk", "-p", "-e").split("\n")
    x, y = top
    looks = {row: styles(drawn[row])[x] for row in range(y, y + shown)}
    odd = [row for row, look in looks.items() if list(looks.values()).count(look) == 1]
    assert len(odd) == 1, looks
    return odd[0]


def people(lines: list[str], top: tuple[int, int]) -> list[str]:
    """The names the dialog's list draws, from its first line down to its bottom border."""
    x, y = top
    names = []
    for line in lines[y:]:
        name = line[x:].split("▎")[0].strip()
        if not name or name.startswith("▁"):
            break
        names.append(name)
    return names
