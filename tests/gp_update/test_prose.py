"""The GP update in a clinician's words: who referred, what was found, what was done, the outcome
and what the GP should do; never a rule id, a rules-file key or reason, nor an enum's stored value.

The acceptance test drafts the update for every scenario file's recommendation (closed each way
it can close, or redirected as the desk stores a redirect) and for every finished referral of the
demo desk, and looks for each forbidden string in the text.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from db.desk import DeskService
from db.models import Referral
from spr_desk import vocabulary
from spr_desk.desk_api import NoteRow, ReferralDetail, ReferralSummary
from spr_desk.gp_update.prose import draft_update, update_title
from spr_desk.matrix import ALL_AVAILABLE, Recommendation, recommend
from spr_desk.referral import PatientDetails, ReferrerDetails
from spr_desk.rules import DEFAULT_RULES_PATH, Rules, default_rules
from spr_desk.scenario import load_scenario
from spr_desk.vocabulary import CloseOutcome, NoteKind, Outcome, ReferrerRole, Status

CASES = sorted((Path(__file__).parents[1] / "domain" / "cases").glob("*.json"))
NOW = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)

OUTCOME_WORDS = {
    CloseOutcome.NO_FURTHER_SERVICES: "no further services",
    CloseOutcome.ONGOING_CARE_ARRANGED: "ongoing care was arranged",
    CloseOutcome.ADMITTED_TO_HOSPITAL: "admitted to hospital",
    CloseOutcome.BED_BASED_CARE: "bed-based care",
    CloseOutcome.DECLINED: "declined",
    CloseOutcome.DIED: "died",
    CloseOutcome.OTHER: "not listed",
}
"""What each outcome must be called, in words."""

ACTIONS = {
    CloseOutcome.NO_FURTHER_SERVICES: "No action needed beyond your usual care.",
    CloseOutcome.ONGOING_CARE_ARRANGED: "No action needed beyond your usual care.",
    CloseOutcome.ADMITTED_TO_HOSPITAL: "Please review {name} within 2 working days of discharge",
    CloseOutcome.BED_BASED_CARE: "Please review {name} within 5 working days of the return home",
    CloseOutcome.DECLINED: "Please review {name} within 2 working days",
    CloseOutcome.DIED: "Please record the death",
    CloseOutcome.OTHER: "Please review {name} within 5 working days",
}
EMERGENCY_ACTION = "Please review {name} within 1 working day"
REDIRECT_ACTION = "Please check within 1 working day that children's services have seen {name}"


# ---- What must never appear


def _toml_keys(table: dict[str, Any]) -> Iterator[str]:
    for key, value in table.items():
        yield key
        if isinstance(value, dict):
            yield from _toml_keys(value)


def _sentences(reason: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+", reason.strip()) if part]


def rule_words(rules: Rules) -> set[str]:
    """The rules' ids (every rules-file key and `Rules` field with an underscore, and the
    version) and every vocabulary value with an underscore, as stored."""
    keys = set(_toml_keys(tomllib.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))))
    keys |= {field.name for field in dataclasses.fields(Rules)}
    values = {
        member.value
        for _, enum in inspect.getmembers(vocabulary, inspect.isclass)
        if issubclass(enum, StrEnum) and enum is not StrEnum
        for member in enum
    }
    return {word for word in keys | values if "_" in word} | {rules.version}


def reason_texts(reasons: list[str] | tuple[str, ...]) -> set[str]:
    """Each reason whole and each of its sentences."""
    return {text for reason in reasons for text in (reason, *_sentences(reason))}


def assert_clean(text: str, forbidden: set[str]) -> None:
    folded = text.casefold()
    found = sorted(word for word in forbidden if word.casefold() in folded)
    assert not found, f"rule wording in the update: {found}\n{text}"
    assert not re.search(r"\b(matrix|rules?)\b", text, flags=re.I), text


def assert_reads_as_an_update(detail: ReferralDetail, text: str) -> None:
    """The referrer named, the outcome in words and the action line for it."""
    name = f"{detail.patient.given_name} {detail.patient.family_name}" if detail.patient else ""
    if detail.referrer is not None and detail.source is None:
        assert f"{detail.referrer.name} (" in text
    summary = detail.summary
    if summary.status is Status.CLOSED:
        outcome = CloseOutcome(summary.close_outcome or "")
        assert OUTCOME_WORDS[outcome] in text
        assert ACTIONS[outcome].format(name=name) in text
    elif summary.status is Status.REDIRECTED:
        redirect = Outcome(summary.rec_outcome) is Outcome.REDIRECT
        assert (REDIRECT_ACTION if redirect else EMERGENCY_ACTION).format(name=name) in text
    elif summary.status is Status.CANCELLED:
        assert "was cancelled" in text
        assert "No action needed beyond your usual care." in text


# ---- A referral, built as `DeskService.detail` builds one


def patient(**changes: Any) -> PatientDetails:
    base = PatientDetails(
        nhs_number="9990000018",
        given_name="Ada",
        family_name="Testpatient",
        date_of_birth=date(1945, 5, 1),
        address="1 Example Street",
        postcode="HP20 1AA",
        gp_practice="Old Forge Surgery",
        is_test_data=True,
    )
    return replace(base, **changes)


def referral(**changes: Any) -> ReferralDetail:
    """A Fast, nurse-led step-up referral from a care home, seen and closed."""
    received = datetime(2026, 7, 1, 13, 5, tzinfo=UTC)  # 14:05 BST
    summary = ReferralSummary(
        reference="SPR-2026-000042",
        status=Status.CLOSED,
        received_at=received,
        due_at=received + timedelta(hours=24),
        response="fast",
        lead="nurse",
        rec_outcome="matrix",
        rec_response="fast",
        rec_lead="nurse",
        override_reason="",
        responded_at=received + timedelta(hours=5),
        response_met=True,
        close_outcome="no_further_services",
        gp_updated=False,
        status_reason="",
        allocated_team="ACHT Aylesbury",
        version=5,
        allocated_at=received + timedelta(hours=1),
        service_started_at=received + timedelta(hours=6),
        closed_at=received + timedelta(days=3),
    )
    facts = {
        "pathway": "step_up",
        "setting": "care_home",
        "age": 81,
        "red_flags": [],
        "needs": ["wound_care", "reduced_mobility"],
        "urgency": ["deteriorating"],
        "primary_need": "wound_care",
        "bed_needed": False,
    }
    base = ReferralDetail(
        summary=summary,
        pathway="step_up",
        setting="care_home",
        locality="Aylesbury",
        taken_by="handler1",
        facts=facts,
        reasons=["Response Fast (within 1 day): deteriorating."],
        notes="Leg ulcer dressing overdue.",
        patient=patient(),
        referrer=ReferrerDetails(
            name="Sister Example", role=ReferrerRole.CARE_HOME, organisation="Elm Lodge"
        ),
        history=[],
    )
    return replace(base, **changes)


def closed_as(detail: ReferralDetail, outcome: CloseOutcome, reason: str = "") -> ReferralDetail:
    summary = replace(detail.summary, close_outcome=outcome.value, status_reason=reason)
    return replace(detail, summary=summary)


def from_scenario(recommendation: Recommendation, facts: dict[str, Any]) -> list[ReferralDetail]:
    """The referral the desk would hold for this recommendation: redirected (its first reason
    kept as the words said, as `db.actions` keeps it) or, for a cell, closed each way."""
    base = referral(
        facts=facts,
        pathway=facts["pathway"],
        setting=facts["setting"],
        reasons=list(recommendation.reasons),
        red_flags=tuple(facts.get("red_flags") or ()),
        bed_needed=recommendation.bed_needed,
    )
    if recommendation.outcome in (Outcome.EMERGENCY, Outcome.REDIRECT):
        summary = replace(
            base.summary,
            status=Status.REDIRECTED,
            rec_outcome=recommendation.outcome.value,
            response=None,
            lead=None,
            due_at=None,
            responded_at=None,
            close_outcome=None,
            status_reason=recommendation.reasons[0],
            allocated_team=None,
            closed_at=None,
        )
        return [replace(base, summary=summary, advice=recommendation.reasons[0])]
    summary = replace(
        base.summary,
        rec_outcome=recommendation.outcome.value,
        response=recommendation.response.value if recommendation.response else None,
        lead=recommendation.lead.value if recommendation.lead else None,
        due_at=recommendation.due_at,
    )
    with_cell = replace(
        base,
        summary=summary,
        rec_fallback_from=recommendation.fallback_from.value
        if recommendation.fallback_from
        else None,
    )
    return [closed_as(with_cell, outcome) for outcome in CloseOutcome]


def finished_references(desk: DeskService) -> list[str]:
    finished = [Status.CLOSED.value, Status.REDIRECTED.value, Status.CANCELLED.value]
    with Session(desk.engine) as session:
        query = select(Referral.reference).where(col(Referral.status).in_(finished))
        return list(session.exec(query).all())


# ---- The acceptance test


def test_no_rule_id_or_rules_file_wording_appears_in_a_gp_update(
    sqlite_demo_desk: DeskService,
) -> None:
    rules = default_rules()
    ids = rule_words(rules)
    assert {"emergency_red_flags", "fallback_order", "step_up", "no_further_services"} <= ids
    drafted = 0
    for path in CASES:
        case = json.loads(path.read_text(encoding="utf-8"))
        scenario = load_scenario(json.dumps(case["scenario"]))
        recommendation = recommend(scenario.facts, scenario.availability, scenario.at, rules)
        forbidden = ids | reason_texts(recommendation.reasons)
        for detail in from_scenario(recommendation, case["scenario"]["facts"]):
            text = draft_update(detail, now=NOW)
            assert_clean(text, forbidden)
            assert_reads_as_an_update(detail, text)
            drafted += 1
    assert drafted >= 8 * 2

    references = finished_references(sqlite_demo_desk)
    seen: set[tuple[str, str | None]] = set()
    for reference in references:
        detail = sqlite_demo_desk.detail(reference)
        text = draft_update(detail, now=NOW)
        forbidden = ids | reason_texts(detail.reasons) | reason_texts([detail.advice])
        assert_clean(text, forbidden - {""})
        assert_reads_as_an_update(detail, text)
        assert_clean(update_title(detail), forbidden - {""})
        seen.add((detail.summary.status.value, detail.summary.close_outcome))
    # the demo holds closes of several kinds, redirects and cancellations
    assert len(references) >= 50
    assert ("redirected", None) in seen and ("closed", "no_further_services") in seen
    assert len(seen) >= 4


# ---- What the update says


def test_it_opens_with_the_patient_and_the_desk_reference() -> None:
    text = draft_update(referral(), now=NOW)
    first = text.split("\n\n")[0]
    assert first == (
        "Patient: TESTPATIENT, Ada, born 1 May 1945, NHS number 999 000 0018. "
        "Single Point of Referral reference SPR-2026-000042."
    )
    assert text.split("\n\n")[1] == "Dear colleagues at Old Forge Surgery,"
    assert update_title(referral()) == "SPR end-of-episode update: Ada Testpatient, SPR-2026-000042"


def test_it_says_who_referred_when_in_uk_time_what_was_found_and_done() -> None:
    text = draft_update(referral(), now=NOW)
    assert (
        "Sister Example (nursing or residential home, Elm Lodge) referred Ada Testpatient to the "
        "Single Point of Referral at 14:05 on Wed 1 Jul 2026." in text
    )
    assert "The patient was in a care home, and the aim was to avoid a hospital admission." in text
    assert "The needs we found were wound care and reduced mobility, chiefly wound care." in text
    assert "We were told that the patient was getting worse." in text
    assert "From the call: Leg ulcer dressing overdue." in text
    assert (
        "We arranged a Fast response, led by a community nurse, with a first visit due by 14:05 "
        "on Thu 2 Jul 2026. ACHT Aylesbury took the referral on at 15:05 on Wed 1 Jul 2026. "
        "First contact with the patient was at 19:05 on Wed 1 Jul 2026. Our service started at "
        "20:05 on Wed 1 Jul 2026." in text
    )
    assert "We closed the episode at 14:05 on Sat 4 Jul 2026" in text
    assert text.rstrip().endswith("quoting our reference.")
    assert "Drafted by the Single Point of Referral desk; the call was taken by handler1." in text


def test_a_referral_from_the_patients_own_practice_says_so() -> None:
    gp = ReferrerDetails(
        name="Dr Example", role=ReferrerRole.GP_OR_PRACTICE_NURSE, organisation="old forge surgery"
    )
    text = draft_update(referral(referrer=gp), now=NOW)
    assert "Dr Example (GP or practice nurse) from your practice referred Ada Testpatient" in text


def test_a_late_first_contact_is_said_plainly() -> None:
    late = referral()
    late = replace(late, summary=replace(late.summary, response_met=False))
    assert "later than the time we aimed for" in draft_update(late, now=NOW)
    assert "later than" not in draft_update(referral(), now=NOW)


def test_each_close_outcome_has_its_words_and_its_action() -> None:
    for outcome in CloseOutcome:
        detail = closed_as(referral(), outcome, reason="Family to call the practice.")
        text = draft_update(detail, now=NOW)
        assert OUTCOME_WORDS[outcome] in text, outcome
        assert ACTIONS[outcome].format(name="Ada Testpatient") in text, outcome
        assert "The closing note says: Family to call the practice." in text


def test_an_emergency_redirect_names_the_red_flags_in_words_and_asks_for_a_review() -> None:
    flags = ["chest_pain", "suspected_sepsis"]
    recommendation = recommend(
        load_scenario(
            json.dumps(
                {
                    "at": "2026-07-01T14:05",
                    "facts": {"pathway": "step_up", "setting": "home", "red_flags": flags},
                }
            )
        ).facts,
        ALL_AVAILABLE,
        datetime(2026, 7, 1, 13, 5, tzinfo=UTC),
        default_rules(),
    )
    [detail] = from_scenario(
        recommendation, {"pathway": "step_up", "setting": "home", "red_flags": flags}
    )
    text = draft_update(detail, now=NOW)
    assert "the caller described chest pain and suspected sepsis" in text
    assert "ring 999 or take the patient to A&E" in text
    assert "We did not arrange a community response." in text
    assert EMERGENCY_ACTION.format(name="Ada Testpatient") in text
    assert detail.advice not in text


def test_red_flags_are_not_mentioned_unless_the_call_was_redirected() -> None:
    detail = referral(red_flags=("chest_pain",))
    assert "chest pain" not in draft_update(detail, now=NOW)


def test_the_added_notes_are_summarised_the_latest_quoted_each_on_one_line() -> None:
    start = datetime(2026, 7, 2, 9, 0, tzinfo=UTC)
    notes = tuple(
        NoteRow(
            referral_id=1,
            at=start + timedelta(hours=index),
            by=f"nurse{index}",
            kind=NoteKind.FOLLOW_UP_CALL if index == 7 else NoteKind.NOTE,
            caller="daughter" if index == 7 else "",
            text=f"Note {index}.\n\nSecond paragraph typed in the note",
        )
        for index in range(8)
    )
    text = draft_update(referral(notes_added=notes), now=NOW)
    [paragraph] = [part for part in text.split("\n\n") if part.startswith("Notes from the episode")]
    assert "(2 earlier notes are kept at our desk.)" in paragraph
    assert "Note 0." not in paragraph and "Note 1." not in paragraph
    assert (
        "At 12:00 on Thu 2 Jul 2026, nurse2 recorded a note: Note 2. Second paragraph" in paragraph
    )
    assert "nurse7 recorded a follow-up call with daughter: Note 7." in paragraph
    assert text.count("Second paragraph typed in the note") == 6
    assert not any(part.startswith("Second paragraph") for part in text.split("\n\n"))


def test_an_open_referral_gets_an_interim_update() -> None:
    detail = referral()
    detail = replace(
        detail,
        summary=replace(
            detail.summary, status=Status.IN_SERVICE, close_outcome=None, closed_at=None
        ),
    )
    text = draft_update(detail, now=NOW)
    assert (
        "The episode is still open at 11:00 on Mon 23 Nov 2026: this is an interim update." in text
    )
    assert "No action is needed yet" in text


def test_a_patient_without_an_nhs_number_or_details_still_reads() -> None:
    untraced = referral(
        patient=patient(nhs_number="", date_of_birth=None),
        nhs_unavailable_reason="overseas-patient",
        to_trace=True,
    )
    text = draft_update(untraced, now=NOW)
    assert "date of birth not known, NHS number not known (overseas patient), being traced." in text
    anonymous = draft_update(referral(patient=None, referrer=None), now=NOW)
    assert anonymous.startswith("Patient: not recorded")
    assert "Dear colleagues," in anonymous
    assert "The patient was referred to the Single Point of Referral at" in anonymous


def test_stored_values_no_longer_in_the_vocabulary_are_left_out_not_shown_raw() -> None:
    detail = referral(setting="moon_base", facts={"needs": ["time_travel"], "urgency": ["odd_one"]})
    detail = replace(detail, summary=replace(detail.summary, close_outcome="gone_fishing"))
    text = draft_update(detail, now=NOW)
    for raw in ("moon_base", "time_travel", "odd_one", "gone_fishing"):
        assert raw not in text
    assert "Please review Ada Testpatient within 5 working days." in text
