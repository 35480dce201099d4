"""Big data: every screen opened on a database of 1,000,000 referrals, and what one process that
opened them all holds in memory. Prints figures; asserts nothing.

SPR Desk runs headless at 80x24 (`run_test`) on the database `bench.bigdata.build_database`
builds (reused from `--cache`: the file `bench/queue_scale.py` uses). Each screen is opened with
the key a handler presses (enter on the queue board, `s`, `a`, `w`, `o`, `h`) and timed
from the key to the first frame written after the screen's data has arrived: the method each
screen calls with what its worker read is wrapped to stamp the time. Each screen is
opened twice: the first time in the process (its CSS, its first widgets) and once more.

The call is opened with ctrl+n, differently, because it is built differently: the next call's
screen is built and laid out out of sight after sign-in and after each call
(`screens/call_desk.py`), and ctrl+n only shows it. So the benchmark first waits until that
screen is built, as a handler's desk would have built it long before the phone rang, then times
ctrl+n to the moment the call takes keys: the call screen current, opened (what the app's key
reader waits for, `screens/key_order.py`) and its red-flag list focused. A key is posted at that
moment and must reach the red-flag list (how long it took is noted). Also timed, for
information: ctrl+n to the first frame that draws the call, and to the frame after its worker's
reads (the availability board, the known callers) have arrived. The call is then put away (kept
as a draft, discarded after) and the next one, built ahead in its turn, opened once more.

On each screen keys are then posted one at a time and timed to the first frame they cause, as
`bench/triage_keys.py` times them (the same `Frames`, keys 100 ms apart, each from a quiet
screen): up and down on the queue board, the referral, the supervisor's figures, the audit trail,
who is on, the rota and the handover pack; on the call, the facts step's keys (its needs list and
its urgency list), then the NHS number of a patient on record, typed (its look-up on the big
database is timed to the frame that shows the patient's history).

Floors: what each screen's worker reads (`READS`, kept in step with the screens) is timed through
the desk, and the SELECTs it sends are captured and replayed on the bare `sqlite3` connection
(tuples only), as `bench/queue_scale.py` does for the queue. `bench/bare_floor.py` has the bare
Textual app's figures (for the call: a bare screen built already, shown by a key).

Before the app starts: the demo rota (staff and shifts for the coming days; the data builder
writes no rota), a handover pack if there is none yet, and any call `bench` left as a draft is
discarded, so a re-run finds the database as the last one left it.

Goals: key press to repaint p95 within one 60 Hz frame (16 ms); a screen open within 100 ms (the
call: taking keys within 100 ms); the process's peak resident memory
(`bench.memory.peak_rss_mb`) under 200 MB.

Run: python bench/big_screens.py [--cache DIR] [--keys 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlmodel import Session
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from bench.goals import GOAL_KEY_MS, GOAL_MEMORY_MB, GOAL_OPEN_MS
from bench.memory import peak_rss_mb
from bench.stats import median_seconds
from bench.triage_keys import (
    BLOCK,
    SIZE,
    Frames,
    Timing,
    fact_lists,
    facts_keys,
    focus,
    key_event,
    open_facts,
    p95,
    settle,
    timed_key,
)
from db.demo import _load_rota, plan_demo
from db.desk import DeskService
from db.engine import make_engine
from db.models import Patient, Referral
from screens.audit import SHOWN, AuditScreen
from screens.availability import AvailabilityScreen
from screens.handover import HandoverScreen
from screens.messages import CallFinished
from screens.queue import QueueScreen
from screens.referral import ReferralScreen
from screens.rota import DAYS_SHOWN, RotaScreen
from screens.supervisor import SupervisorScreen
from screens.triage import TriageScreen
from screens.widgets.ticks import TickList
from spr_desk.entrypoints.app import SprDeskApp
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.lifecycle import OPEN_STATUSES

BY = "bench"
KEYS = 40
"""Keys timed on each screen."""
READ_RUNS = 3
OPEN_TIMEOUT = 30.0
UP_DOWN = ("down", "up")

SCREENS: dict[str, str] = {
    "queue": "queue board",
    "referral": "referral",
    "supervisor": "supervisor",
    "audit": "audit trail",
    "who": "who is on",
    "rota": "rota",
    "handover": "handover",
    "call": "call (triage)",
}
"""The screens, by key, with their names in the figures."""
WIDGET: dict[str, str] = {
    "queue": "table",
    "referral": "scroll",
    "supervisor": "scroll",
    "audit": "table",
    "who": "scroll",
    "rota": "table",
    "handover": "table",
    "call": "ticks",
}
"""What the keys move on each screen, as `bench/bare_floor.py` names its widgets."""


@dataclass
class ScreenFigures:
    """One screen: seconds from its key to its first frame with data, each time it was opened;
    its keys' timings; keys that drew nothing; its reads through the desk and as raw SQL."""

    name: str
    opens: list[float] = field(default_factory=list)
    """Each time it was opened: seconds from its key to its first frame with data (the call:
    from ctrl+n to taking keys)."""
    timings: list[Timing] = field(default_factory=list)
    missed: int = 0
    collecting: list[float] = field(default_factory=list)
    """Of each open in `opens`: seconds the garbage collector's full sweeps took within it."""
    desk_read: float | None = None
    raw_read: float | None = None
    shown: list[float] = field(default_factory=list)
    """The call only: seconds from ctrl+n to its first frame, each time it was opened."""
    loaded: list[float] = field(default_factory=list)
    """The call only: ... to the first frame after its reads (board, callers) arrived."""
    reached: list[float] = field(default_factory=list)
    """The call only: seconds from taking keys to a key posted then reaching the red flags."""

    @property
    def first_ms(self) -> list[float]:
        return [t[0] * 1e3 for t in self.timings]


