"""The sections of the triage form, in the order of the call, and the read-back summary.

Every field is on every call, in the same place: Tab visits the same fields in the same order
whatever the pathway (a line that does not apply says so). Only the caller's own questions
(`spr_desk/caller_questions.toml`) change with who is calling.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from textual.widget import Widget
from textual.widgets import Static, TextArea

from screens.widgets.choice import Choice
from screens.widgets.field import Field
from screens.widgets.form_input import FormInput
from screens.widgets.ticks import RedFlagList, TickList
from spr_desk.call_form import NHS_NUMBER_CHECKS, RECORDS_REVIEWED, RED_FLAG_QUESTIONS, CallForm
from spr_desk.caller_questions import Question, caller_questions
from spr_desk.csds_ucr import ucr_words
from spr_desk.fact_names import fact_name
from spr_desk.matrix import Recommendation
from spr_desk.milestones import given_time_text
from spr_desk.nhs_number import format_nhs_number
from spr_desk.reference_data import COUNTYWIDE, LOCALITIES
from spr_desk.referral import NewReferral
from spr_desk.rules import Rules
from spr_desk.uktime import short_local
from spr_desk.validation import format_phone
from spr_desk.vocabulary import (
    Need,
    NeedGroup,
    Pathway,
    ReferrerRole,
    Response,
    Setting,
    UcrCondition,
    Urgency,
    label,
    no_nhs_number_words,
)

INPUTS = (
    "referrer_name",
    "referrer_organisation",
    "referrer_phone",
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "address",
    "postcode",
    "gp_practice",
    "access_notes",
    "next_of_kin",
    "ucr_not_reason",
)
"""One-line text fields, by the form field each fills."""
CHOICES = (
    "referrer_role",
    "nhs_number_status",
    "lives_alone",
    "pathway",
    "setting",
    "primary_need",
    "locality",
    "ucr_condition",
)
TICK_LISTS = ("red_flags", "needs", "urgency", "records_reviewed")
"""Tick lists whose ticked values are the form field of the same name."""
EXTRAS: dict[str, str] = {
    "bed_needed": "Bed needed (unsafe at home)",
    "home_from_hospital": "Home from Hospital",
    "community_bed_request": "Community bed",
}
"""The three yes/no extras, ticked in one list (`#extras`), each its own form field."""
DOES_NOT_APPLY: dict[Pathway, dict[str, str]] = {
    Pathway.STEP_UP: {"home_from_hospital": "step-down only"},
    Pathway.STEP_DOWN: {"community_bed_request": "step-up only"},
}
"""Extras a pathway rules out: shown, marked, never ticked."""
ASK_PREFIX = "ask-"
"""Control ids of the caller's own questions: `ask-<question key>`."""
LIVES_ALONE = [("yes", "yes"), ("no", "no"), ("not known", "not_known")]
PLACEHOLDERS = {
    "referrer_name": "(who is calling)",
    "referrer_organisation": "(practice, ward, crew, home)",
    "referrer_phone": "(a number with its area code)",
    "nhs_number": "(10 digits; or not known, below)",
    "date_of_birth": "(day/month/year)",
    "postcode": "(the patient's postcode)",
    "next_of_kin": "(name, relationship, phone)",
    "ucr_not_reason": "(why this Rapid response is not a two-hour UCR one)",
}
"""Grey words that can never be taken for a real number, postcode or date."""


def _heading(text: str, id: str) -> Static:
    return Static(text, classes="section-heading", id=id)


def _input(name: str, **options: object) -> FormInput:
    return FormInput(
        id=name,
        placeholder=PLACEHOLDERS.get(name, ""),
        compact=True,
        # A field reached by Tab keeps what it holds: with select-on-focus the next key
        # typed replaced it (an NHS number once became "Reg"). Clearing is ctrl+u, on purpose.
        select_on_focus=False,
        **options,
    )


