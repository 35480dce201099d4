"""Handover benchmark: building a pack of 500 open referrals (goal: under 50 ms).

Builds a SQLite database with `bench.bigdata.build_database` (100,000 closed referrals and 500
open ones), then times, median of `--runs` after a warm-up:

- **read**: the open referrals with what a pack needs (`db.handover.open_referrals`, one query);
- **compose**: the pure `build_pack` over them (outstanding work, risks, SBAR notes);
- **build**: `DeskService.build_handover`, what the `b` key and the boundary run: read, compose,
  store the pack and its 500 items and its audit event, commit;
- **preview**: `DeskService.preview_handover` (`spr-desk handover`): read and compose;
- the floor: a raw `sqlite3` SELECT of the same rows with the same joins, tuples only.

Prints figures; asserts nothing.

Run: python bench/handover_pack.py [--cache DIR] [--runs 15]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from bench.bigdata import build_database
from bench.goals import GOAL_HANDOVER_MS
from bench.stats import median_seconds
from db import handover
from db.desk import DeskService
from db.engine import make_engine
from db.migrate import HEAD_REVISION
from spr_desk.desk_hours import Direction
from spr_desk.handover import build_pack

OPEN = 500
CLOSED = 100_000
GOAL_MS = GOAL_HANDOVER_MS


def median_ms(call: Callable[[], Any], runs: int) -> float:
    return median_seconds(call, runs) * 1e3


def database(folder: Path, closed: int = CLOSED, open_: int = OPEN) -> Path:
    """The database with these counts, built in `folder` unless it is there already."""
    path = folder / f"handover_c{closed}_o{open_}_{HEAD_REVISION}.db"
    if not path.exists():
        started = time.perf_counter()
        build_database(f"sqlite:///{path}", closed=closed, open_=open_)
        print(f"built {closed:,} closed + {open_} open in {time.perf_counter() - started:.1f} s")
    return path


def measure(path: Path, runs: int) -> tuple[int, dict[str, float]]:
    """(open referrals in the pack, median ms by figure), as `main` prints them."""
    engine = make_engine(f"sqlite:///{path}")
    desk = DeskService(engine)

    def read() -> list[Any]:
        with Session(engine) as session:
            return handover.open_referrals(session=session)

    found = read()
    now = desk.now()
    boundary = desk.coming_boundary()

    def compose() -> Any:
        return build_pack((item for _, item in found), now, Direction.TO_NIGHT, boundary.at)

    sent: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, sql: str, params: Any, *_: Any) -> None:
        sent.append((sql, params))

    event.listen(engine, "before_cursor_execute", capture)
    read()
    event.remove(engine, "before_cursor_execute", capture)
    sql, params = sent[-1]
    raw_connection = engine.raw_connection()
    driver = raw_connection.driver_connection
    assert driver is not None

    def raw() -> list[Any]:
        return driver.execute(sql, params).fetchall()

    try:
        for _ in range(2):
            read(), compose(), raw(), desk.preview_handover()
        figures = {
            "raw SQL (floor)": median_ms(raw, runs),
            "read": median_ms(read, runs),
            "compose": median_ms(compose, runs),
            "preview (read + compose)": median_ms(desk.preview_handover, runs),
            "build (read, compose, store, commit)": median_ms(
                lambda: desk.build_handover(by="bench"), runs
            ),
        }
    finally:
        raw_connection.close()
        engine.dispose()
    return len(found), figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="keep the built database here for re-runs")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spr-handover-") as scratch:
        folder = args.cache or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        count, figures = measure(database(folder), args.runs)
    print(f"\nhandover pack of {count} open referrals ({CLOSED:,} closed), median of {args.runs}")
    floor = figures["raw SQL (floor)"]
    for name, ms in figures.items():
        print(f"  {name:<38}{ms:8.2f} ms  {ms / floor:6.1f}x raw")
    build = figures["build (read, compose, store, commit)"]
    print(f"  goal: build under {GOAL_MS:.0f} ms: {'met' if build < GOAL_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
