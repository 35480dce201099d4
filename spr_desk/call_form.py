"""A call as the handler types it: every field as text, in the order of the conversation.

This is the draft saved on every key press (`to_dict` / `from_dict`), the source of the live
recommendation (`facts_so_far`), and, once complete, a `NewReferral` (`referral_from`). Checks
name the form's own fields, so a screen can show each message at its field.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

from spr_desk.facts import FieldError, TriageFacts, check_facts
from spr_desk.nhs_number import NhsNumberError, parse_nhs_number
from spr_desk.referral import (
    Decision,
    NewReferral,
    PatientDetails,
    RedirectedCall,
    ReferrerDetails,
)
from spr_desk.validation import (
    InputError,
    age_on,
    parse_date_of_birth,
    parse_phone,
    parse_postcode,
    plain_text,
)
from spr_desk.vocabulary import (
    Lead,
    Need,
    Pathway,
    RedFlag,
    ReferrerRole,
    Response,
    Setting,
    Urgency,
)

RECORDS_REVIEWED: dict[str, str] = {
    "gp_record": "GP record",
    "community_record": "Community health record",
    "social_care_record": "Social care record",
    "hospital_record": "Hospital record",
    "shared_care_record": "Shared care record",
}
"""The health and social care records the SPR reviews (reference 001:465)."""

RED_FLAG_QUESTIONS: dict[RedFlag, str] = {
    RedFlag.STROKE_SIGNS: "Stroke signs: face, arm, speech?",
    RedFlag.CHEST_PAIN: "Chest pain now?",
    RedFlag.SEVERE_BREATHLESSNESS: "Severely breathless at rest?",
    RedFlag.REDUCED_CONSCIOUSNESS: "Hard to wake, or newly confused?",
    RedFlag.SUSPECTED_SEPSIS: "Sepsis signs: very hot/cold, mottled?",
    RedFlag.MAJOR_BLEEDING: "Bleeding that will not stop?",
    RedFlag.SUSPECTED_FRACTURE: "After a fall: can't bear weight?",
}
"""The screening questions asked first, in the words a handler reads out."""


@dataclass
class CallForm:
    """Everything typed so far. Text stays as typed; checks happen on the way out."""

    started_at: str = ""
    # 1. red flags, asked first
    red_flags: list[str] = field(default_factory=list)
    red_flags_cleared: bool = False
    # 2. the caller
    referrer_name: str = ""
    referrer_role: str = ""
    referrer_organisation: str = ""
    referrer_phone: str = ""
    # 3. the patient
    nhs_number: str = ""
    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""
    address: str = ""
    postcode: str = ""
    gp_practice: str = ""
    lives_alone: str = ""
    access_notes: str = ""
    next_of_kin: str = ""
    # 4. the facts
    pathway: str = ""
    setting: str = ""
    needs: list[str] = field(default_factory=list)
    urgency: list[str] = field(default_factory=list)
    primary_need: str = ""
    bed_needed: bool = False
    home_from_hospital: bool = False
    community_bed_request: bool = False
    records_reviewed: list[str] = field(default_factory=list)
    locality: str = ""
    # 5. the decision
    chosen_response: str = ""
    chosen_lead: str = ""
    override_reason: str = ""
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def plain(self) -> CallForm:
        """A copy without control characters (a paste can carry a NUL, which PostgreSQL refuses
        in text, or terminal escapes); line breaks and tabs in the notes are kept."""
        return CallForm.from_dict(
            {
                name: [plain_text(item) for item in value]
                if isinstance(value, list)
                else plain_text(value)
                if isinstance(value, str)
                else value
                for name, value in self.to_dict().items()
            }
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CallForm:
        """A form from a saved draft; unknown keys and wrongly typed values are left out, so a
        draft from an older version still opens with everything it can keep."""
        form = cls()
        for spec in fields(cls):
            if spec.name not in data:
                continue
            value = data[spec.name]
            default = getattr(form, spec.name)
            if isinstance(default, list) and isinstance(value, list):
                setattr(form, spec.name, [str(item) for item in value])
            elif isinstance(default, bool) and isinstance(value, bool):
                setattr(form, spec.name, value)
            elif isinstance(default, str) and isinstance(value, str):
                setattr(form, spec.name, value)
        return form

    @property
    def is_emergency(self) -> bool:
        return bool(self.red_flags)

    def summary(self) -> str:
        """One line to recognise an unfinished call by: the patient and how far it got."""
        parts = [self.display_name()]
        if self.referrer_name:
            parts.append(f"caller {self.referrer_name}")
        if self.red_flags:
            parts.append("RED FLAG")
        return " · ".join(parts)

    def display_name(self) -> str:
        if not (self.family_name or self.given_name):
            return "(no name yet)"
        return f"{self.family_name.upper()}, {self.given_name}".strip(", ")


class FormErrors(ValueError):
    """The fields that stop a call being recorded: field name to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


