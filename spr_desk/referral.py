"""A referral as the desk records it: the call's details, the recommendation and the choice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from spr_desk.facts import FieldError, TriageFacts
from spr_desk.matrix import Recommendation
from spr_desk.vocabulary import Lead, Outcome, ReferrerRole, Response, Status, label


@dataclass(frozen=True, slots=True)
class ReferrerDetails:
    name: str
    role: ReferrerRole
    organisation: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class PatientDetails:
    nhs_number: str
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
        return f"{self.family_name.upper()}, {self.given_name}"


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
    extras: dict[str, object] = field(default_factory=dict)


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
