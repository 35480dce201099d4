"""A referral as the desk records it: the call's details, the recommendation and the choice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from spr_desk.facts import FieldError, TriageFacts
from spr_desk.matrix import Recommendation
from spr_desk.vocabulary import (
    Lead,
    NhsNumberStatus,
    NhsNumberUnavailable,
    Outcome,
    RedFlag,
    ReferrerRole,
    Response,
    Status,
    UcrCondition,
    label,
)


def holder_name(staff: str | None, team: str | None) -> str:
    """Who holds a referral: `Name (team)` for a named professional, else the team; empty when
    it is not allocated."""
    return f"{staff} ({team})" if staff and team else (staff or team or "")


@dataclass(frozen=True, slots=True)
class ReferrerDetails:
    name: str
    role: ReferrerRole
    organisation: str = ""
    phone: str = ""


def patient_name(family: str | None, given: str | None) -> str:
    """`EXAMPLE, Ethel`, as the queue and the handover list a patient read from the database;
    empty when no family name is on record (a call that ended at the red flags)."""
    return f"{(family or '').upper()}, {given or ''}" if family else ""


def name_to_fit(name: str, width: int) -> str:
    """A listed name (`EXAMPLE, Ethel`) in `width` characters without cutting a word: the given
    names become initials (`EXAMPLE, E.`), then go (`EXAMPLE`); only a family name longer than
    the width itself is cut, and then it says so with `…`."""
    if len(name) <= width:
        return name
    family, _, given = name.partition(", ")
    initials = " ".join(f"{part[0]}." for part in given.split())
    for shorter in (f"{family}, {initials}" if initials else "", family):
        if shorter and len(shorter) <= width:
            return shorter
    return family[: max(width - 1, 0)] + "…"


@dataclass(frozen=True, slots=True)
class PatientDetails:
    nhs_number: str
    """Ten digits; empty when not known (the referral then says why, and is to be traced)."""
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    address: str = ""
    postcode: str = ""
    gp_practice: str = ""
    lives_alone: bool | None = None
    access_notes: str = ""
    next_of_kin: str = ""
    is_test_data: bool = False

    @property
    def display_name(self) -> str:
        return patient_name(self.family_name, self.given_name) or self.given_name


@dataclass(frozen=True, slots=True)
class Decision:
    """The cell the handler agreed with the caller, and why when it differs from the matrix."""

    response: Response | None
    lead: Lead | None
    override_reason: str = ""

    @property
    def is_override(self) -> bool:
        return bool(self.override_reason)


@dataclass(frozen=True, slots=True)
class NewReferral:
    """Everything a call gathered, ready to record."""

    received_at: datetime
    referrer: ReferrerDetails
    patient: PatientDetails
    facts: TriageFacts
    decision: Decision | None = None
    notes: str = ""
    locality: str | None = None
    is_demo: bool = False
    home_from_hospital: bool = False
    community_bed_request: bool = False
    records_reviewed: tuple[str, ...] = ()
    call_record: dict[str, Any] | None = None
    """The whole call as typed (the draft at the moment of recording)."""
    nhs_number_status: NhsNumberStatus = NhsNumberStatus.PRESENT_NOT_TRACED
    nhs_number_unavailable: NhsNumberUnavailable | None = None
    """Why there is no NHS number (the patient's is then empty): the referral is to be traced."""
    caller_answers: tuple[tuple[str, str], ...] = ()
    """What only this kind of caller was asked: (question key, answer), in the asking order."""
    ucr_condition: UcrCondition | None = None
    """The 2-hour UCR condition (or not UCR) asked in the call; kept only on a Rapid response."""
    ucr_not_reason: str = ""
    """Why a Rapid response is not UCR (with `UcrCondition.NOT_UCR`)."""


@dataclass(frozen=True, slots=True)
class RedirectedCall:
    """A call that ended at the red-flag questions: advised 999 / A&E, still recorded."""

    received_at: datetime
    red_flags: frozenset[RedFlag]
    referrer: ReferrerDetails | None
    patient: PatientDetails | None
    call_record: dict[str, Any]
    notes: str = ""
    advice: str = ""
    """The words said to the caller (advise 999 / A&E)."""


def decide(
    recommendation: Recommendation,
    response: Response | None = None,
    lead: Lead | None = None,
    override_reason: str = "",
) -> Decision:
    """Accept the recommendation (no cell given) or choose another cell, which needs a reason.

    Raises:
        FieldError: a different cell without a reason, a cell chosen for an emergency or
            redirect, or half a cell.
    """
    if response is None and lead is None:
        return Decision(recommendation.response, recommendation.lead)
    if response is None or lead is None:
        raise FieldError("decision", "choose both a response and a lead")
    if recommendation.outcome in (Outcome.EMERGENCY, Outcome.REDIRECT):
        raise FieldError(
            "decision", f"this call is an {recommendation.outcome.value}: no matrix cell applies"
        )
    if (response, lead) == recommendation.cell:
        return Decision(response, lead)
    if not override_reason.strip():
        raise FieldError(
            "override_reason",
            f"say why {label(response)} / {label(lead)} instead of the recommended cell",
        )
    return Decision(response, lead, override_reason.strip())


def initial_status(recommendation: Recommendation) -> Status:
    """Emergencies and redirects are still recorded, as redirected; everything else is open."""
    if recommendation.outcome in (Outcome.EMERGENCY, Outcome.REDIRECT):
        return Status.REDIRECTED
    return Status.RECORDED
