"""The referral lifecycle: the transition table, reasons, and the lead change in service."""

from __future__ import annotations

from itertools import product

import pytest

from spr_desk.lifecycle import (
    AWAITING_RESPONSE,
    OPEN_STATUSES,
    TRANSITIONS,
    LeadChange,
    LeadChangeError,
    TransitionError,
    can_transition,
    change_lead,
    transition,
)
from spr_desk.vocabulary import Lead, Status, label

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
and cancelled."""


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
        Status.RECORDED,
        Status.ALLOCATED,
        Status.RESPONDED,
        Status.IN_SERVICE,
    } == OPEN_STATUSES
    assert {Status.RECORDED, Status.ALLOCATED} == AWAITING_RESPONSE


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
