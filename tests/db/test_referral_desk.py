"""A referral's milestones at the time given, their undo, and notes at any status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

# Not "tests.db.test_desk": ciw (the staffing test's simulator) installs a top-level "tests"
# package that shadows ours; tests/db is on the path as every test folder is.
from test_desk import RECEIVED, ethel_call

from db.desk import DeskService
from db.models import AuditEvent, Referral
from db.notes import notes_for
from spr_desk.desk_api import DeskError
from spr_desk.vocabulary import CloseOutcome, NoteKind, Status


def _row(desk: DeskService, reference: str) -> Referral:
    with Session(desk.engine) as session:
        row = session.exec(select(Referral).where(Referral.reference == reference)).one()
        session.expunge(row)
        return row


def test_milestones_are_stored_at_the_time_given(desk: DeskService) -> None:
    reference = desk.record_referral(ethel_call(), by="h").reference
    given = RECEIVED + timedelta(minutes=3)
    desk.move(reference, Status.ALLOCATED, by="h", team="ACHT Aylesbury", at=given)
    summary = desk.move(
        reference, Status.RESPONDED, by="h", at=given + timedelta(minutes=2), responded_by="Ann"
    )
    assert summary.allocated_at == given
    assert summary.responded_at == given + timedelta(minutes=2)
    assert (summary.responded_by, summary.response_met) == ("Ann", True)
    desk.move(reference, Status.IN_SERVICE, by="h", at=given + timedelta(minutes=4))
    closed = desk.move(
        reference,
        Status.CLOSED,
        by="h",
        outcome=CloseOutcome.NO_FURTHER_SERVICES,
        at=given + timedelta(minutes=5),
    )
    assert closed.service_started_at == given + timedelta(minutes=4)
    assert closed.closed_at == given + timedelta(minutes=5)


def test_a_future_time_or_one_before_receipt_is_refused(desk: DeskService) -> None:
    reference = desk.record_referral(ethel_call(), by="h").reference
    team = "ACHT Aylesbury"
    with pytest.raises(DeskError, match="in the future"):
        desk.move(
            reference, Status.ALLOCATED, by="h", team=team, at=desk.now() + timedelta(minutes=1)
        )
    with pytest.raises(DeskError, match="before the referral was received"):
        desk.move(reference, Status.ALLOCATED, by="h", team=team, at=RECEIVED - timedelta(hours=1))
    assert desk.summary(reference).status is Status.RECORDED


def test_an_undo_restores_the_state_before_and_keeps_the_event(desk: DeskService) -> None:
    reference = desk.record_referral(ethel_call(), by="h").reference
    desk.move(reference, Status.ALLOCATED, by="h", team="ACHT Aylesbury")
    before = _row(desk, reference)
    desk.move(reference, Status.RESPONDED, by="h", responded_by="Ann")
    assert desk.undo_refused(reference, by="h") is None
    assert desk.undo_milestone(reference, by="h") == "first response"
    after = _row(desk, reference)
    for name in (
        "status",
        "queue_band",
        "responded_at",
        "responded_by",
        "response_met",
        "allocated_at",
    ):
        assert getattr(after, name) == getattr(before, name), name
    actions = [entry.action for entry in desk.history(reference)]
    assert actions[-2:] == ["status:responded", "undone: first response"]
    # Nothing left to undo until the next milestone (the allocation was before the response).
    assert desk.undo_refused(reference, by="h") == "There is no milestone to undo."


def test_an_undo_is_refused_to_another_user_and_after_five_minutes(desk: DeskService) -> None:
    reference = desk.record_referral(ethel_call(), by="h").reference
    desk.move(reference, Status.ALLOCATED, by="h", team="ACHT Aylesbury")
    with pytest.raises(DeskError, match="Only h, who recorded it"):
        desk.undo_milestone(reference, by="night")
    later = DeskService(desk.engine, clock=lambda: desk.now() + timedelta(minutes=5, seconds=1))
    with pytest.raises(DeskError, match="more than 5 minutes ago"):
        later.undo_milestone(reference, by="h")
    assert desk.summary(reference).status is Status.ALLOCATED


def test_a_note_and_a_follow_up_call_are_added_at_any_status(desk: DeskService) -> None:
    reference = desk.record_referral(ethel_call(), by="h").reference
    desk.move(reference, Status.CANCELLED, by="h", reason="duplicate")
    desk.add_note(
        reference, kind=NoteKind.FOLLOW_UP_CALL, text="Mum is worse", caller="Daughter", by="h"
    )
    desk.add_note(reference, kind=NoteKind.NOTE, text="GP told", by="h")
    with pytest.raises(DeskError, match="who rang"):
        desk.add_note(reference, kind=NoteKind.FOLLOW_UP_CALL, text="again", by="h")
    detail = desk.detail(reference)
    assert [(n.kind, n.caller, n.text) for n in detail.notes_added] == [
        (NoteKind.FOLLOW_UP_CALL, "Daughter", "Mum is worse"),
        (NoteKind.NOTE, "", "GP told"),
    ]
    with Session(desk.engine) as session:
        found = notes_for(session=session, referral_ids=[_row(desk, reference).id or 0])
        events = session.exec(
            select(AuditEvent.action).where(AuditEvent.entity_id == reference)
        ).all()
    assert len(next(iter(found.values()))) == 2
    assert "follow-up call" in events and "note added" in events


def test_a_note_starts_the_no_movement_clock_again_but_leaves_the_version(
    desk: DeskService,
) -> None:
    reference = desk.record_referral(ethel_call(), by="h").reference
    before = _row(desk, reference)
    later = DeskService(desk.engine, clock=lambda: desk.now() + timedelta(hours=2))
    later.add_note(reference, kind=NoteKind.NOTE, text="Rang the ward back", by="h")
    after = _row(desk, reference)
    assert after.updated_at == later.now() != before.updated_at
    assert after.version == before.version
