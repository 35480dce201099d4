"""The benchmarks `python -m bench` runs, each as a function returning its figures for the table.

Each part runs in a process of its own (`python -m bench --part NAME`), so no part's imports,
caches or garbage slow another's, and the memory figure is one process's. The databases they
share are built first, by `build`, with `bench.bigdata.build_database`, in the cache folder.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.goals import (
    GOAL_ETHEL_EXTRA_KEYS,
    GOAL_FACTS_KEY_RATIO,
    GOAL_HANDOVER_MS,
    GOAL_KEY_MS,
    GOAL_MEMORY_MB,
    GOAL_OPEN_MS,
    GOAL_QUEUE_MS,
    GOAL_QUEUE_RATIO,
    GOAL_RECOMMEND_US,
    GOAL_ROTA_LOCK_MS,
    GOAL_SAVE_P95_MS,
    GOAL_START_RATIO,
)
from bench.stats import p95
from bench.table import Figure, Part

if TYPE_CHECKING:
    from bench.big_screens import ScreenFigures

FLOOR_WIDGETS = {
    "table": "bare DataTable",
    "scroll": "bare scroll",
    "ticks": "bare TickList",
    "input": "bare Input",
}
"""How the table names the bare app's widgets (`bench/bare_floor.py`)."""


@dataclass(frozen=True)
class Settings:
    """How big and how long: the full run, or `--quick` for a smoke run."""

    folder: Path
    quick: bool = False
    postgres: str | None = None

    @property
    def big(self) -> tuple[int, int]:
        """(closed, open) of the big database every screen is opened on."""
        return (20_000, 2_000) if self.quick else (1_000_000, 2_000)

    @property
    def long_queue(self) -> tuple[int, int] | None:
        """(closed, open) of the long-queue database the queue is also timed on."""
        return None if self.quick else (100_000, 20_000)

    @property
    def handover(self) -> tuple[int, int]:
        return (10_000, 500) if self.quick else (100_000, 500)

    def runs(self, full: int, quick: int) -> int:
        return quick if self.quick else full


def big_url(settings: Settings) -> str:
    from bench.queue_scale import database

    return database(settings.folder, *settings.big)


def build(settings: Settings) -> None:
    """Every database the parts read, built unless the cache folder has it already."""
    from bench.handover_pack import database as handover_database
    from bench.queue_scale import database

    big_url(settings)
    if settings.long_queue:
        database(settings.folder, *settings.long_queue)
    handover_database(settings.folder, *settings.handover)


def _count(closed: int, open_: int) -> str:
    def short(n: int) -> str:
        if n >= 1_000_000 and n % 1_000_000 == 0:
            return f"{n // 1_000_000}M"
        return f"{n // 1_000}k" if n >= 1_000 and n % 1_000 == 0 else f"{n:,}"

    return f"{short(closed)} closed + {short(open_)} open"


# the parts ------------------------------------------------------------------------------------


def foundation(settings: Settings) -> Part:
    """`recommend` per call; start to first frame beside a bare Textual app started alike."""
    from bench.foundation import bench_recommend, bench_start

    part = Part()
    for name, micros in bench_recommend(settings.runs(20_000, 2_000)).items():
        part.figures.append(Figure(f"recommend(), {name}", micros, "µs", goal=GOAL_RECOMMEND_US))
    runs = settings.runs(7, 2)
    ours, bare = bench_start(runs)
    bare_paint = statistics.median(mark["painted"] for mark in bare) * 1e3
    part.floors["bare.start"] = bare_paint
    part.figures += [
        Figure(
            "start to first frame (fresh interpreter)",
            statistics.median(mark["painted"] for mark in ours) * 1e3,
            "ms",
            goal=GOAL_START_RATIO,
            goal_on="ratio",
            strict=False,
            floor_name="bare Textual",
            floor_value=bare_paint,
            note=f"median of {runs}, interleaved with the bare app's; headless 80x24",
        ),
        Figure(
            "start to queue rows on screen (demo db)",
            statistics.median(mark["rows"] for mark in ours) * 1e3,
            "ms",
            floor_name="bare Textual",
            floor_value=bare_paint,
        ),
    ]
    return part


