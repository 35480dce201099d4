"""Several desks, one queue: 20 simulated desks recording and moving referrals at once.

Each desk is a thread with its own engine and `DeskService` (as 20 desks on one PostgreSQL
server each hold their own connections), doing `--ops` operations in a fixed mix: record a call
(half of them), take the next referral to allocate and allocate it (`claim_next` + `move`,
with the version it read), record a first response. Every operation the desk service confirms
is remembered; afterwards the database is checked against them:

- **lost writes**: a confirmed referral missing, or a confirmed move whose state or audit event
  is not there (goal 0);
- **double claims**: a referral claimed by two desks (goal 0);
- **save latency**: each confirmed write, median and p95 (goal p95 under 50 ms); a move refused
  because another desk changed the referral first is counted, not timed.

Run: python bench/desks.py --db postgresql+psycopg://USER@HOST/DB [--desks 20] [--ops 50]
     [--pace 0.5]  (mean seconds between one desk's operations; 0: back to back)
(an empty scratch database: it refuses one that holds referrals).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bench.goals import GOAL_SAVE_P95_MS
from bench.stats import p95
from db.desk import DeskService
from db.engine import make_engine
from db.migrate import upgrade_to_head
from db.models import AuditEvent, Referral
from spr_desk.desk_api import DeskError
from spr_desk.lifecycle import TransitionError
from spr_desk.nhs_number import check_digit
from spr_desk.sample_calls import crew_on_scene
from spr_desk.vocabulary import Status

GOAL_P95_MS = GOAL_SAVE_P95_MS


@dataclass
class DeskLog:
    """What one desk was told had been saved."""

    recorded: list[str] = field(default_factory=list)
    claimed: list[str] = field(default_factory=list)
    moved: list[tuple[str, Status]] = field(default_factory=list)
    refused: int = 0
    save_ms: list[float] = field(default_factory=list)


def nhs_number(serial: int) -> str:
    """A valid test-range (999) NHS number for a serial."""
    while True:
        stem = f"999{serial % 1_000_000:06d}"
        digit = check_digit(stem)
        if digit is not None:
            return stem + str(digit)
        serial += 1


def run_desk(
    url: str, number: int, ops: int, pace: float, start: threading.Barrier, log: DeskLog
) -> None:
    # Its own engine, as a desk on its own machine has: no desk waits for another's connection.
    engine = make_engine(url)
    desk = DeskService(engine)
    rng = random.Random(number)
    by = f"desk{number}"
    start.wait()
    for op in range(ops):
        time.sleep(rng.uniform(0, 2 * pace))  # a handler between saves (0 for back-to-back)
        began = time.perf_counter()
        try:
            roll = rng.random()
            if roll < 0.5:
                call = crew_on_scene(
                    desk.now(),
                    nhs_number(number * 10_000 + op),
                    "Test",
                    f"Desk{number}",
                    is_test_data=True,
                )
                log.recorded.append(desk.record_referral(call, by=by).reference)
            elif roll < 0.8:
                reference = desk.claim_next(by=by)
                if reference is None:
                    continue
                log.claimed.append(reference)
                version = desk.summary(reference).version
                began = time.perf_counter()
                desk.move(
                    reference, Status.ALLOCATED, by=by, team="ACHT Thame", expected_version=version
                )
                log.moved.append((reference, Status.ALLOCATED))
            else:
                mine = [ref for ref, status in log.moved if status is Status.ALLOCATED]
                if not mine:
                    continue
                reference = rng.choice(mine)
                desk.move(reference, Status.RESPONDED, by=by)
                log.moved.append((reference, Status.RESPONDED))
        except (DeskError, TransitionError):
            log.refused += 1
            continue
        log.save_ms.append((time.perf_counter() - began) * 1e3)
    engine.dispose()


def check(engine: object, logs: list[DeskLog]) -> tuple[int, int]:
    """(lost writes, double claims) against what the desks were told."""
    with engine.connect() as connection:  # type: ignore[attr-defined]
        stored = dict(connection.execute(select(Referral.reference, Referral.status)).all())
        claims = Counter(
            reference
            for (reference,) in connection.execute(
                select(AuditEvent.entity_id).where(AuditEvent.action == "claimed")
            )
        )
        moves = Counter(
            connection.execute(
                select(AuditEvent.entity_id, AuditEvent.action).where(
                    AuditEvent.action.like("status:%")  # type: ignore[attr-defined]
                )
            ).all()
        )
    lost = 0
    order = [Status.RECORDED, Status.ALLOCATED, Status.RESPONDED]
    for log in logs:
        lost += sum(reference not in stored for reference in log.recorded)
        for reference, status in log.moved:
            now = Status(stored.get(reference, Status.CANCELLED.value))
            reached = now in order and order.index(now) >= order.index(status)
            audited = moves.get((reference, f"status:{status.value}"), 0) >= 1
            lost += not (reached and audited)
    doubles = sum(count > 1 for count in claims.values())
    return lost, doubles


@dataclass
class DesksRun:
    """What one run of the desks did, and what the database says of it."""

    desks: int
    ops: int
    pace: float
    dialect: str
    seconds: float
    logs: list[DeskLog]
    stored: int
    lost: int
    doubles: int

    @property
    def saves(self) -> list[float]:
        return sorted(ms for log in self.logs for ms in log.save_ms)

    @property
    def save_p95(self) -> float:
        return p95(self.saves) if self.saves else float("nan")


def run(url: str, desks: int = 20, ops: int = 50, pace: float = 0.5) -> DesksRun:
    """`desks` desks at once on `url`, an empty scratch database; checked afterwards.

    Raises:
        ValueError: the database holds referrals already.
    """
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        DeskService(engine).ensure_reference_data()
        with engine.connect() as connection:
            if connection.execute(select(func.count()).select_from(Referral)).scalar_one():
                # The audit trail cannot be emptied (by design), so the run needs a fresh database.
                raise ValueError(
                    "give the benchmark an empty scratch database (it holds referrals)"
                )
        logs = [DeskLog() for _ in range(desks)]
        start = threading.Barrier(desks)
        threads = [
            threading.Thread(target=run_desk, args=(url, n, ops, pace, start, logs[n]))
            for n in range(desks)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.perf_counter() - began
        lost, doubles = check(engine, logs)
        with engine.connect() as connection:
            total = connection.execute(select(func.count()).select_from(Referral)).scalar_one()
        return DesksRun(desks, ops, pace, engine.dialect.name, took, logs, total, lost, doubles)
    finally:
        engine.dispose()


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new, empty database on the server at `url` for one run, dropped afterwards; `url`
    itself when the server will not create one (it must then be empty)."""
    if make_url(url).get_backend_name() != "postgresql":
        yield url
        return
    name = f"spr_bench_desks_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except DBAPIError:
        admin.dispose()
        yield url
        return
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def report(result: DesksRun) -> None:
    logs, saves = result.logs, result.saves
    print(
        f"{result.desks} desks x {result.ops} operations, {result.pace:.2f} s apart on average, "
        f"on {result.dialect} in {result.seconds:.1f} s"
    )
    recorded = sum(len(log.recorded) for log in logs)
    print(f"  referrals recorded            {recorded:6d} ({result.stored} stored)")
    print(f"  referrals claimed             {sum(len(log.claimed) for log in logs):6d}")
    print(f"  moves confirmed               {sum(len(log.moved) for log in logs):6d}")
    # A move refused: another desk changed the referral first, or it had already moved on.
    print(f"  moves refused, as they should {sum(log.refused for log in logs):6d}")
    print(f"  lost writes                   {result.lost:6d}  (goal 0)")
    print(f"  double claims                 {result.doubles:6d}  (goal 0)")
    if saves:
        p95 = result.save_p95
        verdict = "met" if p95 < GOAL_P95_MS else "NOT met"
        print(
            f"  save latency median {statistics.median(saves):6.1f} ms, p95 {p95:6.1f} ms "
            f"(goal p95 < {GOAL_P95_MS:.0f} ms: {verdict})"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a scratch PostgreSQL (or SQLite) URL")
    parser.add_argument("--desks", type=int, default=20)
    parser.add_argument("--ops", type=int, default=50, help="operations per desk")
    parser.add_argument(
        "--pace", type=float, default=0.5, help="mean seconds between one desk's operations"
    )
    args = parser.parse_args(argv)
    try:
        result = run(args.db, args.desks, args.ops, args.pace)
    except ValueError as refused:
        raise SystemExit(str(refused)) from None
    report(result)


if __name__ == "__main__":
    main()