@dataclass
class BigScreens:
    screens: dict[str, ScreenFigures]
    """By the keys of `SCREENS`, plus `lookup`: the NHS number's last digit to the history."""
    peak_mb: float
    referrals: int


# what each screen calls with the data its worker read
LOADED: dict[type[Screen[Any]], tuple[str, ...]] = {
    QueueScreen: ("on_queue_loaded",),
    ReferralScreen: ("_show",),
    SupervisorScreen: ("_show",),
    AuditScreen: ("_show",),
    AvailabilityScreen: ("_show",),
    RotaScreen: ("_show",),
    HandoverScreen: ("_show",),
    TriageScreen: ("_use_board", "_use_referrers", "_show_history"),
}
OPENED_BY: dict[type[Screen[Any]], tuple[str, ...]] = {
    **LOADED,
    TriageScreen: ("_use_board", "_use_referrers"),
}


def _handover(desk: DeskService) -> Any:
    shown = desk.pack_to_show()
    return desk.handover_pack(shown) if shown is not None else None


def _rota(desk: DeskService) -> Any:
    now = desk.now()
    return desk.shifts_between(now - timedelta(hours=12), now + timedelta(days=DAYS_SHOWN))


READS: dict[str, Callable[[DeskService, dict[str, str]], Any]] = {
    "referral": lambda desk, ctx: (
        desk.detail(ctx["reference"]),
        desk.team_names(),
        desk.who_is_on(),
    ),
    "supervisor": lambda desk, _ctx: (desk.review(), desk.review_flags()),
    "audit": lambda desk, _ctx: desk.audit_events(limit=SHOWN),
    "who": lambda desk, _ctx: desk.who_is_on(),
    "rota": lambda desk, _ctx: (_rota(desk), desk.team_names()),
    "handover": lambda desk, _ctx: _handover(desk),
    "call": lambda desk, _ctx: (desk.availability_board(), desk.known_referrers()),
    "lookup": lambda desk, ctx: desk.patient_history(ctx["nhs_number"]),
}
"""What each screen's worker reads as it opens (in step with the screens' `_load`/`_read`)."""


class Stamps:
    """Wraps each screen's `LOADED` methods (on the class, undone by `close`) to stamp the time
    after each call."""

    def __init__(self) -> None:
        self.times: dict[tuple[type, str], list[float]] = defaultdict(list)
        self._undo: list[tuple[type, str, Any]] = []
        for screen_type, names in LOADED.items():
            for name in names:
                self._wrap(screen_type, name)

    def _wrap(self, screen_type: type, name: str) -> None:
        original = screen_type.__dict__[name]
        times = self.times[(screen_type, name)]

        # The same parameters as the original: Textual passes a handler only what it asks for.
        if name.startswith("on_"):

            def stamped(screen: Any, message: Any) -> Any:
                result = original(screen, message)
                times.append(time.perf_counter())
                return result
        else:

            def stamped(screen: Any, *args: Any, **kwargs: Any) -> Any:
                result = original(screen, *args, **kwargs)
                times.append(time.perf_counter())
                return result

        setattr(screen_type, name, stamped)
        self._undo.append((screen_type, name, original))

    def close(self) -> None:
        for screen_type, name, original in reversed(self._undo):
            setattr(screen_type, name, original)

    def count(self, screen_type: type, names: tuple[str, ...]) -> list[int]:
        return [len(self.times[(screen_type, name)]) for name in names]


