"""The floor for SPR Desk's screens: a bare Textual app timed exactly as the desk's screens are.
Prints figures; asserts nothing.

A bare app (Header, one widget, Footer; no database, no CSS of its own) runs headless at 80x24
with `run_test`, and is timed with `bench/triage_keys.py`'s `Frames` and `timed_key`: keys 100 ms
apart, each from a quiet screen, to the first frame written after it. Three widgets, the ones the
desk's screens are keyed on: a `DataTable` (up and down: the rota, the audit trail, the handover
pack; the queue board moves a cursor the same way), a `VerticalScroll` over a long `Static` (up
and down scroll it without animation, as the desk does: the referral, the supervisor's
figures, who is on), a `SelectionList` (arrows and space: the call's facts) and an `Input`
(typing: the call's text fields). Also timed:
pushing a screen (a `DataTable` of 50 rows) to its first frame, and the peak resident memory of
the process (`bench.memory.peak_rss_mb`), a floor for the desk's own.

Run: python bench/bare_floor.py [--keys 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, SelectionList, Static

from bench.memory import peak_rss_mb
from bench.stats import p95
from bench.triage_keys import SIZE, Frames, Timing, settle, timed_key

KEYS = 40
PUSHES = 9
WIDGETS = ("table", "scroll", "ticks", "input")
KEY_PATTERNS: dict[str, tuple[str, ...]] = {
    "table": ("down", "up"),
    "scroll": ("down", "up"),
    "ticks": ("down", "space", "up", "space"),
    "input": tuple("the quick brown fox jumps over the lazy dog "),
}


@dataclass
class BareFloor:
    keys: dict[str, list[Timing]]
    """Key timings by widget: `table`, `scroll`, `ticks`, `input`."""
    push_seconds: list[float]
    """Pushing a screen to its first frame; the first is the first push of the process."""
    peak_mb: float

    def key_p95_ms(self, widget: str) -> float:
        return p95([t[0] * 1e3 for t in self.keys[widget]])

    @property
    def push_ms(self) -> float:
        return statistics.median(self.push_seconds) * 1e3


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
            yield SelectionList[int](*((f"option {n}", n) for n in range(12)))
        else:
            yield Input()
        yield Footer()


class Bare(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.animation_level = "none"  # as SprDeskApp: a key scroll lands in the next frame

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("bare")
        yield Footer()


async def painted_push(app: Bare, frames: Frames, screen: Screen[None]) -> float:
    frames.times.clear()
    start = time.perf_counter()
    app.push_screen(screen)
    while True:
        if app.screen is screen and screen.is_mounted:
            painted = [at for at in frames.times if at > start]
            if painted:
                return painted[0] - start
        await asyncio.sleep(0.0005)


async def drive(keys: int) -> tuple[dict[str, list[Timing]], list[float]]:
    app = Bare()
    timings: dict[str, list[Timing]] = {}
    pushes: list[float] = []
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
        for widget in WIDGETS:
            await app.push_screen(WidgetScreen(widget))
            await settle(pilot)
            await frames.quiet(time.perf_counter())
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
    return timings, pushes


def measure(keys: int = KEYS) -> BareFloor:
    """Run in a process of its own: the peak memory is the process's."""
    timings, pushes = asyncio.run(drive(keys))
    return BareFloor(timings, pushes, peak_rss_mb())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=KEYS)
    args = parser.parse_args(argv)
    floor = measure(args.keys)
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
    print(f"  peak resident memory {floor.peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
