"""Triage key-press benchmark: key press to repaint on the facts step of a call, and the keys it
takes to record Ethel's referral from the keyboard. Prints figures; asserts nothing.

Run: python bench/triage_keys.py   (goals: key to repaint p95 within one 60 Hz frame, 16 ms,
and within 1.5x of a bare `TickList`'s; Ethel recorded in at most 35 keys beyond those typed)

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
The facts keys are `BLOCK` on the needs list (`#needs`, one `TickList` under its groups'
headings), tab, `BLOCK` on the urgency list (`#urgency`), then from the needs again; the floor
(`bench/bare_floor.py`) is a bare `TickList` in a bare app, keyed with the same `BLOCK`.

The key count drives the app with Pilot one key at a time, as a handler would with the fewest
keys: `n` on the red flags (asked all seven, none applies: on to the caller's name), each text
field typed a character at a time, a choice by the first letters of its option then enter
(which chooses and moves on), a tick list by letters or arrows (whichever is fewer; arrows on a
tie) and space, Tab from one field to the next and past any left empty, enter to confirm the
locality suggested from the postcode, then ctrl+s and enter. Letters typed into a choice or a
tick list are counted as typed characters, since they are; every other key (Tab, enter, space,
arrows, `n`, ctrl+n, ctrl+s) is navigation.
"""

from __future__ import annotations

import asyncio
import gc
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from textual import events
from textual._compositor import CompositorUpdate
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, TextArea

from bench.goals import GOAL_ETHEL_EXTRA_KEYS, GOAL_KEY_MS
from bench.stats import p95
from db.desk import DeskService
from db.engine import make_engine
from db.migrate import upgrade_to_head
from screens.confirm_call_modal import ConfirmCallModal
from screens.reference_modal import ReferenceModal
from screens.triage import TriageScreen
from screens.triage_form import EXTRAS
from screens.widgets.choice import Choice
from screens.widgets.ticks import RedFlagList, TickList
from spr_desk.call_form import REQUIRED
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.sample_calls import ETHEL as SAMPLE_ETHEL

SIZE = (80, 24)
NOW = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # a Monday morning, as in tests/conftest.py
GOAL_MS = GOAL_KEY_MS
FACT_KEYS = 200
GAP = 0.100  # seconds from one key to the next
QUIET = 0.020  # ... and no frame for this long before the next key
FACT_LISTS = ("needs", "urgency")
"""The facts step's tick lists, in tab order."""
BLOCK = ("down", "space", "up", "space", "down", "space", "up", "space")
"""Keys on one list: tick two lines and untick them again, so every key changes the screen."""
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
    """The time of every frame the app writes, and the screen it drew, from a wrapper round
    `App._display`; and the time of every full garbage collection."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.times: list[float] = []
        self.screens: list[Any] = []
        """The screen each frame in `times` drew."""
        self.written = asyncio.Event()
        self.full_collections: list[float] = []
        """When each full garbage collection began (since `clear`)."""
        self.collections_ended: list[float] = []
        """... and when each ended, in the same order."""
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
            self.screens.append(screen)
            self.written.set()

        app._display = stamped  # type: ignore[method-assign]

    def clear(self) -> None:
        """Forget the frames so far (a key is about to be posted)."""
        self.times.clear()
        self.screens.clear()
        self.written.clear()
        self.full_collections.clear()
        self.collections_ended.clear()

    def first_of(self, screen: Any) -> float | None:
        """When the first frame that drew `screen` was written (since `clear`), if one was."""
        drawn = zip(self.times, self.screens, strict=True)
        return next((at for at, on in drawn if on is screen), None)

    def collecting(self, start: float, end: float) -> float:
        """Seconds of full garbage collection between `start` and `end`."""
        spans = zip(self.full_collections, self.collections_ended, strict=False)
        return sum(max(0.0, min(stop, end) - max(began, start)) for began, stop in spans)

    def _collected(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] == 2:
            at = time.perf_counter()
            (self.full_collections if phase == "start" else self.collections_ended).append(at)

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
    frames.clear()
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


def fact_lists(screen: TriageScreen) -> list[TickList]:
    """The facts step's tick lists in tab order: the needs, then urgency (one list each)."""
    return [screen.query_one(f"#{name}", TickList) for name in FACT_LISTS]


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


def open_facts(screen: TriageScreen) -> None:
    """Ethel's pathway and setting chosen (not what is timed): the matrix then follows the
    facts keys, as on a real call."""
    for name in ("pathway", "setting"):
        screen.query_one(f"#{name}", Choice).choose(ETHEL[name])