class Driver:
    """Presses keys in the app as the terminal driver would, and times what they draw."""

    def __init__(self, pilot: Pilot[Any], frames: Frames, stamps: Stamps) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.frames = frames
        self.stamps = stamps

    def post(self, key: str) -> float:
        self.frames.clear()
        event = key_event(key)
        event.set_sender(self.app)
        start = time.perf_counter()
        self.app.post_message(event)
        return start

    async def painted_after(
        self,
        screen_type: type[Screen[Any]],
        names: tuple[str, ...],
        before: list[int],
        start: float,
    ) -> float:
        """Seconds from `start` to the first frame after each of `names` was called again."""
        stamps = self.stamps
        while time.perf_counter() - start < OPEN_TIMEOUT:
            counts = stamps.count(screen_type, names)
            if isinstance(self.app.screen, screen_type) and all(
                now > was for now, was in zip(counts, before, strict=True)
            ):
                shown = max(
                    stamps.times[(screen_type, name)][was]
                    for name, was in zip(names, before, strict=True)
                )
                painted = [at for at in self.frames.times if at > shown]
                if painted:
                    return painted[0] - start
            await asyncio.sleep(0.0005)
        raise RuntimeError(f"{screen_type.__name__} showed nothing within {OPEN_TIMEOUT:.0f} s")

    async def settle(self) -> None:
        await settle(self.pilot)
        await self.frames.quiet(time.perf_counter())

    async def open(self, key: str, screen_type: type[Screen[Any]], figures: ScreenFigures) -> None:
        """Press `key` and time the screen it opens to the first frame with its data."""
        names = OPENED_BY[screen_type]
        before = self.stamps.count(screen_type, names)
        start = self.post(key)
        opened = await self.painted_after(screen_type, names, before, start)
        figures.opens.append(opened)
        figures.collecting.append(self.frames.collecting(start, start + opened))
        await self.settle()

    async def call_built(self) -> TriageScreen:
        """The next call's screen once it is built and laid out out of sight (as it is long
        before a handler presses ctrl+n)."""
        app = self.app
        assert isinstance(app, SprDeskApp)
        start = time.perf_counter()
        while time.perf_counter() - start < OPEN_TIMEOUT:
            waiting = app._next_call
            if waiting is not None and waiting[1]._laid_out_for is not None:
                await self.settle()
                return waiting[1]
            await asyncio.sleep(0.01)
        raise RuntimeError(f"the next call was not built within {OPEN_TIMEOUT:.0f} s")

    async def open_call(self, figures: ScreenFigures) -> TriageScreen:
        """ctrl+n on the call built ahead: timed to taking keys (then a key posted must reach
        the red flags), to its first frame, and to the frame after its reads arrived."""
        call = await self.call_built()
        flags = call.query_one("#red_flags", TickList)
        app = self.app
        names = OPENED_BY[TriageScreen]
        before = self.stamps.count(TriageScreen, names)
        start = self.post("ctrl+n")
        while not (app.screen is call and call._mounted_event.is_set() and app.focused is flags):
            if time.perf_counter() - start > OPEN_TIMEOUT:
                raise RuntimeError(f"the call took no keys within {OPEN_TIMEOUT:.0f} s")
            await asyncio.sleep(0.0005)
        ready = time.perf_counter()
        highlighted = flags.highlighted_value
        probe = key_event("down")  # not `post`: the frames since ctrl+n are still wanted
        probe.set_sender(app)
        app.post_message(probe)
        while flags.highlighted_value == highlighted:
            if time.perf_counter() - ready > OPEN_TIMEOUT:
                raise RuntimeError("a key posted once the call took keys never reached it")
            await asyncio.sleep(0.0005)
        reached = time.perf_counter()
        figures.loaded.append(await self.painted_after(TriageScreen, names, before, start))
        shown = self.frames.first_of(call)
        assert shown is not None  # a frame drew it: the one after its reads, at the latest
        figures.opens.append(ready - start)
        figures.reached.append(reached - ready)
        figures.shown.append(shown - start)
        await self.settle()
        return call

    async def put_call_away(self, call: TriageScreen) -> None:
        """The call ends (kept as a draft: discarded after the run); the queue comes back and
        the next call is built."""
        call.post_message(CallFinished(None, call.draft_key))
        await self.settle()

    async def keys(self, figures: ScreenFigures, keys: Iterator[str]) -> None:
        for key in keys:
            timing = await timed_key(self.app, self.frames, key)
            if timing is None:
                figures.missed += 1
            else:
                figures.timings.append(timing)

    async def back(self) -> None:
        await self.pilot.press("escape")
        await self.settle()


