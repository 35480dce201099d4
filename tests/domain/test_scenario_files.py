"""Scenario files under `cases/` give the recommendation their `expected` block records.

Each case is `{"scenario": {...a scenario file...}, "expected": {...recommend(...).to_dict()...}}`;
`reasons` may be left out of `expected` when the case is not about the wording.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spr_desk.matrix import recommend
from spr_desk.rules import default_rules
from spr_desk.scenario import load_scenario

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))
KEYS = {"outcome", "response", "lead", "due_at", "fallback_from", "bed_needed", "reasons"}


def test_there_are_scenario_cases_for_every_outcome():
    outcomes = {json.loads(path.read_text())["expected"]["outcome"] for path in CASES}
    assert len(CASES) >= 8
    assert outcomes == {"matrix", "emergency", "redirect", "escalate"}


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_each_scenario_file_gives_its_expected_recommendation(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    assert set(case) == {"scenario", "expected"}
    expected = case["expected"]
    assert KEYS - {"reasons"} <= set(expected) <= KEYS
    scenario = load_scenario(json.dumps(case["scenario"]))
    printed = recommend(
        scenario.facts, scenario.availability, scenario.at, default_rules()
    ).to_dict()
    assert printed["reasons"]
    if "reasons" not in expected:
        del printed["reasons"]
    assert printed == expected
