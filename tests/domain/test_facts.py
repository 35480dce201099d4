"""Triage facts: parsed field by field, every error naming the field a handler must fix."""

from __future__ import annotations

import pytest
from tests_support import with_changes

from spr_desk.facts import FieldError, TriageFacts, check_facts, parse_facts
from spr_desk.vocabulary import Need, Pathway, RedFlag, Setting, Urgency

ETHEL = {
    "pathway": "step_up",
    "setting": "home",
    "age": 81,
    "red_flags": [],
    "needs": ["personal_care", "meals"],
    "urgency": ["unsafe_alone_tonight"],
    "primary_need": "meals",
    "bed_needed": False,
}


def changed(**changes):
    return with_changes(ETHEL, **changes)


def test_well_formed_facts_parse_into_the_vocabulary():
    facts = parse_facts(ETHEL)
    assert facts == TriageFacts(
        pathway=Pathway.STEP_UP,
        setting=Setting.HOME,
        age=81,
        red_flags=frozenset(),
        needs=frozenset({Need.PERSONAL_CARE, Need.MEALS}),
        urgency=frozenset({Urgency.UNSAFE_ALONE_TONIGHT}),
        primary_need=Need.MEALS,
        bed_needed=False,
    )


def test_facts_survive_a_round_trip_through_to_dict():
    facts = parse_facts(ETHEL)
    assert parse_facts(facts.to_dict()) == facts


def test_only_pathway_setting_and_a_need_are_required():
    facts = parse_facts({"pathway": "step_down", "setting": "hospital_ward", "needs": ["meals"]})
    assert facts.age is None
    assert facts.red_flags == frozenset()
    assert facts.urgency == frozenset()
    assert facts.primary_need is None
    assert facts.bed_needed is False


def test_optional_fields_may_be_null():
    facts = parse_facts(
        changed(age=None, red_flags=None, urgency=None, primary_need=None, bed_needed=None)
    )
    assert (facts.age, facts.red_flags, facts.urgency, facts.primary_need, facts.bed_needed) == (
        None,
        frozenset(),
        frozenset(),
        None,
        False,
    )


def test_needs_may_be_empty_when_there_is_a_red_flag():
    facts = parse_facts(changed(needs=[], primary_need=None, red_flags=["chest_pain"]))
    assert facts.needs == frozenset()
    assert facts.red_flags == frozenset({RedFlag.CHEST_PAIN})


@pytest.mark.parametrize("age", [0, 17, 18, 130])
def test_any_whole_age_from_0_to_130_is_accepted(age):
    assert parse_facts(changed(age=age)).age == age


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(changed(foo=1), "facts.foo", id="unknown key"),
        pytest.param(
            changed(needs=["meals", "soup"], primary_need=None), "facts.needs[1]", id="unknown need"
        ),
        pytest.param(changed(red_flags=["headache"]), "facts.red_flags[0]", id="unknown flag"),
        pytest.param(changed(urgency=["now", "soonish"]), "facts.urgency[0]", id="unknown urgency"),
        pytest.param(changed(needs=[3]), "facts.needs[0]", id="need not a word"),
        pytest.param(changed(needs="meals"), "facts.needs", id="needs not a list"),
        pytest.param(changed(pathway=...), "facts.pathway", id="missing pathway"),
        pytest.param(changed(setting=...), "facts.setting", id="missing setting"),
        pytest.param(changed(pathway="sideways"), "facts.pathway", id="unknown pathway"),
        pytest.param(changed(pathway=None), "facts.pathway", id="null pathway"),
        pytest.param(changed(setting="garden"), "facts.setting", id="unknown setting"),
        pytest.param(
            changed(primary_need="medication"),
            "facts.primary_need",
            id="primary need not among needs",
        ),
        pytest.param(changed(primary_need="tea"), "facts.primary_need", id="unknown primary need"),
        pytest.param(
            changed(needs=[], primary_need=None), "facts.needs", id="no needs without a red flag"
        ),
        pytest.param(
            changed(needs=..., primary_need=None),
            "facts.needs",
            id="needs missing without a red flag",
        ),
        pytest.param(changed(age=True), "facts.age", id="age true"),
        pytest.param(changed(age=False), "facts.age", id="age false"),
        pytest.param(changed(age=-1), "facts.age", id="age negative"),
        pytest.param(changed(age=131), "facts.age", id="age above 130"),
        pytest.param(changed(age=81.5), "facts.age", id="age float"),
        pytest.param(changed(age=81.0), "facts.age", id="age whole float"),
        pytest.param(changed(age="81"), "facts.age", id="age text"),
        pytest.param(changed(bed_needed="yes"), "facts.bed_needed", id="bed needed text"),
        pytest.param(changed(bed_needed=1), "facts.bed_needed", id="bed needed number"),
        pytest.param(["step_up"], "facts", id="not an object"),
    ],
)
def test_bad_facts_raise_a_field_error_naming_the_field(data, field):
    with pytest.raises(FieldError) as caught:
        parse_facts(data)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert caught.value.message


def test_an_unknown_value_error_lists_the_words_that_would_do():
    with pytest.raises(FieldError) as caught:
        parse_facts(changed(setting="garden"))
    assert "'garden'" in caught.value.message
    assert "care_home" in caught.value.message


def test_the_prefix_names_where_the_facts_sit():
    with pytest.raises(FieldError) as caught:
        parse_facts(changed(foo=1), prefix="draft.facts")
    assert caught.value.field == "draft.facts.foo"


def test_check_facts_refuses_facts_built_by_a_screen_without_needs():
    facts = TriageFacts(pathway=Pathway.STEP_UP, setting=Setting.HOME)
    with pytest.raises(FieldError) as caught:
        check_facts(facts)
    assert caught.value.field == "facts.needs"


def test_check_facts_refuses_a_primary_need_outside_the_needs():
    facts = TriageFacts(
        pathway=Pathway.STEP_UP,
        setting=Setting.HOME,
        needs=frozenset({Need.MEALS}),
        primary_need=Need.WOUND_CARE,
    )
    with pytest.raises(FieldError) as caught:
        check_facts(facts)
    assert caught.value.field == "facts.primary_need"