async def bench_repaint(
    fact_keys: int = FACT_KEYS, text_chars: int | None = None
) -> tuple[dict[str, list[Timing]], Counter[str]]:
    """Key to repaint by kind of key, in seconds (first frame, last frame); keys not drawn.
    `fact_keys` keys on the facts lists, then up to `text_chars` typed into the notes (a
    `TextArea`) and the caller's name (an `Input`)."""
    results: dict[str, list[Timing]] = {}
    missed: Counter[str] = Counter()
    with fresh_desk() as desk:
        app = build_app(desk, user="bench")
        async with app.run_test(size=SIZE) as pilot:
            screen = await start_call(pilot)
            open_facts(screen)
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
                field = screen.query_one(f"#{name}")
                await focus(pilot, field, frames)
                for character in text:
                    timing = await timed_key(app, frames, character)
                    if timing is None:
                        missed[f"#{name}"] += 1
                    else:
                        results.setdefault(f"#{name}", []).append(timing)
                typed = field.text if isinstance(field, TextArea) else getattr(field, "value", "")
                if typed != text:
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

TYPED = ("text", "letters")
"""Kinds of key that are typed characters: into a text field; into a choice or a tick list
(the first letters of what is wanted)."""
NAVIGATION = ("tab", "enter", "space", "arrows", "n (none applies)", "ctrl+n, ctrl+s")
"""Every other kind of key, as the count names them."""
_WORDS = re.compile(r"[^\W_]+")


class Keys:
    """Presses one key at a time with Pilot and counts it, by kind; and the keys spent on
    optional fields (other than the key that moves on, which skipping the field takes too)."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.kinds: Counter[str] = Counter()
        self.optional = 0
        self.on_optional = False
        self.field = ""
        """The control the next keys are for ("" before the call, "(read-back)" after the form)."""
        self.log: list[tuple[str, str]] = []
        """(field, key) for every key, in order: how the count was reached."""

    async def press(self, key: str, kind: str, *, moves_on: bool = False) -> None:
        self.kinds[kind] += 1
        self.log.append((self.field, key))
        if self.on_optional and not moves_on:
            self.optional += 1
        await self.pilot.press(key)

    @property
    def typed(self) -> int:
        return sum(self.kinds[kind] for kind in TYPED)

    @property
    def navigation(self) -> int:
        return sum(self.kinds.values()) - self.typed


def letter_prefixes(words: str) -> list[str]:
    """What a handler might type to find `words`: the starts of the whole line, then of each of
    its words in turn, letters and digits only, shortest first (the line's own start first
    among those as short)."""
    folded = words.casefold()
    found: dict[str, None] = {}  # in the order found: a dict keeps it
    for part in [folded, *_WORDS.findall(folded)]:
        for end in range(1, len(part) + 1):
            if not part[:end].isalnum():
                break
            found.setdefault(part[:end])
    return sorted(found, key=len)  # stable: the order found stays among those as short


# The letters are tried on a detached copy of the widget, with its own search (`_search`,
# `_find`): the plan finds what the widget would, however its search is refined.


def choice_found(options: list[tuple[str, str]], typed: str) -> int | None:
    """The option a closed `Choice` with nothing chosen highlights after `typed`."""
    probe = Choice(options)
    for character in typed:
        probe._search(character)
    return probe._highlighted if probe._typed else None


def choice_letters(options: list[tuple[str, str]], value: str) -> str:
    """The fewest first letters that highlight `value` in a closed `Choice`."""
    target = [option_value for _, option_value in options].index(value)
    for typed in letter_prefixes(options[target][0]):
        if choice_found(options, typed) == target:
            return typed
    raise RuntimeError(f"no letters find {value!r} among {options}")


def tick_found(lines: list[tuple[str, str] | str], highlighted: int, typed: str) -> int:
    """The line a `TickList` highlights after `typed`, from `highlighted` (letters just after
    another key: a fresh search)."""
    probe = TickList(*lines)
    probe._highlighted = highlighted
    for character in typed:
        probe._find(character)
    return probe._highlighted


def tick_keys(
    lines: list[tuple[str, str] | str], highlighted: int, value: str
) -> tuple[list[str], str]:
    """The fewest keys from `highlighted` to the line of `value` in a `TickList`: letters, or
    arrows (home / end and arrows), whichever is fewer; arrows on a tie. (keys, their kind)."""
    tickable = [index for index, line in enumerate(lines) if not isinstance(line, str)]
    target = next(i for i in tickable if lines[i][1] == value)  # type: ignore[index]
    here, there = tickable.index(highlighted), tickable.index(target)
    step = "down" if there > here else "up"
    arrows = [[step] * abs(there - here), ["home"] + ["down"] * there]
    arrows.append(["end"] + ["up"] * (len(tickable) - 1 - there))
    fewest = min(arrows, key=len)
    words = lines[target][0]  # type: ignore[index]
    for typed in letter_prefixes(str(words)):
        if len(typed) >= len(fewest):
            break
        if tick_found(lines, highlighted, typed) == target:
            return list(typed), "letters"
    return fewest, "arrows"


def plan(screen: TriageScreen, call: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Control id -> what to do there, for every value of the call; `n` on the red flags."""
    todo: dict[str, tuple[str, Any]] = {"red_flags": ("none applies", None)}
    for widget in screen.query("#call-form *"):
        name = widget.id or ""
        if isinstance(widget, RedFlagList) or name == "red_flags_cleared":
            continue
        if isinstance(widget, TickList):
            wanted = (
                [extra for extra in EXTRAS if call.get(extra)]
                if name == "extras"
                else list(call.get(name, []))
            )
            if wanted:
                todo[name] = ("tick", wanted)
        elif isinstance(widget, Input) and call.get(name):
            todo[name] = ("type", call[name])
        elif isinstance(widget, Choice) and call.get(name):
            todo[name] = ("choose", call[name])
    missing = set(call) - set(todo) - set(EXTRAS)
    if missing:
        raise RuntimeError(f"no control on the form for {sorted(missing)}")
    return todo