def bare(settings: Settings) -> Part:
    """The bare Textual app's keys, screen push, a screen built already shown, and memory:
    floors for the desk's screens."""
    from bench.bare_floor import WIDGETS, measure
    from bench.triage_keys import FACT_KEYS

    # The tick lists get as many keys as the facts step (its floor): p95s of alike counts.
    floor = measure(settings.runs(40, 10), settings.runs(FACT_KEYS, 24))
    part = Part()
    for widget in WIDGETS:
        part.floors[f"bare.keys.{widget}"] = floor.key_p95_ms(widget)
    part.floors["bare.push"] = floor.push_ms
    part.floors["bare.ready"] = floor.ready_ms
    part.floors["bare.shown"] = floor.shown_ms
    part.floors["bare.memory"] = floor.peak_mb
    return part


def triage(settings: Settings) -> Part:
    """Key press to repaint on the call's facts step (a fresh database); keys to record Ethel."""
    from bench.triage_keys import FACT_KEYS, NAVIGATION, bench_repaint, count_ethel

    results, missed = asyncio.run(
        bench_repaint(settings.runs(FACT_KEYS, 24), None if not settings.quick else 8)
    )
    facts = [t for kind in ("arrows", "space", "tab") for t in results.get(kind, [])]
    first = [t[0] * 1e3 for t in facts]
    collected = [t for t in facts if t[2]]
    notes = [
        f"{len(first)} keys: arrows, space, tab on the needs list and the urgency list (one"
        " TickList each); the floor: two bare TickLists in a bare app, keyed the same way"
    ]
    if collected:
        notes.append(f"{len(collected)} after a full garbage collection")
    if missed:
        notes.append(f"drew nothing: {dict(missed)}")
    typed = [t[0] * 1e3 for name in ("#notes", "#referrer_name") for t in results.get(name, [])]
    keys, reference, queued = asyncio.run(count_ethel())
    kinds = keys.kinds
    navigation = ", ".join(f"{kinds[kind]} {kind}" for kind in NAVIGATION if kinds[kind])
    return Part(
        [
            Figure(
                "call, facts step: key to first frame p95",
                p95(first),
                "ms",
                goal=GOAL_KEY_MS,
                ratio_goal=GOAL_FACTS_KEY_RATIO,
                strict=False,
                floor_name="bare TickList",
                floor_ref="bare.keys.ticks",
                note="; ".join(notes),
            ),
            Figure(
                "call, typing into a text field: key to first frame p95",
                p95(typed),
                "ms",
                floor_name="bare Input",
                floor_ref="bare.keys.input",
                note=f"{len(typed)} characters into #notes (a TextArea) and #referrer_name",
            ),
            Figure(
                "keys to record Ethel's referral: typed",
                float(keys.typed),
                "keys",
                note=(
                    f"{kinds['text']} characters into text fields, {kinds['letters']} first"
                    " letters into choices and tick lists (typed characters, since they are);"
                    f" recorded {reference}, {'in' if queued else 'NOT in'} the open queue"
                ),
            ),
            Figure(
                "keys to record Ethel's referral: beyond those typed",
                float(keys.navigation),
                "keys",
                goal=GOAL_ETHEL_EXTRA_KEYS,
                strict=False,
                note=(
                    f"goal: all keys <= typed + {GOAL_ETHEL_EXTRA_KEYS}; {navigation};"
                    f" {keys.typed + keys.navigation} keys in all, ctrl+n to the reference on"
                    f" screen, {keys.optional} of them on optional fields"
                ),
            ),
        ]
    )