def up_and_down(count: int) -> Iterator[str]:
    """down, up, down, up...: each key changes the screen wherever the cursor or scroll is."""
    for index in range(count):
        yield UP_DOWN[index % 2]


async def drive(
    desk: DeskService, keys: int, known_nhs: str
) -> tuple[dict[str, ScreenFigures], str]:
    """Every screen, opened and keyed; and the reference of the referral opened."""
    app = build_app(desk, user=BY, idle_lock=timedelta(days=1))
    stamps = Stamps()
    found = {key: ScreenFigures(name) for key, name in SCREENS.items()}
    found["lookup"] = ScreenFigures("patient look-up (call)")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            if not isinstance(app.screen, QueueScreen):
                raise RuntimeError(f"the app did not open on the queue: {app.screen}")
            frames = Frames(app)
            run = Driver(pilot, frames, stamps)
            await run.settle()

            async def visit(
                key: str, screen: str, screen_type: type[Screen[Any]], inside: Any = None
            ) -> None:
                """Open, press keys (and visit what opens from it), back; open again, back."""
                await run.open(key, screen_type, found[screen])
                await run.keys(found[screen], up_and_down(keys))
                if inside is not None:
                    await inside()
                await run.back()
                await run.open(key, screen_type, found[screen])
                await run.back()

            await run.keys(found["queue"], up_and_down(keys))
            reference = ""

            async def note_reference() -> None:
                nonlocal reference
                assert isinstance(app.screen, ReferralScreen)
                reference = app.screen.reference

            await visit("enter", "referral", ReferralScreen, note_reference)
            # The queue's own keys are function keys (issue 13: letters typed go to its search).
            await visit(
                "f7",
                "supervisor",
                SupervisorScreen,
                lambda: visit("a", "audit", AuditScreen),
            )
            await visit("f4", "who", AvailabilityScreen, lambda: visit("o", "rota", RotaScreen))
            await visit("f6", "handover", HandoverScreen)

            # the call: the facts step's keys, then a known patient's NHS number typed
            call_figures = found["call"]
            call = await run.open_call(call_figures)
            open_facts(call)
            await run.settle()
            lists = fact_lists(call)
            for index, key in facts_keys(max(keys - len(known_nhs), len(BLOCK)), len(lists)):
                if app.focused is not lists[index]:
                    await focus(pilot, lists[index], frames)
                await run.keys(call_figures, iter([key]))
            await focus(pilot, call.query_one("#nhs_number", Input), frames)
            await run.keys(call_figures, iter(known_nhs[:-1]))
            # the last digit makes the number valid: the look-up on the big database starts
            names = ("_show_history",)
            before = stamps.count(TriageScreen, names)
            start = run.post(known_nhs[-1])
            lookup = await run.painted_after(TriageScreen, names, before, start)
            found["lookup"].opens.append(lookup)
            if frames.times:
                call_figures.timings.append((frames.times[0] - start, lookup, False))
            # the call put away (the queue comes back, the next call is built), and once more
            await run.put_call_away(call)
            await run.put_call_away(await run.open_call(call_figures))
            frames.close()
    finally:
        stamps.close()
    discard_drafts(desk)
    return found, reference


def reads(engine: Engine, desk: DeskService, context: dict[str, str], runs: int) -> dict:
    """Each screen's reads through the desk and as raw SQL: median seconds of `runs`."""
    raw_connection = engine.raw_connection()
    driver = raw_connection.driver_connection
    assert driver is not None
    found: dict[str, tuple[float, float]] = {}
    try:
        for screen, read in READS.items():
            sent: list[tuple[str, Any]] = []

            def capture(_c: Any, _cur: Any, sql: str, params: Any, *_: Any) -> None:
                if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    sent.append((sql, params))  # noqa: B023 - removed before the next screen

            event.listen(engine, "before_cursor_execute", capture)
            try:
                read(desk, context)  # warm-up, and the statements
            finally:
                event.remove(engine, "before_cursor_execute", capture)

            def raw(statements: list[tuple[str, Any]] = sent) -> int:
                return sum(
                    len(driver.execute(sql, params).fetchall()) for sql, params in statements
                )

            raw()
            found[screen] = (
                median_seconds(lambda r=read: r(desk, context), runs),
                median_seconds(raw, runs),
            )
    finally:
        raw_connection.close()
    return found