def _field(name: str, control: Widget, *, hint: bool = False) -> Field:
    return Field(fact_name(name), control, hint=hint)


def need_lines(rules: Rules) -> list[tuple[str, str] | str]:
    """The needs, under their group's heading, in the rules' order."""
    lines: list[tuple[str, str] | str] = []
    for group in NeedGroup:
        lines.append(label(group).capitalize())
        lines += [(label(need), need.value) for need in Need if rules.group_of_need[need] is group]
    return lines


def urgency_lines(rules: Rules, first: tuple[Urgency, ...] = ()) -> list[tuple[str, str] | str]:
    """The urgency factors under "within hours" and "within a day"; `first` leads its group
    (a crew on scene is asked that first)."""
    lines: list[tuple[str, str] | str] = []
    for heading, factors in (
        ("Within hours", rules.rapid_factors),
        ("Within a day", rules.fast_factors),
    ):
        ordered = sorted(
            (factor for factor in Urgency if factor in factors),
            key=lambda factor: factor not in first,  # stable: the rest keep their order
        )
        lines.append(heading)
        lines += [(label(factor), factor.value) for factor in ordered]
    return lines


def question_control(question: Question) -> Widget:
    control_id = f"{ASK_PREFIX}{question.key}"
    if question.kind == "choice":
        return Choice([(words, value) for value, words in question.options], id=control_id)
    return FormInput(
        id=control_id, placeholder=question.placeholder, compact=True, select_on_focus=False
    )


UCR_ASKED = "choose: type, or enter (not UCR: n)"
UCR_NOT_ASKED = "not asked: the response is not Rapid"


class UcrChoice(Choice):
    """The UCR condition: in the same place on every call (Tab never skips it, so keys typed
    ahead land where they always do), asked only while the response is Rapid (`asked`).
    Choosing not UCR shows the reason's field at once, as the value is set: the enter that
    chose it then moves on into that field, not past it."""

    def __init__(self, reason: Field) -> None:
        super().__init__(
            [(label(condition), condition.value) for condition in UcrCondition],
            prompt=UCR_NOT_ASKED,
            id="ucr_condition",
        )
        self.reason = reason
        self.asked = False

    def ask(self, asked: bool) -> None:
        """Asked (the response is Rapid) or not; a choice made stays either way."""
        if asked != self.asked:
            self.asked = asked
            self.prompt = UCR_ASKED if asked else UCR_NOT_ASKED
            self.refresh()
        self._show_reason()

    def watch_value(self, value: str) -> None:
        self._show_reason()
        super().watch_value(value)

    def _show_reason(self) -> None:
        self.reason.display = self.asked and self.value == UcrCondition.NOT_UCR.value


def ucr_question() -> Iterator[Widget]:
    """The UCR condition, asked when the response is Rapid, and the reason beside not UCR."""
    reason = Field(fact_name("ucr_not_reason"), _input("ucr_not_reason"), id="ucr-reason-field")
    reason.display = False
    yield _field("ucr_condition", UcrChoice(reason))
    yield reason


