"""The sections of the triage form, in the order of the call, and the read-back summary."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from textual.widget import Widget
from textual.widgets import Input, Select, Static

from screens.widgets.field import Field
from screens.widgets.ticks import TickBox, TickList
from spr_desk.call_form import RECORDS_REVIEWED, RED_FLAG_QUESTIONS, CallForm
from spr_desk.matrix import Recommendation
from spr_desk.nhs_number import format_nhs_number
from spr_desk.reference_data import COUNTYWIDE, LOCALITIES
from spr_desk.referral import NewReferral
from spr_desk.rules import default_rules
from spr_desk.uktime import short_local
from spr_desk.vocabulary import (
    Need,
    NeedGroup,
    Pathway,
    ReferrerRole,
    Setting,
    Urgency,
    label,
)

CHECKBOXES = ("red_flags_cleared", "bed_needed", "home_from_hospital", "community_bed_request")
SELECTS = (
    "referrer_role",
    "lives_alone",
    "pathway",
    "setting",
    "primary_need",
    "locality",
)
NEED_LISTS: dict[str, NeedGroup] = {
    "needs_clinical": NeedGroup.CLINICAL,
    "needs_function": NeedGroup.FUNCTION,
    "needs_daily_living": NeedGroup.DAILY_LIVING,
}
URGENCY_LISTS = ("urgency_hours", "urgency_day")
SELECTION_LISTS: dict[str, str] = {
    "red_flags": "red_flags",
    **dict.fromkeys(NEED_LISTS, "needs"),
    **dict.fromkeys(URGENCY_LISTS, "urgency"),
    "records_reviewed": "records_reviewed",
}
"""Selection list id -> the form attribute it fills (the three need lists fill one)."""


def _heading(text: str) -> Static:
    return Static(text, classes="section-heading")


def _input(name: str, placeholder: str = "", **options: object) -> Input:
    return Input(id=name, placeholder=placeholder, compact=True, **options)  # type: ignore[arg-type]


def _select(name: str, options: list[tuple[str, str]], prompt: str = "Choose") -> Select[str]:
    return Select(options, id=name, prompt=prompt, compact=True)


def call_sections() -> Iterator[Widget]:
    """Every section's widgets. Control ids are the `CallForm` field names."""
    rules = default_rules()
    yield _heading("1 Red flags: ask these first (F1)")
    yield Field(
        "Ask each; tick any yes",
        TickList(
            *((question, flag.value) for flag, question in RED_FLAG_QUESTIONS.items()),
            id="red_flags",
        ),
    )
    yield TickBox("Asked all seven: none applies", id="red_flags_cleared", compact=True)

    yield _heading("2 Caller (F2)")
    yield Field("Name", _input("referrer_name", "who is calling"))
    yield Field("Role", _select("referrer_role", [(label(r), r.value) for r in ReferrerRole]))
    yield Field("Organisation", _input("referrer_organisation", "practice, ward, crew..."))
    yield Field("Call-back number", _input("referrer_phone", "01296 555010"))

    yield _heading("3 Patient (F3)")
    yield Field("NHS number", _input("nhs_number", "943 476 5919"))
    yield Static("", id="patient-known")
    yield Field("First name", _input("given_name"))
    yield Field("Last name", _input("family_name"))
    yield Field("Date of birth", _input("date_of_birth", "DD/MM/YYYY"), hint=True)
    yield Field("Address (where to visit)", _input("address"))
    yield Field("Postcode", _input("postcode", "HP20 1AA"))
    yield Field("GP practice (stays accountable)", _input("gp_practice"))
    yield Field("Lives alone", _select("lives_alone", [("Yes", "yes"), ("No", "no")]))
    yield Field("Access: key safe code (masked)", _input("access_notes", password=True))
    yield Field("Next of kin", _input("next_of_kin", "name, relationship, phone"))

    yield _heading("4 Facts (F4)")
    yield Field("Pathway", _select("pathway", [(label(p), p.value) for p in Pathway]))
    yield Field(
        "Where the person is now", _select("setting", [(label(s), s.value) for s in Setting])
    )
    for list_id, group in NEED_LISTS.items():
        needs = [need for need in Need if rules.group_of_need[need] is group]
        yield Field(
            f"Needs: {label(group)}",
            TickList(*((label(need), need.value) for need in needs), id=list_id),
        )
    for list_id, (title, factors) in {
        "urgency_hours": ("Urgency: within hours", rules.rapid_factors),
        "urgency_day": ("Urgency: within a day", rules.fast_factors),
    }.items():
        yield Field(
            title,
            TickList(*((label(f), f.value) for f in Urgency if f in factors), id=list_id),
        )
    yield Field("Primary need (optional: what leads)", _select("primary_need", [], "Not named"))
    yield TickBox("Bed needed (unsafe at home)", id="bed_needed", compact=True)
    yield TickBox("Home from Hospital (Red Cross)", id="home_from_hospital", compact=True)
    yield TickBox("Community step-up bed", id="community_bed_request", compact=True)
    yield Field(
        "Records reviewed",
        TickList(*((name, key) for key, name in RECORDS_REVIEWED.items()), id="records_reviewed"),
    )
    yield Field(
        "Locality",
        _select("locality", [(name, name) for name in (*LOCALITIES, COUNTYWIDE)]),
    )
    yield _heading("Notes")
    yield Field("Anything else the caller said", _input("notes"))


def readback(
    form: CallForm, call: NewReferral, recommendation: Recommendation | None, due: datetime | None
) -> list[tuple[str, str]]:
    """What to read back to the caller before recording: plain strings, rendered as Text."""
    patient, referrer, facts = call.patient, call.referrer, call.facts
    lines = [
        ("Caller", f"{referrer.name} ({label(referrer.role)}), {referrer.organisation}"),
        ("Call back", form.referrer_phone.strip()),
        ("Patient", f"{patient.display_name}, NHS {format_nhs_number(patient.nhs_number)}"),
        (
            "Born",
            f"{patient.date_of_birth:%d/%m/%Y} (age {facts.age})" if patient.date_of_birth else "-",
        ),
        ("Address", f"{patient.address}, {patient.postcode}"),
        ("GP", patient.gp_practice),
        ("Access", "recorded (not read out)" if patient.access_notes else "none given"),
        ("Pathway", f"{label(facts.pathway)}; now at {label(facts.setting)}"),
        ("Needs", ", ".join(label(need) for need in sorted(facts.needs))),
        ("Urgency", ", ".join(label(f) for f in sorted(facts.urgency)) or "none within a day"),
    ]
    if recommendation is not None and recommendation.response and recommendation.lead:
        lines.append(
            ("Matrix says", f"{label(recommendation.response)} / {label(recommendation.lead)}")
        )
    decision = call.decision
    if decision is not None and decision.response and decision.lead:
        lines.append(("Agreed", f"{label(decision.response)} / {label(decision.lead)}"))
        if decision.override_reason:
            lines.append(("Because", decision.override_reason))
    if due is not None:
        lines.append(("Due by", short_local(due)))
    extras = [
        text
        for flag, text in (
            (facts.bed_needed, "bed needed"),
            (call.home_from_hospital, "Home from Hospital"),
            (call.community_bed_request, "community bed requested"),
        )
        if flag
    ]
    if extras:
        lines.append(("Also", ", ".join(extras)))
    reviewed = [RECORDS_REVIEWED[key] for key in call.records_reviewed]
    lines.append(("Records seen", ", ".join(reviewed) or "none"))
    return lines
