"""Queue benchmark: opening and refreshing the queue board as the queue and its history grow.

For each database (built by `bench.bigdata.build_database`, SQLite, reused from `--cache`):

- **raw SQL**: the statements the queue screen's read sends (the change marker, one window of
  `WINDOW` rows, the summary counts), captured from the desk and replayed on the bare `sqlite3`
  connection with the same parameters, rows fetched as plain tuples. The floor.
- **desk read**: `DeskService.change_marker()` + `DeskService.queue_page(...)`, as the screen's
  worker calls them: SQLAlchemy, the session, the `QueueRow`s.
- **refresh**: SPR Desk headless at 80x24 on the queue; `action_refresh_queue()` (the `r` key)
  to the first frame written after the new rows are on the board.
- **open**: pushing a new queue screen (compose, mount, read, paint) to that same first frame.

Frames are timed as `bench/triage_keys.py` times them: a wrapper round `App._display` renders
each frame to the terminal string, as a real driver would, then stamps the time. Medians of
`--runs` (after a warm-up), ratios against the raw SQL of the same run. Series (a) grows the
open referrals (200, 2,000, 20,000) at 100,000 closed; series (b) the closed ones (10,000,
100,000, 1,000,000) at 2,000 open. Flat means neither the queue's length nor its history shows
in the cost. EXPLAIN QUERY PLAN of the window read is printed too. Prints figures; asserts nothing.

Run: python bench/queue_scale.py [--cache DIR] [--runs 15]
(about 3 minutes with an empty cache, the 1M build being 90 s of it; about 1 minute when
--cache DIR already holds the databases)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from bench.bigdata import build_database
from bench.goals import GOAL_QUEUE_MS, GOAL_QUEUE_RATIO
from bench.stats import median_seconds
from bench.triage_keys import Frames
from db.desk import DeskService
from db.engine import make_engine
from db.migrate import HEAD_REVISION, upgrade_to_head
from screens import queue as queue_screen_module
from screens.context import DeskContext
from screens.queue import QueueLoaded, QueueScreen
from screens.widgets.queue_board import WINDOW
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.queue_view import EVERYTHING

SEED = 7
SIZE = (80, 24)
OPEN_SERIES = (200, 2_000, 20_000)
OPEN_SERIES_CLOSED = 100_000
CLOSED_SERIES = (10_000, 100_000, 1_000_000)
CLOSED_SERIES_OPEN = 2_000
GOAL_MS, GOAL_RATIO = GOAL_QUEUE_MS, GOAL_QUEUE_RATIO

Statement = tuple[str, Any]


def database(folder: Path, closed: int, open_: int) -> str:
    """The URL of a database with these counts, built unless the folder already has it."""
    name = f"queue_c{closed}_o{open_}_s{SEED}_{HEAD_REVISION}.db"
    path = folder / name
    if not path.exists():
        building = folder / f"building-{name}"
        for leftover in folder.glob(f"{building.name}*"):
            leftover.unlink()
        started = time.perf_counter()
        build_database(f"sqlite:///{building}", closed=closed, open_=open_, seed=SEED)
        print(
            f"  built {closed:>9,} closed + {open_:>6,} open in "
            f"{time.perf_counter() - started:5.1f} s",
            flush=True,
        )
        # The build's engine is disposed: SQLite has checkpointed and removed the WAL file.
        building.rename(path)
    return f"sqlite:///{path}"


def screen_read(desk: DeskService) -> int:
    """What the queue screen's worker reads: the change marker and the first window."""
    desk.change_marker()
    return len(desk.queue_page(EVERYTHING, 0, WINDOW).rows)


def captured(engine: Engine, desk: DeskService) -> list[Statement]:
    """The SELECTs `screen_read` sends, with their parameters, as the driver receives them."""
    sent: list[Statement] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        screen_read(desk)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return sent


class TimedQueue(QueueScreen):
    """The queue screen, stamping when each read's rows are on the board."""

    # A CSS path is relative to the class's own module: point back at the screen's.
    CSS_PATH = str(Path(queue_screen_module.__file__).parent / str(QueueScreen.CSS_PATH))

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx)
        self.loaded: list[float] = []

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        super().on_queue_loaded(message)
        self.loaded.append(time.perf_counter())


async def first_frame_after(frames: Frames, screen: TimedQueue, reads: int) -> float:
    """The time of the first frame written after the screen's `reads`-th read was shown."""
    while True:
        if len(screen.loaded) >= reads:
            shown = screen.loaded[reads - 1]
            painted = [at for at in frames.times if at > shown]
            if painted:
                return painted[0]
        await asyncio.sleep(0.0005)


async def paint_times(desk: DeskService, runs: int) -> tuple[float, float]:
    """Median seconds to the first painted frame: (open a queue screen, refresh it)."""
    app = build_app(desk, user="bench")
    opened: list[float] = []
    refreshed: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        frames = Frames(app)
        try:
            for run in range(runs + 1):  # the first is a warm-up
                screen = TimedQueue(app.context())
                started = time.perf_counter()
                app.push_screen(screen)
                painted = await first_frame_after(frames, screen, 1)
                if run:
                    opened.append(painted - started)
                for _ in range(3 if run else 1):
                    await frames.quiet(time.perf_counter())
                    reads = len(screen.loaded) + 1
                    started = time.perf_counter()
                    screen.action_refresh_queue()
                    painted = await first_frame_after(frames, screen, reads)
                    if run:
                        refreshed.append(painted - started)
                app.pop_screen()
                await app.workers.wait_for_complete()
                await frames.quiet(time.perf_counter())
        finally:
            frames.close()
    return statistics.median(opened), statistics.median(refreshed)


