"""The recommendation's own evidence: every scenario case and every property of the matrix is a
named control of a hazard in the log, so a reviewer goes from a hazard to the exact rule, case
and test (and a case or property added without a hazard fails here)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from spr_desk.safety.evidence import NodeId
from spr_desk.safety.hazard_log import Hazard, read_log

HERE = Path(__file__).parent
REPO = HERE.parent.parent
LOG, _ = read_log((REPO / "safety" / "hazards.toml").read_text(encoding="utf-8"))
SCENARIO_TEST = (
    "tests/domain/test_scenario_files.py::test_each_scenario_file_gives_its_expected_recommendation"
)
CASES = sorted(path.stem for path in (HERE / "cases").glob("*.json"))
PROPERTIES_FILE = HERE / "test_properties.py"


def properties() -> list[str]:
    """The hypothesis properties of the matrix: the `@given` tests of test_properties.py."""
    tree = ast.parse(PROPERTIES_FILE.read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(
            isinstance(d, ast.Call) and getattr(d.func, "id", "") == "given"
            for d in node.decorator_list
        )
    ]


def hazards_naming(node_id: str) -> list[Hazard]:
    """The hazards with a control naming the test, itself or as the whole test of its case."""
    node = NodeId.parse(node_id)
    assert node is not None
    whole = node_id.partition("[")[0]
    return [
        hazard
        for hazard in LOG.hazards
        if node_id in hazard.tests or (node.case is not None and whole in hazard.tests)
    ]


def test_there_are_cases_and_properties_to_trace() -> None:
    assert len(CASES) >= 8
    assert len(properties()) >= 7


@pytest.mark.parametrize("case", CASES)
def test_each_scenario_case_controls_a_hazard(case: str) -> None:
    assert hazards_naming(f"{SCENARIO_TEST}[{case}]"), f"no hazard names the case {case}"


@pytest.mark.parametrize("name", properties())
def test_each_property_of_the_matrix_controls_a_hazard(name: str) -> None:
    node_id = f"tests/domain/test_properties.py::{name}"
    assert hazards_naming(node_id), f"no hazard names the property {name}"


def test_the_red_flag_and_never_lower_properties_control_the_hazards_they_prove() -> None:
    """The two properties the issue names go to the hazards of a red flag missed and of the
    urgency lowered."""
    red_flag = hazards_naming(
        "tests/domain/test_properties.py::"
        "test_the_outcome_is_emergency_exactly_when_there_is_a_red_flag"
    )
    never_lower = hazards_naming(
        "tests/domain/test_properties.py::test_the_response_is_never_lower_than_the_facts_ask_for"
    )
    assert any("red flag" in hazard.name.lower() for hazard in red_flag)
    assert any("lower" in hazard.name.lower() for hazard in never_lower)
