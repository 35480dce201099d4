"""Nothing by colour alone: wherever a screen draws a state's colour, words or a symbol say it.

One desk is walked through the screens a handler and a supervisor reach from the keyboard. On
each, every cell drawn in a state's colour (the theme's breached, due-soon, error, warning and
success colours, as text or as background) must share its line with a state's word or symbol,
so the screen reads the same to a handler who cannot tell the colours apart. With NO_COLOR set
the colours go (Textual's monochrome filter) and the words are checked to be on screen still.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from call_script import ETHEL, fill, settle, tick
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.pilot import Pilot
from textual.strip import Strip

from db.desk import DeskService
from screens.themes import register_themes
from spr_desk.due import STATE_WORDS, DueState
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.queue_view import STATE_SYMBOLS, STILL_MARK

SIZE = (120, 40)
STATE_VARIABLES = (
    "breached",
    "due-soon",
    "text-error",
    "text-warning",
    "text-success",
    "error",
    "warning",
    "success",
    "error-muted",
    "warning-muted",
    "success-muted",
)
"""The theme's colours that mean something: late, wrong, take care, done."""
PLAIN_VARIABLES = ("accent", "primary", "secondary", "foreground", "footer-key-foreground")
"""Colours for focus, borders and keys: where a theme makes a state colour one of these
(textual-dark's warning is its accent) that colour is not taken for a state."""
STATE_MARKS = (
    *STATE_WORDS.values(),
    *STATE_SYMBOLS.values(),
    STILL_MARK,
    "OVERDUE",
    "To complete",
    "FULL",
    "SHORT",
    "NOT ",
    "Breaches",
    "RED FLAG",
    "999",
    "Could not",
    "cannot",
    "missing",
    "required",
    "★",
    "⚠",
    "✗",
    "!",
)
"""Words and symbols the desk says its states with (`spr_desk.due`, `spr_desk.queue_view`, the
screens' own)."""
LETTER_MARKS = frozenset({"N"})
"""A coloured cell that is itself the sign: the availability matrix's and the decision grid's
N (nobody to send), read against the Y beside it."""


@dataclass(frozen=True)
class Alone:
    """A line with a state's colour and nothing to say it in words."""

    screen: str
    variables: tuple[str, ...]
    line: str


def state_colours(variables: dict[str, str]) -> dict[str, str]:
    """Each state colour's hex (opaque part) to its variable's name."""

    def opaque(name: str) -> str:
        value = variables.get(name, "").split(" ")[0].lower()
        return value[:7] if value.startswith("#") else ""

    plain = {opaque(name) for name in PLAIN_VARIABLES}
    colours: dict[str, str] = {}
    for name in STATE_VARIABLES:
        if opaque(name) and opaque(name) not in plain:
            colours.setdefault(opaque(name), name)
    return colours


def _hex(colour: RichColor | None) -> str | None:
    return None if colour is None or colour.triplet is None else colour.triplet.hex.lower()


def colour_alone(strips: list[Strip], colours: dict[str, str], screen: str) -> list[Alone]:
    """The lines drawing a state's colour with neither a state's word nor its symbol; a line
    that goes on in the colours of a line above that said it (a wrapped message) is let be."""
    found = []
    said: set[str] = set()
    for strip in strips:
        segments = list(strip)
        line = "".join(segment.text for segment in segments)
        used = set()
        for segment in segments:
            style = segment.style
            if style is None or not segment.text.strip():
                continue  # blank cells in a colour are padding, not a state
            names = {colours.get(_hex(c) or "") for c in (style.color, style.bgcolor)} - {None}
            if names and segment.text.strip() not in LETTER_MARKS:
                used |= {name for name in names if name}
        if any(mark in line for mark in STATE_MARKS):
            said = used
        elif not used <= said:
            found.append(Alone(screen, tuple(sorted(used)), line.rstrip()))
        elif not used:
            said = set()
    return found


def test_the_check_reports_a_count_in_red_with_no_word() -> None:
    red = Style(color="#ff0000")
    lines = [
        Strip([Segment("Late "), Segment("32", red)]),
        Strip([Segment("Breaches "), Segment("32", red)]),
        Strip([Segment("wrapped on "), Segment("from the line above", red)]),
        Strip([Segment("Y "), Segment("N", red)]),
        Strip([Segment("")]),
        Strip([Segment("a line later "), Segment("alone", red)]),
    ]
    assert colour_alone(lines, {"#ff0000": "breached"}, "test") == [
        Alone("test", ("breached",), "Late 32"),
        Alone("test", ("breached",), "a line later alone"),
    ]


