"""The matrix rules of DESIGN.md ("The matrix", "Scenario files"), through `recommend`."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime, timedelta
from itertools import combinations

import pytest

from spr_desk.matrix import ALL_AVAILABLE, Availability, recommend
from spr_desk.rules import DEFAULT_RULES_PATH
from spr_desk.uktime import LONDON
from spr_desk.vocabulary import Lead, Need, Outcome, RedFlag, Response, Urgency

AT = datetime(2026, 3, 2, 14, 5, tzinfo=LONDON)
"""A Monday afternoon in winter (GMT), far from any clock change."""

RAW_RULES = tomllib.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
"""The shipped rules file read directly, so expectations do not come from the code under test."""

NEED_TO_LEAD = [
    (Need(need), Lead(RAW_RULES["lead"]["by_group"][group]))
    for group, needs in RAW_RULES["needs"].items()
    for need in needs
]
RAPID_FACTORS = [Urgency(value) for value in RAW_RULES["response"]["rapid"]]
FAST_FACTORS = [Urgency(value) for value in RAW_RULES["response"]["fast"]]

FALLBACK_ORDER = (Lead.NURSE, Lead.THERAPIST, Lead.SOCIAL_CARE)
"""DESIGN.md: if the lead's cell is N, the first available of Nurse, Therapist, Social care."""

NEED_FOR_LEAD = {
    Lead.NURSE: Need.MEDICATION,
    Lead.THERAPIST: Need.TRANSFERS,
    Lead.SOCIAL_CARE: Need.MEALS,
}
URGENCY_FOR_RESPONSE: dict[Response, set[Urgency]] = {
    Response.RAPID: {Urgency.CREW_ON_SCENE},
    Response.FAST: {Urgency.DETERIORATING},
    Response.NORMAL: set(),
}
DUE_HOURS = {Response.RAPID: 3, Response.FAST: 24, Response.NORMAL: 72}


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two instants (subtracting two London times would use the wall clock)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def row_unavailable(response: Response) -> frozenset[tuple[Response, Lead]]:
    return frozenset((response, lead) for lead in Lead)


def test_the_rules_file_groups_every_need_and_ranks_every_urgency_factor():
    assert sorted(need for need, _ in NEED_TO_LEAD) == sorted(Need)
    assert sorted(RAPID_FACTORS + FAST_FACTORS) == sorted(Urgency)


@pytest.mark.parametrize("flag", list(RedFlag))
def test_each_red_flag_alone_is_an_emergency_with_no_cell_and_a_999_reason(flag, make_facts, rules):
    facts = make_facts(red_flags={flag}, needs=set())
    recommendation = recommend(facts, ALL_AVAILABLE, AT, rules)
    assert recommendation.outcome is Outcome.EMERGENCY
    assert recommendation.response is None
    assert recommendation.lead is None
    assert recommendation.due_at is None
    assert recommendation.fallback_from is None
    assert any("999" in reason for reason in recommendation.reasons)


@pytest.mark.parametrize("flag", list(RedFlag))
def test_a_red_flag_beats_needs_urgency_and_an_empty_matrix(flag, make_facts, rules):
    facts = make_facts(
        red_flags={flag}, needs=set(Need), urgency=set(Urgency), primary_need=Need.MEALS
    )
    nothing = Availability(frozenset((r, lead) for r in Response for lead in Lead))
    assert recommend(facts, nothing, AT, rules).outcome is Outcome.EMERGENCY


@pytest.mark.parametrize(("need", "lead"), NEED_TO_LEAD, ids=[n.value for n, _ in NEED_TO_LEAD])
def test_each_need_alone_is_led_by_the_lead_of_its_group(need, lead, make_facts, rules):
    recommendation = recommend(make_facts(needs={need}), ALL_AVAILABLE, AT, rules)
    assert recommendation.outcome is Outcome.MATRIX
    assert recommendation.lead is lead
    assert recommendation.fallback_from is None


def test_the_groups_lead_as_the_design_says():
    assert dict(NEED_TO_LEAD)[Need.DEHYDRATION] is Lead.NURSE
    assert dict(NEED_TO_LEAD)[Need.FALL_NO_INJURY] is Lead.THERAPIST
    assert dict(NEED_TO_LEAD)[Need.CARER_BREAKDOWN] is Lead.SOCIAL_CARE


