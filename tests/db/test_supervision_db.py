"""The supervisor's review on both backends: figures match direct counts; review flags."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from ratchet_support import DOWN_REASON, add_people, record_downward, record_upward
from sqlalchemy import func
from sqlmodel import Session, col, select

from db.desk import DeskService
from db.models import AuditEvent, Referral, ReviewFlag
from spr_desk.desk_api import DeskError
from spr_desk.lifecycle import AWAITING_RESPONSE, OPEN_STATUSES
from spr_desk.supervision import review_window
from spr_desk.uktime import as_local, uk_days


def _all(desk: DeskService) -> list[Referral]:
    with Session(desk.engine) as session:
        return list(session.exec(select(Referral)).all())


def test_review_figures_match_direct_counts(demo_desk: DeskService) -> None:
    now = demo_desk.now()
    rows = _all(demo_desk)
    # Today and the six UK days before it, from midnight: the export's days.
    recent = [r for r in rows if r.received_at >= review_window(now)[0]]
    open_values = {s.value for s in OPEN_STATUSES}
    awaiting_values = {s.value for s in AWAITING_RESPONSE}
    figures = demo_desk.review()

    assert figures.now == now
    assert figures.week == len(recent) > 0
    assert figures.today == sum(
        1 for r in rows if as_local(r.received_at).date() == as_local(now).date()
    )
    assert sum(figures.by_hour) == len(recent)
    assert figures.open_total == sum(1 for r in rows if r.status in open_values) > 0
    assert sum(n for _, n in figures.queue_by_locality) == figures.open_total
    closed = [r for r in recent if r.status == "closed"]
    assert figures.closed == len(closed) > 0
    assert figures.no_further_services == sum(
        1 for r in closed if r.close_outcome == "no_further_services"
    )
    assert set(figures.gp_updates_outstanding) == {r.reference for r in closed if not r.gp_updated}
    late = {r.reference for r in recent if r.response_met is False}
    waiting = {
        r.reference
        for r in rows
        if r.status in awaiting_values and r.due_at is not None and r.due_at < now
    }
    assert {b.reference for b in figures.breaches} == late | waiting
    assert waiting, "the demo data holds a referral past due and still awaiting"
    for share in figures.met_in_time:
        responded = [
            r for r in recent if r.response == share.response.value and r.response_met is not None
        ]
        assert share.responded == len(responded)
        assert share.met == sum(1 for r in responded if r.response_met)


def _counts(desk: DeskService) -> tuple[int, int]:
    with Session(desk.engine) as session:
        flags = session.exec(select(func.count()).select_from(ReviewFlag)).one()
        events = session.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(col(AuditEvent.action) == "flagged_for_review")
        ).one()
    return flags, events


def test_flag_for_review_stores_the_flag_and_its_audit_event(demo_desk: DeskService) -> None:
    reference = _all(demo_desk)[0].reference
    demo_desk.flag_for_review(reference, "  Rapid response missed twice this week  ", by="sup1")

    flags = demo_desk.review_flags()
    assert [(f.reference, f.flagged_by, f.flagged_at, f.comment) for f in flags] == [
        (reference, "sup1", demo_desk.now(), "Rapid response missed twice this week")
    ]
    event = [e for e in demo_desk.history(reference) if e.action == "flagged_for_review"]
    assert len(event) == 1
    assert (event[0].actor, event[0].detail, event[0].at) == (
        "sup1",
        "Rapid response missed twice this week",
        demo_desk.now(),
    )
    assert _counts(demo_desk) == (1, 1)


@pytest.mark.parametrize("comment", ["", "   "])
def test_an_empty_comment_is_refused_and_nothing_written(
    demo_desk: DeskService, comment: str
) -> None:
    reference = _all(demo_desk)[0].reference
    with pytest.raises(DeskError):
        demo_desk.flag_for_review(reference, comment, by="sup1")
    assert _counts(demo_desk) == (0, 0)


def test_an_unknown_reference_is_refused(desk: DeskService) -> None:
    with pytest.raises(DeskError, match="SPR-2026-999999"):
        desk.flag_for_review("SPR-2026-999999", "Please look", by="sup1")
    assert _counts(desk) == (0, 0)
    assert desk.review_flags() == []


def test_review_flags_newest_first_and_limited(demo_desk: DeskService) -> None:
    references = [r.reference for r in _all(demo_desk)[:3]]
    for reference in references:
        demo_desk.flag_for_review(reference, f"look at {reference}", by="sup1")
    flags = demo_desk.review_flags(limit=2)
    # Same clock for all three: the newest by insertion comes first.
    assert [f.reference for f in flags] == references[::-1][:2]


# the urgency ratchet: downward overrides held for a supervisor's sign-off ----------------------


def _referral(desk: DeskService, reference: str) -> Referral:
    with Session(desk.engine) as session:
        row = session.exec(select(Referral).where(Referral.reference == reference)).one()
        session.expunge(row)
        return row


def test_a_downward_override_is_held_and_an_upward_one_is_not(desk: DeskService) -> None:
    down = record_downward(desk)
    record_upward(desk)
    [held] = desk.held_overrides()
    assert (held.reference, held.rec_response, held.response) == (down, "rapid", "normal")
    assert (held.reason, held.recorded_by, held.recorded_at) == (DOWN_REASON, "handler", desk.now())
    # Left: to the time the facts' Rapid response was due (3 h from receipt, 10 min ago).
    assert held.time_left(desk.now()) == timedelta(hours=2, minutes=50)


def test_a_supervisor_signs_off_with_a_comment_and_the_override_leaves_the_list(
    desk: DeskService,
) -> None:
    add_people(desk)
    down = record_downward(desk)
    version = _referral(desk, down).version
    signed = desk.sign_off_override(down, "  Spoke to the crew: safe until tomorrow  ", by="sue")
    assert (signed.signed_by, signed.comment) == ("sue", "Spoke to the crew: safe until tomorrow")
    assert desk.held_overrides() == ()
    row = _referral(desk, down)
    assert (row.override_signed_by, row.override_signed_at, row.override_sign_comment) == (
        "sue",
        desk.now(),
        "Spoke to the crew: safe until tomorrow",
    )
    assert row.version == version  # an open referral view is not made stale
    [event] = [e for e in desk.history(down) if e.action == "override signed off"]
    assert (event.actor, event.detail) == ("sue", "Spoke to the crew: safe until tomorrow")
    assert event.before is not None and event.before["override_signed_by"] is None
    assert event.after is not None and event.after["override_signed_by"] == "sue"


@pytest.mark.parametrize(
    ("by", "comment", "refusal"),
    [
        ("hal", "looks fine", "for supervisors and administrators; hal is a call handler"),
        ("nobody", "looks fine", "nobody is not one"),
        ("sue", "   ", "needs a comment"),
    ],
)
def test_a_sign_off_is_refused_to_a_handler_a_stranger_and_without_a_comment(
    desk: DeskService, by: str, comment: str, refusal: str
) -> None:
    add_people(desk)
    down = record_downward(desk)
    with pytest.raises(DeskError, match=refusal):
        desk.sign_off_override(down, comment, by=by)
    assert [h.reference for h in desk.held_overrides()] == [down]
    assert _referral(desk, down).override_signed_at is None
    assert not [e for e in desk.history(down) if e.action == "override signed off"]


def test_a_second_sign_off_is_refused_with_who_signed(desk: DeskService) -> None:
    add_people(desk)
    down = record_downward(desk)
    desk.sign_off_override(down, "Agreed with the crew", by="sue")
    with pytest.raises(DeskError, match="signed off already, by sue at"):
        desk.sign_off_override(down, "Me too", by="ann")
    assert _referral(desk, down).override_sign_comment == "Agreed with the crew"


def test_an_upward_override_has_nothing_to_sign_off(desk: DeskService) -> None:
    add_people(desk)
    up = record_upward(desk)
    with pytest.raises(DeskError, match="nothing to sign off"):
        desk.sign_off_override(up, "fine", by="sue")


def test_the_last_seven_days_are_the_days_the_export_writes(demo_desk: DeskService) -> None:
    """Trial problem 45: "Last 7 days" counted a rolling 168 hours, the export whole UK days."""
    today = as_local(demo_desk.now()).date()
    start, end = uk_days(today - timedelta(days=6), today)
    written = demo_desk.export_referrals(start, end, io.StringIO())
    assert demo_desk.review().week == written
    with Session(demo_desk.engine) as session:
        rolling = session.exec(
            select(func.count())
            .select_from(Referral)
            .where(col(Referral.received_at) >= demo_desk.now() - timedelta(days=7))
        ).one()
    assert rolling > written, "the demo holds referrals of the eighth day's morning"


def test_the_whole_of_an_audit_event_is_read_by_its_id(desk: DeskService) -> None:
    add_people(desk)
    down = record_downward(desk)
    desk.sign_off_override(down, "A long comment " * 20, by="sue")
    rows, _ = desk.audit_events(reference=down)
    signed = next(r for r in rows if r.action == "override signed off")
    event = desk.audit_event(signed.event_id)
    assert (event.subject, event.actor, event.detail) == (
        down,
        "sue",
        ("A long comment " * 20).strip(),
    )
    assert event.after is not None and event.after["response"] == "normal"
    with pytest.raises(DeskError):
        desk.audit_event(10**9)
