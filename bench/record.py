"""Recording a referral against its floor: `DeskService.record_referral` (one transaction: the
referrer and the patient, the reference number, the referral, its audit event, commit) beside a
raw INSERT of one referral row and its COMMIT on the same database. Prints figures; asserts
nothing.

The floor replays the referral INSERT the desk itself sends (captured from a first recording,
its parameters as the driver received them, a fresh reference each time) on the bare driver
connection: on SQLite `BEGIN IMMEDIATE`, the INSERT, `COMMIT`, with the desk's own pragmas
(WAL, synchronous=FULL: both fsync at commit); on PostgreSQL the INSERT and `commit()`. The two
are interleaved, so noise on the machine falls on both alike. Afterwards the referrals recorded
are cancelled (so the open queue is as it was) and the raw rows deleted.

Run: python bench/record.py --db URL [--runs 30]   (a database built by `bench/bigdata.py`, or
any migrated one)
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, event

from bench.desks import nhs_number
from bench.stats import p95
from db.desk import DeskService
from db.engine import make_engine
from db.migrate import upgrade_to_head
from db.models import Referral
from spr_desk.sample_calls import crew_on_scene
from spr_desk.vocabulary import Status

RUNS = 30
BY = "bench"
PATIENT_SERIAL = 990_000
"""The test-range NHS number every recording uses (the first creates the patient)."""


@dataclass
class Recording:
    desk_ms: list[float]
    raw_ms: list[float]


@dataclass
class RawInsert:
    """The desk's referral INSERT, ready to replay with another reference."""

    sql: str
    params: Any
    where: int | str
    """The position (or name) of the reference among the parameters."""

    def with_reference(self, reference: str) -> Any:
        if isinstance(self.params, dict):
            return {**self.params, self.where: reference}
        params = list(self.params)
        params[self.where] = reference  # type: ignore[index]
        return tuple(params)


def record(desk: DeskService) -> str:
    call = crew_on_scene(desk.now(), nhs_number(PATIENT_SERIAL), "Test", "Bench", is_test_data=True)
    return desk.record_referral(call, by=BY).reference


def capture_insert(engine: Engine, desk: DeskService) -> tuple[RawInsert, str]:
    """Record once and keep the referral INSERT it sent; (the insert, the reference recorded)."""
    sent: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, sql: str, params: Any, *_: Any) -> None:
        if sql.lstrip().upper().startswith("INSERT INTO REFERRAL "):
            sent.append((sql, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        reference = record(desk)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    if len(sent) != 1:
        raise RuntimeError(f"expected one INSERT INTO referral, saw {len(sent)}")
    sql, params = sent[0]
    keys = params.keys() if isinstance(params, dict) else range(len(params))
    where = next(key for key in keys if params[key] == reference)
    return RawInsert(sql, params, where), reference


class RawWriter:
    """One row at a time, each in its own transaction, on the bare driver connection."""

    def __init__(self, engine: Engine, insert: RawInsert) -> None:
        self.engine = engine
        self.insert = insert
        self.connection = engine.raw_connection()
        self.sqlite = engine.dialect.name == "sqlite"
        self.tag = uuid.uuid4().hex[:6]
        self.references: list[str] = []

    def write(self) -> float:
        """Seconds for one INSERT and its COMMIT."""
        reference = f"RAW{self.tag}{len(self.references):06d}"
        self.references.append(reference)
        params = self.insert.with_reference(reference)
        cursor = self.connection.cursor()
        started = time.perf_counter()
        if self.sqlite:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute(self.insert.sql, params)
            if cursor.description:
                cursor.fetchall()
            cursor.execute("COMMIT")
        else:
            cursor.execute(self.insert.sql, params)
            if cursor.description:
                cursor.fetchall()
            self.connection.commit()
        seconds = time.perf_counter() - started
        cursor.close()
        return seconds

    def close(self) -> None:
        """Delete the raw rows (no audit event names them) and give the connection back."""
        self.connection.close()
        referral = Referral.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as connection:
            connection.execute(delete(referral).where(referral.c.reference.in_(self.references)))


def cancel(desk: DeskService, references: list[str]) -> None:
    for reference in references:
        desk.move(reference, Status.CANCELLED, by=BY, reason="benchmark recording, not a call")


def measure(url: str, runs: int = RUNS) -> Recording:
    engine = make_engine(url)
    recorded: list[str] = []
    try:
        upgrade_to_head(engine)
        desk = DeskService(engine)
        desk.ensure_reference_data()
        insert, first = capture_insert(engine, desk)
        recorded.append(first)
        writer = RawWriter(engine, insert)
        desk_ms: list[float] = []
        raw_ms: list[float] = []
        try:
            writer.write()  # warm-up
            for _ in range(runs):
                started = time.perf_counter()
                recorded.append(record(desk))
                desk_ms.append((time.perf_counter() - started) * 1e3)
                raw_ms.append(writer.write() * 1e3)
        finally:
            writer.close()
        cancel(desk, recorded)
        recorded.clear()
    finally:
        if recorded:
            cancel(DeskService(engine), recorded)
        engine.dispose()
    return Recording(desk_ms, raw_ms)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a database URL (it gets test referrals)")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    result = measure(args.db, args.runs)
    print(f"recording one referral, {args.runs} times, ms")
    for name, values in (
        ("desk record_referral", result.desk_ms),
        ("raw INSERT + COMMIT (floor)", result.raw_ms),
    ):
        print(f"  {name:<30} median {statistics.median(values):7.2f}  p95 {p95(values):7.2f}")
    ratio = statistics.median(result.desk_ms) / statistics.median(result.raw_ms)
    print(f"  ratio (medians) {ratio:.1f}x")


if __name__ == "__main__":
    main()
