"""The printed rules card gives the engine's answer: on every scenario file, on random calls, and
under rules changed at random (so the card can only agree by reading its own words)."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime, timedelta
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_properties import availabilities, received_times, triage_facts
from tests_support import RED_FLAG_QUESTIONS_AS_ASKED

from spr_desk.downtime.rules_card import (
    CardAnswer,
    RulesCard,
    build_card,
    card_lines,
    follow_card,
)
from spr_desk.facts import FieldError, TriageFacts
from spr_desk.matrix import Availability, Recommendation, recommend
from spr_desk.rules import DEFAULT_RULES_PATH, Rules, default_rules, rules_from_dict
from spr_desk.scenario import load_scenario
from spr_desk.uktime import LONDON, parse_local
from spr_desk.vocabulary import (
    Lead,
    Need,
    NeedGroup,
    Outcome,
    Pathway,
    RedFlag,
    Response,
    Setting,
    Urgency,
    label,
)

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))
EXAMPLES = settings(max_examples=200, deadline=None)
CELLS = list(product(Response, Lead))
# The questions as the call form asks them (spr_desk/call_form.py), written out here so the
# test does not read the table the card is built from.
QUESTIONS = RED_FLAG_QUESTIONS_AS_ASKED


def engine_fields(recommendation: Recommendation) -> CardAnswer:
    return CardAnswer(
        recommendation.outcome,
        recommendation.response,
        recommendation.lead,
        recommendation.due_at,
        recommendation.fallback_from,
    )


def printed_text(card: RulesCard) -> str:
    return "\n".join("\n".join((section.heading, *section.lines)) for section in card_lines(card))


def shipped_rules_data() -> dict[str, Any]:
    with DEFAULT_RULES_PATH.open("rb") as handle:
        return tomllib.load(handle)


def test_there_are_scenario_files_for_the_card_to_be_checked_on() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_following_the_card_gives_each_scenario_files_expected_answer(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    scenario = load_scenario(json.dumps(case["scenario"]))
    rules = default_rules()
    answer = follow_card(build_card(rules), scenario.facts, scenario.availability, scenario.at)
    engine = recommend(scenario.facts, scenario.availability, scenario.at, rules)
    assert answer == engine_fields(engine)
    expected = case["expected"]
    assert answer.outcome.value == expected["outcome"]
    assert (answer.response.value if answer.response else None) == expected["response"]
    assert (answer.lead.value if answer.lead else None) == expected["lead"]
    assert (answer.due_at.isoformat() if answer.due_at else None) == expected["due_at"]
    assert (answer.fallback_from.value if answer.fallback_from else None) == expected[
        "fallback_from"
    ]


@st.composite
def any_rules(draw: st.DrawFn) -> Rules:
    """Rules a supervisor could write: every list, order, split and number drawn at random."""
    factor_row = {factor: draw(st.sampled_from(("rapid", "fast", "none"))) for factor in Urgency}
    return Rules(
        version=f"{draw(st.integers(min_value=2020, max_value=2040))}.{draw(st.integers(1, 9))}",
        emergency_red_flags=draw(st.frozensets(st.sampled_from(RedFlag))),
        minimum_age=draw(st.integers(min_value=0, max_value=120)),
        rapid_factors=frozenset(f for f, row in factor_row.items() if row == "rapid"),
        fast_factors=frozenset(f for f, row in factor_row.items() if row == "fast"),
        due_hours={
            response: draw(st.integers(min_value=1, max_value=240)) for response in Response
        },
        no_movement_minutes=dict.fromkeys(Response, 60),
        group_of_need={need: draw(st.sampled_from(NeedGroup)) for need in Need},
        group_order=tuple(draw(st.permutations(list(NeedGroup)))),
        lead_of_group={group: draw(st.sampled_from(Lead)) for group in NeedGroup},
        fallback_order=tuple(draw(st.permutations(list(Lead)))),
    )


@EXAMPLES
@given(triage_facts(), availabilities, received_times)
def test_the_card_and_recommend_agree_on_random_calls(
    facts: TriageFacts, availability: Availability, at: datetime
) -> None:
    rules = default_rules()
    answer = follow_card(build_card(rules), facts, availability, at)
    assert answer == engine_fields(recommend(facts, availability, at, rules))


@EXAMPLES
@given(any_rules(), triage_facts(), availabilities, received_times)
def test_the_card_and_recommend_agree_under_random_rules(
    rules: Rules, facts: TriageFacts, availability: Availability, at: datetime
) -> None:
    card = build_card(rules)
    assert card.rules_version == rules.version
    try:
        engine: CardAnswer | str = engine_fields(recommend(facts, availability, at, rules))
    except FieldError as error:  # a red flag these rules ignore, and no need to lead from
        engine = str(error)
    try:
        answer: CardAnswer | str = follow_card(card, facts, availability, at)
    except FieldError as error:
        answer = str(error)
    assert answer == engine


def test_every_label_the_card_prints_names_one_member_only() -> None:
    # follow_card decides from printed labels: two members sharing a label would be confused.
    for enum in (RedFlag, Urgency, Need, NeedGroup, Lead, Response):
        assert len({label(member) for member in enum}) == len(enum), enum.__name__


def test_the_card_carries_the_rules_version() -> None:
    data = shipped_rules_data()
    data["version"] = "2031.7"
    card = build_card(rules_from_dict(data))
    assert card.rules_version == "2031.7"
    assert card_lines(card)[0].heading == "Red-flag and matrix card - rules version 2031.7"
    assert build_card(default_rules()).rules_version == default_rules().version


def test_the_card_lists_all_seven_red_flags_with_their_questions_and_the_words_to_say() -> None:
    card = build_card(default_rules())
    assert [flag.question for flag in card.red_flags] == list(QUESTIONS)
    assert len({flag.label for flag in card.red_flags}) == 7
    step_one = card_lines(card)[1]
    assert step_one.heading == "Step 1 - Red flags: ask these first"
    for question in QUESTIONS:
        assert any(line.startswith(question) for line in step_one.lines)
    assert "Any yes: say the words, advise 999, stop." in step_one.lines
    assert any("Please call 999" in line for line in step_one.lines)


def test_a_shorter_rapid_due_time_in_the_rules_is_printed_and_followed() -> None:
    data = shipped_rules_data()
    data["due_hours"]["rapid"] = 2
    card = build_card(rules_from_dict(data))
    text = printed_text(card)
    assert "Rapid (due 2 h after received)" in text
    assert "+ 2 h / 24 h / 72 h" in text
    assert "3 h" not in text
    facts = TriageFacts(
        Pathway.STEP_UP,
        Setting.HOME,
        age=84,
        needs=frozenset({Need.FALL_NO_INJURY}),
        urgency=frozenset({Urgency.UNSAFE_ALONE_TONIGHT}),
    )
    at = parse_local("2026-03-02T23:10")
    answer = follow_card(card, facts, Availability(), at)
    assert (answer.response, answer.lead) == (Response.RAPID, Lead.THERAPIST)
    assert answer.due_at == at + timedelta(hours=2)


def test_a_due_time_across_the_spring_clock_change_counts_elapsed_hours() -> None:
    card = build_card(default_rules())
    facts = TriageFacts(
        Pathway.STEP_UP,
        Setting.HOME,
        age=84,
        needs=frozenset({Need.MEDICATION}),
        urgency=frozenset({Urgency.DETERIORATING}),
    )
    answer = follow_card(card, facts, Availability(), parse_local("2026-03-28T12:00"))
    assert answer.due_at is not None
    assert answer.due_at.astimezone(LONDON).strftime("%a %H:%M") == "Sun 13:00"


def test_a_red_flag_taken_out_of_the_rules_leaves_the_card_and_no_longer_stops_the_call() -> None:
    data = shipped_rules_data()
    data["emergency_red_flags"].remove("suspected_fracture")
    rules = rules_from_dict(data)
    card = build_card(rules)
    assert "After a fall: can't bear weight?" not in printed_text(card)
    assert len(card.red_flags) == 6
    facts = TriageFacts(
        Pathway.STEP_UP,
        Setting.HOME,
        age=90,
        red_flags=frozenset({RedFlag.SUSPECTED_FRACTURE}),
        needs=frozenset({Need.FALL_NO_INJURY}),
    )
    at = parse_local("2026-06-01T10:00")
    answer = follow_card(card, facts, Availability(), at)
    assert answer.outcome is Outcome.MATRIX
    assert answer == engine_fields(recommend(facts, Availability(), at, rules))


def test_a_changed_fallback_and_group_order_are_printed_and_followed() -> None:
    data = shipped_rules_data()
    data["lead"]["fallback_order"] = ["social_care", "therapist", "nurse"]
    data["lead"]["group_order"] = ["daily_living", "function", "clinical"]
    rules = rules_from_dict(data)
    card = build_card(rules)
    text = printed_text(card)
    assert "in this order: Social care, Therapist, Nurse." in text
    assert "with a need ticked: daily living, function, clinical." in text
    facts = TriageFacts(
        Pathway.STEP_DOWN,
        Setting.HOSPITAL_WARD,
        age=77,
        needs=frozenset({Need.MEDICATION, Need.MEALS}),
    )
    no_social_care = Availability(frozenset({(Response.NORMAL, Lead.SOCIAL_CARE)}))
    at = parse_local("2026-06-01T10:00")
    answer = follow_card(card, facts, no_social_care, at)
    assert (answer.lead, answer.fallback_from) == (Lead.THERAPIST, Lead.SOCIAL_CARE)
    assert answer == engine_fields(recommend(facts, no_social_care, at, rules))


def test_redirect_and_escalate_on_the_card_set_what_recommend_sets() -> None:
    card = build_card(default_rules())
    at = parse_local("2026-06-01T10:00")
    child = TriageFacts(Pathway.STEP_UP, Setting.HOME, age=16, needs=frozenset({Need.MEALS}))
    assert follow_card(card, child, Availability(), at) == CardAnswer(
        Outcome.REDIRECT, None, None, None, None
    )
    nobody = Availability(frozenset((Response.NORMAL, lead) for lead in Lead))
    adult = TriageFacts(Pathway.STEP_UP, Setting.HOME, age=70, needs=frozenset({Need.MEALS}))
    assert follow_card(card, adult, nobody, at) == CardAnswer(
        Outcome.ESCALATE, Response.NORMAL, None, at + timedelta(hours=72), None
    )


def test_a_call_with_no_need_and_no_red_flag_is_refused_by_the_card_as_by_recommend() -> None:
    facts = TriageFacts(Pathway.STEP_UP, Setting.HOME, age=70)
    at = parse_local("2026-06-01T10:00")
    with pytest.raises(FieldError):
        recommend(facts, Availability(), at, default_rules())
    with pytest.raises(FieldError, match="facts.needs"):
        follow_card(build_card(default_rules()), facts, Availability(), at)
