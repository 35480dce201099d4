"""Scenario files: `{"at": ..., "facts": {...}, "availability": {...}}`, errors naming the field."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from tests_support import with_changes

from spr_desk.facts import FieldError
from spr_desk.matrix import ALL_AVAILABLE, Availability, parse_availability
from spr_desk.scenario import load_scenario, parse_scenario
from spr_desk.vocabulary import Lead, Need, Response

SCENARIO = {
    "at": "2026-03-02T23:10",
    "facts": {"pathway": "step_up", "setting": "home", "needs": ["transfers"]},
    "availability": {"rapid": {"nurse": True, "therapist": False, "social_care": False}},
}


def changed(**changes):
    return with_changes(SCENARIO, **changes)


def test_a_scenario_parses_its_time_facts_and_availability():
    scenario = parse_scenario(SCENARIO)
    assert scenario.at == datetime(2026, 3, 2, 23, 10, tzinfo=UTC)
    assert scenario.facts.needs == frozenset({Need.TRANSFERS})
    assert scenario.availability == Availability(
        frozenset({(Response.RAPID, Lead.THERAPIST), (Response.RAPID, Lead.SOCIAL_CARE)})
    )


def test_availability_is_optional_and_then_every_cell_is_available():
    assert parse_scenario(changed(availability=...)).availability == ALL_AVAILABLE
    assert parse_scenario(changed(availability=None)).availability == ALL_AVAILABLE


def test_a_missing_row_or_cell_of_availability_means_yes():
    availability = parse_availability({"fast": {"nurse": False}})
    assert availability.unavailable == frozenset({(Response.FAST, Lead.NURSE)})
    assert availability.to_dict() == {
        "rapid": {"nurse": True, "therapist": True, "social_care": True},
        "fast": {"nurse": False, "therapist": True, "social_care": True},
        "normal": {"nurse": True, "therapist": True, "social_care": True},
    }


def test_a_naive_time_is_uk_local_in_summer():
    scenario = parse_scenario(changed(at="2026-07-01T09:30"))
    assert scenario.at.isoformat() == "2026-07-01T09:30:00+01:00"


def test_a_time_with_an_offset_is_that_exact_instant_shown_on_the_uk_clock():
    scenario = parse_scenario(changed(at="2026-07-01T09:30:00+00:00"))
    assert scenario.at == datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    assert scenario.at.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(changed(at=...), "at", id="missing at"),
        pytest.param(changed(at="yesterday teatime"), "at", id="bad at"),
        pytest.param(changed(at="2026-02-30T10:00"), "at", id="impossible date"),
        pytest.param(changed(at=1772492400), "at", id="at not text"),
        pytest.param(changed(facts=...), "facts", id="missing facts"),
        pytest.param(changed(patient={"name": "Ethel"}), "patient", id="unknown top-level key"),
        pytest.param(
            changed(facts={**SCENARIO["facts"], "foo": 1}), "facts.foo", id="unknown fact"
        ),
        pytest.param(
            changed(facts={**SCENARIO["facts"], "needs": ["meals", "x"]}),
            "facts.needs[1]",
            id="unknown need",
        ),
        pytest.param(
            changed(facts={"setting": "home", "needs": ["meals"]}),
            "facts.pathway",
            id="missing pathway",
        ),
        pytest.param(
            changed(facts={**SCENARIO["facts"], "primary_need": "meals"}),
            "facts.primary_need",
            id="primary need not among needs",
        ),
        pytest.param(
            changed(availability={"urgent": {"nurse": True}}),
            "availability.urgent",
            id="unknown row",
        ),
        pytest.param(
            changed(availability={"rapid": {"doctor": True}}),
            "availability.rapid.doctor",
            id="unknown cell",
        ),
        pytest.param(
            changed(availability={"rapid": {"nurse": "yes"}}),
            "availability.rapid.nurse",
            id="cell text",
        ),
        pytest.param(
            changed(availability={"fast": {"nurse": 1}}),
            "availability.fast.nurse",
            id="cell number",
        ),
        pytest.param(
            changed(availability={"normal": {"therapist": None}}),
            "availability.normal.therapist",
            id="cell null",
        ),
        pytest.param(
            changed(availability={"rapid": [True, False, False]}),
            "availability.rapid",
            id="row not an object",
        ),
        pytest.param(changed(availability=["rapid"]), "availability", id="not an object"),
        pytest.param([SCENARIO], "scenario", id="scenario not an object"),
    ],
)
def test_a_bad_scenario_raises_a_field_error_naming_the_field(data, field):
    with pytest.raises(FieldError) as caught:
        parse_scenario(data)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_load_scenario_reads_the_text_of_a_file():
    assert load_scenario(json.dumps(SCENARIO)) == parse_scenario(SCENARIO)


@pytest.mark.parametrize("text", ['{"at": "2026-03-02T23:10",', "", "at: 2026-03-02", "{'at': 1}"])
def test_load_scenario_refuses_text_that_is_not_json(text):
    with pytest.raises(FieldError) as caught:
        load_scenario(text)
    assert caught.value.field == "scenario"
    assert "not valid JSON" in caught.value.message


def test_load_scenario_names_the_field_of_valid_json_that_is_wrong():
    with pytest.raises(FieldError) as caught:
        load_scenario(json.dumps(changed(availability={"rapid": {"nurse": "no"}})))
    assert caught.value.field == "availability.rapid.nurse"


def test_json_nested_past_the_recursion_limit_is_refused_as_the_scenario():
    deep = "[" * 100_000 + "]" * 100_000
    for text in (deep, '{"facts": ' + deep + "}"):
        with pytest.raises(FieldError) as caught:
            load_scenario(text)
        assert (caught.value.field, caught.value.message) == (
            "scenario",
            "nested too deeply to be a scenario",
        )


def test_a_number_of_thousands_of_digits_is_refused_by_its_field_not_converted():
    text = json.dumps(changed(facts={**SCENARIO["facts"], "age": 81}))
    with pytest.raises(FieldError) as caught:  # Python converts at most 4,300 digits
        load_scenario(text.replace('"age": 81', '"age": ' + "9" * 5000))
    assert str(caught.value) == "facts.age: expected whole years, such as 81"
    with pytest.raises(FieldError) as caught:  # 20 digits are still a number, read as one
        load_scenario(text.replace('"age": 81', f'"age": {10**19}'))
    assert str(caught.value) == f"facts.age: expected an age from 0 to 130, not {10**19}"


@pytest.mark.parametrize("at", ["9999-12-31T23:00", "0001-01-01T00:30", "3000-01-01T00:00"])
def test_a_time_whose_due_time_could_not_exist_is_refused(at):
    with pytest.raises(FieldError) as caught:
        parse_scenario(changed(at=at))
    assert str(caught.value) == "at: the year must be 2000 to 2999"