async def do(keys: Keys, widget: Widget, action: str, value: Any, *, last: bool) -> None:
    """One field's value by keys, then on to the next field (by Tab, or the enter that chooses);
    the last field does not move on."""
    screen = widget.screen
    assert isinstance(screen, TriageScreen)
    if action == "none applies":
        await keys.press("n", "n (none applies)", moves_on=True)
        if not screen.form.red_flags_cleared:
            raise RuntimeError("n on the red flags did not clear them")
    elif action == "type":
        for character in value:
            await keys.press(character, "text")
        if not isinstance(widget, Input) or widget.value != value:
            raise RuntimeError(f"#{widget.id} did not take {value!r}")
    elif action == "tick":
        assert isinstance(widget, TickList)
        order = [option_value for _, option_value in widget.options]
        for wanted in sorted(value, key=order.index):
            moves, kind = tick_keys(widget._lines, widget._highlighted, wanted)
            for key in moves:
                await keys.press(key, kind)
            if widget.highlighted_value != wanted:
                raise RuntimeError(f"{moves} did not find {wanted!r} in #{widget.id}")
            await keys.press("space", "space")
        if not set(value) <= set(widget.selected):
            raise RuntimeError(f"#{widget.id} did not tick {value}")
    elif action == "choose":
        assert isinstance(widget, Choice)
        if widget.suggestion != value or widget.value:
            for letter in choice_letters(widget.options, value):
                await keys.press(letter, "letters")
        await keys.press("enter", "enter", moves_on=True)  # chooses (or confirms) and moves on
        if widget.value != value:
            raise RuntimeError(f"#{widget.id} did not choose {value!r}")
    if action in ("type", "tick") and not last:
        await keys.press("tab", "tab", moves_on=True)
    if not last and screen.focused is widget:
        raise RuntimeError(f"the keys for #{widget.id} did not move on")


async def count_ethel() -> tuple[Keys, str, bool]:
    """Keys from ctrl+n to the reference on screen; the reference; whether the queue has it."""
    with fresh_desk() as desk:
        app = build_app(desk, user="bench")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            keys = Keys(pilot)
            await keys.press("ctrl+n", "ctrl+n, ctrl+s")
            await settle(pilot)
            screen = app.screen
            if not isinstance(screen, TriageScreen):
                raise RuntimeError(f"ctrl+n did not open the call: {type(screen).__name__}")
            todo = plan(screen, ETHEL)
            for _ in range(100):
                focused = app.focused
                name = focused.id if focused is not None else None
                keys.field = name or ""
                if focused is not None and name in todo:
                    keys.on_optional = name not in REQUIRED and name not in (
                        "red_flags",
                        "nhs_number",  # needed, unless the handler says why it is not known
                        "needs",
                    )
                    action, value = todo.pop(name)
                    await do(keys, focused, action, value, last=not todo)
                    keys.on_optional = False
                    if not todo:
                        break
                else:
                    await keys.press("tab", "tab")  # past a field the call leaves empty
            else:
                raise RuntimeError(f"tabbed round the form without reaching {list(todo)}")
            await settle(pilot)
            keys.field = "(read-back)"
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
    total = keys.typed + keys.navigation
    goal = keys.typed + GOAL_ETHEL_EXTRA_KEYS
    print("keys to record Ethel's referral (no notes), ctrl+n to the reference on screen")
    print(f"  typed                                     {keys.typed:4d}")
    print(f"    into text fields (a key per character)  {kinds['text']:4d}")
    print(f"    first letters into choices, tick lists  {kinds['letters']:4d}")
    print(f"  navigation and selection                  {keys.navigation:4d}")
    for kind in NAVIGATION:
        print(f"    {kind:<40}{kinds[kind]:4d}")
    verdict = "met" if total <= goal else "NOT met"
    print(f"  total                                     {total:4d}")
    print(f"  goal: typed + {GOAL_ETHEL_EXTRA_KEYS} = {goal} or fewer     {verdict}")
    print(f"  of which on optional fields               {keys.optional:4d}")
    print(f"  required fields only would take           {total - keys.optional:4d}")
    print(f"  recorded {reference}; in the open queue: {'yes' if queued else 'NO'}")
    print("  the keys, field by field:")
    for field, pressed in groupby(keys.log, key=lambda entry: entry[0]):
        shown = [key if len(key) == 1 else f"<{key}>" for _, key in pressed]
        print(f"    {field or '(queue)':<24}{''.join(shown)}")
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
