"""Queue scale benchmark: the desk's open-queue read as closed and open referrals grow.

Builds SQLite databases with `bench.bigdata.build_database` and times
`DeskService(make_engine(url)).open_queue()` (every open referral, as the queue screen asks)
beside a raw `text()` SELECT of the same columns with the same joins, WHERE and ORDER BY, on the
same engine, returning plain tuples: the difference is what SQLAlchemy's row and type handling
and the `QueueRow`s cost. Median of 15 runs each, alternating, after a warm-up. Series (a) grows
the open rows (200, 2,000, 20,000) at 100,000 closed; series (b) grows the closed rows (10,000,
100,000, 1,000,000) at 2,000 open: flat means the (status, due_at) index keeps closed rows out
of the read. EXPLAIN QUERY PLAN of the statement the desk sends is printed too.
Prints figures; asserts nothing.

Run: python bench/queue_scale.py [--cache DIR] [--runs 15]
(about 2.5 minutes with an empty cache, the 1M build being most of it; under a minute when
--cache DIR already holds the databases, which are reused from there)
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from bench.bigdata import build_database
from db.desk import DeskService
from db.engine import make_engine
from db.migrate import HEAD_REVISION, upgrade_to_head
from spr_desk.lifecycle import AWAITING_RESPONSE, OPEN_STATUSES

SEED = 7
OPEN_SERIES = (200, 2_000, 20_000)
OPEN_SERIES_CLOSED = 100_000
CLOSED_SERIES = (10_000, 100_000, 1_000_000)
CLOSED_SERIES_OPEN = 2_000

_OPEN = sorted(status.value for status in OPEN_STATUSES)
_AWAITING = sorted(status.value for status in AWAITING_RESPONSE)
RAW_QUEUE = text(
    "SELECT referral.reference, referral.received_at, referral.due_at, referral.status, "
    "referral.response, referral.lead, patient.family_name, patient.given_name, "
    "locality.name, referral.pathway "
    "FROM referral "
    "LEFT OUTER JOIN patient ON patient.id = referral.patient_id "
    "LEFT OUTER JOIN locality ON locality.id = referral.locality_id "
    f"WHERE referral.status IN ({', '.join(f':o{i}' for i in range(len(_OPEN)))}) "
    "ORDER BY CASE WHEN referral.status IN "
    f"({', '.join(f':a{i}' for i in range(len(_AWAITING)))}) THEN 0 ELSE 1 END, "
    "referral.due_at, referral.id"
)
RAW_PARAMS = {
    **{f"o{i}": value for i, value in enumerate(_OPEN)},
    **{f"a{i}": value for i, value in enumerate(_AWAITING)},
}


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


def timed(call: Callable[[], Any]) -> tuple[float, int]:
    started = time.perf_counter()
    rows = call()
    return time.perf_counter() - started, len(rows)


def measure(url: str, runs: int) -> dict[str, float]:
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        desk = DeskService(engine)
        # The same engine, with the read transaction the desk's own reads use.
        reads = engine.execution_options(sqlite_begin="DEFERRED")

        def raw() -> list[Any]:
            with reads.connect() as connection:
                return connection.execute(RAW_QUEUE, RAW_PARAMS).all()

        for _ in range(2):  # warm-up: page cache, statement caches
            desk_rows = len(desk.open_queue())
            raw_rows = len(raw())
        if desk_rows != raw_rows:
            print(f"  !! the desk read {desk_rows} rows, the raw query {raw_rows}")
        desk_times: list[float] = []
        raw_times: list[float] = []
        for _ in range(runs):
            desk_times.append(timed(desk.open_queue)[0])
            raw_times.append(timed(raw)[0])
        return {
            "rows": desk_rows,
            "desk": statistics.median(desk_times),
            "raw": statistics.median(raw_times),
        }
    finally:
        engine.dispose()


def query_plan(url: str) -> list[str]:
    """EXPLAIN QUERY PLAN of the exact statement and parameters `open_queue` sends."""
    engine = make_engine(url)
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        DeskService(engine).open_queue()
        event.remove(engine, "before_cursor_execute", capture)
        statement, params = sent[-1]
        with engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            rows = raw.execute(f"EXPLAIN QUERY PLAN {statement}", params).fetchall()
        return [row[-1] for row in rows]
    finally:
        engine.dispose()


def report(label: str, closed: int, open_: int, figures: dict[str, float]) -> None:
    desk_ms, raw_ms = figures["desk"] * 1e3, figures["raw"] * 1e3
    per_row = figures["desk"] / figures["rows"] * 1e6 if figures["rows"] else 0.0
    print(
        f"  {label:<4}{closed:>10,} {open_:>8,} {int(figures['rows']):>8,} "
        f"{desk_ms:>10.2f} {raw_ms:>9.2f} {desk_ms / raw_ms:>7.1f}x {per_row:>9.1f}",
        flush=True,
    )


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
        print(f"\nopen_queue(), median of {args.runs} runs (ms); raw = text() SELECT, same engine")
        print(
            f"  {'':<4}{'closed':>10} {'open':>8} {'rows':>8} {'desk ms':>10} {'raw ms':>9} "
            f"{'ratio':>8} {'desk us/row':>9}"
        )
        results: dict[tuple[int, int], dict[str, float]] = {}
        for label, closed, open_ in cases:
            key = (closed, open_)
            if key not in results:
                results[key] = measure(urls[key], args.runs)
            report(label, closed, open_, results[key])

        biggest = urls[(max(CLOSED_SERIES), CLOSED_SERIES_OPEN)]
        plan = query_plan(biggest)
        used = any("ix_referral_status_due" in line for line in plan)
        print(f"\nEXPLAIN QUERY PLAN of the desk's query ({max(CLOSED_SERIES):,} closed):")
        for line in plan:
            print(f"  {line}")
        print(f"  (status, due_at) index used: {'yes' if used else 'NO'}")
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