def _queue_figures(label: str, figures: dict[str, float], note: str = "") -> list[Figure]:
    raw = figures["raw"] * 1e3
    return [
        Figure(
            f"queue {label}: desk read",
            figures["desk"] * 1e3,
            "ms",
            goal=GOAL_QUEUE_RATIO,
            goal_on="ratio",
            strict=False,
            floor_name="raw SQL",
            floor_value=raw,
            note=note,
        ),
        Figure(
            f"queue {label}: refresh (r) to frame",
            figures["refresh_frame"] * 1e3,
            "ms",
            goal=GOAL_QUEUE_MS,
            floor_name="raw SQL",
            floor_value=raw,
        ),
        Figure(
            f"queue {label}: open to frame",
            figures["open_frame"] * 1e3,
            "ms",
            goal=GOAL_QUEUE_MS,
            floor_name="bare push + raw SQL",
            floor_value=raw,
            floor_ref="bare.push",
        ),
    ]


def queue(settings: Settings) -> Part:
    """The queue's read, refresh and open on the big database (and a long queue)."""
    from bench.queue_scale import WINDOW, database, measure

    runs = settings.runs(15, 3)
    part = Part()
    cases = [settings.big] + ([settings.long_queue] if settings.long_queue else [])
    for closed, open_ in cases:
        figures = measure(database(settings.folder, closed, open_), runs)
        note = ""
        if (closed, open_) == settings.big:
            note = (
                f"change marker, {WINDOW}-row window and counts; medians of {runs};"
                " raw SQL = the same statements on the bare sqlite3 connection"
            )
        part.figures += _queue_figures(_count(closed, open_), figures, note)
    return part


def handover(settings: Settings) -> Part:
    """Building the handover pack (what `b` and the boundary do) beside its raw SQL read."""
    from bench.handover_pack import database, measure

    closed, open_ = settings.handover
    runs = settings.runs(15, 3)
    count, figures = measure(database(settings.folder, closed, open_), runs)
    raw = figures["raw SQL (floor)"]
    label = f"handover pack of {count} open ({_count(closed, open_).split(' + ')[0]})"
    return Part(
        [
            Figure(
                f"{label}: build",
                figures["build (read, compose, store, commit)"],
                "ms",
                goal=GOAL_HANDOVER_MS,
                floor_name="raw SQL",
                floor_value=raw,
                note=f"read, compose, store pack and items, audit, commit; median of {runs}",
            ),
            Figure(
                f"{label}: preview",
                figures["preview (read + compose)"],
                "ms",
                floor_name="raw SQL",
                floor_value=raw,
            ),
        ]
    )


def downtime(settings: Settings) -> Part:
    """The downtime pack (the `d` key, `spr-desk downtime pack`) and the drill's figures."""
    from bench.downtime_pack import GOAL_PACK_MS, SHEETS, measure
    from bench.handover_pack import database

    closed, open_ = settings.handover
    runs = settings.runs(5, 2)
    figures = measure(database(settings.folder, closed, open_), runs)
    drill = figures["drill"]
    label = f"downtime pack of {figures['open']} open ({_count(closed, open_).split(' + ')[0]})"
    build, printing = figures["build"] * 1e3, figures["print"] * 1e3
    return Part(
        [
            Figure(
                f"{label}: build + print",
                build + printing,
                "ms",
                goal=GOAL_PACK_MS,
                floor_name="raw SQL + bare fpdf2",
                floor_value=(figures["raw SQL"] + figures["fpdf2 floor"]) * 1e3,
                note=f"{SHEETS} sheets reserved, {figures['pages']} pages; median of {runs}",
            ),
            Figure(
                f"{label}: build",
                build,
                "ms",
                floor_name="raw SQL",
                floor_value=figures["raw SQL"] * 1e3,
            ),
            Figure(
                f"{label}: print (PDF)",
                printing,
                "ms",
                floor_name="bare fpdf2",
                floor_value=figures["fpdf2 floor"] * 1e3,
            ),
            Figure("downtime drill: pack build", drill["pack_build_seconds"] * 1e3, "ms"),
            Figure("downtime drill: pack print", drill["pack_render_seconds"] * 1e3, "ms"),
            Figure(
                "downtime drill: enter a paper sheet",
                drill["seconds_per_sheet"] * 1e3,
                "ms",
                note=f"{drill['sheets_entered']} sheets, entered 6 h after their written times",
            ),
            Figure("downtime drill: reconcile", drill["reconcile_seconds"] * 1e3, "ms"),
            Figure(
                "downtime drill: sheets neither used nor released",
                float(drill["still_reserved"]),
                "sheets",
                goal=0.0,
                strict=False,
                note="reconciled: every reserved number used or released, every due time from "
                "its paper time"
                if drill["reconciled"]
                else "NOT reconciled",
            ),
        ]
    )