def measure(url: str, runs: int) -> dict[str, float]:
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        desk = DeskService(engine)
        statements = captured(engine, desk)
        raw_connection = engine.raw_connection()
        driver = raw_connection.driver_connection
        assert driver is not None

        def raw() -> int:
            return sum(len(driver.execute(sql, params).fetchall()) for sql, params in statements)

        for _ in range(3):  # warm-up: page cache, statement caches
            desk_rows, raw_rows = screen_read(desk), raw()
        figures = {
            "open": float(desk.queue_page(EVERYTHING, 0, 1).counts.open),
            "rows": float(desk_rows),
            "raw": median_seconds(raw, runs),
            "desk": median_seconds(lambda: screen_read(desk), runs),
        }
        if raw_rows != desk_rows + 2:  # the raw rows include the marker's and the counts' rows
            print(f"  !! the desk read {desk_rows} rows, the raw statements {raw_rows}")
        raw_connection.close()
        figures["open_frame"], figures["refresh_frame"] = asyncio.run(paint_times(desk, runs))
        return figures
    finally:
        engine.dispose()


def query_plan(url: str) -> list[str]:
    """EXPLAIN QUERY PLAN of the window read the desk sends."""
    engine = make_engine(url)
    try:
        statements = captured(engine, DeskService(engine))
        sql, params = next(s for s in statements if "LIMIT" in s[0].upper())
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
        return [row[-1] for row in rows]
    finally:
        engine.dispose()


def report(label: str, closed: int, open_: int, figures: dict[str, float]) -> list[float]:
    raw = figures["raw"] * 1e3
    shown = [figures[key] * 1e3 for key in ("desk", "refresh_frame", "open_frame")]
    cells = "".join(f" {ms:8.2f} {ms / raw:6.1f}x" for ms in shown)
    print(f"  {label:<4}{closed:>10,} {open_:>7,} {raw:8.2f}{cells}", flush=True)
    return shown


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="keep the built databases here for re-runs")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="spr-queue-scale-") as scratch:
        folder = args.cache or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"databases in {folder}")
        cases = [("(a)", OPEN_SERIES_CLOSED, n) for n in OPEN_SERIES]
        cases += [("(b)", n, CLOSED_SERIES_OPEN) for n in CLOSED_SERIES]
        urls = {(closed, open_): database(folder, closed, open_) for _, closed, open_ in cases}
        print(
            f"\nthe queue's first window ({WINDOW} rows) and counts, median of {args.runs} (ms);"
            " ratios against raw SQL"
        )
        print(
            f"  {'':<4}{'closed':>10} {'open':>7} {'raw SQL':>8} {'desk read':>9} {'ratio':>6}"
            f" {'refresh':>8} {'ratio':>6} {'open':>8} {'ratio':>6}"
        )
        results: dict[tuple[int, int], dict[str, float]] = {}
        worst: list[list[float]] = []
        for label, closed, open_ in cases:
            key = (closed, open_)
            if key not in results:
                results[key] = measure(urls[key], args.runs)
            worst.append(report(label, closed, open_, results[key]))
            if int(results[key]["open"]) != open_:
                print(f"  !! {int(results[key]['open'])} open, not {open_}")

        million = results[(max(CLOSED_SERIES), CLOSED_SERIES_OPEN)]
        raw_ms = million["raw"] * 1e3
        print(f"\nat {max(CLOSED_SERIES):,} closed + {CLOSED_SERIES_OPEN:,} open:")
        for name, key in (
            ("desk read", "desk"),
            ("refresh to frame", "refresh_frame"),
            ("open to frame", "open_frame"),
        ):
            ms = million[key] * 1e3
            verdict = "met" if ms < GOAL_MS else "NOT met"
            ratio = "met" if ms / raw_ms <= GOAL_RATIO else "NOT met"
            print(
                f"  {name:<18}{ms:7.2f} ms  under {GOAL_MS:.0f} ms: {verdict:<8}"
                f"{ms / raw_ms:5.1f}x raw SQL, within {GOAL_RATIO:.0f}x: {ratio}"
            )
        for position, name in enumerate(("desk read", "refresh", "open")):
            column = [row[position] for row in worst]
            print(f"  {name:<18}spread over all six databases: {max(column) / min(column):.2f}x")

        plan = query_plan(urls[(max(CLOSED_SERIES), CLOSED_SERIES_OPEN)])
        print(f"\nEXPLAIN QUERY PLAN of the window read ({max(CLOSED_SERIES):,} closed):")
        for line in plan:
            print(f"  {line}")
        walked = any("ix_referral_queue" in line for line in plan)
        sorted_ = any("TEMP B-TREE" in line for line in plan)
        print(f"  walks ix_referral_queue: {'yes' if walked else 'NO'}; sorts: {sorted_}")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