def _members(enum: Any, values: list[str]) -> frozenset[Any]:
    return frozenset(enum(value) for value in values if value in enum._value2member_map_)


def typed_errors(form: CallForm, today: date) -> dict[str, str]:
    """Messages for what has been typed and cannot be right (an empty field is not an error yet)."""
    errors: dict[str, str] = {}
    checks: dict[str, Any] = {
        "nhs_number": parse_nhs_number,
        "postcode": parse_postcode,
        "referrer_phone": parse_phone,
        "date_of_birth": lambda text: parse_date_of_birth(text, today),
    }
    for name, check in checks.items():
        text = getattr(form, name).strip()
        if not text:
            continue
        try:
            check(text)
        except (NhsNumberError, InputError) as error:
            errors[name] = str(error)
    if form.primary_need and form.primary_need not in form.needs:
        errors["primary_need"] = "The primary need must be one of the needs ticked."
    return errors


REQUIRED: dict[str, str] = {
    "referrer_name": "Who is calling?",
    "referrer_role": "Choose the caller's role.",
    "referrer_phone": "A call-back number is needed.",
    "nhs_number": "The NHS number is needed (the caller can read it from the record).",
    "given_name": "The patient's first name is needed.",
    "family_name": "The patient's last name is needed.",
    "date_of_birth": "The date of birth is needed.",
    "address": "Where is the person to be seen?",
    "postcode": "The postcode is needed.",
    "gp_practice": "The GP practice is needed (the GP stays accountable).",
    "pathway": "Step-up or step-down?",
    "setting": "Where is the person now?",
}


def facts_so_far(form: CallForm) -> TriageFacts | None:
    """The facts as far as they go, for the live recommendation; None until there are enough."""
    try:
        pathway, setting = Pathway(form.pathway), Setting(form.setting)
    except ValueError:
        return None
    facts = TriageFacts(
        pathway=pathway,
        setting=setting,
        age=None,
        red_flags=_members(RedFlag, form.red_flags),
        needs=_members(Need, form.needs),
        urgency=_members(Urgency, form.urgency),
        primary_need=(
            Need(form.primary_need)
            if form.primary_need in form.needs and form.primary_need in Need._value2member_map_
            else None
        ),
        bed_needed=form.bed_needed,
    )
    try:
        check_facts(facts)
    except FieldError:
        return None
    return facts


def with_age(facts: TriageFacts, form: CallForm, today: date) -> TriageFacts:
    """The facts with the age from the date of birth, when it has been typed correctly."""
    try:
        born = parse_date_of_birth(form.date_of_birth, today)
    except InputError:
        return facts
    return TriageFacts(
        pathway=facts.pathway,
        setting=facts.setting,
        age=age_on(born, today),
        red_flags=facts.red_flags,
        needs=facts.needs,
        urgency=facts.urgency,
        primary_need=facts.primary_need,
        bed_needed=facts.bed_needed,
    )


def missing_for_record(form: CallForm, today: date) -> dict[str, str]:
    """Everything that stops this call being recorded, by field (as it will be recorded)."""
    return _missing(form.plain(), today)


