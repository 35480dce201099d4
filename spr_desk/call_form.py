"""A call as the handler types it: every field as text, in the order of the conversation.

This is the draft saved on every key press (`to_dict` / `from_dict`), the source of the live
recommendation (`facts_so_far`), and, once complete, a `NewReferral` (`referral_from`). Checks
name the form's own fields, so a screen can show each message at its field.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

from spr_desk.caller_questions import answer_errors, caller_questions, recorded_answers
from spr_desk.downtime.paper import PaperEntry
from spr_desk.facts import FieldError, TriageFacts, check_facts
from spr_desk.nhs_number import NhsNumberError, parse_nhs_number, range_notice
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
    NhsNumberStatus,
    NhsNumberUnavailable,
    Pathway,
    RedFlag,
    ReferrerRole,
    Response,
    Setting,
    UcrCondition,
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
    RedFlag.SUSPECTED_SEPSIS: "Sepsis: very hot or cold, mottled?",
    RedFlag.MAJOR_BLEEDING: "Bleeding that will not stop?",
    RedFlag.SUSPECTED_FRACTURE: "After a fall: can't bear weight?",
}
"""The screening questions asked first, in the words a handler reads out."""

EMERGENCY_WORDS = (
    "From what you describe this needs emergency care now. Please call 999 (or take them to "
    "A&E). Stay with them until help arrives."
)
"""What the handler says when a red flag is answered yes; stored with the redirected call."""

NOT_TRACED, VERIFIED = "not_traced", "verified"
NHS_NUMBER_CHECKS: dict[str, str] = {
    NOT_TRACED: "read out by the caller (not traced)",
    VERIFIED: "checked against the NHS record",
    NhsNumberUnavailable.NOT_KNOWN.value: "not known: to trace",
    NhsNumberUnavailable.OVERSEAS.value: "overseas patient: to trace",
    NhsNumberUnavailable.DEVOLVED_NATION.value: "from Scotland, Wales or NI: to trace",
}
"""The form's answers to "how do we know the NHS number?", in the handler's words."""


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
    # what only some callers are asked (spr_desk/caller_questions.toml): question key -> answer
    caller_answers: dict[str, str] = field(default_factory=dict)
    # 3. the patient
    nhs_number: str = ""
    nhs_number_status: str = ""
    """A key of `NHS_NUMBER_CHECKS`; empty reads as "read out by the caller"."""
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
    agreed: bool = False
    """The handler agreed the recommended cell with the caller (`a` on the matrix)."""
    override_reason: str = ""
    ucr_condition: str = ""
    """A `UcrCondition` (or not UCR), asked only when the response is Rapid."""
    ucr_not_reason: str = ""
    """Why a Rapid response is not a 2-hour UCR one (with `not_ucr`)."""
    notes: str = ""
    # a call taken on a paper sheet in downtime (F9), last: a draft saved before these opens
    paper_reference: str = ""
    """The sheet's reserved reference, as the desk checked it; empty on a live call."""
    paper_received_at: str = ""
    """The received time written on the sheet (ISO, aware UTC): the call's due time runs from it."""
    paper_taken_by: str = ""
    """Who took the call on paper, as written on the sheet (empty: whoever enters it)."""
    # the triage of a referral a 999 service sent over BaRS (t on its referral), last
    bars_reference: str = ""
    """The referral sent by 999 that this call triages; empty on a call."""
    bars_received_at: str = ""
    """When the 999 service sent it (ISO, aware UTC): the recommendation runs from it."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def plain(self) -> CallForm:
        """A copy without control characters (a paste can carry a NUL, which PostgreSQL refuses
        in text, or terminal escapes); line breaks and tabs in the notes are kept."""
        return CallForm.from_dict(
            {
                name: [plain_text(item) for item in value]
                if isinstance(value, list)
                else {key: plain_text(item) for key, item in value.items()}
                if isinstance(value, dict)
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
            elif isinstance(default, dict) and isinstance(value, dict):
                setattr(form, spec.name, {str(k): str(v) for k, v in value.items()})
            elif (isinstance(default, bool) and isinstance(value, bool)) or (
                isinstance(default, str) and isinstance(value, str)
            ):
                setattr(form, spec.name, value)
        return form

    @property
    def is_emergency(self) -> bool:
        return bool(self.red_flags)

    @property
    def is_paper(self) -> bool:
        """Taken on a paper sheet: recorded under the sheet's reference, from its written time."""
        return bool(self.paper_reference)

    def paper_received(self) -> datetime | None:
        """The time written on the sheet; None on a live call, or when the draft's is unreadable
        (not a time, or with no zone: which instant it meant cannot be known)."""
        try:
            written = datetime.fromisoformat(self.paper_received_at)
        except ValueError:
            return None
        return written if written.tzinfo is not None else None

    @property
    def is_bars(self) -> bool:
        """The triage of a referral sent by 999: recorded on it, under its reference."""
        return bool(self.bars_reference)

    def bars_received(self) -> datetime | None:
        """When the 999 service sent the referral this call triages; None on a call."""
        try:
            sent = datetime.fromisoformat(self.bars_received_at)
        except ValueError:
            return None
        return sent if sent.tzinfo is not None else None

    def paper_entry(self) -> PaperEntry | None:
        """What recording needs beyond the call: the sheet's reference and who took it."""
        if not self.is_paper:
            return None
        return PaperEntry(self.paper_reference, self.paper_taken_by.strip())

    def summary(self) -> str:
        """One line to recognise an unfinished call by: the patient and how far it got."""
        parts = [self.display_name()]
        if self.referrer_name:
            parts.append(f"caller {self.referrer_name}")
        if self.red_flags:
            parts.append("RED FLAG")
        if self.paper_reference:
            parts.append(f"from paper {self.paper_reference}")
        return " · ".join(parts)

    def display_name(self) -> str:
        """`KILLTEST, Doris`; the part typed so far; "(no patient name yet)" before either."""
        family, given = self.family_name.strip(), self.given_name.strip()
        if not (family or given):
            return "(no patient name yet)"
        return ", ".join(part for part in (family.upper(), given) if part)

    def nhs_number_unavailable(self) -> NhsNumberUnavailable | None:
        """Why there is no NHS number, when the handler said so."""
        try:
            return NhsNumberUnavailable(self.nhs_number_status)
        except ValueError:
            return None


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
    if form.nhs_number.strip() and form.nhs_number_unavailable() is not None:
        errors["nhs_number_status"] = (
            "An NHS number is typed: say how it was checked, or clear it if it is not known."
        )
    variant = caller_questions().for_role(form.referrer_role)
    for key, message in answer_errors(variant, form.caller_answers, today).items():
        errors[f"caller_answers.{key}"] = message
    return errors