@pytest.mark.parametrize("factor", RAPID_FACTORS)
def test_each_within_hours_factor_asks_for_a_rapid_response(factor, make_facts, rules):
    recommendation = recommend(make_facts(urgency={factor}), ALL_AVAILABLE, AT, rules)
    assert recommendation.response is Response.RAPID


@pytest.mark.parametrize("factor", FAST_FACTORS)
def test_each_within_a_day_factor_asks_for_a_fast_response(factor, make_facts, rules):
    recommendation = recommend(make_facts(urgency={factor}), ALL_AVAILABLE, AT, rules)
    assert recommendation.response is Response.FAST


@pytest.mark.parametrize("fast_factor", FAST_FACTORS)
def test_a_within_hours_factor_wins_over_a_within_a_day_factor(fast_factor, make_facts, rules):
    facts = make_facts(urgency={fast_factor, Urgency.DISCHARGE_TODAY})
    assert recommend(facts, ALL_AVAILABLE, AT, rules).response is Response.RAPID


def test_no_urgency_factor_gives_a_normal_response(make_facts, rules):
    recommendation = recommend(make_facts(urgency=set()), ALL_AVAILABLE, AT, rules)
    assert recommendation.outcome is Outcome.MATRIX
    assert recommendation.response is Response.NORMAL


@pytest.mark.parametrize(
    ("needs", "primary_need", "lead"),
    [
        ({Need.MEDICATION, Need.MEALS}, Need.MEALS, Lead.SOCIAL_CARE),
        ({Need.WOUND_CARE, Need.TRANSFERS, Need.PERSONAL_CARE}, Need.TRANSFERS, Lead.THERAPIST),
        ({Need.EQUIPMENT, Need.PACKAGE_OF_CARE}, Need.PACKAGE_OF_CARE, Lead.SOCIAL_CARE),
        ({Need.HOME_SAFETY, Need.INFECTION}, Need.INFECTION, Lead.NURSE),
    ],
)
def test_a_named_primary_need_overrides_the_group_order(
    needs, primary_need, lead, make_facts, rules
):
    facts = make_facts(needs=needs, primary_need=primary_need)
    recommendation = recommend(facts, ALL_AVAILABLE, AT, rules)
    assert recommendation.lead is lead
    assert any("primary need" in reason for reason in recommendation.reasons)


@pytest.mark.parametrize(
    ("needs", "lead"),
    [
        ({Need.MEALS, Need.TRANSFERS, Need.MEDICATION}, Lead.NURSE),
        ({Need.PACKAGE_OF_CARE, Need.END_OF_LIFE}, Lead.NURSE),
        ({Need.HOME_SAFETY, Need.CATHETER_CONTINENCE}, Lead.NURSE),
        ({Need.MEALS, Need.TRANSFERS}, Lead.THERAPIST),
        ({Need.PERSONAL_CARE, Need.CARER_BREAKDOWN, Need.EQUIPMENT}, Lead.THERAPIST),
        ({Need.PERSONAL_CARE, Need.MEALS}, Lead.SOCIAL_CARE),
    ],
)
def test_without_a_primary_need_clinical_comes_before_function_before_daily_living(
    needs, lead, make_facts, rules
):
    recommendation = recommend(make_facts(needs=needs), ALL_AVAILABLE, AT, rules)
    assert recommendation.lead is lead


def _fallback_cases():
    for response in Response:
        for wanted in Lead:
            others = [lead for lead in Lead if lead is not wanted]
            for size in (0, 1):
                for also_off in combinations(others, size):
                    off = {wanted, *also_off}
                    expected = next(lead for lead in FALLBACK_ORDER if lead not in off)
                    ident = f"{response}-{wanted}-off:{'+'.join(sorted(off))}"
                    yield pytest.param(response, wanted, frozenset(off), expected, id=ident)


