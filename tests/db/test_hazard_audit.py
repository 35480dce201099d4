"""Hazard H030: a change is never stored without its audit event. The event is written in the
change's own transaction, so when the database cannot take the event (here a trigger added to
the real SQLite file makes every audit insert fail) the change itself is refused and nothing of
it is kept."""

from __future__ import annotations

from contextlib import closing

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from tests_support import crew_call

from db.desk import DeskService
from db.models import AuditEvent, Referral
from spr_desk.vocabulary import Status

NO_AUDIT_WRITES = """
CREATE TRIGGER audit_writes_fail BEFORE INSERT ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit event could not be written'); END
"""


def count(desk: DeskService, table: type) -> int:
    with Session(desk.engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()[0]  # type: ignore[call-overload]


def audit_writes_fail(desk: DeskService) -> None:
    with closing(desk.engine.raw_connection()) as connection:
        connection.execute(NO_AUDIT_WRITES)  # type: ignore[attr-defined]
        connection.commit()


def audit_writes_work(desk: DeskService) -> None:
    with closing(desk.engine.raw_connection()) as connection:
        connection.execute("DROP TRIGGER audit_writes_fail")  # type: ignore[attr-defined]
        connection.commit()


def test_a_referral_whose_audit_event_cannot_be_written_is_not_recorded(
    sqlite_desk: DeskService,
) -> None:
    desk = sqlite_desk
    audit_writes_fail(desk)
    with pytest.raises(DBAPIError, match="the audit event could not be written"):
        desk.record_referral(crew_call(desk), by="h1")
    assert (count(desk, Referral), count(desk, AuditEvent)) == (0, 0)
    assert desk.open_queue() == []

    audit_writes_work(desk)
    reference = desk.record_referral(crew_call(desk), by="h1").reference
    assert [(e.actor, e.action) for e in desk.history(reference)] == [("h1", "recorded")]


def test_a_move_whose_audit_event_cannot_be_written_leaves_the_referral_as_it_was(
    sqlite_desk: DeskService,
) -> None:
    desk = sqlite_desk
    reference = desk.record_referral(crew_call(desk), by="h1").reference
    before = desk.summary(reference)
    audit_writes_fail(desk)
    with pytest.raises(DBAPIError, match="the audit event could not be written"):
        desk.move(reference, Status.ALLOCATED, by="h2", team="ACHT Thame")
    after = desk.summary(reference)
    assert (after.status, after.version) == (before.status, before.version)
    assert [e.action for e in desk.history(reference)] == ["recorded"]

    audit_writes_work(desk)
    desk.move(reference, Status.ALLOCATED, by="h2", team="ACHT Thame")
    assert [(e.actor, e.action) for e in desk.history(reference)] == [
        ("h1", "recorded"),
        ("h2", "status:allocated"),
    ]
