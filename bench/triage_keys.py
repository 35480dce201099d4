"""Triage key-press benchmark: key press to repaint on the facts step of a call, and the keys it
takes to record Ethel's referral from the keyboard. Prints figures; asserts nothing.

Run: python bench/triage_keys.py   (goal: key to repaint p95 within one 60 Hz frame, 16 ms)

How the repaint is timed: SPR Desk runs headless at 80x24 (`run_test`) on a fresh SQLite file.
Every frame Textual draws goes through `App._display`; the benchmark wraps it, renders the
update to the terminal string as a real driver would (headless Textual skips that step), then
stamps the time. Each key is posted straight to the app (`App.post_message(events.Key(...))`,
what the driver does for a real key) just after `time.perf_counter()`: "first frame" is the time
to the first frame written after that; "last frame" to the last frame the key caused (a tick
draws at once, the recommendation panel a frame or two later; a tab may scroll). Keys go 100 ms
apart, a brisk typist, each once animations are over and no frame has come for 20 ms. Pilot's
own `press` is not timed: it waits for idle by design. The desk's clock is held still (as
tests/conftest.py does) so the call timer's once-a-second repaint cannot be taken for a key's.
Full garbage collections (`gc.callbacks`) that land before a key's first frame are counted.

The key count drives the app with Pilot one key at a time, as a handler would: Tab from field to
field, type each value a character at a time, open a dropdown with enter, arrow, enter, tick a
list with arrows and space, then ctrl+s and enter; it counts every key.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from textual import events
from textual._compositor import CompositorUpdate
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, SelectionList
from textual.widgets._select import SelectOverlay

from bench.goals import GOAL_KEY_MS
from bench.stats import p95
from db.desk import DeskService
from db.engine import make_engine
from db.migrate import upgrade_to_head
from screens.confirm_call_modal import ConfirmCallModal
from screens.reference_modal import ReferenceModal
from screens.triage import TriageScreen
from spr_desk.app import SprDeskApp
from spr_desk.call_form import REQUIRED
from spr_desk.sample_calls import ETHEL as SAMPLE_ETHEL

SIZE = (80, 24)
NOW = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # a Monday morning, as in tests/conftest.py
GOAL_MS = GOAL_KEY_MS
FACT_KEYS = 200
GAP = 0.100  # seconds from one key to the next
QUIET = 0.020  # ... and no frame for this long before the next key
BLOCK = ("down", "space", "up", "space", "down", "space", "up", "space")
"""Keys on one list: tick two options and untick them again, so every key changes the screen."""
NOTES = "Daughter visits daily and keeps a spare key for the carers at the back door"
CALLER = "Dr Amy Stone from Meadowbank Surgery on the duty line"

ETHEL = {key: value for key, value in SAMPLE_ETHEL.items() if key != "notes"}
"""Ethel's call as the tests take it, without notes."""


