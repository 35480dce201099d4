"""The call's own rules (spr_desk/call.py), their expectations from the shipped rules file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta

from spr_desk.call import (
    MOVES_MATRIX,
    OVERRIDE_NEEDS_REASON,
    blocking,
    chosen_cell,
    due_for,
    open_referral_banner,
    open_referral_warning,
    recommendation_for,
)
from spr_desk.call_form import CallForm, missing_for_record
from spr_desk.matrix import ALL_AVAILABLE, Availability
from spr_desk.rules import DEFAULT_RULES_PATH, default_rules
from spr_desk.uktime import LONDON
from spr_desk.vocabulary import Lead, Outcome, Response

RAW_RULES = tomllib.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
"""The shipped rules file read directly, so expectations do not come from the code under test."""
RULES = default_rules()
RECEIVED = datetime(2026, 3, 2, 14, 5, tzinfo=LONDON)
"""A Monday afternoon in winter (GMT), far from any clock change."""
TODAY = date(2026, 3, 2)
HOURS = {Response(key): hours for key, hours in RAW_RULES["due_hours"].items()}
RAPID_URGENCY = RAW_RULES["response"]["rapid"][0]
CLINICAL_NEED = RAW_RULES["needs"]["clinical"][0]
CLINICAL_LEAD = Lead(RAW_RULES["lead"]["by_group"]["clinical"])


def ethel(**changes: object) -> CallForm:
    """A complete step-up call: a clinical need, a within-hours factor."""
    form = CallForm(
        started_at=RECEIVED.isoformat(),
        red_flags_cleared=True,
        referrer_name="Dr Amara Okafor",
        referrer_role="gp_or_practice_nurse",
        referrer_organisation="Mill Lane Surgery",
        referrer_phone="01296 555010",
        nhs_number="943 476 5919",
        given_name="Ethel",
        family_name="Barnes",
        date_of_birth="01/05/1945",
        address="12 Mill Lane, Aylesbury",
        postcode="HP20 1AA",
        gp_practice="Mill Lane Surgery",
        lives_alone="yes",
        access_notes="Key safe by the back door",
        next_of_kin="Jean Barnes (daughter), 07700 900123",
        pathway="step_up",
        setting="home",
        needs=[CLINICAL_NEED],
        urgency=[RAPID_URGENCY],
        locality="Aylesbury",
        notes="Not drinking since Saturday.",
    )
    return replace(form, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Earlier:
    reference: str


@dataclass(frozen=True)
class History:
    open_referrals: list[Earlier]


# Which answers move the matrix


def test_the_answers_that_move_the_matrix_are_fields_of_the_form() -> None:
    assert {spec.name for spec in fields(CallForm)} >= MOVES_MATRIX


def test_the_triage_facts_and_the_red_flags_move_the_matrix_and_the_caller_does_not() -> None:
    assert {"pathway", "setting", "needs", "urgency", "red_flags", "date_of_birth"} <= MOVES_MATRIX
    assert not {"referrer_name", "nhs_number", "notes", "override_reason"} & MOVES_MATRIX


# The recommendation


def test_a_complete_form_gets_the_matrix_cell_of_its_facts() -> None:
    got = recommendation_for(ethel(), ALL_AVAILABLE, RULES, RECEIVED, TODAY)
    assert got is not None
    assert got.outcome is Outcome.MATRIX
    assert got.cell == (Response.RAPID, CLINICAL_LEAD)
    assert got.due_at == RECEIVED + timedelta(hours=HOURS[Response.RAPID])


def test_a_form_without_its_facts_gets_no_recommendation() -> None:
    assert recommendation_for(CallForm(), ALL_AVAILABLE, RULES, RECEIVED, TODAY) is None


def test_a_red_flag_gets_emergency_advice_before_any_fact() -> None:
    flag = RAW_RULES["emergency_red_flags"][0]
    got = recommendation_for(CallForm(red_flags=[flag]), ALL_AVAILABLE, RULES, RECEIVED, TODAY)
    assert got is not None
    assert got.outcome is Outcome.EMERGENCY
    assert got.cell is None


def test_a_person_under_the_minimum_age_is_redirected() -> None:
    born = TODAY.replace(year=TODAY.year - (RAW_RULES["minimum_age"] - 1))
    form = ethel(date_of_birth=f"{born:%d/%m/%Y}")
    got = recommendation_for(form, ALL_AVAILABLE, RULES, RECEIVED, TODAY)
    assert got is not None
    assert got.outcome is Outcome.REDIRECT


def test_the_recommendation_follows_what_can_be_mobilised() -> None:
    closed = Availability(unavailable=frozenset({(Response.RAPID, CLINICAL_LEAD)}))
    got = recommendation_for(ethel(), closed, RULES, RECEIVED, TODAY)
    assert got is not None
    assert got.cell != (Response.RAPID, CLINICAL_LEAD)
    assert got.fallback_from is CLINICAL_LEAD


# The due time


def test_the_due_time_is_the_recommendations_until_a_cell_is_chosen() -> None:
    form = ethel()
    got = recommendation_for(form, ALL_AVAILABLE, RULES, RECEIVED, TODAY)
    assert got is not None
    assert due_for(form, got, RECEIVED, RULES) == got.due_at


def test_a_chosen_cell_is_due_by_its_own_response() -> None:
    form = ethel(chosen_response="normal", chosen_lead="therapist")
    got = recommendation_for(form, ALL_AVAILABLE, RULES, RECEIVED, TODAY)
    assert chosen_cell(form) == (Response.NORMAL, Lead.THERAPIST)
    assert due_for(form, got, RECEIVED, RULES) == RECEIVED + timedelta(hours=HOURS[Response.NORMAL])


def test_no_recommendation_and_no_cell_is_no_due_time() -> None:
    assert due_for(CallForm(), None, RECEIVED, RULES) is None


def test_a_cell_from_an_older_version_reads_as_none_chosen() -> None:
    assert chosen_cell(ethel(chosen_response="urgent", chosen_lead="nurse")) is None


# What stops recording


def test_a_complete_form_with_the_recommended_cell_is_not_blocked() -> None:
    form = ethel()
    got = recommendation_for(form, ALL_AVAILABLE, RULES, RECEIVED, TODAY)
    assert blocking(form, got, TODAY) == {}


def test_what_is_missing_blocks_recording() -> None:
    form = ethel(given_name="")
    assert blocking(form, None, TODAY) == missing_for_record(form, TODAY)
    assert "given_name" in blocking(form, None, TODAY)


def test_a_different_cell_needs_a_reason() -> None:
    form = ethel(chosen_response="normal", chosen_lead="therapist")
    got = recommendation_for(form, ALL_AVAILABLE, RULES, RECEIVED, TODAY)
    assert blocking(form, got, TODAY) == {"override_reason": OVERRIDE_NEEDS_REASON}
    assert blocking(replace(form, override_reason="  "), got, TODAY) == {
        "override_reason": OVERRIDE_NEEDS_REASON
    }
    assert blocking(replace(form, override_reason="Family visiting"), got, TODAY) == {}


def test_choosing_the_recommended_cell_needs_no_reason() -> None:
    form = ethel(chosen_response="rapid", chosen_lead=CLINICAL_LEAD.value)
    got = recommendation_for(form, ALL_AVAILABLE, RULES, RECEIVED, TODAY)
    assert blocking(form, got, TODAY) == {}


# The open-referral warning


def test_no_history_or_none_open_is_no_warning() -> None:
    assert open_referral_warning(None) is None
    assert open_referral_warning(History([])) is None
    assert open_referral_banner(None) is None
    assert open_referral_banner(History([])) is None


def test_the_warning_names_every_open_referral() -> None:
    history = History([Earlier("SPR-0001"), Earlier("SPR-0002")])
    warning = open_referral_warning(history)
    banner = open_referral_banner(history)
    assert warning is not None and banner is not None
    assert "(SPR-0001, SPR-0002)" in warning
    assert "only if the team agrees" in warning
    assert banner.startswith("⚠ OPEN REFERRAL SPR-0001, SPR-0002:")