def record(settings: Settings) -> Part:
    """Recording a referral beside a raw INSERT and COMMIT of one row, on the big database."""
    from bench.record import measure

    runs = settings.runs(30, 5)
    result = measure(big_url(settings), runs)
    label = f"record a referral ({_count(*settings.big)})"
    floor = "raw INSERT+COMMIT"
    return Part(
        [
            Figure(
                f"{label}: median",
                statistics.median(result.desk_ms),
                "ms",
                floor_name=floor,
                floor_value=statistics.median(result.raw_ms),
                note=(
                    f"DeskService.record_referral, one transaction (referrer, patient, reference,"
                    f" referral, audit event), synchronous=FULL; {runs} runs interleaved with the"
                    " raw INSERT of the desk's own referral row; no goal set"
                ),
            ),
            Figure(
                f"{label}: p95",
                p95(result.desk_ms),
                "ms",
                floor_name=floor,
                floor_value=p95(result.raw_ms),
            ),
        ]
    )


LOCK_NOTE = (
    "median of {runs}; the lock from BEGIN IMMEDIATE to COMMIT of the import's one write"
    " transaction (RotaImported.write_seconds); 'again' imports the same file once more (every"
    " shift replaced); the floor stores the same shifts with one raw sqlite3 executemany and"
    " COMMIT on a fresh file, interleaved"
)


def rota_import(settings: Settings) -> Part:
    """A rota import of 29,200 and 100,000 rows: total, write lock and rows/s, beside raw SQL."""
    from bench.rota_import import PEOPLE, measure, median_ms

    runs = settings.runs(3, 1)
    part = Part()
    for size in measure(runs, settings.quick):
        floor_lock = median_ms(size.floor_write_s)
        floor_total = floor_lock + median_ms(size.floor_read_s)
        label = f"rota import, {size.rows:,} rows ({PEOPLE} people)"
        for kind, timing in (("", size.first), (" again", size.again)):
            total = median_ms(timing.total_s)
            year = size.rows == 29_200
            part.figures += [
                Figure(
                    f"{label}{kind}: write lock held",
                    median_ms(timing.lock_s),
                    "ms",
                    goal=GOAL_ROTA_LOCK_MS if year else None,
                    floor_name="raw executemany+COMMIT",
                    floor_value=floor_lock,
                    note="" if kind or not year else LOCK_NOTE.format(runs=runs),
                ),
                Figure(
                    f"{label}{kind}: total",
                    total,
                    "ms",
                    floor_name="csv.reader + raw write",
                    floor_value=floor_total,
                ),
                Figure(
                    f"{label}{kind}: rows/s",
                    size.rows / total * 1e3,
                    "rows/s",
                    note=""
                    if kind or not year
                    else "linear in rows: about the same rows/s at both sizes",
                ),
            ]
    return part


def _ms_list(seconds: list[float]) -> str:
    return ", ".join(f"{at * 1e3:.0f}" for at in seconds) + " ms"


