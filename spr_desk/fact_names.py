"""One name for each fact a call gathers, used wherever the fact is shown: the call form's
labels, the read-back, the referral view and the handover. A fact read as "First name" on the
form is never "given name" somewhere else."""

from __future__ import annotations

FACT_NAMES: dict[str, str] = {
    "red_flags": "Red flags",
    "advice": "Said to the caller",
    "referrer_name": "Caller",
    "referrer_role": "Caller's role",
    "referrer_organisation": "Organisation",
    "referrer_phone": "Call-back number",
    "nhs_number": "NHS number",
    "nhs_number_status": "NHS number checked",
    "given_name": "First name",
    "family_name": "Last name",
    "date_of_birth": "Date of birth",
    "address": "Address",
    "postcode": "Postcode",
    "gp_practice": "GP practice",
    "lives_alone": "Lives alone",
    "access_notes": "Access",
    "next_of_kin": "Next of kin",
    "pathway": "Pathway",
    "setting": "Where now",
    "needs": "Needs",
    "urgency": "Urgency",
    "primary_need": "Primary need",
    "bed_needed": "Bed needed",
    "home_from_hospital": "Home from Hospital",
    "community_bed_request": "Community step-up bed",
    "records_reviewed": "Records reviewed",
    "locality": "Locality",
    "notes": "Notes",
    "matrix": "Matrix says",
    "agreed": "Agreed",
    "override_reason": "Why a different cell",
    "ucr_condition": "UCR condition (2-hour)",
    "ucr_not_reason": "Why not UCR",
    "due": "Due by",
    "paper_reference": "Sheet reference",
    "paper_received_at": "Received (written on the sheet)",
    "paper_taken_by": "Taken on paper by",
    "bars_reference": "Sent by 999 as",
    "bars_received_at": "Received (sent by 999)",
}
"""Fact (the call form's field name) -> the words for it on every screen and export."""


def fact_name(fact: str) -> str:
    """The name of a fact; a fact without one reads as its field name in words."""
    return FACT_NAMES.get(fact, fact.replace("_", " ").capitalize())
