"""The call's own rules, apart from the screen that shows them: which answers move the matrix,
the recommendation and due time of a form, what stops it being recorded, and the open-referral
warning. Pure, so each is tested without a screen (tests/domain/test_call.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from spr_desk.call_form import CallForm, facts_so_far, missing_for_record, with_age
from spr_desk.due import due_at
from spr_desk.matrix import Availability, Cell, Recommendation, emergency_advice, recommend
from spr_desk.rules import Rules
from spr_desk.vocabulary import Lead, RedFlag, Response

if TYPE_CHECKING:
    from spr_desk.desk_api import PatientHistory

MOVES_MATRIX: frozenset[str] = frozenset(
    {
        "pathway",
        "setting",
        "needs",
        "urgency",
        "primary_need",
        "bed_needed",
        "date_of_birth",
        "red_flags",
    }
)
"""Answers that move the matrix: a change clears any cell chosen before it."""

OVERRIDE_NEEDS_REASON = "A different cell needs a reason."


def chosen_cell(form: CallForm) -> Cell | None:
    """The cell the handler chose over the recommendation, if any."""
    try:
        return (Response(form.chosen_response), Lead(form.chosen_lead))
    except ValueError:  # nothing chosen yet (or a draft from an older version)
        return None


def recommendation_for(
    form: CallForm,
    availability: Availability,
    rules: Rules,
    received_at: datetime,
    today: date,
) -> Recommendation | None:
    """The live recommendation: emergency advice for a 999 call, none until the facts are
    enough, else the matrix for the facts so far (with the age on `today`)."""
    if form.is_emergency:
        return emergency_advice(frozenset(RedFlag(f) for f in form.red_flags), False, rules)
    facts = facts_so_far(form)
    if facts is None:
        return None
    return recommend(with_age(facts, form, today), availability, received_at, rules)


def due_for(
    form: CallForm,
    recommendation: Recommendation | None,
    received_at: datetime,
    rules: Rules,
) -> datetime | None:
    """The due time of the cell chosen, else of the recommendation (the rules' arithmetic)."""
    chosen = chosen_cell(form)
    if chosen is not None:
        return due_at(received_at, chosen[0], rules.due_hours)
    return recommendation.due_at if recommendation else None


def blocking(form: CallForm, recommendation: Recommendation | None, today: date) -> dict[str, str]:
    """What stops the call being recorded, by field: what is missing, and a cell chosen over the
    recommendation without a reason."""
    errors = missing_for_record(form, today)
    chosen = chosen_cell(form)
    if (
        chosen is not None
        and recommendation is not None
        and chosen != recommendation.cell
        and not form.override_reason.strip()
    ):
        errors["override_reason"] = OVERRIDE_NEEDS_REASON
    return errors


def _open_references(history: PatientHistory | None) -> str | None:
    if history is None or not history.open_referrals:
        return None
    return ", ".join(r.reference for r in history.open_referrals)


def open_referral_banner(history: PatientHistory | None) -> str | None:
    """The first line of the known-patient banner when the patient has a referral open."""
    refs = _open_references(history)
    if refs is None:
        return None
    return f"⚠ OPEN REFERRAL {refs}: may be known to a service. Check before a second one."


def open_referral_warning(history: PatientHistory | None) -> str | None:
    """The confirm step's warning when the patient has a referral open."""
    refs = _open_references(history)
    if refs is None:
        return None
    return (
        f"⚠ This patient has an open referral ({refs}): they may be known to a service. "
        "Record a second referral only if the team agrees."
    )