def _call_open_figures(size: str, name: str, found: ScreenFigures) -> list[Figure]:
    """The call's open: ctrl+n to taking keys (the goal), and to its first frame (information)."""
    if not found.opens:
        return [Figure(f"{size}: open {name}: ctrl+n to taking keys", None, "ms", note="no open")]
    floor = "bare screen built already"
    return [
        Figure(
            f"{size}: open {name}: ctrl+n to taking keys",
            found.opens[0] * 1e3,
            "ms",
            goal=GOAL_OPEN_MS,
            floor_name=floor,
            floor_ref="bare.ready",
            note=(
                "the call built ahead (after sign-in, after each call) waited for first; ctrl+n"
                " to its screen current, opened and the red-flag list focused (what the key"
                " reader waits for); a key posted then reached the red flags"
                f" {_ms_list(found.reached)} later; each open: {_ms_list(found.opens)}"
            ),
        ),
        Figure(
            f"{size}: open {name}: ctrl+n to its first frame",
            found.shown[0] * 1e3,
            "ms",
            floor_name=floor,
            floor_ref="bare.shown",
            note=(
                f"for information; each open: {_ms_list(found.shown)}; to the frame after its"
                f" worker's reads (availability board, known callers) {_ms_list(found.loaded)},"
                f" those reads {(found.desk_read or 0) * 1e3:.1f} ms through the desk,"
                f" {(found.raw_read or 0) * 1e3:.1f} ms raw SQL"
            ),
        ),
    ]


def _collecting(seconds: list[float]) -> str:
    """The garbage collector's full sweeps within each open, when any fell in one: they come
    when they come (30-70 ms each on the big database), so a figure with one is not the
    screen's own."""
    if not any(seconds):
        return ""
    each = ", ".join(f"{s * 1e3:.0f}" for s in seconds)
    return f"full garbage collections within each open: {each} ms; "


def screens(settings: Settings) -> Part:
    """Every screen opened and keyed on the big database; the process's peak memory."""
    from bench.big_screens import SCREENS, WIDGET, measure

    keys = settings.runs(40, 8)
    result = measure(big_url(settings), keys, settings.runs(3, 1))
    size = _count(*settings.big)
    part = Part()
    keyed = (
        f"{keys} keys on each screen, 100 ms apart: down and up (the call: the facts lists'"
        " keys, then an NHS number typed); p95 of the first frame after each key"
    )
    for key, name in SCREENS.items():
        found = result.screens[key]
        if key == "call":
            part.figures += _call_open_figures(size, name, found)
        elif found.opens:
            again = f"again {found.opens[1] * 1e3:.0f} ms; " if len(found.opens) > 1 else ""
            swept = _collecting(found.collecting)
            part.figures.append(
                Figure(
                    f"{size}: open {name}",
                    found.opens[0] * 1e3,
                    "ms",
                    goal=GOAL_OPEN_MS,
                    floor_name="bare push + raw SQL",
                    floor_value=(found.raw_read or 0.0) * 1e3,
                    floor_ref="bare.push",
                    note=(
                        f"first open in the process, key to first frame with data; {again}"
                        f"{swept}its reads {(found.desk_read or 0) * 1e3:.1f} ms through the"
                        f" desk, {(found.raw_read or 0) * 1e3:.1f} ms raw SQL"
                    ),
                )
            )
        first = found.first_ms
        widget = WIDGET[key]
        notes = [keyed] if key == "queue" else []
        if found.missed:
            notes.append(f"{found.missed} of the keys drew nothing")
        collected = [t for t in found.timings if t[2]]
        if collected:
            slowest = max(t[0] for t in collected) * 1e3
            notes.append(
                f"{len(collected)} after a full garbage collection (the slowest {slowest:.1f} ms)"
            )
        part.figures.append(
            Figure(
                f"{size}: {name}: key to first frame p95",
                p95(first) if first else None,
                "ms",
                goal=GOAL_KEY_MS,
                strict=False,
                floor_name=FLOOR_WIDGETS[widget],
                floor_ref=f"bare.keys.{widget}",
                note="; ".join(notes),
            )
        )
    lookup = result.screens["lookup"]
    part.figures += [
        Figure(
            f"{size}: call: NHS number to patient history",
            lookup.opens[0] * 1e3 if lookup.opens else None,
            "ms",
            goal=GOAL_OPEN_MS,
            floor_name="bare Input p95 + raw SQL",
            floor_value=(lookup.raw_read or 0.0) * 1e3,
            floor_ref="bare.keys.input",
            note=(
                "the last digit typed to the frame showing the patient's history; its read"
                f" {(lookup.desk_read or 0) * 1e3:.1f} ms through the desk,"
                f" {(lookup.raw_read or 0) * 1e3:.2f} ms raw SQL"
            ),
        ),
        Figure(
            f"{size}: peak memory, every screen opened",
            result.peak_mb,
            "MB",
            goal=GOAL_MEMORY_MB,
            floor_name="bare Textual",
            floor_ref="bare.memory",
            note=(
                "peak resident set (VmHWM) of the one process that opened every screen above;"
                " the floor: the bare app's process, keyed the same way"
            ),
        ),
    ]
    return part


