"""The end-of-episode update as a clinician writes it to the patient's GP: plain paragraphs.

Who referred and when, what was found, what was done, how it ended and what the practice is
asked to do, from the desk's record of one referral. The PRSB's finding stands behind the
wording: a summary of triage decision points reads poorly, so nothing here repeats the matrix's
reasons or names a rule; every enum is said in words. A stored value no longer in the vocabulary
is left out rather than shown raw. Pure: the handler may edit the draft before it is sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from spr_desk.call_form import RECORDS_REVIEWED
from spr_desk.desk_api import NoteRow, ReferralDetail
from spr_desk.referral import PatientDetails, ReferrerDetails
from spr_desk.uktime import as_local
from spr_desk.vocabulary import (
    CloseOutcome,
    Lead,
    Need,
    NoteKind,
    Outcome,
    Pathway,
    RedFlag,
    ReferrerRole,
    Response,
    Setting,
    Source,
    Status,
    Urgency,
    label,
    no_nhs_number_words,
)

E = TypeVar("E", bound=StrEnum)

DESK = "the Single Point of Referral"
NO_FURTHER_ACTION = "No action needed beyond your usual care."
NOTES_SHOWN = 6
"""The latest notes the update quotes; any earlier ones are counted, and kept at the desk."""
NOTE_CHARS = 400
"""A longer note is cut here (with `…`): the update summarises, the record keeps it whole."""

_SETTING_WORDS: dict[Setting, str] = {
    Setting.HOME: "at home",
    Setting.CARE_HOME: "in a care home",
    Setting.HOSPITAL_WARD: "on a hospital ward",
    Setting.EMERGENCY_DEPARTMENT: "in A&E",
    Setting.OTHER: "away from home",
}

_URGENCY_WORDS: dict[Urgency, str] = {
    Urgency.ADMISSION_RISK_WITHIN_HOURS: "the patient was at risk of a hospital admission within "
    "hours",
    Urgency.UNSAFE_ALONE_TONIGHT: "the patient was alone and could not manage that night",
    Urgency.CARER_BREAKDOWN_NOW: "the patient's carer could no longer cope",
    Urgency.CREW_ON_SCENE: "an ambulance crew was with the patient, waiting for us",
    Urgency.DISCHARGE_TODAY: "the patient was to leave hospital that day",
    Urgency.DETERIORATING: "the patient was getting worse",
    Urgency.NEW_NEED_WITHIN_DAY: "there was a new need to meet within a day",
    Urgency.DISCHARGE_TOMORROW: "the patient was to leave hospital the next day",
}

_LEAD_WORDS: dict[Lead, str] = {
    Lead.NURSE: "a community nurse",
    Lead.THERAPIST: "a therapist",
    Lead.SOCIAL_CARE: "social care",
}

_OUTCOME_WORDS: dict[CloseOutcome, str] = {
    CloseOutcome.NO_FURTHER_SERVICES: "the patient needed no further services from us",
    CloseOutcome.ONGOING_CARE_ARRANGED: "ongoing care was arranged",
    CloseOutcome.ADMITTED_TO_HOSPITAL: "the patient was admitted to hospital",
    CloseOutcome.BED_BASED_CARE: "the patient moved to bed-based care",
    CloseOutcome.DECLINED: "the patient declined our service",
    CloseOutcome.DIED: "sadly, the patient died",
    CloseOutcome.OTHER: "it ended for a reason not listed",
}

_ACTION_WORDS: dict[CloseOutcome, str] = {
    CloseOutcome.NO_FURTHER_SERVICES: NO_FURTHER_ACTION,
    CloseOutcome.ONGOING_CARE_ARRANGED: NO_FURTHER_ACTION
    + " The team providing the ongoing care will contact you if anything changes.",
    CloseOutcome.ADMITTED_TO_HOSPITAL: "Please review {name} within 2 working days of discharge "
    "from hospital; the hospital will send you its discharge summary.",
    CloseOutcome.BED_BASED_CARE: "Please review {name} within 5 working days of the return home "
    "from bed-based care.",
    CloseOutcome.DECLINED: "Please review {name} within 2 working days: the needs described above "
    "may not have been met.",
    CloseOutcome.DIED: "Please record the death; no clinical review is needed from us.",
    CloseOutcome.OTHER: "Please review {name} within 5 working days, in the light of the note "
    "above.",
}


def update_title(detail: ReferralDetail) -> str:
    """`SPR end-of-episode update: Vera Turner, SPR-2026-000010`."""
    return f"SPR end-of-episode update: {_name(detail.patient)}, {detail.summary.reference}"


def draft_update(detail: ReferralDetail, *, now: datetime) -> str:
    """The update for the patient's GP practice, paragraphs split by blank lines.

    Args:
        detail: the referral as the desk holds it.
        now: when it is drafted; an episode still open at `now` gets an interim update.
    """
    paragraphs = [
        _opening(detail),
        _greeting(detail.patient),
        _referral(detail),
        _findings(detail),
        _done(detail),
        _outcome(detail, now),
        _action(detail),
        _notes(detail.notes_added),
        _sign_off(detail),
    ]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph) + "\n"


# ---- The paragraphs, in order


def _opening(detail: ReferralDetail) -> str:
    patient = detail.patient
    reference = f"Single Point of Referral reference {detail.summary.reference}."
    if patient is None:
        return f"Patient: not recorded (the call ended before the details were taken). {reference}"
    dob = patient.date_of_birth
    born = f"born {_date(dob)}" if dob else "date of birth not known"
    return f"Patient: {_clean(patient.display_name)}, {born}, {_nhs_number(detail)}. {reference}"


def _greeting(patient: PatientDetails | None) -> str:
    practice = _clean(patient.gp_practice) if patient else ""
    return f"Dear colleagues at {practice}," if practice else "Dear colleagues,"


def _referral(detail: ReferralDetail) -> str:
    received = _when(detail.summary.received_at)
    name = _name(detail.patient)
    how = f"referred {name} to {DESK} at {received}"
    source = _member(Source, detail.source)
    if source is Source.BARS_999:
        sentence = f"The 999 ambulance service {how}, electronically."
    elif detail.referrer is not None:
        sentence = f"{_referrer(detail.referrer, detail.patient)} {how}."
    else:
        sentence = f"{name[0].upper()}{name[1:]} was referred to {DESK} at {received}."
    if detail.paper_entered_at is not None:
        sentence += " The call was taken on paper while our system was down, and entered later."
    if detail.imported_from:
        sentence += f" It was handed to us by the {_clean(detail.imported_from)} desk."
    return sentence


def _findings(detail: ReferralDetail) -> str:
    outcome = _member(Outcome, detail.summary.rec_outcome)
    if outcome is Outcome.EMERGENCY:
        flags = _listed(_labels(RedFlag, detail.red_flags))
        described = f"the caller described {flags}, so " if flags else ""
        return (
            f"This was not a call for community services: {described}we advised the caller to "
            "ring 999 or take the patient to A&E straight away."
        )
    if outcome is Outcome.REDIRECT:
        age = detail.facts.get("age")
        who = f"The patient is {age}" if isinstance(age, int) else "The patient is a child"
        return f"{who}, so we directed the caller to children's services; ours is for adults."
    sentences = [_setting_and_aim(detail)]
    needs = _labels(Need, detail.facts.get("needs") or ())
    if needs:
        found = "The needs we found were" if len(needs) > 1 else "The need we found was"
        sentence = f"{found} {_listed(needs)}"
        primary = _member(Need, detail.facts.get("primary_need"))
        if primary is not None and len(needs) > 1:
            sentence += f", chiefly {label(primary)}"
        sentences.append(sentence + ".")
    urgency = [
        _URGENCY_WORDS.get(member, label(member))
        for member in _members(Urgency, detail.facts.get("urgency") or ())
    ]
    if urgency:
        sentences.append(f"We were told that {_listed(urgency)}.")
    if detail.bed_needed:
        sentences.append(
            "We judged that the patient could not stay safely at home even with visits."
        )
    if detail.community_bed_request:
        sentences.append("A community step-up bed was asked for.")
    if detail.home_from_hospital:
        sentences.append("The Home from Hospital service was asked to help.")
    records = [_record_words(key) for key in detail.records_reviewed if key in RECORDS_REVIEWED]
    if records:
        sentences.append(f"We looked at the {_listed(records)}.")
    if detail.notes.strip():
        sentences.append(f"From the call: {_clipped(detail.notes)}")
    return " ".join(sentences)


def _done(detail: ReferralDetail) -> str:
    summary = detail.summary
    if summary.status is Status.REDIRECTED:
        return "We did not arrange a community response."
    response = _member(Response, summary.response)
    lead = _member(Lead, summary.lead)
    sentences = []
    if response is not None:
        arranged = f"We arranged a {label(response)} response"
        if lead is not None:
            arranged += f", led by {_LEAD_WORDS[lead]}"
        if summary.due_at is not None:
            arranged += f", with a first visit due by {_when(summary.due_at)}"
        sentences.append(arranged + ".")
    if summary.allocated_team:
        taken = f"{_clean(summary.allocated_team)} took the referral on"
        at = f" at {_when(summary.allocated_at)}" if summary.allocated_at else ""
        sentences.append(f"{taken}{at}.")
    if summary.responded_at is not None:
        contact = f"First contact with the patient was at {_when(summary.responded_at)}"
        if summary.responded_by:
            contact += f", by {_clean(summary.responded_by)}"
        if summary.response_met is False:
            contact += ", later than the time we aimed for"
        sentences.append(contact + ".")
    elif summary.status is not Status.CANCELLED:
        sentences.append("No first contact is recorded.")
    if summary.service_started_at is not None:
        sentences.append(f"Our service started at {_when(summary.service_started_at)}.")
    return " ".join(sentences)


def _outcome(detail: ReferralDetail, now: datetime) -> str:
    summary = detail.summary
    if summary.status is Status.REDIRECTED:
        return "The call was closed at our desk when it was taken."
    if summary.status is Status.CANCELLED:
        why = f": {_clipped(summary.status_reason)}" if summary.status_reason.strip() else "."
        return f"The referral was cancelled{why}"
    if summary.status is not Status.CLOSED:
        return f"The episode is still open at {_when(now)}: this is an interim update."
    outcome = _member(CloseOutcome, summary.close_outcome)
    words = _OUTCOME_WORDS[outcome] if outcome else "the outcome was not recorded"
    closed = f" at {_when(summary.closed_at)}" if summary.closed_at else ""
    sentence = f"We closed the episode{closed}: {words}."
    if summary.status_reason.strip():
        sentence += f" The closing note says: {_clipped(summary.status_reason)}"
    return sentence


def _action(detail: ReferralDetail) -> str:
    summary = detail.summary
    name = _name(detail.patient)
    if summary.status is Status.REDIRECTED:
        if _member(Outcome, summary.rec_outcome) is Outcome.REDIRECT:
            return f"Please check within 1 working day that children's services have seen {name}."
        return (
            f"Please review {name} within 1 working day: check whether they went to A&E or were "
            "admitted, and follow up."
        )
    if summary.status is Status.CANCELLED:
        return NO_FURTHER_ACTION
    if summary.status is not Status.CLOSED:
        return "No action is needed yet: we will write again when the episode ends."
    outcome = _member(CloseOutcome, summary.close_outcome)
    if outcome is None:
        return f"Please review {name} within 5 working days."
    return _ACTION_WORDS[outcome].format(name=name)


def _notes(notes: Iterable[NoteRow]) -> str:
    rows = list(notes)
    if not rows:
        return ""
    shown = rows[-NOTES_SHOWN:]
    said = [_note(row) for row in shown]
    earlier = len(rows) - len(shown)
    if earlier:
        said.insert(
            0, f"({earlier} earlier {'note is' if earlier == 1 else 'notes are'} kept at our desk.)"
        )
    return "Notes from the episode: " + " ".join(said)


def _sign_off(detail: ReferralDetail) -> str:
    # a referral sent over BaRS was not taken by anyone at the desk
    taker = "" if _member(Source, detail.source) else _clean(detail.taken_by)
    taken = f"; the call was taken by {taker}" if taker else ""
    return (
        f"Drafted by the Single Point of Referral desk{taken}. All times are UK time. If anything "
        "here is wrong, please tell us, quoting our reference."
    )


# ---- Pieces


def _referrer(referrer: ReferrerDetails, patient: PatientDetails | None) -> str:
    role_member = _member(ReferrerRole, referrer.role)
    role = label(role_member) if role_member else "caller"
    organisation = _clean(referrer.organisation)
    practice = _clean(patient.gp_practice) if patient else ""
    who = _clean(referrer.name) or "A caller"
    if organisation and organisation.casefold() == practice.casefold():
        return f"{who} ({role}) from your practice"
    return f"{who} ({role}, {organisation})" if organisation else f"{who} ({role})"


def _setting_and_aim(detail: ReferralDetail) -> str:
    setting = _member(Setting, detail.setting)
    where = (
        f"The patient was {_SETTING_WORDS[setting]}" if setting else "We spoke about the patient"
    )
    pathway = _member(Pathway, detail.pathway)
    if pathway is Pathway.STEP_UP:
        return f"{where}, and the aim was to avoid a hospital admission."
    if pathway is Pathway.STEP_DOWN:
        return f"{where}, and the aim was to support the discharge from hospital."
    return f"{where}."


def _note(row: NoteRow) -> str:
    kind = _member(NoteKind, row.kind)
    what = f"a {label(kind)}" if kind else "a note"
    caller = f" with {_clean(row.caller)}" if row.caller.strip() else ""
    return (
        f"At {_when(row.at)}, {_clean(row.by) or 'the desk'} recorded {what}{caller}: "
        + _clipped(row.text)
    )


def _nhs_number(detail: ReferralDetail) -> str:
    digits = detail.patient.nhs_number if detail.patient else ""
    if len(digits) == 10 and digits.isdigit():
        return f"NHS number {digits[:3]} {digits[3:6]} {digits[6:]}"
    known = no_nhs_number_words(detail.nhs_unavailable_reason)
    return f"NHS number {known}{', being traced' if detail.to_trace else ''}"


def _name(patient: PatientDetails | None) -> str:
    if patient is None:
        return "the patient"
    return _clean(f"{patient.given_name} {patient.family_name}") or "the patient"


def _record_words(key: str) -> str:
    words = RECORDS_REVIEWED[key]
    return words if words.startswith("GP") else words[0].lower() + words[1:]


def _member(enum: type[E], value: object) -> E | None:
    """The vocabulary member stored as `value`, or None (an old or unknown value is left out)."""
    if isinstance(value, enum):
        return value
    try:
        return enum(str(value)) if value is not None else None
    except ValueError:
        return None


def _members(enum: type[E], values: Iterable[object]) -> list[E]:
    """The members stored in `values`, each once, in the vocabulary's order (clinical needs
    first, as the triage form lists them)."""
    found = {_member(enum, value) for value in values}
    return [member for member in enum if member in found]


def _labels(enum: type[E], values: Iterable[object]) -> list[str]:
    return [label(member) for member in _members(enum, values)]


def _listed(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _clean(text: str) -> str:
    """Typed text on one line: a blank line in a note must not start a paragraph of the update."""
    return re.sub(r"\s+", " ", text).strip()


def _clipped(text: str) -> str:
    """A typed note, on one line, cut at `NOTE_CHARS`, ending as a sentence ends."""
    cleaned = _clean(text)
    if len(cleaned) > NOTE_CHARS:
        cleaned = cleaned[: NOTE_CHARS - 1].rstrip() + "…"
    return cleaned if cleaned.endswith((".", "!", "?", "…")) else cleaned + "."


def _when(moment: datetime) -> str:
    """`15:01 on Mon 16 Nov 2026`, on the UK wall clock."""
    local = as_local(moment)
    return f"{local:%H:%M} on {local:%a} {local.day} {local:%b %Y}"


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
