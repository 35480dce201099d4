"""Properties of `recommend` over random valid facts, availability and received times.

Expectations here are written from the text of DESIGN.md, not by calling the rule functions.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from spr_desk.facts import TriageFacts, check_facts
from spr_desk.matrix import Availability, recommend
from spr_desk.rules import default_rules
from spr_desk.uktime import LONDON
from spr_desk.vocabulary import Lead, Need, Outcome, Pathway, RedFlag, Response, Setting, Urgency

EXAMPLES = settings(max_examples=500, deadline=None)
RULES = default_rules()

# DESIGN.md, "Scenario files": the urgency vocabulary, within hours and within a day.
WITHIN_HOURS = {
    "admission_risk_within_hours",
    "unsafe_alone_tonight",
    "carer_breakdown_now",
    "crew_on_scene",
    "discharge_today",
}
WITHIN_A_DAY = {"deteriorating", "new_need_within_day", "discharge_tomorrow"}
# DESIGN.md, "The matrix": the needs of each group and the lead each group asks for.
CLINICAL = {
    "medication",
    "wound_care",
    "catheter_continence",
    "dehydration",
    "infection",
    "long_term_condition_exacerbation",
    "end_of_life",
}
FUNCTION = {"fall_no_injury", "reduced_mobility", "transfers", "equipment", "home_safety"}
DAILY_LIVING = {"personal_care", "meals", "carer_breakdown", "package_of_care"}
HOURS = {"rapid": 3, "fast": 24, "normal": 72}
ORDER = ["rapid", "fast", "normal"]
CELLS = list(product(Response, Lead))


def expected_response(facts: TriageFacts) -> str:
    words = {factor.value for factor in facts.urgency}
    if words & WITHIN_HOURS:
        return "rapid"
    if words & WITHIN_A_DAY:
        return "fast"
    return "normal"


def lead_of(need: str) -> str:
    if need in CLINICAL:
        return "nurse"
    if need in FUNCTION:
        return "therapist"
    assert need in DAILY_LIVING
    return "social_care"


def expected_lead(facts: TriageFacts) -> str:
    if facts.primary_need is not None:
        return lead_of(facts.primary_need.value)
    leads = {lead_of(need.value) for need in facts.needs}
    return next(lead for lead in ("nurse", "therapist", "social_care") if lead in leads)


@st.composite
def triage_facts(draw: st.DrawFn) -> TriageFacts:
    red_flags = draw(
        st.one_of(st.just(frozenset()), st.frozensets(st.sampled_from(RedFlag), min_size=1))
    )
    needs = draw(st.frozensets(st.sampled_from(Need), min_size=0 if red_flags else 1))
    primary_need = draw(st.none() | st.sampled_from(sorted(needs))) if needs else None
    facts = TriageFacts(
        pathway=draw(st.sampled_from(Pathway)),
        setting=draw(st.sampled_from(Setting)),
        age=draw(st.none() | st.integers(min_value=0, max_value=130)),
        red_flags=red_flags,
        needs=needs,
        urgency=draw(st.frozensets(st.sampled_from(Urgency))),
        primary_need=primary_need,
        bed_needed=draw(st.booleans()),
    )
    check_facts(facts)
    return facts


availabilities = st.frozensets(st.sampled_from(CELLS)).map(Availability)
received_times = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2035, 12, 31, 23, 59),
    timezones=st.sampled_from(
        [UTC, LONDON, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))]
    ),
)


@EXAMPLES
@given(triage_facts(), availabilities, received_times)
def test_recommend_never_raises_and_always_gives_reasons(facts, availability, at):
    recommendation = recommend(facts, availability, at, RULES)
    assert recommendation.reasons
    assert recommendation.bed_needed is facts.bed_needed


@EXAMPLES
@given(triage_facts(), availabilities, received_times)
def test_the_outcome_is_emergency_exactly_when_there_is_a_red_flag(facts, availability, at):
    recommendation = recommend(facts, availability, at, RULES)
    assert (recommendation.outcome is Outcome.EMERGENCY) == bool(facts.red_flags)


@EXAMPLES
@given(triage_facts(), availabilities, received_times)
def test_under_18_without_a_red_flag_is_always_redirected(facts, availability, at):
    recommendation = recommend(facts, availability, at, RULES)
    under_18 = facts.age is not None and facts.age < 18
    if not facts.red_flags:
        assert (recommendation.outcome is Outcome.REDIRECT) == under_18


@EXAMPLES
@given(triage_facts(), availabilities, received_times)
def test_a_matrix_cell_is_always_one_that_can_be_mobilised(facts, availability, at):
    recommendation = recommend(facts, availability, at, RULES)
    if recommendation.outcome is Outcome.MATRIX:
        assert availability.can(recommendation.response, recommendation.lead)


@EXAMPLES
@given(triage_facts(), availabilities, received_times)
def test_the_response_is_never_lower_than_the_facts_ask_for(facts, availability, at):
    recommendation = recommend(facts, availability, at, RULES)
    if recommendation.outcome in (Outcome.MATRIX, Outcome.ESCALATE):
        asked = expected_response(facts)
        given_response = recommendation.response.value
        assert ORDER.index(given_response) <= ORDER.index(asked)
        assert given_response == asked
        elapsed = recommendation.due_at.astimezone(UTC) - at.astimezone(UTC)
        assert elapsed == timedelta(hours=HOURS[asked])
    else:
        assert recommendation.response is None
        assert recommendation.due_at is None


@EXAMPLES
@given(triage_facts(), availabilities, received_times)
def test_escalate_means_the_whole_response_row_is_unavailable(facts, availability, at):
    recommendation = recommend(facts, availability, at, RULES)
    if recommendation.outcome is Outcome.ESCALATE:
        assert recommendation.lead is None
        assert not any(availability.can(recommendation.response, lead) for lead in Lead)
    elif recommendation.outcome is Outcome.MATRIX:
        assert any(availability.can(recommendation.response, lead) for lead in Lead)


@EXAMPLES
@given(triage_facts(), availabilities, received_times)
def test_the_lead_is_the_one_the_needs_ask_for_unless_it_cannot_be_mobilised(
    facts, availability, at
):
    recommendation = recommend(facts, availability, at, RULES)
    if recommendation.outcome is not Outcome.MATRIX:
        return
    wanted = expected_lead(facts)
    response = Response(expected_response(facts))
    if availability.can(response, Lead(wanted)):
        assert recommendation.lead.value == wanted
        assert recommendation.fallback_from is None
    else:
        first_free = next(
            word
            for word in ("nurse", "therapist", "social_care")
            if availability.can(response, Lead(word))
        )
        assert recommendation.lead.value == first_free
        assert recommendation.fallback_from.value == wanted
