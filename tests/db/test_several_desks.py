"""Several desks, one database: the audit trail cannot be rewritten, a stale edit is refused,
and work claimed by one desk is never given to another; on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from tests_support import at_once, crew_call

from db.desk import CLAIM_LAPSES, DeskService
from db.models import AuditEvent, Patient, Referrer
from spr_desk.desk_api import DeskError
from spr_desk.vocabulary import Status


def events(desk: DeskService) -> int:
    with Session(desk.engine) as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()[0]  # type: ignore[call-overload]


@pytest.mark.parametrize(
    "change",
    [
        update(AuditEvent).values(actor="someone else"),
        update(AuditEvent).values(detail="rewritten"),
        delete(AuditEvent),
    ],
    ids=["update actor", "update detail", "delete"],
)
def test_the_database_refuses_to_change_or_remove_an_audit_event(
    desk: DeskService, change: object
) -> None:
    reference = desk.record_referral(crew_call(desk), by="h1").reference
    desk.move(reference, Status.ALLOCATED, by="h1", team="ACHT Thame")
    before = events(desk)
    assert before == 2
    with (
        pytest.raises(DBAPIError, match="append-only"),
        Session(desk.engine) as session,
        session.begin(),
    ):
        session.execute(change)  # type: ignore[call-overload]
    assert events(desk) == before
    assert [entry.actor for entry in desk.history(reference)] == ["h1", "h1"]


def test_postgresql_refuses_truncate_too(desk: DeskService) -> None:
    if desk.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    desk.record_referral(crew_call(desk), by="h1")
    with pytest.raises(DBAPIError, match="append-only"), desk.engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_event CASCADE"))
    assert events(desk) == 1


def test_adding_events_still_works_after_a_refusal(desk: DeskService) -> None:
    reference = desk.record_referral(crew_call(desk), by="h1").reference
    with pytest.raises(DBAPIError), Session(desk.engine) as session, session.begin():
        session.execute(delete(AuditEvent))
    desk.move(reference, Status.ALLOCATED, by="h2", team="ACHT Thame")
    assert [entry.actor for entry in desk.history(reference)] == ["h1", "h2"]


def test_an_edit_from_a_desk_holding_an_old_version_is_refused_and_changes_nothing(
    desk: DeskService,
) -> None:
    """Two desks open the same referral; the first allocates it; the second, still holding the
    version it read, is refused with words that say what happened."""
    reference = desk.record_referral(crew_call(desk), by="h1").reference
    seen_by_both = desk.summary(reference).version
    other = DeskService(desk.engine, clock=desk.clock)
    desk.move(
        reference, Status.ALLOCATED, by="desk1", team="ACHT Thame", expected_version=seen_by_both
    )
    with pytest.raises(DeskError, match="changed at another desk since you opened it"):
        other.move(
            reference,
            Status.CANCELLED,
            by="desk2",
            reason="duplicate",
            expected_version=seen_by_both,
        )
    summary = desk.summary(reference)
    assert (summary.status, summary.allocated_team) == (Status.ALLOCATED, "ACHT Thame")
    assert [entry.actor for entry in desk.history(reference)] == ["h1", "desk1"]


def test_twenty_desks_claiming_work_at_once_never_get_the_same_referral(
    desk: DeskService,
) -> None:
    """PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer at a time. Either way every
    waiting referral is claimed exactly once."""
    waiting = {
        desk.record_referral(crew_call(desk, minutes_ago=n), by="h").reference for n in range(30)
    }
    claims: list[str] = []
    lock = threading.Lock()

    def one_desk(number: int) -> None:
        mine = DeskService(desk.engine, clock=desk.clock)
        while (reference := mine.claim_next(by=f"desk{number}")) is not None:
            with lock:
                claims.append(reference)

    assert at_once(20, one_desk) == []
    assert sorted(claims) == sorted(waiting)  # each once, none twice, none missed
    with Session(desk.engine) as session:
        claimed = session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "claimed")
        ).one()[0]
    assert claimed == 30


def test_a_claim_lapses_and_allocated_referrals_are_not_offered(desk: DeskService) -> None:
    first = desk.record_referral(crew_call(desk, minutes_ago=5), by="h").reference
    second = desk.record_referral(crew_call(desk, minutes_ago=1), by="h").reference
    assert desk.claim_next(by="desk1") == first
    assert desk.claim_next(by="desk2") == second
    assert desk.claim_next(by="desk3") is None
    desk.move(second, Status.ALLOCATED, by="desk2", team="ACHT Thame")
    later = DeskService(desk.engine, clock=lambda: desk.now() + CLAIM_LAPSES + timedelta(seconds=1))
    assert later.claim_next(by="desk3") == first  # desk1 went quiet: its claim lapsed
    assert later.claim_next(by="desk4") is None


def test_the_audit_viewer_filters_by_person_referral_and_days(desk: DeskService) -> None:
    first = desk.record_referral(crew_call(desk, minutes_ago=5), by="Ann").reference
    second = desk.record_referral(crew_call(desk), by="Bob").reference
    desk.move(second, Status.ALLOCATED, by="ann", team="ACHT Thame")
    rows, matching = desk.audit_events()
    assert matching == 3 and [row.subject for row in rows] == [second, second, first]
    assert [row.action for row in rows][0] == "status:allocated"
    by_ann, count = desk.audit_events(actor="ANN")  # a person is found whatever the case
    assert count == 2 and {row.actor for row in by_ann} == {"Ann", "ann"}
    about, count = desk.audit_events(reference=second.lower())
    assert count == 2 and {row.subject for row in about} == {second}
    none, count = desk.audit_events(end=desk.now() - timedelta(days=1))
    assert (none, count) == ([], 0)
    newest, count = desk.audit_events(limit=1)
    assert count == 3 and len(newest) == 1 and newest[0].action == "status:allocated"


def test_ten_desks_recording_the_same_new_caller_and_patient_at_once_all_succeed(
    desk: DeskService,
) -> None:
    """Found by bench/desks.py: on PostgreSQL the second desk's INSERT of a new referrer failed
    on the unique key and its call was not recorded. Now every call is, with one referrer and
    one patient between them."""
    recorded: list[str] = []

    def one_desk(number: int) -> None:
        mine = DeskService(desk.engine, clock=desk.clock)
        recorded.append(mine.record_referral(crew_call(mine), by=f"desk{number}").reference)

    errors = at_once(10, one_desk, timeout=60)
    assert errors == [] and len(set(recorded)) == 10
    with Session(desk.engine) as session:
        referrers = session.exec(select(func.count()).select_from(Referrer)).one()[0]
        patients = session.exec(select(func.count()).select_from(Patient)).one()[0]
    assert (referrers, patients) == (1, 1)
