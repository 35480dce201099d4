"""The reads that once walked every row ever written: their plans on SQLite, and what they give.

At a million referrals (bench: `python -m bench`) the supervisor view took 1.3 s to open and
the audit viewer 0.5 s, or 0.8 s filtered by person; these pin the indexed plans that fixed them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import event, insert
from sqlmodel import Session
from tests_support import crew_call

from db.desk import DeskService
from db.models import AuditEvent
from db.supervision import review_rows
from spr_desk.desk_api import COUNT_CAP
from spr_desk.vocabulary import Status


def plans_of(desk: DeskService, starts: str, read: Callable[[], object]) -> list[str]:
    """EXPLAIN QUERY PLAN of each statement `read` sends that begins with `starts`."""
    sent: list[tuple[str, object]] = []

    def capture(_c: object, _cur: object, sql: str, params: object, *_: object) -> None:
        if sql.lstrip().upper().startswith(starts):
            sent.append((sql, params))

    event.listen(desk.engine, "before_cursor_execute", capture)
    try:
        read()
    finally:
        event.remove(desk.engine, "before_cursor_execute", capture)
    assert sent, f"no statement beginning {starts!r} was sent"
    with desk.engine.connect() as connection:
        return [
            " | ".join(
                row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            for sql, params in sent
        ]


def test_the_review_reads_recent_and_older_open_referrals_by_index(
    sqlite_demo_desk: DeskService,
) -> None:
    [plan] = plans_of(sqlite_demo_desk, "SELECT REFERRAL.REFERENCE", sqlite_demo_desk.review)
    assert "ix_referral_received" in plan and "ix_referral_queue" in plan
    assert "SCAN referral" not in plan


def test_the_review_holds_every_recent_and_every_open_referral_once(desk: DeskService) -> None:
    old_open = desk.record_referral(
        crew_call(desk, "Old", "Open", minutes_ago=60 * 24 * 20), by="h"
    )
    old_closed = desk.record_referral(
        crew_call(desk, "Old", "Closed", minutes_ago=60 * 24 * 20), by="h"
    )
    desk.move(old_closed.reference, Status.CANCELLED, by="h", reason="duplicate call")
    recent_closed = desk.record_referral(crew_call(desk, "New", "Closed", minutes_ago=60), by="h")
    desk.move(recent_closed.reference, Status.CANCELLED, by="h", reason="duplicate call")
    recent_open = desk.record_referral(crew_call(desk, "New", "Open", minutes_ago=5), by="h")
    with Session(desk.engine) as session:
        rows = review_rows(session=session, now=desk.now(), days=7)
    references = [row.reference for row in rows]
    assert references == [old_open.reference, recent_closed.reference, recent_open.reference]


def test_the_audit_filter_by_person_reads_its_index(sqlite_demo_desk: DeskService) -> None:
    plans = plans_of(
        sqlite_demo_desk, "SELECT", lambda: sqlite_demo_desk.audit_events(actor="Demo")
    )
    assert all("ix_audit_event_actor_at" in plan for plan in plans), plans
    rows, matching = sqlite_demo_desk.audit_events(actor="Demo", limit=5)
    assert len(rows) == 5 and matching > 5 and {row.actor for row in rows} == {"demo"}


def test_the_audit_count_stops_past_its_cap(desk: DeskService) -> None:
    at = desk.now() - timedelta(days=1)
    with desk.engine.begin() as connection:
        connection.execute(
            insert(AuditEvent),
            [{"at": at, "actor": "bulk", "action": "note", "detail": ""}] * (COUNT_CAP + 50),
        )
    rows, matching = desk.audit_events(limit=500)
    assert (len(rows), matching) == (500, COUNT_CAP + 1)
    rows, matching = desk.audit_events(actor="nobody")
    assert (rows, matching) == ([], 0)