def nhs_number_notice(form: CallForm) -> str | None:
    """What the number's range says (a test number, another nation's), for a valid number."""
    try:
        return range_notice(parse_nhs_number(form.nhs_number))
    except NhsNumberError:
        return None


def nhs_number_standing(form: CallForm) -> tuple[NhsNumberStatus, NhsNumberUnavailable | None]:
    """UK Core's verification status of the number as the call left it, and why there is none:
    a number read out is "present but not traced" until checked; none at all is to be traced."""
    unavailable = form.nhs_number_unavailable()
    if not form.nhs_number.strip():
        return NhsNumberStatus.TRACE_REQUIRED, unavailable or NhsNumberUnavailable.NOT_KNOWN
    if form.nhs_number_status == VERIFIED:
        return NhsNumberStatus.PRESENT_AND_VERIFIED, None
    return NhsNumberStatus.PRESENT_NOT_TRACED, None


REQUIRED: dict[str, str] = {
    "referrer_name": "Who is calling?",
    "referrer_role": "Choose the caller's role.",
    "referrer_phone": "A call-back number is needed.",
    "given_name": "The patient's first name is needed.",
    "family_name": "The patient's last name is needed.",
    "date_of_birth": "The date of birth is needed.",
    "address": "Where is the person to be seen?",
    "postcode": "The postcode is needed.",
    "gp_practice": "The GP practice is needed (the GP stays accountable).",
    "pathway": "Step-up or step-down?",
    "setting": "Where is the person now?",
    "locality": "Choose the locality (suggested from the postcode).",
}
"""Fields every referral needs, with the message shown at each while it is empty. The NHS number
is needed too, unless the handler says why it is not known (`nhs_number_problem`)."""


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
    if not form.nhs_number.strip() and form.nhs_number_unavailable() is None:
        errors["nhs_number"] = (
            "The NHS number is needed, or say why it is not known (the next field)."
        )
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


UCR_CONDITION_NEEDED = (
    "A Rapid response: choose its UCR condition, or not UCR and say why (national 2-hour count)."
)
UCR_REASON_NEEDED = "Not UCR: say why this Rapid response is not a 2-hour UCR one."


