"""The referral lifecycle: the transition table, reasons, and the lead change in service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from spr_desk.audit_actions import status_action
from spr_desk.due import is_breached
from spr_desk.lifecycle import (
    AWAITING_RESPONSE,
    OPEN_STATUSES,
    TRANSITIONS,
    LeadChange,
    LeadChangeError,
    MoveError,
    TransitionError,
    apply,
    can_transition,
    change_lead,
    transition,
    why_not,
)
from spr_desk.vocabulary import CloseOutcome, Lead, Status, label

# Sorted: TRANSITIONS holds sets, whose order differs from one process to the next (pytest-xdist
# needs every worker to collect the same tests in the same order).
ALLOWED = sorted(
    (current, target) for current, targets in TRANSITIONS.items() for target in targets
)
FORBIDDEN = [pair for pair in product(Status, Status) if pair not in ALLOWED]

EXPECTED_TABLE = {
    (Status.DRAFT, Status.RECORDED),
    (Status.DRAFT, Status.REDIRECTED),
    (Status.DRAFT, Status.CANCELLED),
    (Status.RECEIVED, Status.RECORDED),
    (Status.RECEIVED, Status.REDIRECTED),
    (Status.RECEIVED, Status.CANCELLED),
    (Status.RECORDED, Status.ALLOCATED),
    (Status.RECORDED, Status.REDIRECTED),
    (Status.RECORDED, Status.CANCELLED),
    (Status.ALLOCATED, Status.RESPONDED),
    (Status.ALLOCATED, Status.CANCELLED),
    (Status.RESPONDED, Status.IN_SERVICE),
    (Status.RESPONDED, Status.CLOSED),
    (Status.IN_SERVICE, Status.CLOSED),
}
"""DESIGN.md: draft → recorded → allocated → responded → in_service → closed, plus redirected
and cancelled; a 999 referral (BaRS) starts received, and is recorded by its triage."""


def ids(pair):
    return f"{pair[0]}->{pair[1]}"


def test_the_table_covers_every_status_and_matches_the_design():
    assert set(TRANSITIONS) == set(Status)
    assert set(ALLOWED) == EXPECTED_TABLE
    assert len(ALLOWED) + len(FORBIDDEN) == len(Status) ** 2


@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=[ids(p) for p in ALLOWED])
def test_every_allowed_move_returns_the_new_status(current, target):
    assert can_transition(current, target)
    assert transition(current, target, reason="caller asked") is target


@pytest.mark.parametrize(("current", "target"), FORBIDDEN, ids=[ids(p) for p in FORBIDDEN])
def test_every_forbidden_move_is_refused_naming_both_statuses_and_why(current, target):
    assert not can_transition(current, target)
    with pytest.raises(TransitionError) as caught:
        transition(current, target, reason="caller asked")
    message = str(caught.value)
    assert f"from {label(current)} to {label(target)}: " in message
    why = message.split(": ", 1)[1]
    assert len(why) > len(".") and why.endswith(".")
    assert (caught.value.current, caught.value.target) == (current, target)


@pytest.mark.parametrize("target", [Status.CANCELLED, Status.REDIRECTED])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_cancelling_or_redirecting_needs_a_reason(target, reason):
    with pytest.raises(TransitionError, match=f"say why it is {label(target)}"):
        transition(Status.RECORDED, target, reason=reason)


def test_moves_other_than_cancel_and_redirect_need_no_reason():
    assert transition(Status.DRAFT, Status.RECORDED) is Status.RECORDED
    assert transition(Status.IN_SERVICE, Status.CLOSED) is Status.CLOSED


def test_open_referrals_are_the_ones_between_recorded_and_in_service():
    assert {
        Status.RECEIVED,
        Status.RECORDED,
        Status.ALLOCATED,
        Status.RESPONDED,
        Status.IN_SERVICE,
    } == OPEN_STATUSES
    assert {Status.RECEIVED, Status.RECORDED, Status.ALLOCATED} == AWAITING_RESPONSE


def test_a_referral_sent_by_999_is_recorded_by_its_triage_never_by_a_move() -> None:
    with pytest.raises(MoveError, match=r"Triage it \(t\) to record it"):
        apply(Status.RECEIVED, Status.RECORDED, when=WHEN)
    assert apply(Status.RECEIVED, Status.CANCELLED, when=WHEN, reason="crew cancelled").status is (
        Status.CANCELLED
    )


def test_the_lead_changes_in_service_as_a_recorded_event():
    change = change_lead(Status.IN_SERVICE, Lead.THERAPIST, Lead.SOCIAL_CARE, "  long-term need  ")
    assert change == LeadChange(
        before=Lead.THERAPIST, after=Lead.SOCIAL_CARE, reason="long-term need"
    )


@pytest.mark.parametrize(
    "status", [Status.RECORDED, Status.ALLOCATED, Status.RESPONDED, Status.IN_SERVICE]
)
def test_the_lead_changes_from_recorded_onwards(status):
    # Trial problem 26: a lead found wrong before service could not be changed.
    change = change_lead(status, Lead.NURSE, Lead.THERAPIST, "needs therapy")
    assert change.after is Lead.THERAPIST


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.CLOSED, Status.REDIRECTED, Status.CANCELLED]
)
def test_the_lead_cannot_change_once_finished(status):
    with pytest.raises(
        LeadChangeError, match=f"only while the referral is open; it is {label(status)}"
    ):
        change_lead(status, Lead.NURSE, Lead.THERAPIST, "needs therapy")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_lead_change_needs_a_reason(reason):
    with pytest.raises(LeadChangeError, match="needs a reason"):
        change_lead(Status.IN_SERVICE, Lead.NURSE, Lead.THERAPIST, reason)


@pytest.mark.parametrize("lead", list(Lead))
def test_a_lead_change_needs_a_different_lead(lead):
    with pytest.raises(LeadChangeError, match="already leads"):
        change_lead(Status.IN_SERVICE, lead, lead, "same again")


def test_a_referral_without_a_lead_has_none_to_change():
    with pytest.raises(LeadChangeError, match="no lead to change"):
        change_lead(Status.IN_SERVICE, None, Lead.NURSE, "escalated, now a nurse")


# apply: what a move does ------------------------------------------------------------------------

WHEN = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "target"), [pair for pair in ALLOWED if pair != (Status.RECEIVED, Status.RECORDED)]
)
def test_apply_sets_the_status_and_names_the_audit_event(current: Status, target: Status) -> None:
    change = apply(
        current,
        target,
        when=WHEN,
        reason="  said why  ",
        team="Team A",
        outcome=CloseOutcome.DECLINED,
    )
    assert change.status is target
    assert change.status_reason == change.detail == "said why"
    assert change.action == status_action(target)
    values = change.row_values()
    assert values["status"] == target.value
    assert values["status_reason"] == "said why"


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_apply_refuses_what_the_table_refuses(current: Status, target: Status) -> None:
    with pytest.raises(TransitionError):
        apply(current, target, when=WHEN, reason="why", team="Team A", outcome=CloseOutcome.DIED)
    assert why_not(current, target) is not None


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_why_not_is_none_for_an_allowed_move(current: Status, target: Status) -> None:
    assert why_not(current, target) is None


def test_why_not_is_the_sentence_transition_refuses_with() -> None:
    refused = why_not(Status.RECORDED, Status.RESPONDED)
    with pytest.raises(TransitionError) as raised:
        transition(Status.RECORDED, Status.RESPONDED)
    assert refused == str(raised.value)


def test_allocation_is_to_a_team_or_a_named_professional_at_the_time_given() -> None:
    to_team = apply(Status.RECORDED, Status.ALLOCATED, when=WHEN, team="Team A")
    assert (to_team.team, to_team.staff_id, to_team.allocated_at) == ("Team A", None, WHEN)
    assert to_team.row_values() == {
        "allocated_at": WHEN,
        "status": "allocated",
        "status_reason": "",
    }
    # A named professional: their team is theirs, whatever team was also given.
    to_person = apply(Status.RECORDED, Status.ALLOCATED, when=WHEN, team="Team A", staff_id=7)
    assert (to_person.team, to_person.staff_id) == (None, 7)
    with pytest.raises(MoveError, match="team or a named professional"):
        apply(Status.RECORDED, Status.ALLOCATED, when=WHEN)
    with pytest.raises(MoveError):
        apply(Status.RECORDED, Status.ALLOCATED, when=WHEN, team="")


@pytest.mark.parametrize(
    ("due", "met"),
    [
        (None, True),
        (WHEN + timedelta(minutes=1), True),
        (WHEN, True),
        (WHEN - timedelta(seconds=1), False),
    ],
)
def test_a_first_response_is_met_against_the_time_given(due: datetime | None, met: bool) -> None:
    change = apply(Status.ALLOCATED, Status.RESPONDED, when=WHEN, due_at=due, reason="late: sick")
    assert change.responded_at == WHEN
    assert change.response_met is (due is None or not is_breached(WHEN, due))
    assert change.response_met is met
    # A reason is the breach's reason only when the response was late.
    assert change.breach_reason == (None if met else "late: sick")
    values = change.row_values()
    assert values["responded_at"] == WHEN
    assert values["response_met"] is met
    assert ("breach_reason" in values) is not met


def test_a_late_response_without_a_reason_leaves_the_breach_reason_alone() -> None:
    change = apply(Status.ALLOCATED, Status.RESPONDED, when=WHEN, due_at=WHEN - timedelta(hours=1))
    assert change.response_met is False
    assert change.breach_reason is None
    assert "breach_reason" not in change.row_values()


@pytest.mark.parametrize(("given", "stored"), [(None, None), ("  ", None), (" Sam ", "Sam")])
def test_who_responded_is_kept_trimmed(given: str | None, stored: str | None) -> None:
    change = apply(Status.ALLOCATED, Status.RESPONDED, when=WHEN, responded_by=given)
    assert change.responded_by == stored
    assert change.row_values()["responded_by"] == stored


def test_service_starts_at_the_time_given() -> None:
    change = apply(Status.RESPONDED, Status.IN_SERVICE, when=WHEN)
    assert change.row_values() == {
        "service_started_at": WHEN,
        "status": "in_service",
        "status_reason": "",
    }


@pytest.mark.parametrize("gp_updated", [None, False, True])
@pytest.mark.parametrize("current", [Status.RESPONDED, Status.IN_SERVICE])
def test_a_close_keeps_its_outcome_and_whether_the_gp_was_told(
    current: Status, gp_updated: bool | None
) -> None:
    change = apply(
        current, Status.CLOSED, when=WHEN, outcome=CloseOutcome.DIED, gp_updated=gp_updated
    )
    assert change.row_values() == {
        "close_outcome": CloseOutcome.DIED.value,
        "closed_at": WHEN,
        "gp_updated": bool(gp_updated),
        "status": "closed",
        "status_reason": "",
    }
    with pytest.raises(MoveError, match="outcome"):
        apply(current, Status.CLOSED, when=WHEN)


@pytest.mark.parametrize("target", [Status.CANCELLED, Status.REDIRECTED])
def test_cancelling_and_redirecting_need_a_reason_and_set_no_milestone(target: Status) -> None:
    with pytest.raises(TransitionError):
        apply(Status.RECORDED, target, when=WHEN, reason="  ")
    change = apply(Status.RECORDED, target, when=WHEN, reason="went to A&E")
    assert change.row_values() == {"status": target.value, "status_reason": "went to A&E"}