@contextmanager
def fresh_desk() -> Iterator[DeskService]:
    """A migrated desk with reference data on a new SQLite file, as tests/conftest.py builds it."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        upgrade_to_head(engine)
        desk = DeskService(engine, clock=lambda: NOW)
        desk.ensure_reference_data()
        try:
            yield desk
        finally:
            engine.dispose()


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def start_call(pilot: Pilot[Any]) -> TriageScreen:
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    screen = pilot.app.screen
    if not isinstance(screen, TriageScreen):
        raise RuntimeError(f"ctrl+n did not open the call: {type(screen).__name__}")
    return screen


# 1. key press to repaint ---------------------------------------------------------------------


Timing = tuple[float, float, bool]
"""Seconds from a key to its first frame, to its last; whether a full garbage collection ran
before the first frame."""


class Frames:
    """The time of every frame the app writes, from a wrapper round `App._display`, and of every
    full garbage collection."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.times: list[float] = []
        self.written = asyncio.Event()
        self.full_collections: list[float] = []
        gc.callbacks.append(self._collected)
        display = app._display
        console = app.console

        def stamped(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count:
                return  # nothing was drawn
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(console)  # what a real driver writes
            self.times.append(time.perf_counter())
            self.written.set()

        app._display = stamped  # type: ignore[method-assign]

    def _collected(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            self.full_collections.append(time.perf_counter())

    def close(self) -> None:
        gc.callbacks.remove(self._collected)

    async def quiet(self, since: float) -> None:
        """Until GAP after `since`, any animation (a scroll) over, and no frame for QUIET."""
        await self.app.animator.wait_until_complete()
        while True:
            now = time.perf_counter()
            last = self.times[-1] if self.times else since
            if now - since >= GAP and now - last >= QUIET:
                return
            await asyncio.sleep(0.002)


def key_event(key: str) -> events.Key:
    character = {"space": " ", "tab": "\t", "enter": "\r"}.get(key, key if len(key) == 1 else None)
    return events.Key("space" if key == " " else key, character)


async def timed_key(app: App[Any], frames: Frames, key: str) -> Timing | None:
    """Post one key and time its frames; None if it drew nothing."""
    frames.times.clear()
    frames.written.clear()
    frames.full_collections.clear()
    event = key_event(key)
    event.set_sender(app)
    start = time.perf_counter()
    app.post_message(event)
    try:
        await asyncio.wait_for(frames.written.wait(), timeout=1.0)
    except TimeoutError:
        return None
    first = frames.times[0]
    collected = any(start <= at <= first for at in frames.full_collections)
    await frames.quiet(start)
    return first - start, frames.times[-1] - start, collected


def fact_lists(screen: TriageScreen) -> list[SelectionList[Any]]:
    """The facts step's tick lists in tab order: the needs, then urgency."""
    return [
        widget
        for widget in screen.query(SelectionList)
        if widget.id and widget.id.startswith(("needs", "urgency"))
    ]


def facts_keys(count: int, lists: int) -> Iterator[tuple[int, str]]:
    """(list index, key): BLOCK on each list, tab to the next; from the first list again."""
    sent = 0
    while True:
        for index in range(lists):
            for key in (*BLOCK, "tab") if index < lists - 1 else BLOCK:
                if sent == count:
                    return
                yield index, key
                sent += 1


async def focus(pilot: Pilot[Any], widget: Widget, frames: Frames) -> None:
    widget.focus()
    await settle(pilot)
    await frames.quiet(time.perf_counter())


async def bench_repaint(
    fact_keys: int = FACT_KEYS, text_chars: int | None = None
) -> tuple[dict[str, list[Timing]], Counter[str]]:
    """Key to repaint by kind of key, in seconds (first frame, last frame); keys not drawn.
    `fact_keys` keys on the facts lists, then up to `text_chars` typed into each text field."""
    results: dict[str, list[Timing]] = {}
    missed: Counter[str] = Counter()
    with fresh_desk() as desk:
        app = SprDeskApp(desk, user="bench")
        async with app.run_test(size=SIZE) as pilot:
            screen = await start_call(pilot)
            # The facts section is live once pathway and setting are set (not what is timed).
            screen.query_one("#pathway", Select).value = ETHEL["pathway"]
            screen.query_one("#setting", Select).value = ETHEL["setting"]
            await settle(pilot)
            lists = fact_lists(screen)
            frames = Frames(app)
            for index, key in facts_keys(fact_keys, len(lists)):
                if app.focused is not lists[index]:  # back to the first list: not timed
                    await focus(pilot, lists[index], frames)
                kind = {"down": "arrows", "up": "arrows"}.get(key, key)
                timing = await timed_key(app, frames, key)
                if timing is None:
                    missed[kind] += 1
                else:
                    results.setdefault(kind, []).append(timing)
            for name, text in (
                ("notes", NOTES[:text_chars]),
                ("referrer_name", CALLER[:text_chars]),
            ):
                await focus(pilot, screen.query_one(f"#{name}", Input), frames)
                for character in text:
                    timing = await timed_key(app, frames, character)
                    if timing is None:
                        missed[f"#{name}"] += 1
                    else:
                        results.setdefault(f"#{name}", []).append(timing)
                if screen.query_one(f"#{name}", Input).value != text:
                    raise RuntimeError(f"#{name} did not take the keys typed")
            frames.close()
            await settle(pilot)
    return results, missed


def row(label: str, timings: list[Timing], goal: bool = True) -> str:
    first = [t[0] * 1000 for t in timings]
    last = [t[1] * 1000 for t in timings]
    verdict = ("met" if p95(first) <= GOAL_MS else "NOT met") if goal else "(for information)"
    few = "*" if len(timings) < 20 else " "
    return (
        f"  {label:<28}{len(timings):4d} {statistics.median(first):7.1f} {p95(first):6.1f}{few}"
        f"{statistics.median(last):8.1f} {p95(last):6.1f}{few} {verdict}"
    )


# 2. keys to record Ethel ---------------------------------------------------------------------


class Keys:
    """Presses one key at a time with Pilot and counts it, by kind and by field."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.kinds: Counter[str] = Counter()
        self.optional = 0
        self.on_optional = False

    async def press(self, key: str, kind: str) -> None:
        self.kinds[kind] += 1
        if self.on_optional and kind != "tab":
            self.optional += 1
        await self.pilot.press(key)


def plan(screen: TriageScreen, call: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Control id -> what to do there, for every value of the call (and the red-flag tick)."""
    todo: dict[str, tuple[str, Any]] = {"red_flags_cleared": ("check", True)}
    ticks = [value for name in ("needs", "urgency", "records_reviewed") for value in call[name]]
    for widget in screen.query("#call-form *"):
        name = widget.id or ""
        if isinstance(widget, SelectionList):
            wanted = [option.value for option in widget._options if option.value in ticks]
            if wanted:
                todo[name] = ("tick", wanted)
                ticks = [value for value in ticks if value not in wanted]
        elif isinstance(widget, Input) and call.get(name):
            todo[name] = ("type", call[name])
        elif isinstance(widget, Select) and call.get(name):
            todo[name] = ("choose", call[name])
        elif isinstance(widget, Checkbox) and call.get(name) is True:
            todo[name] = ("check", True)
    if ticks:
        raise RuntimeError(f"no list on the form offers {ticks}")
    return todo


async def do(keys: Keys, widget: Widget, action: str, value: Any) -> None:
    if action == "type":
        for character in value:
            await keys.press(character, "text")
        if not isinstance(widget, Input) or widget.value != value:
            raise RuntimeError(f"#{widget.id} did not take {value!r}")
    elif action == "check":
        await keys.press("space", "space")
        if not isinstance(widget, Checkbox) or not widget.value:
            raise RuntimeError(f"#{widget.id} did not tick")
    elif action == "tick":
        assert isinstance(widget, SelectionList)
        for wanted in value:
            index = [option.value for option in widget._options].index(wanted)
            await move_to(keys, widget, index)
            await keys.press("space", "space")
        if not set(value) <= set(widget.selected):
            raise RuntimeError(f"#{widget.id} did not tick {value}")
    elif action == "choose":
        assert isinstance(widget, Select)
        await keys.press("enter", "enter")
        index = [option_value for _, option_value in widget._options].index(value)
        await move_to(keys, widget.query_one(SelectOverlay), index)
        await keys.press("enter", "enter")
        if widget.value != value:
            raise RuntimeError(f"#{widget.id} did not choose {value!r}")


async def move_to(keys: Keys, options: Any, index: int) -> None:
    """Arrow the highlight of an option list (a tick list, an open dropdown) to `index`."""
    for _ in range(50):
        if options.highlighted == index:
            return
        down = options.highlighted is None or options.highlighted < index
        await keys.press("down" if down else "up", "arrows")
    raise RuntimeError(f"could not reach option {index} of #{options.id}")


async def count_ethel() -> tuple[Keys, str, bool]:
    """Keys from ctrl+n to the reference on screen; the reference; whether the queue has it."""
    with fresh_desk() as desk:
        app = SprDeskApp(desk, user="bench")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            keys = Keys(pilot)
            await keys.press("ctrl+n", "ctrl+n, ctrl+s")
            await settle(pilot)
            screen = app.screen
            if not isinstance(screen, TriageScreen):
                raise RuntimeError(f"ctrl+n did not open the call: {type(screen).__name__}")
            todo = plan(screen, ETHEL)
            for _ in range(200):
                focused = app.focused
                name = focused.id if focused is not None else None
                if focused is not None and name in todo:
                    keys.on_optional = not (
                        name in REQUIRED or name == "red_flags_cleared" or name.startswith("needs")
                    )
                    await do(keys, focused, *todo.pop(name))
                    keys.on_optional = False
                if not todo:
                    break
                await keys.press("tab", "tab")
            else:
                raise RuntimeError(f"tabbed round the form without reaching {list(todo)}")
            await settle(pilot)
            await keys.press("ctrl+s", "ctrl+n, ctrl+s")
            await settle(pilot)
            if not isinstance(app.screen, ConfirmCallModal):
                raise RuntimeError(f"ctrl+s did not read back: {type(app.screen).__name__}")
            await keys.press("enter", "enter")
            await settle(pilot)
            modal = app.screen
            if not isinstance(modal, ReferenceModal):
                raise RuntimeError(f"enter did not record: {type(modal).__name__}")
            reference = modal.reference
            queued = any(row.reference == reference for row in desk.open_queue())
    return keys, reference, queued


def main() -> None:
    started = time.perf_counter()
    results, missed = asyncio.run(bench_repaint())
    print(f"key press to repaint, facts step of a call, headless {SIZE[0]}x{SIZE[1]}, ms")
    print(f"  (keys {GAP * 1000:.0f} ms apart, each from a quiet screen)")
    print(f"  {'':<28}{'keys':>4} {'first frame':>14} {'last frame':>15}  goal: first-frame")
    print(f"  {'':<28}{'':>4} {'median':>7} {'p95':>6} {'median':>8} {'p95':>6}  p95 <= 16 ms")
    for kind, label in (
        ("arrows", "down / up (highlight)"),
        ("space", "space (tick / untick)"),
        ("tab", "tab (to the next list)"),
    ):
        if kind in results:
            print(row(label, results[kind]))
    facts = [t for kind in ("arrows", "space", "tab") for t in results.get(kind, [])]
    print(row("all facts keys", facts))
    for name in ("notes", "referrer_name"):
        print(row(f"typing into #{name}", results[f"#{name}"], goal=False))
    collected = [t for t in facts if t[2]]
    if collected:
        spared = [t[0] * 1000 for t in facts if not t[2]]
        print(
            f"  a full garbage collection before the first frame: {len(collected)} key(s), up to"
            f" {max(t[0] for t in collected) * 1000:.0f} ms; facts p95 without: {p95(spared):.1f}"
        )
    print("  first frame: the first frame drawn after the key; 16 ms is one 60 Hz frame")
    print("  last frame: all the key caused (the recommendation panel, footer, a scroll) drawn")
    print("  * fewer than 20 keys: the p95 is the slowest key")
    if missed:
        print(f"  keys that drew nothing (left out): {dict(missed)}")

    keys, reference, queued = asyncio.run(count_ethel())
    kinds = keys.kinds
    typed = kinds["text"]
    navigation = sum(kinds.values()) - typed
    total = typed + navigation
    print("keys to record Ethel's referral (no notes), ctrl+n to the reference on screen")
    print(f"  free text typed (names, numbers, address) {typed:4d}  (a key per character)")
    print(f"  navigation and selection                  {navigation:4d}")
    for kind in ("tab", "arrows", "space", "enter", "ctrl+n, ctrl+s"):
        print(f"    {kind:<40}{kinds[kind]:4d}")
    print(f"  total                                     {total:4d}")
    print(
        f"  of which on optional fields               {keys.optional:4d}"
        "  (organisation, lives alone, access,"
    )
    print(f"  {'':<46}next of kin, urgency, records, locality)")
    print(f"  required fields only would take           {total - keys.optional:4d}")
    print(f"  recorded {reference}; in the open queue: {'yes' if queued else 'NO'}")
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
