"""Rota import benchmark: `DeskService.import_rota` on a year's rota (80 people x 365 days,
29,200 rows) and on 100,000 rows (80 people x 1,250 days), each into a fresh SQLite file and
then again (every shift replaced). Prints, per import: the total time, how long the write
transaction held the lock (`RotaImported.write_seconds`: from its BEGIN IMMEDIATE to its
COMMIT; the parse, the check and the grouping run before it), and rows/s, so linearity shows as
the same rows/s at both sizes. Asserts nothing.

The floors are measured in the same run, interleaved with the desk's imports, on a fresh file
with the same schema and the desk's pragmas (WAL, synchronous=FULL):

- for the lock, a raw `sqlite3` `BEGIN IMMEDIATE`, one `executemany` INSERT of the same shift
  rows (staff already stored), `COMMIT`: what SQLite itself needs to store the shifts;
- for the total, that write plus `csv.reader` over the same text: reading and storing, with no
  checking at all.

Run: python bench/rota_import.py [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import io
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from db import rota
from db.desk import DeskService
from db.engine import make_engine
from db.migrate import upgrade_to_head
from spr_desk.reference_data import TEAMS
from spr_desk.rota_csv import parse_rota

PEOPLE = 80
SIZES = (365, 1_250)
"""Days of the rota for 80 people: 29,200 and 100,000 rows."""
QUICK_SIZES = (37, 125)
"""`--quick`: 2,960 and 10,000 rows."""
FIRST_DAY = date(2027, 1, 4)


def rota_text(people: int, days: int, first: date = FIRST_DAY) -> str:
    """A rota CSV: `people` spread over the desk's teams, each on every day from `first`, days
    and nights by turns (night shifts cross midnight, and both clock changes of the year)."""
    teams = [spec.name for spec in TEAMS]
    lines = ["team,name,role,date,start,end,capacity,band"]
    for offset in range(days):
        day = first + timedelta(days=offset)
        for person in range(people):
            start, end = ("08:00", "16:00") if person % 3 else ("21:00", "07:30")
            lines.append(
                f"{teams[person % len(teams)]},Person {person:03d},nurse,{day:%d/%m/%Y},"
                f"{start},{end},6,Band 6"
            )
    return "\n".join(lines) + "\n"


@dataclass
class Timing:
    total_s: list[float]
    lock_s: list[float]


@dataclass
class SizeFigures:
    rows: int
    first: Timing
    """Into an empty database: every person and shift added."""
    again: Timing
    """The same file again: every shift replaced."""
    floor_write_s: list[float]
    floor_read_s: list[float]


def fresh_desk(path: Path) -> DeskService:
    for stale in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        stale.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    desk = DeskService(engine)
    desk.ensure_reference_data()
    return desk


def timed_import(desk: DeskService, text: str) -> tuple[float, float]:
    """(total seconds, seconds the write lock was held) of one import."""
    started = time.perf_counter()
    result = desk.import_rota(text, by="bench")
    total = time.perf_counter() - started
    if result.parsed.errors:
        raise RuntimeError(f"the bench rota was refused: {result.parsed.errors[0]}")
    return total, result.write_seconds


def floor_rows(desk: DeskService, text: str) -> list[tuple[str, object, object]]:
    """(team and name, start, end) as the driver takes them, for the raw write."""
    with desk._read() as session:
        teams = rota.team_names(session=session)
    parsed = parse_rota(text, teams)
    plan = rota.plan_rota(parsed.rows, desk.engine.dialect)
    return [
        (f"{team}\t{name}", start, end)
        for (team, name), starts in plan.shifts.items()
        for start, end in starts.values()
    ]


def raw_write(path: Path, shifts: list[tuple[str, object, object]]) -> float:
    """Seconds for BEGIN IMMEDIATE, one executemany of the shifts, COMMIT on a fresh file with
    the desk's schema and pragmas; the staff are stored first, untimed."""
    fresh_desk(path).engine.dispose()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        team_ids = dict(connection.execute("SELECT name, id FROM team"))
        people = sorted({who for who, _, _ in shifts})
        connection.execute("BEGIN IMMEDIATE")
        for who in people:
            team, name = who.split("\t")
            connection.execute(
                "INSERT INTO staff_member (name, role, band, team_id, capacity, active, is_demo)"
                " VALUES (?, 'nurse', 'Band 6', ?, 6, 1, 0)",
                (name, team_ids[team]),
            )
        connection.execute("COMMIT")
        staff = {
            f"{team}\t{name}": staff_id
            for staff_id, team, name in connection.execute(
                "SELECT staff_member.id, team.name, staff_member.name FROM staff_member"
                " JOIN team ON team.id = staff_member.team_id"
            )
        }
        values = [(staff[who], start, end) for who, start, end in shifts]
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO shift (staff_id, starts_at, ends_at) VALUES (?, ?, ?)", values
        )
        connection.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        connection.close()


def raw_read(text: str) -> float:
    started = time.perf_counter()
    list(csv.reader(io.StringIO(text, newline="")))
    return time.perf_counter() - started


def measure_once(folder: Path, text: str, size: SizeFigures) -> None:
    """One run at one size: two imports into a fresh file, then the floors."""
    desk = fresh_desk(folder / "desk.db")
    for timing in (size.first, size.again):
        total, lock = timed_import(desk, text)
        timing.total_s.append(total)
        timing.lock_s.append(lock)
    shifts = floor_rows(desk, text)
    desk.engine.dispose()
    size.floor_write_s.append(raw_write(folder / "floor.db", shifts))
    size.floor_read_s.append(raw_read(text))


def measure(runs: int, quick: bool = False) -> list[SizeFigures]:
    """Every size in each run, by turns, so a busy moment on the machine falls on all alike."""
    sizes = QUICK_SIZES if quick else SIZES
    texts = [rota_text(PEOPLE, days) for days in sizes]
    figures = [SizeFigures(PEOPLE * days, Timing([], []), Timing([], []), [], []) for days in sizes]
    with tempfile.TemporaryDirectory(prefix="spr-bench-rota-") as scratch:
        for _ in range(runs):
            for text, size in zip(texts, figures, strict=True):
                measure_once(Path(scratch), text, size)
    return figures


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for size in measure(args.runs, args.quick):
        floor_lock = median_ms(size.floor_write_s)
        floor_total = floor_lock + median_ms(size.floor_read_s)
        print(f"{size.rows:,} rows (median of {args.runs}):")
        for label, timing in (("first import", size.first), ("again, all replaced", size.again)):
            total = median_ms(timing.total_s)
            print(
                f"  {label}: total {total:.0f} ms ({size.rows / total * 1e3:,.0f} rows/s; floor "
                f"{floor_total:.0f} ms), write lock held {median_ms(timing.lock_s):.0f} ms "
                f"(floor, raw executemany + COMMIT: {floor_lock:.0f} ms)"
            )


if __name__ == "__main__":
    main()