class Walk:
    """One desk, screen after screen, keeping what each drew."""

    def __init__(self, pilot: Pilot[None], colours: dict[str, str]) -> None:
        self.pilot = pilot
        self.colours = colours
        self.alone: list[Alone] = []
        self.seen: dict[str, set[str]] = {}
        """Per screen, the state colours it drew (so the walk cannot pass by seeing none)."""
        self.text: dict[str, str] = {}
        self.hues: dict[str, int] = {}
        """Per screen, the cells drawn in a colour that is not a grey."""

    async def look(self, label: str, *keys: str) -> None:
        if keys:
            await self.pilot.press(*keys)
        await settle(self.pilot)
        app = self.pilot.app
        strips = app.screen._compositor.render_strips()
        self.alone += colour_alone(strips, self.colours, label)
        self.text[label] = "\n".join("".join(s.text for s in strip) for strip in strips)
        self.seen[label] = {
            self.colours[h]
            for strip in strips
            for segment in strip
            if segment.style is not None and segment.text.strip()
            for h in (_hex(segment.style.color), _hex(segment.style.bgcolor))
            if h in self.colours
        }
        self.hues[label] = sum(
            1
            for strip in strips
            for segment in strip
            if segment.style is not None
            for colour in (segment.style.color, segment.style.bgcolor)
            if colour is not None and colour.triplet is not None and len(set(colour.triplet)) > 1
        )

    async def every_screen(self) -> None:
        """Queue, referral, who is on, rota, handover (built), supervisor, audit, help, and a
        call: its problems listed, a Rapid recommendation, the read-back, a red flag."""
        await self.look("queue")
        await self.look("referral", "enter")
        await self.look("availability", "escape", "f4")
        await self.look("rota", "o")
        await self.look("handover", "escape", "escape", "f6", "b")
        await self.look("supervisor", "escape", "f7")
        await self.look("audit", "a")
        await self.look("help", "escape", "escape", "f1")
        await self.look("call", "escape", "ctrl+n")
        await self.look("call problems", "ctrl+s")
        fill(self.pilot, ETHEL)
        await self.look("call recommendation", "f4")
        await self.look("read-back", "ctrl+s")
        await self.pilot.press("escape")
        await tick(self.pilot, "red_flags", "chest_pain")
        await self.look("red flag")


@pytest.mark.parametrize("theme", ["spr-dark", "spr-light"])
async def test_every_state_in_colour_is_also_in_words(
    sqlite_demo_desk: DeskService, theme: str
) -> None:
    app = build_app(sqlite_demo_desk, user="sup1")
    register_themes(app)
    app.theme = theme
    async with app.run_test(size=SIZE) as pilot:
        walk = Walk(pilot, state_colours(app.get_css_variables()))
        await walk.every_screen()
    assert [str(alone) for alone in walk.alone] == []
    # The walk saw the states it is about: late and due soon on the queue and the handover,
    # late on the supervisor's view, take-care on the call.
    assert {"breached", "due-soon"} <= walk.seen["queue"] & walk.seen["handover"]
    assert "breached" in walk.seen["supervisor"]
    assert walk.seen["call problems"] & {"text-warning", "text-error"}
    assert "RED FLAG: chest pain" in walk.text["red flag"]  # a dialog in words, not colour


async def test_with_no_color_the_states_are_still_in_words(
    sqlite_demo_desk: DeskService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(sqlite_demo_desk, user="sup1")
    register_themes(app)
    app.theme = "spr-dark"
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        walk = Walk(pilot, {})
        await walk.look("queue")
        await walk.look("supervisor", "f7")
        await walk.look("call", "escape", "ctrl+n")
        fill(pilot, ETHEL)
        await walk.look("call recommendation", "f4")
    # No colour reaches the terminal (every cell a grey), and the states read in words.
    assert walk.hues == dict.fromkeys(walk.text, 0)
    for state in (DueState.BREACHED, DueState.DUE_SOON):
        assert f"{STATE_SYMBOLS[state.value]} {STATE_WORDS[state]}" in walk.text["queue"]
    assert "BREACHED, awaiting" in walk.text["supervisor"]
    assert "OVERDUE" in walk.text["supervisor"]
    assert re.search(r"Rapid\s+<3h\s+★Y", walk.text["call recommendation"])
    assert "★ recommended" in walk.text["call recommendation"]