def _missing(form: CallForm, today: date) -> dict[str, str]:
    """`missing_for_record` of a form already made `plain`."""
    errors = {
        name: message for name, message in REQUIRED.items() if not getattr(form, name).strip()
    }
    errors.update(typed_errors(form, today))
    if not form.red_flags_cleared and not form.red_flags:
        errors["red_flags"] = "Ask the red-flag questions first, then confirm none applies."
    if not _members(Need, form.needs):
        errors["needs"] = "Tick at least one need."
    if form.referrer_role and form.referrer_role not in ReferrerRole._value2member_map_:
        errors["referrer_role"] = "Choose the caller's role."
    # A word outside the vocabulary (from an old draft) must stop the record here, not fail later.
    for name, enum, message in (
        ("pathway", Pathway, REQUIRED["pathway"]),
        ("setting", Setting, REQUIRED["setting"]),
        ("chosen_response", Response, "Choose a response from the matrix."),
        ("chosen_lead", Lead, "Choose a lead from the matrix."),
    ):
        value = getattr(form, name)
        if value and value not in enum._value2member_map_:
            errors[name] = message
    return errors


def referral_from(form: CallForm, received_at: datetime, today: date) -> NewReferral:
    """The complete call as a referral to record.

    Raises:
        FormErrors: every field that is missing or wrong, each with its message.
    """
    form = form.plain()
    errors = _missing(form, today)
    if errors:
        raise FormErrors(errors)
    facts = facts_so_far(form)
    assert facts is not None  # pathway, setting and a need are all present: checked above
    decision = None
    if form.chosen_response and form.chosen_lead:
        decision = Decision(
            Response(form.chosen_response), Lead(form.chosen_lead), form.override_reason
        )
    return NewReferral(
        received_at=received_at,
        referrer=referrer_of(form),
        patient=PatientDetails(
            nhs_number=parse_nhs_number(form.nhs_number),
            given_name=form.given_name.strip(),
            family_name=form.family_name.strip(),
            date_of_birth=parse_date_of_birth(form.date_of_birth, today),
            address=form.address.strip(),
            postcode=parse_postcode(form.postcode),
            gp_practice=form.gp_practice.strip(),
            lives_alone={"yes": True, "no": False}.get(form.lives_alone),
            access_notes=form.access_notes.strip(),
            next_of_kin=form.next_of_kin.strip(),
        ),
        facts=with_age(facts, form, today),
        decision=decision,
        notes=form.notes.strip(),
        locality=form.locality or None,
        # Home from Hospital supports a discharge; a community bed is a step-up request.
        home_from_hospital=form.home_from_hospital and facts.pathway is Pathway.STEP_DOWN,
        community_bed_request=form.community_bed_request and facts.pathway is Pathway.STEP_UP,
        records_reviewed=tuple(key for key in form.records_reviewed if key in RECORDS_REVIEWED),
        call_record=form.to_dict(),
    )


def redirected_from(form: CallForm, received_at: datetime, today: date) -> RedirectedCall:
    """A call with a red flag, as far as it went, to record as redirected."""
    form = form.plain()
    return RedirectedCall(
        received_at=received_at,
        red_flags=_members(RedFlag, form.red_flags),
        referrer=referrer_of(form) if form.referrer_name.strip() else None,
        patient=patient_if_known(form, today),
        call_record=form.to_dict(),
        notes=form.notes.strip(),
    )


def referrer_of(form: CallForm) -> ReferrerDetails:
    role = form.referrer_role if form.referrer_role in ReferrerRole._value2member_map_ else "other"
    try:
        phone = parse_phone(form.referrer_phone)
    except InputError:
        phone = form.referrer_phone.strip()
    return ReferrerDetails(
        name=form.referrer_name.strip(),
        role=ReferrerRole(role),
        organisation=form.referrer_organisation.strip(),
        phone=phone,
    )


def patient_if_known(form: CallForm, today: date) -> PatientDetails | None:
    """The patient for a call that ends early (a red flag): only when the NHS number and the
    names are there and right; otherwise what was typed stays in the call record alone."""
    try:
        nhs = parse_nhs_number(form.nhs_number)
    except NhsNumberError:
        return None
    if not (form.given_name.strip() and form.family_name.strip()):
        return None
    try:
        born: date | None = parse_date_of_birth(form.date_of_birth, today)
    except InputError:
        born = None
    return PatientDetails(
        nhs_number=nhs,
        given_name=form.given_name.strip(),
        family_name=form.family_name.strip(),
        date_of_birth=born,
    )
