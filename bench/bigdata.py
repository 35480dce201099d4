"""Benchmark data at scale: years of closed referrals and a live open queue, loaded fast.

Shared by the benchmarks that need a big database (`from bench.bigdata import build_database`).
Every row is fictional and marked as such: NHS numbers in the 999 test range with valid check
digits, patients `is_test_data`, referrals `is_demo`. Values follow the schema and the desk's own
rules: facts, recommendations and reasons come from `spr_desk.demo` calls run through
`recommend`, due times from the rules' due hours, references `SPR-YYYY-NNNNNN` numbered in time
order per year (and `reference_counter` left at each year's last number, so the desk numbers on).

Loading is SQLAlchemy core executemany (`insert(table)` with a list of dicts, STACK.md 2c):
10,000 rows a statement, about 100,000 rows a transaction. Ids are given in Python, so an audit
event names its referral without reading anything back. On SQLite the bulk-load connection alone
runs with `synchronous=OFF` and a large page cache (a fixture, not the desk: a power cut during
the load loses the fixture, nothing else); the database is ANALYZEd at the end.

Run: python bench/bigdata.py --db sqlite:////tmp/big.db --closed 1000000 --open 2000
"""

from __future__ import annotations

import argparse
import bisect
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text, update

from db.desk import DeskService
from db.engine import describe, make_engine
from db.migrate import upgrade_to_head
from db.models import AuditEvent, Locality, Patient, ReferenceCounter, Referral, Referrer, Team
from spr_desk.demo import (
    FAMILY_NAMES,
    GIVEN_NAMES,
    POSTCODE_AREAS,
    PRACTICES,
    RESPONSE_DELAY_HOURS,
    STREETS,
    demo_calls,
)
from spr_desk.matrix import ALL_AVAILABLE, recommend
from spr_desk.nhs_number import check_digit
from spr_desk.queue_view import queue_band
from spr_desk.reference_data import LOCALITIES
from spr_desk.rules import default_rules
from spr_desk.uktime import LONDON, short_local
from spr_desk.vocabulary import CloseOutcome, Outcome, Response, Status

STATEMENT_ROWS = 10_000
"""Rows in one executemany."""
TRANSACTION_ROWS = 100_000
"""Rows (all tables together) between commits."""
REFERRALS_PER_PATIENT = 3
REFERRERS = 300
HISTORY_DAYS = 5 * 365
"""Closed referrals were received over this many days before `now`."""
CLOSED_NOT_AFTER = timedelta(days=2)
"""The newest closed referral was received this long before `now`."""
RULES_VERSION = "2026.2"
HANDLERS = ("amy.khan", "ben.ross", "cara.webb", "dev.patel", "ella.moss", "finn.hart")
ACTOR = "bigdata"

_referral = Referral.__table__
_patient = Patient.__table__
_referrer = Referrer.__table__
_audit = AuditEvent.__table__
_counter = ReferenceCounter.__table__

_CLOSE_OUTCOMES = [outcome.value for outcome in CloseOutcome]
_CLOSE_WEIGHTS = (40, 30, 10, 8, 5, 2, 5)
_CUMULATIVE_CLOSE = [sum(_CLOSE_WEIGHTS[: i + 1]) for i in range(len(_CLOSE_WEIGHTS))]
_UNIT = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True, slots=True)
class _Profile:
    """What a call's facts lead to, computed once by `recommend` and shared by many rows."""

    facts: dict[str, Any]
    pathway: str
    setting: str
    outcome: str
    rec_response: str | None
    rec_lead: str | None
    fallback: str | None
    reasons: list[str]
    """Without the last "Due by ..." reason of a matrix outcome: each row writes its own."""
    bed_needed: bool
    due_hours: int | None


@dataclass(frozen=True, slots=True)
class BuildReport:
    patients: int
    referrers: int
    referrals: int
    audit_events: int
    seconds: float

    @property
    def rows(self) -> int:
        return self.patients + self.referrers + self.referrals + self.audit_events


