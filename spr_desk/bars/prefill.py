"""The call form for triaging a referral a 999 service sent: what the sender gave, typed in
for the handler, who completes the desk's own facts (needs, urgency, lead) and decides."""

from __future__ import annotations

from datetime import datetime

from spr_desk.call_form import NOT_TRACED, VERIFIED, CallForm
from spr_desk.desk_api import ReferralDetail
from spr_desk.vocabulary import NhsNumberStatus, NhsNumberUnavailable, Pathway, ReferrerRole

NOTES_LIMIT = 4000


def triage_form(detail: ReferralDetail, *, now: datetime) -> CallForm:
    """A form filled from `detail` (a referral sent by 999, not yet triaged), its clock
    started `now`; the red-flag questions are still to ask."""
    form = CallForm(
        started_at=now.isoformat(),
        bars_reference=detail.summary.reference,
        bars_received_at=detail.summary.received_at.isoformat(),
        referrer_role=ReferrerRole.AMBULANCE_CREW.value,
        pathway=Pathway.STEP_UP.value,  # a 999 crew on scene: avoiding an admission
    )
    if detail.referrer is not None:
        form.referrer_name = detail.referrer.name
        form.referrer_organisation = detail.referrer.organisation
        form.referrer_phone = detail.referrer.phone
    patient = detail.patient
    if patient is not None:
        form.nhs_number = patient.nhs_number
        form.given_name = patient.given_name
        form.family_name = patient.family_name
        if patient.date_of_birth is not None:
            form.date_of_birth = patient.date_of_birth.strftime("%d/%m/%Y")
        form.address = patient.address
        form.postcode = patient.postcode
        form.gp_practice = patient.gp_practice
    if patient is not None and patient.nhs_number:
        verified = detail.nhs_number_status == NhsNumberStatus.PRESENT_AND_VERIFIED.value
        form.nhs_number_status = VERIFIED if verified else NOT_TRACED
    else:
        form.nhs_number_status = NhsNumberUnavailable.NOT_KNOWN.value
    if detail.bars is not None:
        form.notes = sent_notes(detail)
    return form


def sent_notes(detail: ReferralDetail) -> str:
    """What the sender said, as the call's notes (kept with the recorded referral)."""
    assert detail.bars is not None
    sent = detail.bars.sent
    lines = [f"Sent by {sent.sender or '999'} over BaRS, {sent.triaged_with}."]
    lines.append(f"Chief concern: {sent.chief_concern}")
    if sent.narrative:
        lines.append(sent.narrative)
    lines.extend(sent.warnings)
    return "\n".join(lines)[:NOTES_LIMIT]