def call_sections(rules: Rules) -> Iterator[Widget]:
    """Every section's widgets, the needs and urgency factors as `rules` group them. Control
    ids are the `CallForm` field names."""
    yield _heading("1 Red flags: ask these first (F6)", "heading-flags")
    yield Field(
        "Ask each: space = yes, n = none",
        RedFlagList(
            *((question, flag.value) for flag, question in RED_FLAG_QUESTIONS.items()),
            id="red_flags",
        ),
    )
    yield Field("", TickList(("Asked all seven: none applies", "yes"), id="red_flags_cleared"))

    yield _heading("2 Caller (F2)", "heading-caller")
    yield _field("referrer_name", _input("referrer_name"), hint=True)
    yield _field(
        "referrer_role", Choice([(label(r), r.value) for r in ReferrerRole], id="referrer_role")
    )
    yield _field("referrer_organisation", _input("referrer_organisation"))
    yield _field("referrer_phone", _input("referrer_phone"))
    for question in caller_questions().questions:
        field = Field(question.label, question_control(question), hint=True)
        field.display = False  # shown for the callers asked it
        field.add_class("caller-question")
        yield field

    yield _heading("3 Patient (F3)", "heading-patient")
    yield _field("nhs_number", _input("nhs_number"), hint=True)
    yield _field(
        "nhs_number_status",
        Choice(
            [(words, value) for value, words in NHS_NUMBER_CHECKS.items()],
            prompt="read out by the caller (not traced)",
            id="nhs_number_status",
        ),
    )
    yield Static("", id="patient-known")
    for name in ("given_name", "family_name"):
        yield _field(name, _input(name))
    yield _field("date_of_birth", _input("date_of_birth"), hint=True)
    yield Field("Address (where to visit)", _input("address"))
    yield _field("postcode", _input("postcode"), hint=True)
    yield Field("GP practice (stays accountable)", _input("gp_practice"))
    yield _field("lives_alone", Choice(LIVES_ALONE, id="lives_alone"))
    yield Field("Access: key safe code (masked)", _input("access_notes", password=True))
    yield _field("next_of_kin", _input("next_of_kin"))

    yield _heading("4 Facts (F4)", "heading-facts")
    yield _field("pathway", Choice([(label(p), p.value) for p in Pathway], id="pathway"))
    yield _field("setting", Choice([(label(s), s.value) for s in Setting], id="setting"))
    yield _field("needs", TickList(*need_lines(rules), id="needs"))
    yield _field("urgency", TickList(*urgency_lines(rules), id="urgency"))
    yield Field(
        "Primary need (optional: what leads)",
        Choice([], prompt="not named: tick needs first", id="primary_need"),
    )
    yield Field("Also", TickList(*((words, name) for name, words in EXTRAS.items()), id="extras"))
    yield _field(
        "records_reviewed",
        TickList(*((name, key) for key, name in RECORDS_REVIEWED.items()), id="records_reviewed"),
    )
    yield _field(
        "locality",
        Choice([(name, name) for name in (*LOCALITIES, COUNTYWIDE)], id="locality"),
        hint=True,
    )
    yield from ucr_question()

    yield _heading("5 Notes (F7)", "heading-notes")
    yield Field(
        "Anything else the caller said",
        TextArea(id="notes", soft_wrap=True, tab_behavior="focus", show_line_numbers=False),
    )


def nhs_number_words(call: NewReferral) -> str:
    """The NHS number as read back: the number, or why there is none and that it is to trace."""
    if call.patient.nhs_number:
        return format_nhs_number(call.patient.nhs_number)
    return f"{no_nhs_number_words(call.nhs_number_unavailable)} · TO TRACE"


def paper_lines(form: CallForm, received_at: datetime) -> list[tuple[str, str]]:
    """The read-back's first line for a call taken on paper (its sheet and the time written on
    it, which its due time runs from) or for a referral sent by 999 (its reference and when it
    was sent); nothing for a live call."""
    if form.is_bars:
        return [("Sent by 999", f"{form.bars_reference}, received {given_time_text(received_at)}")]
    if not form.is_paper:
        return []
    return [
        (
            "From paper",
            f"{form.paper_reference}, received {given_time_text(received_at)} "
            "(as written on the sheet)",
        )
    ]


def paper_line(form: CallForm) -> str:
    """The line kept at the top of a paper call (F9 corrects what it says) or of the triage of
    a referral sent by 999, in words (not colour only); empty on a live call."""
    if form.is_bars:
        sent = form.bars_received()
        when = given_time_text(sent) if sent is not None else "-"
        return (
            f"SENT BY 999 as {form.bars_reference}, received {when} - triage it: ask the red "
            "flags, complete the facts, the matrix decides"
        )
    if not form.is_paper:
        return ""
    written = form.paper_received()
    if written is None:
        return f"FROM PAPER {form.paper_reference} - the time written on the sheet is missing: F9"
    line = (
        f"FROM PAPER {form.paper_reference} - received {given_time_text(written)} as written"
        " - due times run from then"
    )
    taken_by = form.paper_taken_by.strip()
    return f"{line} - taken on paper by {taken_by}" if taken_by else line