@pytest.mark.parametrize("other_rows", ["available", "unavailable"])
@pytest.mark.parametrize(("response", "wanted", "off", "expected"), list(_fallback_cases()))
def test_an_unavailable_lead_falls_back_to_the_first_available_at_the_same_response(
    response, wanted, off, expected, other_rows, make_facts, rules
):
    unavailable = {(response, lead) for lead in off}
    if other_rows == "unavailable":
        unavailable |= {(row, lead) for row in Response if row is not response for lead in Lead}
    facts = make_facts(needs={NEED_FOR_LEAD[wanted]}, urgency=URGENCY_FOR_RESPONSE[response])
    recommendation = recommend(facts, Availability(frozenset(unavailable)), AT, rules)
    assert recommendation.outcome is Outcome.MATRIX
    assert recommendation.response is response
    assert recommendation.lead is expected
    assert recommendation.fallback_from is wanted
    assert elapsed(AT, recommendation.due_at) == timedelta(hours=DUE_HOURS[response])
    assert any("follow-up" in reason for reason in recommendation.reasons)


@pytest.mark.parametrize("response", list(Response))
@pytest.mark.parametrize("wanted", list(Lead))
def test_an_available_lead_keeps_its_cell_whatever_the_rest_of_the_matrix(
    response, wanted, make_facts, rules
):
    everything_else = frozenset(
        (row, lead) for row in Response for lead in Lead if (row, lead) != (response, wanted)
    )
    facts = make_facts(needs={NEED_FOR_LEAD[wanted]}, urgency=URGENCY_FOR_RESPONSE[response])
    recommendation = recommend(facts, Availability(everything_else), AT, rules)
    assert recommendation.cell == (response, wanted)
    assert recommendation.fallback_from is None


@pytest.mark.parametrize("response", list(Response))
@pytest.mark.parametrize("wanted", list(Lead))
def test_a_whole_row_unavailable_escalates_keeping_the_response_and_the_due_time(
    response, wanted, make_facts, rules
):
    facts = make_facts(needs={NEED_FOR_LEAD[wanted]}, urgency=URGENCY_FOR_RESPONSE[response])
    recommendation = recommend(facts, Availability(row_unavailable(response)), AT, rules)
    assert recommendation.outcome is Outcome.ESCALATE
    assert recommendation.response is response
    assert recommendation.lead is None
    assert recommendation.fallback_from is None
    assert elapsed(AT, recommendation.due_at) == timedelta(hours=DUE_HOURS[response])
    assert any("escalate" in reason for reason in recommendation.reasons)


@pytest.mark.parametrize("age", [0, 16, 17])
def test_a_person_under_18_is_redirected_to_childrens_services(age, make_facts, rules):
    facts = make_facts(age=age, urgency={Urgency.CREW_ON_SCENE})
    recommendation = recommend(facts, ALL_AVAILABLE, AT, rules)
    assert recommendation.outcome is Outcome.REDIRECT
    assert recommendation.response is None
    assert recommendation.lead is None
    assert recommendation.due_at is None
    assert recommendation.fallback_from is None
    assert any("children" in reason for reason in recommendation.reasons)


@pytest.mark.parametrize("age", [18, 19, 130, None])
def test_a_person_of_18_or_of_unknown_age_gets_a_matrix_cell(age, make_facts, rules):
    recommendation = recommend(make_facts(age=age), ALL_AVAILABLE, AT, rules)
    assert recommendation.outcome is Outcome.MATRIX


def test_a_red_flag_beats_being_under_18(make_facts, rules):
    facts = make_facts(age=10, red_flags={RedFlag.MAJOR_BLEEDING})
    assert recommend(facts, ALL_AVAILABLE, AT, rules).outcome is Outcome.EMERGENCY


OUTCOME_SETUPS = {
    "matrix": ({}, ALL_AVAILABLE),
    "fallback": (
        {"needs": {Need.TRANSFERS}},
        Availability(frozenset({(Response.NORMAL, Lead.THERAPIST)})),
    ),
    "escalate": ({}, Availability(row_unavailable(Response.NORMAL))),
    "emergency": ({"red_flags": {RedFlag.CHEST_PAIN}}, ALL_AVAILABLE),
    "redirect": ({"age": 12}, ALL_AVAILABLE),
}


