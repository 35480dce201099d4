"""The supervisor's figures, for the hazard log (H024), on every backend: the overrides and the
breaches the review counts are exactly those the desk recorded, a late response kept as a breach
with its reason, a referral still waiting past due as one awaiting, and neither twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from ratchet_support import DOWN_REASON, UP_REASON, record_downward, record_upward
from tests_support import crew_call

from db.desk import DeskService
from spr_desk.vocabulary import Response, Status


def at(desk: DeskService, moment: datetime) -> DeskService:
    """The same database, another clock."""
    return DeskService(desk.engine, clock=lambda: moment, rules=desk.rules)


def test_the_overrides_counted_are_exactly_the_calls_agreed_otherwise(desk: DeskService) -> None:
    down = record_downward(desk)  # the facts ask for Rapid; agreed Normal
    up = record_upward(desk)  # the facts ask for Normal; agreed Rapid
    as_recommended = desk.record_referral(crew_call(desk, "Pat", "Plain"), by="handler")
    figures = desk.review()
    by_reference = {override.reference: override for override in figures.overrides}
    assert set(by_reference) == {down, up}
    assert as_recommended.reference not in by_reference
    assert len(figures.overrides) == 2
    assert (by_reference[down].rec_response, by_reference[down].response) == ("rapid", "normal")
    assert by_reference[down].reason == DOWN_REASON
    assert (by_reference[up].rec_response, by_reference[up].response) == ("normal", "rapid")
    assert by_reference[up].reason == UP_REASON


def test_the_breaches_counted_are_the_late_responses_and_those_still_waiting_past_due(
    desk: DeskService,
) -> None:
    start = desk.now()
    late, on_time, waiting, allocated = (
        desk.record_referral(crew_call(desk, "Pat", family), by="handler").reference
        for family in ("Late", "Ontime", "Waiting", "Allocated")
    )  # crews on scene: Rapid, due 3 h from now
    for reference in (late, on_time, allocated):
        desk.move(reference, Status.ALLOCATED, by="handler", team="ACHT Aylesbury")
    at(desk, start + timedelta(hours=1)).move(on_time, Status.RESPONDED, by="nurse")
    four_hours_on = at(desk, start + timedelta(hours=4))
    four_hours_on.move(late, Status.RESPONDED, by="nurse", reason="Crew delayed on the A41")
    not_yet_due = four_hours_on.record_referral(
        crew_call(four_hours_on, "Pat", "Newer"), by="handler"
    ).reference

    figures = four_hours_on.review()
    breaches = {breach.reference: breach for breach in figures.breaches}
    assert set(breaches) == {late, waiting, allocated}
    assert len(figures.breaches) == 3  # none counted twice
    assert not breaches[late].awaiting and breaches[late].reason == "Crew delayed on the A41"
    assert breaches[waiting].awaiting and breaches[allocated].awaiting
    assert on_time not in breaches and not_yet_due not in breaches
    [rapid] = [share for share in figures.met_in_time if share.response is Response.RAPID]
    assert (rapid.met, rapid.responded) == (1, 2)