def build_database(
    url: str,
    *,
    closed: int,
    open_: int,
    seed: int = 7,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> BuildReport:
    """Migrate `url` and add `closed` finished referrals and `open_` open ones.

    Finished ones (closed, with some cancelled and redirected) are spread over the five years
    before `now`; open ones (recorded, allocated, responded, in service) are due around `now`,
    some breached. About one patient for every three referrals, a few hundred referrers, one
    "recorded" audit event per referral. Adds to what is there (ids, references and counters
    continue), so it can top up a database; the same seed on an empty database gives the same
    rows. `progress` is called with the number of referrals written so far, after each batch.
    Returns what it wrote and how long it took.
    """
    if closed < 0 or open_ < 0:
        raise ValueError("closed and open_ are counts: zero or more")
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC)
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        DeskService(engine).ensure_reference_data()
        report = _Loader(engine, closed, open_, seed, now, progress).run()
    finally:
        engine.dispose()
    return BuildReport(*report, seconds=time.perf_counter() - started)


class _Loader:
    def __init__(
        self,
        engine: Engine,
        closed: int,
        open_: int,
        seed: int,
        now: datetime,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.engine = engine
        self.closed = closed
        self.open = open_
        self.rng = random.Random(seed)
        self.seed = seed
        self.now = now
        self.progress = progress
        self.rules = default_rules()
        self.pending = 0

    # the transaction -------------------------------------------------------------------------

    def run(self) -> tuple[int, int, int, int]:
        sqlite = self.engine.dialect.name == "sqlite"
        with self.engine.connect() as connection:
            if sqlite:
                raw = connection.connection.driver_connection
                assert raw is not None
                # This connection only, and it is closed (disposed) after the load.
                raw.execute("PRAGMA journal_mode=WAL")
                raw.execute("PRAGMA synchronous=OFF")
                raw.execute("PRAGMA cache_size=-262144")  # 256 MiB: the indexes stay in memory
                raw.execute("PRAGMA temp_store=MEMORY")
            self.connection = connection
            with connection.begin():
                self._read_starting_point(connection)
            total = self.closed + self.open
            n_patients = n_referrers = 0
            if total:
                n_patients = self._write_patients(total)
                n_referrers = self._write_referrers()
                self._write_referrals()
                self._commit()
            with connection.begin():
                self._write_counters(connection)
                if self.engine.dialect.name == "postgresql":
                    self._advance_sequences(connection)
            if sqlite:
                connection.exec_driver_sql("ANALYZE")
                connection.commit()
            else:
                connection.commit()
                with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
                    auto.exec_driver_sql("ANALYZE")
        return n_patients, n_referrers, total, total

    def _execute(self, table: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if not self.connection.in_transaction():
            self.connection.begin()
        self.connection.execute(insert(table), rows)
        self.pending += len(rows)
        if self.pending >= TRANSACTION_ROWS:
            self._commit()

    def _commit(self) -> None:
        if self.connection.in_transaction():
            self.connection.commit()
        self.pending = 0

    def _read_starting_point(self, connection: Connection) -> None:
        def next_id(table: Any) -> int:
            return (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1

        self.first_patient = next_id(_patient)
        self.first_referrer = next_id(_referrer)
        self.first_referral = next_id(_referral)
        self.first_audit = next_id(_audit)
        self.counters: dict[int, int] = dict(
            connection.execute(select(_counter.c.year, _counter.c.last_number)).all()
        )
        self.known_counters = set(self.counters)
        self.taken_nhs = set(
            connection.execute(
                select(_patient.c.nhs_number).where(_patient.c.nhs_number.like("999%"))
            ).scalars()
        )
        self.locality_ids = {
            name: id_ for id_, name in connection.execute(select(Locality.id, Locality.name))
        }
        self.team_ids = {name: id_ for id_, name in connection.execute(select(Team.id, Team.name))}

    # patients and referrers -----------------------------------------------------------------

    def _nhs_numbers(self, wanted: int) -> list[str]:
        """Distinct valid 999-range numbers in a seeded order (about 909,000 exist)."""
        if wanted <= 0:
            return []
        # One in eleven nine-digit stems has no check digit; sample a little more than needed.
        sample = min(1_000_000, wanted + wanted // 8 + len(self.taken_nhs) + 1_000)
        order = self.rng.sample(range(1_000_000), sample)
        if sample < 1_000_000:
            chosen = set(order)
            order += [suffix for suffix in range(1_000_000) if suffix not in chosen]
        found: list[str] = []
        for suffix in order:
            first_nine = f"999{suffix:06d}"
            digit = check_digit(first_nine)
            if digit is None:
                continue
            number = first_nine + str(digit)
            if number in self.taken_nhs:
                continue
            found.append(number)
            if len(found) == wanted:
                break
        return found

    def _write_patients(self, referrals: int) -> int:
        wanted = max(1, math.ceil(referrals / REFERRALS_PER_PATIENT)) if referrals else 0
        numbers = self._nhs_numbers(wanted)
        if referrals and not numbers:
            raise RuntimeError("no 999-range NHS numbers left for new patients")
        rng = self.rng
        rand, randint, choice = rng.random, rng.randint, rng.choice
        today = self.now.date()
        first = self.first_patient
        batch: list[dict[str, Any]] = []
        for offset, number in enumerate(numbers):
            batch.append(
                {
                    "id": first + offset,
                    "nhs_number": number,
                    "given_name": choice(GIVEN_NAMES),
                    "family_name": choice(FAMILY_NAMES),
                    "date_of_birth": today - timedelta(days=randint(66 * 365, 99 * 365)),
                    "address": f"{randint(1, 120)} {choice(STREETS)}",
                    "postcode": f"{choice(POSTCODE_AREAS)} {randint(1, 9)}"
                    f"{choice(_UNIT)}{choice(_UNIT)}",
                    "gp_practice": choice(PRACTICES),
                    "lives_alone": rand() < 0.55,
                    "access_notes": "Key safe by the front door" if rand() < 0.4 else "",
                    "next_of_kin": f"{choice(GIVEN_NAMES)} {choice(FAMILY_NAMES)} (child)",
                    "is_test_data": True,
                }
            )
            if len(batch) == STATEMENT_ROWS:
                self._execute(_patient, batch)
                batch = []
        self._execute(_patient, batch)
        self.patient_count = len(numbers)
        return len(numbers)

    def _write_referrers(self) -> int:
        """A few hundred referrers from demo calls (their facts become the profiles)."""
        calls = demo_calls(45, self.now, self.rules, seed=self.seed)
        self.matrix_profiles: list[_Profile] = []
        self.redirect_profiles: list[_Profile] = []
        seen: set[tuple[str, str, str]] = set()
        rows: list[dict[str, Any]] = []
        for call in calls:
            facts = call.call.facts
            rec = recommend(facts, ALL_AVAILABLE, call.call.received_at, self.rules)
            assert rec.rules_version == RULES_VERSION, rec.rules_version
            profile = _Profile(
                facts=facts.to_dict(),
                pathway=facts.pathway.value,
                setting=facts.setting.value,
                outcome=rec.outcome.value,
                rec_response=rec.response.value if rec.response else None,
                rec_lead=rec.lead.value if rec.lead else None,
                fallback=rec.fallback_from.value if rec.fallback_from else None,
                reasons=list(rec.reasons[:-1] if rec.outcome is Outcome.MATRIX else rec.reasons),
                bed_needed=rec.bed_needed,
                due_hours=self.rules.due_hours[rec.response] if rec.response else None,
            )
            if rec.outcome in (Outcome.EMERGENCY, Outcome.REDIRECT):
                self.redirect_profiles.append(profile)
            elif rec.outcome is Outcome.MATRIX:
                self.matrix_profiles.append(profile)
            referrer = call.call.referrer
            key = (referrer.name, referrer.organisation, referrer.phone)
            if len(rows) < REFERRERS and key not in seen:
                seen.add(key)
                rows.append(
                    {
                        "id": self.first_referrer + len(rows),
                        "name": referrer.name,
                        "role": referrer.role.value,
                        "organisation": referrer.organisation,
                        # From the id, so a top-up never repeats an earlier referrer.
                        "phone": f"01296 {self.first_referrer + len(rows):06d}",
                    }
                )
        assert self.matrix_profiles and self.redirect_profiles
        self._execute(_referrer, rows)
        self.referrer_count = len(rows)
        return len(rows)

    # referrals ------------------------------------------------------------------------------

    def _arrivals(self) -> Iterator[tuple[float, bool]]:
        """(received epoch seconds, is open) for every referral, oldest first."""
        rng = self.rng
        end = (self.now - CLOSED_NOT_AFTER).timestamp()
        start = end - HISTORY_DAYS * 86_400 + CLOSED_NOT_AFTER.total_seconds()
        span = end - start
        closed_times = sorted(start + rng.random() * span for _ in range(self.closed))
        # Open referrals: a quarter in service for up to three weeks, the rest in the last days.
        now = self.now.timestamp()
        self.open_plan: list[tuple[float, str, _Profile]] = []
        for _ in range(self.open):
            profile = rng.choice(self.matrix_profiles)
            hours = profile.due_hours or 72
            roll = rng.random()
            if roll < 0.3:
                status, back = Status.RECORDED, rng.uniform(0, hours * 1.25)
            elif roll < 0.6:
                status, back = Status.ALLOCATED, rng.uniform(0.3, hours * 1.25)
            elif roll < 0.75:
                status, back = Status.RESPONDED, rng.uniform(hours * 0.3, hours + 24)
            else:
                status, back = Status.IN_SERVICE, rng.uniform(hours * 0.5, hours + 21 * 24)
            self.open_plan.append((now - back * 3600, status.value, profile))
        self.open_plan.sort(key=lambda item: item[0])
        open_times = [item[0] for item in self.open_plan]
        # Merge the two sorted lists.
        i = j = 0
        while i < len(closed_times) or j < len(open_times):
            if j == len(open_times) or (i < len(closed_times) and closed_times[i] <= open_times[j]):
                yield closed_times[i], False
                i += 1
            else:
                yield open_times[j], True
                j += 1

    def _write_referrals(self) -> None:
        rng = self.rng
        rand, uniform = rng.random, rng.uniform
        now = self.now
        matrix, redirects = self.matrix_profiles, self.redirect_profiles
        n_matrix, n_redirect = len(matrix), len(redirects)
        first_patient, n_patients = self.first_patient, self.patient_count
        first_referrer, n_referrers = self.first_referrer, self.referrer_count
        localities = [self.locality_ids[name] for name in LOCALITIES]
        local_team = [self.team_ids[f"ACHT {name}"] for name in LOCALITIES]
        night_team = self.team_ids["ACHT Night Team"]
        reablement = self.team_ids["Bucks Care Reablement"]
        late_cutoff = now - timedelta(minutes=5)
        counters = self.counters
        referral_id = self.first_referral
        audit_id = self.first_audit
        open_index = 0
        written = 0
        referrals: list[dict[str, Any]] = []
        audits: list[dict[str, Any]] = []

        for stamp, is_open in self._arrivals():
            received = datetime.fromtimestamp(stamp, UTC)
            local = received.astimezone(LONDON)
            year = local.year
            number = counters.get(year, 0) + 1
            if number > 999_999:
                raise ValueError(f"more than 999,999 referrals in {year}: a reference has 6 digits")
            counters[year] = number
            reference = f"SPR-{year:04d}-{number:06d}"
            locality = int(rand() * 7)
            status_reason = ""
            if is_open:
                _, status, profile = self.open_plan[open_index]
                open_index += 1
            else:
                roll = rand()
                if roll < 0.035:
                    profile = redirects[int(rand() * n_redirect)]
                    status = "redirected"
                else:
                    profile = matrix[int(rand() * n_matrix)]
                    status = "cancelled" if roll < 0.065 else "closed"
            redirected = status == "redirected"
            response = profile.rec_response
            lead = profile.rec_lead
            due = received + timedelta(hours=profile.due_hours) if profile.due_hours else None
            team_id = None
            responded_at = None
            response_met = None
            close_outcome = None
            closed_at = None
            gp_updated = False
            updated = received
            if redirected:
                status_reason = profile.reasons[0]
            elif status == "cancelled":
                status_reason = "Caller withdrew: family now staying"
                updated = received + timedelta(minutes=10 + 110 * rand())
            elif status != "recorded":
                if lead == "social_care":
                    team_id = reablement
                elif local.hour >= 21 or local.hour < 7:
                    team_id = night_team
                else:
                    team_id = local_team[locality]
                updated = received + timedelta(minutes=10 + 90 * rand())
                if status != "allocated":
                    low, high = RESPONSE_DELAY_HOURS[Response(response)]
                    if rand() < 0.08:
                        low, high = high * 1.1, high * 1.8
                    responded_at = min(received + timedelta(hours=uniform(low, high)), late_cutoff)
                    response_met = due is None or responded_at <= due
                    updated = responded_at
                    if status == "in_service":
                        updated = min(responded_at + timedelta(hours=uniform(0.5, 4)), late_cutoff)
                    elif status == "closed":
                        closed_at = min(
                            responded_at + timedelta(hours=uniform(1, 21 * 24)), late_cutoff
                        )
                        updated = closed_at
                        close_outcome = _CLOSE_OUTCOMES[
                            bisect.bisect_right(_CUMULATIVE_CLOSE, rand() * 100)
                        ]
                        gp_updated = rand() < 0.9
            if updated > late_cutoff:
                updated = late_cutoff if late_cutoff > received else received
            taken_by = HANDLERS[referral_id % len(HANDLERS)]
            referrals.append(
                {
                    "id": referral_id,
                    "reference": reference,
                    "received_at": received,
                    "taken_by": taken_by,
                    "referrer_id": first_referrer + int(rand() * n_referrers),
                    "patient_id": first_patient + int(rand() * n_patients),
                    "pathway": profile.pathway,
                    "setting": profile.setting,
                    "locality_id": localities[locality],
                    "facts": profile.facts,
                    "rules_version": RULES_VERSION,
                    "rec_outcome": profile.outcome,
                    "rec_response": response,
                    "rec_lead": lead,
                    "rec_fallback_from": profile.fallback,
                    "rec_reasons": [*profile.reasons, f"Due by {short_local(due)}."]
                    if due
                    else profile.reasons,
                    "bed_needed": profile.bed_needed,
                    "response": response,
                    "lead": lead,
                    "override_reason": "",
                    "due_at": due,
                    "status": status,
                    "queue_band": queue_band(status),
                    "allocated_team_id": team_id,
                    "allocated_staff_id": None,
                    "responded_at": responded_at,
                    "response_met": response_met,
                    "close_outcome": close_outcome,
                    "gp_updated": gp_updated,
                    "closed_at": closed_at,
                    "status_reason": status_reason,
                    "notes": "",
                    "is_demo": True,
                    "version": 1,
                    "updated_at": updated,
                    "call_started_at": received,
                    "home_from_hospital": profile.pathway == "step_down",
                    "community_bed_request": profile.bed_needed,
                    "records_reviewed": [],
                    "call_record": None,
                }
            )
            audits.append(
                {
                    "id": audit_id,
                    "at": received,
                    "actor": taken_by,
                    "action": "recorded",
                    "referral_id": referral_id,
                    "entity": "referral",
                    "entity_id": reference,
                    "before": None,
                    # The state as recorded (later moves would add their own events).
                    "after": {
                        "status": "redirected" if redirected else "recorded",
                        "response": response,
                        "lead": lead,
                        "due_at": due.isoformat() if due else None,
                        "allocated_team_id": None,
                        "close_outcome": None,
                        "version": 1,
                    },
                    "detail": f"outcome {profile.outcome}",
                }
            )
            referral_id += 1
            audit_id += 1
            if len(referrals) == STATEMENT_ROWS:
                self._execute(_referral, referrals)
                self._execute(_audit, audits)
                written += len(referrals)
                referrals, audits = [], []
                if self.progress:
                    self.progress(written)
        self._execute(_referral, referrals)
        self._execute(_audit, audits)
        written += len(referrals)
        if self.progress and referrals:
            self.progress(written)

    def _write_counters(self, connection: Connection) -> None:
        for year, last in sorted(self.counters.items()):
            if year in self.known_counters:
                connection.execute(
                    update(_counter).where(_counter.c.year == year).values(last_number=last)
                )
            else:
                connection.execute(insert(_counter).values(year=year, last_number=last))

    def _advance_sequences(self, connection: Connection) -> None:
        """Explicit ids leave PostgreSQL's sequences behind; move them past the new rows."""
        for table in (_patient, _referrer, _referral, _audit):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM {table.name}))"
                )
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL, e.g. sqlite:////tmp/big.db")
    parser.add_argument("--closed", type=int, default=1_000_000)
    parser.add_argument("--open", dest="open_", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    last = [started]

    def progress(done: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 5:
            last[0] = now
            print(f"  {done:>10,} referrals  {now - started:6.1f} s", flush=True)

    report = build_database(
        args.db, closed=args.closed, open_=args.open_, seed=args.seed, progress=progress
    )
    engine = make_engine(args.db)
    where = describe(engine)
    engine.dispose()
    print(
        f"{where}: {report.referrals:,} referrals ({args.closed:,} closed, {args.open_:,} open), "
        f"{report.patients:,} patients, {report.referrers:,} referrers, "
        f"{report.audit_events:,} audit events"
    )
    print(
        f"{report.rows:,} rows in {report.seconds:.1f} s: "
        f"{report.rows / report.seconds:,.0f} rows/s "
        f"({report.referrals / report.seconds:,.0f} referrals/s)"
    )


if __name__ == "__main__":
    main()