@pytest.mark.parametrize("bed_needed", [True, False])
@pytest.mark.parametrize("setup", list(OUTCOME_SETUPS), ids=list(OUTCOME_SETUPS))
def test_bed_needed_is_echoed_whatever_the_outcome(setup, bed_needed, make_facts, rules):
    changes, availability = OUTCOME_SETUPS[setup]
    facts = make_facts(bed_needed=bed_needed, **changes)
    assert recommend(facts, availability, AT, rules).bed_needed is bed_needed


@pytest.mark.parametrize("setup", ["matrix", "fallback", "escalate"])
def test_bed_needed_adds_one_reason_about_a_bed(setup, make_facts, rules):
    changes, availability = OUTCOME_SETUPS[setup]
    without = recommend(make_facts(**changes), availability, AT, rules).reasons
    with_bed = recommend(make_facts(bed_needed=True, **changes), availability, AT, rules).reasons
    added = [reason for reason in with_bed if reason not in without]
    assert len(with_bed) == len(without) + 1
    assert len(added) == 1
    assert "bed" in added[0]


@pytest.mark.parametrize(("response", "hours"), DUE_HOURS.items())
def test_the_due_time_is_the_received_time_plus_3_24_or_72_hours(
    response, hours, make_facts, rules
):
    facts = make_facts(urgency=URGENCY_FOR_RESPONSE[response])
    recommendation = recommend(facts, ALL_AVAILABLE, AT, rules)
    assert recommendation.response is response
    assert elapsed(AT, recommendation.due_at) == timedelta(hours=hours)
    assert recommendation.due_at.utcoffset() == timedelta(0)


def test_a_naive_received_time_is_read_as_uk_local(make_facts, rules):
    summer = datetime(2026, 7, 1, 10, 0)
    recommendation = recommend(
        make_facts(urgency={Urgency.CREW_ON_SCENE}), ALL_AVAILABLE, summer, rules
    )
    assert recommendation.to_dict()["due_at"] == "2026-07-01T13:00:00+01:00"


@pytest.mark.parametrize("setup", list(OUTCOME_SETUPS), ids=list(OUTCOME_SETUPS))
@pytest.mark.parametrize("bed_needed", [True, False])
def test_reasons_are_plain_sentences_a_handler_can_read_out(setup, bed_needed, make_facts, rules):
    changes, availability = OUTCOME_SETUPS[setup]
    facts = make_facts(bed_needed=bed_needed, **changes)
    reasons = recommend(facts, availability, AT, rules).reasons
    assert reasons
    for reason in reasons:
        assert reason == reason.strip()
        assert reason[0].isupper(), reason
        assert reason.endswith("."), reason
        assert "\n" not in reason
        assert "[" not in reason and "]" not in reason, reason
        assert "_" not in reason, reason


@pytest.mark.parametrize("setup", list(OUTCOME_SETUPS), ids=list(OUTCOME_SETUPS))
def test_to_dict_gives_exactly_the_keys_recommend_prints_as_json(setup, make_facts, rules):
    changes, availability = OUTCOME_SETUPS[setup]
    printed = recommend(make_facts(**changes), availability, AT, rules).to_dict()
    assert list(printed) == [
        "outcome",
        "response",
        "lead",
        "due_at",
        "fallback_from",
        "bed_needed",
        "reasons",
    ]
    assert printed["outcome"] == ("matrix" if setup == "fallback" else setup)
    assert json.loads(json.dumps(printed)) == printed


def test_to_dict_of_a_fallback_names_values_in_the_vocabulary(make_facts, rules):
    changes, availability = OUTCOME_SETUPS["fallback"]
    printed = recommend(make_facts(**changes), availability, AT, rules).to_dict()
    assert {key: value for key, value in printed.items() if key != "reasons"} == {
        "outcome": "matrix",
        "response": "normal",
        "lead": "nurse",
        "due_at": "2026-03-05T14:05:00+00:00",
        "fallback_from": "therapist",
        "bed_needed": False,
    }


def test_the_recommendation_carries_the_rules_version(make_facts, rules):
    assert (
        recommend(make_facts(), ALL_AVAILABLE, AT, rules).rules_version
        == rules.version
        == (RAW_RULES["version"])
    )