def readback(
    form: CallForm, call: NewReferral, recommendation: Recommendation | None, due: datetime | None
) -> list[tuple[str, str]]:
    """What to read back to the caller before recording, every fact that changes care: plain
    strings, rendered as Text. Named as every screen names them (`fact_name`)."""
    patient, referrer, facts = call.patient, call.referrer, call.facts
    variant = caller_questions().for_role(form.referrer_role)
    asked = {question.key: question for question in variant.questions}
    checked = NHS_NUMBER_CHECKS.get(form.nhs_number_status, NHS_NUMBER_CHECKS["not_traced"])
    lines = paper_lines(form, call.received_at)
    lines += [
        (
            fact_name("referrer_name"),
            f"{referrer.name} ({label(referrer.role)}), {referrer.organisation}".rstrip(", "),
        ),
        (fact_name("referrer_phone"), format_phone(referrer.phone)),
        *((asked[key].label, asked[key].words(answer)) for key, answer in call.caller_answers),
        ("Patient", patient.display_name),
        (fact_name("nhs_number"), nhs_number_words(call)),
    ]
    if patient.nhs_number:
        lines.append((fact_name("nhs_number_status"), checked))
    lines += [
        (
            fact_name("date_of_birth"),
            f"{patient.date_of_birth:%d/%m/%Y} (age {facts.age})" if patient.date_of_birth else "-",
        ),
        (fact_name("address"), f"{patient.address}, {patient.postcode}"),
        (fact_name("gp_practice"), patient.gp_practice),
        (
            fact_name("lives_alone"),
            "not known" if patient.lives_alone is None else "YES" if patient.lives_alone else "no",
        ),
        (fact_name("access_notes"), "recorded (not read out)" if patient.access_notes else "none"),
        (fact_name("next_of_kin"), patient.next_of_kin or "none given"),
        (fact_name("locality"), call.locality or "-"),
        (fact_name("pathway"), label(facts.pathway)),
        (fact_name("setting"), label(facts.setting)),
        (fact_name("needs"), ", ".join(label(need) for need in sorted(facts.needs))),
        (
            fact_name("urgency"),
            ", ".join(label(f) for f in sorted(facts.urgency)) or "none within a day",
        ),
    ]
    if recommendation is not None and recommendation.response and recommendation.lead:
        lines.append(
            (
                fact_name("matrix"),
                f"{label(recommendation.response)} / {label(recommendation.lead)}",
            )
        )
    decision = call.decision
    if decision is not None and decision.response and decision.lead:
        lines.append((fact_name("agreed"), f"{label(decision.response)} / {label(decision.lead)}"))
        if decision.override_reason:
            lines.append((fact_name("override_reason"), decision.override_reason))
    response = decision.response if decision is not None else None
    if recommendation is not None and response is None:
        response = recommendation.response
    if call.ucr_condition is not None and response is Response.RAPID:
        ucr = ucr_words(call.ucr_condition, call.ucr_not_reason)
        lines.append((fact_name("ucr_condition"), ucr))
    if due is not None:
        lines.append((fact_name("due"), short_local(due)))
    extras = [
        words
        for flag, words in (
            (facts.bed_needed, "bed needed"),
            (call.home_from_hospital, "Home from Hospital"),
            (call.community_bed_request, "community bed requested"),
        )
        if flag
    ]
    if extras:
        lines.append(("Also", ", ".join(extras)))
    reviewed = [RECORDS_REVIEWED[key] for key in call.records_reviewed]
    lines.append((fact_name("records_reviewed"), ", ".join(reviewed) or "none"))
    lines.append((fact_name("notes"), call.notes or "none"))
    return lines