def prepare(desk: DeskService) -> None:
    """What the screens need that the data builder does not write, and nothing left over."""
    with Session(desk.engine) as session:
        _load_rota(session, plan_demo(days=1, now=desk.now(), rules=desk.rules))
        session.commit()
    if not desk.handover_packs(limit=1):
        desk.build_handover(by=BY)
    discard_drafts(desk)


def discard_drafts(desk: DeskService) -> None:
    """The calls the benchmark left as drafts: no desk should be offered them."""
    for draft in desk.open_drafts():
        if draft.desk_user == BY:
            desk.finish_draft(draft.draft_key, state="discarded")


def known_patient(engine: Engine) -> str:
    """The NHS number of a patient with an open referral (the call shows the warning)."""
    patient, referral = Patient.__table__, Referral.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        number = connection.execute(
            select(patient.c.nhs_number)
            .join(referral, referral.c.patient_id == patient.c.id)
            .where(referral.c.status.in_([status.value for status in OPEN_STATUSES]))
            .limit(1)
        ).scalar()
    if number is None:
        raise RuntimeError("no patient with an open referral in the database")
    return str(number)


def count_referrals(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Referral)).scalar_one())


def measure(url: str, keys: int = KEYS, read_runs: int = READ_RUNS) -> BigScreens:
    """Open every screen on the database at `url`; call in a process of its own for the memory."""
    engine = make_engine(url)
    try:
        desk = DeskService(engine)
        prepare(desk)
        nhs = known_patient(engine)
        referrals = count_referrals(engine)
        found, reference = asyncio.run(drive(desk, keys, nhs))
        context = {"reference": reference, "nhs_number": nhs}
        for screen, (desk_read, raw_read) in reads(engine, desk, context, read_runs).items():
            found[screen].desk_read, found[screen].raw_read = desk_read, raw_read
    finally:
        engine.dispose()
    return BigScreens(found, peak_rss_mb(), referrals)


def _ms(seconds: float | None) -> str:
    return f"{'-':>7}" if seconds is None else f"{seconds * 1e3:7.1f}"


def report(result: BigScreens, say: Callable[[str], None] = print) -> None:
    say(
        f"every screen on {result.referrals:,} referrals, headless {SIZE[0]}x{SIZE[1]}; ms"
        f" (goals: open < {GOAL_OPEN_MS:.0f}, key to first frame p95 <= {GOAL_KEY_MS:.0f})"
    )
    say(
        f"  {'screen':<24}{'open':>7} {'again':>7} {'desk':>7} {'raw SQL':>7}"
        f" {'keys':>5} {'median':>7} {'p95':>7}  missed"
    )
    for figures in result.screens.values():
        first = figures.first_ms
        opens = figures.opens + [None, None]  # type: ignore[list-item]
        keyed = (
            f" {len(first):5d} {statistics.median(first):7.1f} {p95(first):7.1f}  {figures.missed}"
            if first
            else ""
        )
        say(
            f"  {figures.name:<24}{_ms(opens[0])} {_ms(opens[1])} {_ms(figures.desk_read)}"
            f" {_ms(figures.raw_read)}{keyed}"
        )
    call = result.screens["call"]
    if call.shown:
        say(
            "  the call's open is ctrl+n to taking keys; its first frame"
            f" {', '.join(f'{at * 1e3:.1f}' for at in call.shown)}, with its reads"
            f" {', '.join(f'{at * 1e3:.1f}' for at in call.loaded)}; a key posted as it took"
            f" keys reached the red flags {', '.join(f'{at * 1e3:.1f}' for at in call.reached)}"
            " later"
        )
    say(f"  peak resident memory {result.peak_mb:.0f} MB (goal < {GOAL_MEMORY_MB:.0f} MB)")


def main(argv: list[str] | None = None) -> None:
    from bench.queue_scale import CLOSED_SERIES_OPEN, database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="keep the built database here for re-runs")
    parser.add_argument("--closed", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=KEYS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="spr-big-screens-") as scratch:
        folder = args.cache or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        url = database(folder, args.closed, CLOSED_SERIES_OPEN)
        report(measure(url, args.keys))
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
