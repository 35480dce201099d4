"""The supervisor's review on both backends: figures match direct counts; review flags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from db.actions import DeskError
from db.desk import DeskService
from db.models import AuditEvent, Referral, ReviewFlag
from spr_desk.lifecycle import AWAITING_RESPONSE, OPEN_STATUSES
from spr_desk.uktime import as_local


def _all(desk: DeskService) -> list[Referral]:
    with Session(desk.engine) as session:
        return list(session.exec(select(Referral)).all())


def test_review_figures_match_direct_counts(demo_desk: DeskService) -> None:
    now = demo_desk.now()
    rows = _all(demo_desk)
    recent = [r for r in rows if r.received_at >= now - timedelta(days=7)]
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