def response_of(form: CallForm, recommended: Response | None) -> Response | None:
    """The response the call is recorded with: the cell chosen, else the one recommended."""
    if (
        form.chosen_response in Response._value2member_map_
        and form.chosen_lead in Lead._value2member_map_
    ):
        return Response(form.chosen_response)
    return recommended


def ucr_errors(form: CallForm, response: Response | None) -> dict[str, str]:
    """A Rapid response needs one of the nine UCR conditions, or not UCR with a reason (the
    national 2-hour standard counts the first); any other response is not asked."""
    if response is not Response.RAPID:
        return {}
    if form.ucr_condition not in UcrCondition._value2member_map_:
        return {"ucr_condition": UCR_CONDITION_NEEDED}
    if form.ucr_condition == UcrCondition.NOT_UCR and not plain_text(form.ucr_not_reason).strip():
        return {"ucr_not_reason": UCR_REASON_NEEDED}
    return {}


def _ucr_of(form: CallForm) -> tuple[UcrCondition | None, str]:
    """The condition as typed (recording keeps it only on a Rapid response), and the reason
    beside not UCR."""
    if form.ucr_condition not in UcrCondition._value2member_map_:
        return None, ""
    condition = UcrCondition(form.ucr_condition)
    return condition, form.ucr_not_reason.strip() if condition is UcrCondition.NOT_UCR else ""


def referral_from(
    form: CallForm, received_at: datetime, today: date, *, response: Response | None = None
) -> NewReferral:
    """The complete call as a referral to record. `response`: the response it is recorded with
    (`response_of`), when the caller knows it: a Rapid one must carry its UCR condition.

    Raises:
        FormErrors: every field that is missing or wrong, each with its message.
    """
    form = form.plain()
    errors = _missing(form, today) | ucr_errors(form, response)
    if errors:
        raise FormErrors(errors)
    facts = facts_so_far(form)
    assert facts is not None  # pathway, setting and a need are all present: checked above
    decision = None
    if form.chosen_response and form.chosen_lead:
        decision = Decision(
            Response(form.chosen_response), Lead(form.chosen_lead), form.override_reason
        )
    status, unavailable = nhs_number_standing(form)
    ucr_condition, ucr_not_reason = _ucr_of(form)
    return NewReferral(
        received_at=received_at,
        referrer=referrer_of(form),
        patient=PatientDetails(
            nhs_number=parse_nhs_number(form.nhs_number) if form.nhs_number.strip() else "",
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
        nhs_number_status=status,
        nhs_number_unavailable=unavailable,
        caller_answers=recorded_answers(
            caller_questions().for_role(form.referrer_role), form.caller_answers, today
        ),
        ucr_condition=ucr_condition,
        ucr_not_reason=ucr_not_reason,
    )


def redirected_from(form: CallForm, received_at: datetime, today: date) -> RedirectedCall:
    """A call with a red flag, as far as it went, to record as redirected."""
    form = form.plain()
    typed_caller = any(
        getattr(form, name).strip()
        for name in ("referrer_name", "referrer_organisation", "referrer_phone")
    )
    return RedirectedCall(
        received_at=received_at,
        red_flags=_members(RedFlag, form.red_flags),
        referrer=referrer_of(form) if typed_caller else None,
        patient=patient_as_typed(form, today),
        call_record=form.to_dict(),
        notes=form.notes.strip(),
        advice=EMERGENCY_WORDS,
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


def patient_as_typed(form: CallForm, today: date) -> PatientDetails | None:
    """The patient of a call that ended early (a red flag), as far as the handler got: None
    before a name or an NHS number was typed. A part that cannot be right (an NHS number with
    a wrong check digit, an impossible date) is left out here and kept in the call record."""
    try:
        nhs = parse_nhs_number(form.nhs_number)
    except NhsNumberError:
        nhs = ""
    given, family = form.given_name.strip(), form.family_name.strip()
    if not (nhs or given or family):
        return None
    try:
        born: date | None = parse_date_of_birth(form.date_of_birth, today)
    except InputError:
        born = None
    try:
        postcode = parse_postcode(form.postcode)
    except InputError:
        postcode = ""
    return PatientDetails(
        nhs_number=nhs,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        address=form.address.strip(),
        postcode=postcode,
        gp_practice=form.gp_practice.strip(),
        lives_alone={"yes": True, "no": False}.get(form.lives_alone),
        access_notes=form.access_notes.strip(),
        next_of_kin=form.next_of_kin.strip(),
    )
