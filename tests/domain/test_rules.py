"""The rules file: the shipped one loads, and a file that does not make sense is refused."""

from __future__ import annotations

import copy
import tomllib

import pytest

from spr_desk.rules import (
    DEFAULT_RULES_PATH,
    RulesError,
    default_rules,
    load_rules,
    rules_from_dict,
)
from spr_desk.vocabulary import Lead, Need, NeedGroup, RedFlag, Response, Urgency

RAW = tomllib.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))


def raw():
    return copy.deepcopy(RAW)


def test_the_default_rules_load_as_the_design_describes():
    rules = default_rules()
    assert rules.version == "2026.2"
    assert rules.emergency_red_flags == frozenset(RedFlag)
    assert rules.minimum_age == 18
    assert rules.rapid_factors == {
        Urgency.ADMISSION_RISK_WITHIN_HOURS,
        Urgency.UNSAFE_ALONE_TONIGHT,
        Urgency.CARER_BREAKDOWN_NOW,
        Urgency.CREW_ON_SCENE,
        Urgency.DISCHARGE_TODAY,
    }
    assert rules.fast_factors == {
        Urgency.DETERIORATING,
        Urgency.NEW_NEED_WITHIN_DAY,
        Urgency.DISCHARGE_TOMORROW,
    }
    assert rules.due_hours == {Response.RAPID: 3, Response.FAST: 24, Response.NORMAL: 72}
    assert rules.no_movement_minutes == {
        Response.RAPID: 30,
        Response.FAST: 240,
        Response.NORMAL: 1440,
    }
    assert set(rules.group_of_need) == set(Need)
    assert rules.group_order == (NeedGroup.CLINICAL, NeedGroup.FUNCTION, NeedGroup.DAILY_LIVING)
    assert rules.lead_of_group == {
        NeedGroup.CLINICAL: Lead.NURSE,
        NeedGroup.FUNCTION: Lead.THERAPIST,
        NeedGroup.DAILY_LIVING: Lead.SOCIAL_CARE,
    }
    assert rules.fallback_order == (Lead.NURSE, Lead.THERAPIST, Lead.SOCIAL_CARE)


@pytest.mark.parametrize(
    ("need", "group"),
    [
        (Need.END_OF_LIFE, NeedGroup.CLINICAL),
        (Need.HOME_SAFETY, NeedGroup.FUNCTION),
        (Need.PACKAGE_OF_CARE, NeedGroup.DAILY_LIVING),
    ],
)
def test_the_default_rules_group_needs_as_the_design_lists_them(need, group):
    assert default_rules().group_of_need[need] is group


def test_load_rules_reads_a_file(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_bytes(DEFAULT_RULES_PATH.read_bytes())
    assert load_rules(path) == default_rules()


def test_an_unknown_need_is_refused_naming_its_group():
    data = raw()
    data["needs"]["clinical"].append("cup_of_tea")
    with pytest.raises(RulesError, match=r"needs\.clinical: .*cup_of_tea"):
        rules_from_dict(data)


def test_a_need_in_two_groups_is_refused_naming_it():
    data = raw()
    data["needs"]["daily_living"].append("medication")
    with pytest.raises(RulesError, match=r"needs\.daily_living: medication is already in"):
        rules_from_dict(data)


def test_a_need_in_no_group_is_refused_naming_it():
    data = raw()
    data["needs"]["function"].remove("equipment")
    with pytest.raises(RulesError, match="no group for equipment"):
        rules_from_dict(data)


def _without(*path):
    data = raw()
    *parents, last = path
    section = data
    for key in parents:
        section = section[key]
    del section[last]
    return pytest.param(data, last, id=".".join(path))


@pytest.mark.parametrize(
    ("data", "key"),
    [
        _without("version"),
        _without("emergency_red_flags"),
        _without("minimum_age"),
        _without("response"),
        _without("response", "rapid"),
        _without("response", "fast"),
        _without("due_hours"),
        _without("no_movement_minutes"),
        _without("needs"),
        _without("needs", "daily_living"),
        _without("lead"),
        _without("lead", "group_order"),
        _without("lead", "by_group"),
        _without("lead", "fallback_order"),
    ],
)
def test_a_missing_key_is_refused_naming_it(data, key):
    with pytest.raises(RulesError, match=f"missing key {key}"):
        rules_from_dict(data)


def test_an_unknown_urgency_factor_is_refused_naming_the_list():
    data = raw()
    data["response"]["fast"].append("soonish")
    with pytest.raises(RulesError, match=r"response\.fast: .*soonish"):
        rules_from_dict(data)


def test_an_unknown_lead_is_refused_naming_its_group():
    data = raw()
    data["lead"]["by_group"]["clinical"] = "doctor"
    with pytest.raises(RulesError, match=r"lead\.by_group\.clinical: .*doctor"):
        rules_from_dict(data)


def test_an_unknown_response_row_in_due_hours_is_refused_naming_it():
    data = raw()
    data["due_hours"]["urgent"] = 1
    with pytest.raises(RulesError, match=r"due_hours\.urgent"):
        rules_from_dict(data)


@pytest.mark.parametrize("hours", ["three", 2.5, True])
def test_due_hours_must_be_whole_numbers(hours):
    data = raw()
    data["due_hours"]["rapid"] = hours
    with pytest.raises(RulesError, match=r"due_hours\.rapid: expected a whole number"):
        rules_from_dict(data)


def test_a_response_row_without_due_hours_is_refused():
    data = raw()
    del data["due_hours"]["normal"]
    with pytest.raises(RulesError, match="due_hours"):
        rules_from_dict(data)


def test_a_fallback_order_missing_a_lead_is_refused():
    data = raw()
    data["lead"]["fallback_order"] = ["nurse", "therapist"]
    with pytest.raises(RulesError, match=r"lead\.fallback_order"):
        rules_from_dict(data)


def test_a_group_without_a_lead_is_refused():
    data = raw()
    del data["lead"]["by_group"]["function"]
    with pytest.raises(RulesError, match="lead: name a lead for"):
        rules_from_dict(data)
