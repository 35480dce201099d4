"""The caller guides the questions: each referrer role's variant of the call, from the table."""

from __future__ import annotations

from datetime import date

import pytest

from spr_desk.caller_questions import (
    NO_VARIANT,
    answer_errors,
    caller_questions,
    parse_caller_questions,
    parse_when,
    recorded_answers,
)
from spr_desk.uktime import LONDON
from spr_desk.validation import InputError
from spr_desk.vocabulary import ReferrerRole, Urgency

TODAY = date(2026, 11, 23)
TABLE = caller_questions()


def asked(role: ReferrerRole) -> list[str]:
    return [question.key for question in TABLE.for_role(role.value).questions]


def test_a_crew_on_scene_is_timed_asked_its_incident_number_and_offered_crew_on_scene_first():
    crew = TABLE.for_role(ReferrerRole.AMBULANCE_CREW.value)
    assert crew.timer == "Crew waiting"
    assert crew.urgency_first == (Urgency.CREW_ON_SCENE,)
    assert asked(ReferrerRole.AMBULANCE_CREW) == ["incident_number"]


@pytest.mark.parametrize("role", [ReferrerRole.WARD_TEAM, ReferrerRole.HOSPITAL_OR_AE])
def test_a_ward_or_discharge_team_is_asked_the_discharge_medicines_and_transport(role):
    assert asked(role) == ["planned_discharge", "medicines_to_take_out", "transport"]
    assert TABLE.for_role(role.value).timer is None


def test_a_care_home_is_asked_its_kind_and_who_is_caring_now():
    assert asked(ReferrerRole.CARE_HOME) == ["care_home_type", "caring_now"]
    kinds = dict(TABLE.question("care_home_type").options)
    assert set(kinds) == {"nursing", "residential"}


@pytest.mark.parametrize("role", [ReferrerRole.GP_OR_PRACTICE_NURSE, ReferrerRole.GP_OUT_OF_HOURS])
def test_a_gp_is_asked_how_they_want_the_update(role):
    assert asked(role) == ["gp_update"]


@pytest.mark.parametrize("role", [ReferrerRole.COMMUNITY_HEALTH_OR_SOCIAL_CARE, ReferrerRole.OTHER])
def test_other_callers_are_asked_the_common_questions_only(role):
    assert TABLE.for_role(role.value) == NO_VARIANT


def test_no_role_yet_or_a_word_outside_the_vocabulary_asks_nothing_more():
    assert TABLE.for_role("") == NO_VARIANT
    assert TABLE.for_role("neighbour") == NO_VARIANT


def test_every_question_of_the_table_is_asked_of_some_caller_and_has_words():
    asked_of_someone = {q.key for variant in TABLE.variants.values() for q in variant.questions}
    assert asked_of_someone == {question.key for question in TABLE.questions}
    for question in TABLE.questions:
        assert question.label and question.kind in ("text", "choice", "when")
        assert all(words for _value, words in question.options)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"roles": {"neighbour": {}}}, "roles.neighbour"),
        ({"roles": {"care_home": {"asks": ["shoe_size"]}}}, "no question 'shoe_size'"),
        ({"roles": {"care_home": {"urgency_first": ["soon"]}}}, "roles.care_home"),
        ({"questions": {"q": {"label": "Q", "kind": "colour"}}}, "questions.q.kind"),
        ({"questions": {"q": {"label": "Q", "kind": "choice"}}}, "questions.q.options"),
    ],
)
def test_a_table_that_cannot_be_right_is_refused_naming_the_place(data, words):
    with pytest.raises(ValueError, match=words):
        parse_caller_questions(data)


def test_a_time_is_typed_as_a_date_and_time_or_a_time_today():
    assert parse_when("24/11/2026 09:05", TODAY) == parse_when("09:05", date(2026, 11, 24))
    moment = parse_when("14:30", TODAY)
    assert (moment.hour, moment.minute, moment.tzinfo) == (14, 30, LONDON)
    for wrong in ("after lunch", "25:00", "31/02/2026 10:00", "24/11/2026 10:00 pm"):
        with pytest.raises(InputError, match="DD/MM/YYYY HH:MM"):
            parse_when(wrong, TODAY)


def test_only_answers_that_cannot_be_right_are_errors_and_empty_ones_are_not():
    ward = TABLE.for_role(ReferrerRole.WARD_TEAM.value)
    errors = answer_errors(
        ward,
        {"planned_discharge": "soon", "transport": "by air", "medicines_to_take_out": ""},
        TODAY,
    )
    assert set(errors) == {"planned_discharge", "transport"}
    assert answer_errors(ward, {}, TODAY) == {}


def test_the_answers_recorded_are_this_callers_in_the_asking_order_as_the_handler_reads_them():
    ward = TABLE.for_role(ReferrerRole.WARD_TEAM.value)
    answers = {"transport": "family", "planned_discharge": "16:00", "incident_number": "9"}
    assert recorded_answers(ward, answers, TODAY) == (
        ("planned_discharge", "23/11/2026 16:00"),
        ("transport", "family"),
    )
    assert TABLE.question("transport").words("family") == "family or friends"
