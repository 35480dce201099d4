"""The floor for SPR Desk's screens: a bare Textual app timed exactly as the desk's screens are.
Prints figures; asserts nothing.

A bare app (Header, one widget, Footer; no database, no CSS of its own) runs headless at 80x24
with `run_test`, and is timed with `bench/triage_keys.py`'s `Frames` and `timed_key`: keys 100 ms
apart, each from a quiet screen, to the first frame written after it. Four widgets, the ones the
desk's screens are keyed on: a `DataTable` (up and down: the rota, the audit trail, the handover
pack; the queue board moves a cursor the same way), a `VerticalScroll` over a long `Static` (up
and down scroll it without animation, as the desk does: the referral, the supervisor's
figures, who is on), a `TickList` and an `Input` (typing: the call's text fields).

The `TickList` is the desk's own widget (`screens/widgets/ticks.py`), the one the call's facts
step is keyed on (its needs and its urgency are one list each), here bare: two of them in a
`VerticalScroll`, with as many lines under as many headings as the needs and the urgency,
keyed as the facts step is (`facts_keys` in `bench/triage_keys.py`: `BLOCK` on a list, tab to
the next, as many keys), so the facts step's ratio to it compares like with like: what the
desk's form costs around the same widgets and the same keys. (Textual's `SelectionList`, which
the call used before, is no longer on the form.)

Also timed: pushing a screen (a `DataTable` of 50 rows) to its first frame; showing a screen that
is already built (the call's screen is built ahead of ctrl+n, `screens/call_desk.py`): from a
key (ctrl+n, bound to `switch_mode`, as the desk's is) to the moment the screen is current with
its `TickList` focused (a key posted then reaches it), and to its first frame; and the peak
resident memory of the process (`bench.memory.peak_rss_mb`), a floor for the desk's own.

Run: python bench/bare_floor.py [--keys 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from bench.memory import peak_rss_mb
from bench.stats import p95
from bench.triage_keys import (
    FACT_KEYS,
    SIZE,
    Frames,
    Timing,
    facts_keys,
    key_event,
    settle,
    timed_key,
)
from screens.widgets.ticks import TickList

KEYS = 40
PUSHES = 9
READY, HOME = "ready", "home"
"""The mode whose screen is built once and shown again and again (the call built ahead), and
the one it is shown from (the desk's queue is a mode too)."""
SHOW_TIMEOUT = 10.0


def tick_lines(*groups: tuple[str, int]) -> list[tuple[str, str] | str]:
    """A heading for each (group, count), then its count of lines to tick."""
    return [
        line
        for group, count in groups
        for line in [group, *((f"{group.lower()} {n}", f"{group}-{n}") for n in range(count))]
    ]


TICK_LISTS = (
    tick_lines(("Clinical", 7), ("Function", 5), ("Daily living", 4)),
    tick_lines(("Within hours", 5), ("Within a day", 3)),
)
"""As many lines, under as many headings, as the call's needs list and its urgency list."""
WIDGETS = ("table", "scroll", "ticks", "input")
KEY_PATTERNS: dict[str, tuple[str, ...]] = {
    "table": ("down", "up"),
    "scroll": ("down", "up"),
    "input": tuple("the quick brown fox jumps over the lazy dog "),
}
"""The keys pressed on each widget, round and round (the tick lists: `facts_keys`)."""


@dataclass
class BareFloor:
    keys: dict[str, list[Timing]]
    """Key timings by widget: `table`, `scroll`, `ticks`, `input`."""
    push_seconds: list[float]
    """Pushing a screen to its first frame; the first is the first push of the process."""
    ready_seconds: list[float]
    """A key to a screen already built current, its `TickList` focused (taking keys)."""
    shown_seconds: list[float]
    """The same key to that screen's first frame."""
    peak_mb: float

    def key_p95_ms(self, widget: str) -> float:
        return p95([t[0] * 1e3 for t in self.keys[widget]])

    @property
    def push_ms(self) -> float:
        return statistics.median(self.push_seconds) * 1e3

    @property
    def ready_ms(self) -> float:
        return statistics.median(self.ready_seconds) * 1e3

    @property
    def shown_ms(self) -> float:
        return statistics.median(self.shown_seconds) * 1e3


class WidgetScreen(Screen[None]):
    def __init__(self, widget: str) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield Header()
        if self.widget == "table":
            table: DataTable[str] = DataTable(cursor_type="row")
            table.add_columns("When", "Who", "What", "About", "Detail")
            for n in range(50):
                table.add_row(f"Mon {n:02d}:00", "amy.khan", "recorded", f"SPR-{n:06d}", "-")
            yield table
        elif self.widget == "scroll":
            text = "\n".join(f"line {n}: the figures of a long report" for n in range(200))
            with VerticalScroll():
                yield Static(text)
        elif self.widget == "ticks":
            # Taller than the screen, as on the call; the lists take the focus, not the scroll.
            with VerticalScroll(can_focus=False):
                for lines in TICK_LISTS:
                    yield TickList(*lines)
        else:
            yield Input()
        yield Footer()


class HomeScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("bare")
        yield Footer()


class Bare(App[None]):
    BINDINGS = [Binding("ctrl+n", "show_ready", "Show")]

    def __init__(self) -> None:
        super().__init__()
        self.animation_level = "none"  # as SprDeskApp: a key scroll lands in the next frame
        self.ready = WidgetScreen("ticks")
        self.add_mode(READY, lambda: self.ready)
        self.add_mode(HOME, HomeScreen)

    def action_show_ready(self) -> None:
        self.switch_mode(READY)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("bare")
        yield Footer()


async def painted_push(app: Bare, frames: Frames, screen: Screen[None]) -> float:
    frames.clear()
    start = time.perf_counter()
    app.push_screen(screen)
    while True:
        if app.screen is screen and screen.is_mounted:
            painted = [at for at in frames.times if at > start]
            if painted:
                return painted[0] - start
        await asyncio.sleep(0.0005)


Shown = tuple[float, float]
"""Seconds from the key to the screen built already taking keys, and to its first frame."""


async def shown_ready(app: Bare, frames: Frames) -> Shown:
    """ctrl+n to the screen built already: seconds to it taking keys, and to its first frame."""
    frames.clear()
    screen = app.ready
    ticks = screen.query(TickList).first()
    event = key_event("ctrl+n")
    event.set_sender(app)
    start = time.perf_counter()
    app.post_message(event)
    ready = shown = None
    while time.perf_counter() - start < SHOW_TIMEOUT:
        if ready is None and app.screen is screen and screen.is_mounted and app.focused is ticks:
            ready = time.perf_counter() - start
        if shown is None and (drawn := frames.first_of(screen)) is not None:
            shown = drawn - start
        if ready is not None and shown is not None:
            return ready, shown
        await asyncio.sleep(0.0005)
    raise RuntimeError(f"the screen built ahead was not shown within {SHOW_TIMEOUT:.0f} s")


async def tick_keys(app: Bare, pilot: Pilot[None], frames: Frames, keys: int) -> list[Timing]:
    """The facts step's keys (`facts_keys`: BLOCK on each list, tab to the next) on the two
    lists; back to the first list untimed, as the desk's benchmark does."""
    lists = list(app.screen.query(TickList))
    found: list[Timing] = []
    for index, key in facts_keys(keys, len(lists)):
        if app.focused is not lists[index]:
            lists[index].focus()
            await settle(pilot)
            await frames.quiet(time.perf_counter())
        timing = await timed_key(app, frames, key)
        if timing is not None:
            found.append(timing)
    return found


async def drive(
    keys: int, tick_count: int
) -> tuple[dict[str, list[Timing]], list[float], list[Shown]]:
    app = Bare()
    timings: dict[str, list[Timing]] = {}
    pushes: list[float] = []
    shows: list[Shown] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        frames = Frames(app)
        await frames.quiet(time.perf_counter())
        for _ in range(PUSHES):
            pushes.append(await painted_push(app, frames, WidgetScreen("table")))
            await settle(pilot)
            await frames.quiet(time.perf_counter())
            app.pop_screen()
            await settle(pilot)
            await frames.quiet(time.perf_counter())
        # The screen built once, out of the way, then shown by the key and put away each time.
        await app.switch_mode(HOME)
        await settle(pilot)
        await app.switch_mode(READY)
        await settle(pilot)
        await app.switch_mode(HOME)
        await settle(pilot)
        await frames.quiet(time.perf_counter())
        for _ in range(PUSHES):
            shows.append(await shown_ready(app, frames))
            await settle(pilot)
            await frames.quiet(time.perf_counter())
            await app.switch_mode(HOME)
            await settle(pilot)
            await frames.quiet(time.perf_counter())
        for widget in WIDGETS:
            await app.push_screen(WidgetScreen(widget))
            await settle(pilot)
            await frames.quiet(time.perf_counter())
            if widget == "ticks":
                timings[widget] = await tick_keys(app, pilot, frames, tick_count)
            else:
                pattern = KEY_PATTERNS[widget]
                found: list[Timing] = []
                for n in range(keys):
                    timing = await timed_key(app, frames, pattern[n % len(pattern)])
                    if timing is not None:
                        found.append(timing)
                timings[widget] = found
            app.pop_screen()
            await settle(pilot)
            await frames.quiet(time.perf_counter())
        frames.close()
    return timings, pushes, shows


def measure(keys: int = KEYS, tick_count: int = FACT_KEYS) -> BareFloor:
    """`keys` on each widget, `tick_count` on the tick lists (as many as the facts step's, so
    their p95s are alike). Run in a process of its own: the peak memory is the process's."""
    timings, pushes, shows = asyncio.run(drive(keys, tick_count))
    ready, shown = [at for at, _ in shows], [at for _, at in shows]
    return BareFloor(timings, pushes, ready, shown, peak_rss_mb())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=KEYS)
    parser.add_argument("--tick-keys", type=int, default=FACT_KEYS)
    args = parser.parse_args(argv)
    floor = measure(args.keys, args.tick_keys)
    print(f"bare Textual app, headless {SIZE[0]}x{SIZE[1]}, key to first frame (ms)")
    for widget, found in floor.keys.items():
        first = [t[0] * 1e3 for t in found]
        print(
            f"  {widget:<8}{len(first):4d} keys  median {statistics.median(first):6.1f}"
            f"  p95 {p95(first):6.1f}"
        )
    print(
        f"  push a screen to its first frame: median {floor.push_ms:.1f} ms"
        f" (first {floor.push_seconds[0] * 1e3:.1f} ms)"
    )
    print(
        f"  a screen built already, key to taking keys: median {floor.ready_ms:.1f} ms;"
        f" to its first frame {floor.shown_ms:.1f} ms"
    )
    print(f"  peak resident memory {floor.peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