def desks(settings: Settings) -> Part:
    """20 desks at once on PostgreSQL, on a scratch database; the raw INSERT floor there."""
    from bench.desks import run, scratch_database
    from bench.record import RawWriter, capture_insert
    from db.desk import DeskService
    from db.engine import make_engine

    if not settings.postgres:
        return Part([skipped_desks()])
    number, ops, pace = (5, 10, 0.05) if settings.quick else (20, 50, 0.5)
    with scratch_database(settings.postgres) as url:
        result = run(url, number, ops, pace)
        engine = make_engine(url)
        try:
            insert, _ = capture_insert(engine, DeskService(engine))
            writer = RawWriter(engine, insert)
            try:
                writer.write()
                raw = [writer.write() * 1e3 for _ in range(settings.runs(50, 5))]
            finally:
                writer.close()
        finally:
            engine.dispose()
    label = f"{number} desks on {result.dialect}"
    refused = sum(log.refused for log in result.logs)
    return Part(
        [
            Figure(
                f"{label}: lost writes",
                float(result.lost),
                "writes",
                goal=0,
                strict=False,
                note=(
                    f"{number} x {ops} operations, {pace:g} s apart on average, in"
                    f" {result.seconds:.0f} s; {result.stored} referrals stored; {refused} moves"
                    " refused (another desk was first)"
                ),
            ),
            Figure(
                f"{label}: double claims", float(result.doubles), "claims", goal=0, strict=False
            ),
            Figure(
                f"{label}: save p95",
                result.save_p95,
                "ms",
                goal=GOAL_SAVE_P95_MS,
                floor_name="raw INSERT+COMMIT p95",
                floor_value=p95(raw),
                note=(
                    f"{len(result.saves)} saves; the floor: the desk's referral INSERT replayed"
                    " on one bare connection, one row a transaction"
                ),
            ),
        ]
    )


def skipped_desks() -> Figure:
    return Figure(
        "20 desks on PostgreSQL",
        None,
        "",
        note="skipped: no --postgres URL given (bench/desks.py needs a PostgreSQL server)",
    )


def bars(settings: Settings) -> Part:
    """BaRS requests through `spr-desk bars serve` on loopback: request to acknowledgement
    beside a bare aiohttp POST, and 20 senders at once; on SQLite, and on PostgreSQL if given."""
    from bench.bars_requests import BARS_ASKS, GOAL_ACK_P95_MS, SENDERS, database, measure

    count, each = settings.runs(200, 40), settings.runs(10, 3)
    part = Part()
    for postgres in [None, settings.postgres] if settings.postgres else [None]:
        with database(postgres) as (url, folder):
            run = measure(url, count, SENDERS, each, folder)
        singles, crowd = run.one_by_one, run.at_once
        label = f"BaRS on {run.dialect}"
        floor = "bare aiohttp POST"
        answered = ", ".join(f"{n} HTTP {status}" for status, n in sorted(singles.statuses.items()))
        part.figures += [
            Figure(
                f"{label}: request to acknowledgement p95",
                p95(singles.desk_ms),
                "ms",
                goal=GOAL_ACK_P95_MS,
                floor_name=floor,
                floor_value=p95(singles.bare_ms),
                note=(
                    f"{count} distinct a4t3 requests one after another to `spr-desk bars serve`"
                    " (a fresh migrated database) on loopback, one keep-alive aiohttp client,"
                    " send to whole answer read; interleaved with the floor: a bare aiohttp"
                    f" server that reads the body and answers a small JSON; answered {answered};"
                    f" goal < {GOAL_ACK_P95_MS:g} ms p95 ({BARS_ASKS})"
                ),
            ),
            Figure(
                f"{label}: request to acknowledgement median",
                statistics.median(singles.desk_ms),
                "ms",
                floor_name=floor,
                floor_value=statistics.median(singles.bare_ms),
            ),
            Figure(
                f"{label}, {crowd.senders} senders at once: requests sent",
                float(crowd.sent),
                "requests",
                note=(
                    f"{crowd.senders} senders (a ClientSession each) posting {each} distinct"
                    " requests each, every one sent again with the same X-Request-ID once"
                    f" answered (a retry); first sendings p95 {p95(crowd.first_ms):.0f} ms;"
                    " lost: a journey sent with no referral; duplicated: referrals beyond one"
                    " a journey"
                ),
            ),
            Figure(
                f"{label}, {crowd.senders} senders at once: answered 200",
                float(crowd.statuses[200]),
                "requests",
            ),
            Figure(
                f"{label}, {crowd.senders} senders at once: answered 409 (repeats)",
                float(crowd.statuses[409]),
                "requests",
                note=_other_answers(crowd.statuses),
            ),
            Figure(
                f"{label}, {crowd.senders} senders at once: referrals stored",
                float(crowd.added),
                "referrals",
                note=f"{crowd.distinct} distinct requests sent",
            ),
            Figure(
                f"{label}, {crowd.senders} senders at once: lost",
                float(crowd.lost),
                "referrals",
                goal=0,
                strict=False,
            ),
            Figure(
                f"{label}, {crowd.senders} senders at once: duplicated",
                float(crowd.duplicated),
                "referrals",
                goal=0,
                strict=False,
            ),
            Figure(
                f"{label}, {crowd.senders} senders at once: wall time",
                crowd.seconds * 1e3,
                "ms",
            ),
        ]
    if not settings.postgres:
        part.figures.append(
            Figure(
                "BaRS on PostgreSQL",
                None,
                "",
                note="skipped: no --postgres URL given",
            )
        )
    return part


def _other_answers(statuses: dict[int, int]) -> str:
    others = {status: n for status, n in statuses.items() if status not in (200, 409)}
    if not others:
        return ""
    return "other answers: " + ", ".join(
        f"{n} HTTP {status}" for status, n in sorted(others.items())
    )


PARTS: dict[str, tuple[Callable[[Settings], Part], str]] = {
    "foundation": (foundation, "recommend(); start to first frame beside a bare Textual app"),
    "bare": (bare, "a bare Textual app: keys, a screen pushed, memory (the floors)"),
    "triage": (triage, "key press to repaint on the call; keys to record Ethel"),
    "queue": (queue, "the queue's read, refresh and open beside raw SQL"),
    "handover": (handover, "building the handover pack beside raw SQL"),
    "downtime": (downtime, "the downtime pack for 500 open (goal < 5 s) and the drill"),
    "record": (record, "recording a referral beside a raw INSERT and COMMIT"),
    "rota": (rota_import, "a rota import of 29,200 and 100,000 rows: total, lock, rows/s"),
    "screens": (screens, "every screen on the big database; peak memory"),
    "desks": (desks, "20 desks at once on PostgreSQL"),
    "bars": (bars, "BaRS requests: request to acknowledgement, 20 senders at once"),
}
