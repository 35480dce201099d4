"""The hazard log's rules: the DCB0129 matrix, every field read or its problem said, the checks."""

from __future__ import annotations

import pytest

from spr_desk.safety.check import problems
from spr_desk.safety.evidence import NodeId, Outcome, defines, read_junit
from spr_desk.safety.hazard_log import ControlKind, Status, read_log
from spr_desk.safety.risk import MATRIX, Rating, risk

CASE = """
[case]
system = "SPR Desk"
scope = "The desk."
interfaces = ["SQLite"]
roles = ["Clinical Safety Officer"]
"""

HAZARD = """
[[hazard]]
id = "{id}"
name = "A red flag not routed to 999"
description = "The call goes on as a community referral."
causes = ["No red flag ticked.", "The rules drop one."]
effect = "The patient waits."
harm = "Death from a stroke treated late."
existing_controls = ["The caller's judgement."]
initial = {{ likelihood = 3, severity = 4 }}
residual = {{ likelihood = {residual}, severity = 4 }}
justification = "{justification}"
owner = "Clinical Safety Officer"
status = "{status}"

[[hazard.control]]
kind = "design"
text = "Red flags are asked first."
tests = [{tests}]

[[hazard.control]]
kind = "training"
text = "Handlers are trained."
tests = []
"""

SOURCE = """
def test_red_flags_first():
    assert True

class TestRules:
    def test_kept(self):
        assert True

    class TestInner:
        async def test_deep(self):
            assert True
"""
FILES = {"tests/test_flags.py": SOURCE}


def log_text(*hazards: dict[str, object]) -> str:
    entries = []
    for number, changes in enumerate(hazards, start=1):
        fields: dict[str, object] = {
            "id": f"H{number:03d}",
            "residual": 1,
            "justification": "",
            "status": "closed",
            "tests": '"tests/test_flags.py::test_red_flags_first"',
            **changes,
        }
        entries.append(HAZARD.format(**fields))
    return CASE + "".join(entries)


def check(text: str, junit: str | None = None) -> list[str]:
    log, found = read_log(text)
    run = read_junit(junit) if junit is not None else None
    return found + problems(log, FILES.get, run)


def junit(*cases: tuple[str, str, str]) -> str:
    """A JUnit XML report as pytest writes it: (classname, name, outcome) per case."""
    body = {
        "passed": "",
        "failed": '<failure message="assert 2 == 3">assert 2 == 3</failure>',
        "skipped": '<skipped type="pytest.skip" message="no server"/>',
    }
    rows = "".join(
        f'<testcase classname="{classname}" name="{name}" time="0.01">{body[outcome]}</testcase>'
        for classname, name, outcome in cases
    )
    return (
        f'<?xml version="1.0"?><testsuites><testsuite name="pytest">{rows}</testsuite></testsuites>'
    )


PASSED = ("tests.test_flags", "test_red_flags_first", "passed")


def test_the_matrix_is_dcb0129s() -> None:
    """NHS.md section 4, row by row from very low to very high."""
    assert MATRIX == (
        (1, 1, 2, 2, 3),
        (1, 2, 2, 3, 4),
        (2, 2, 3, 3, 4),
        (2, 3, 3, 4, 5),
        (3, 4, 4, 5, 5),
    )
    assert risk(5, 5) == 5 and risk(1, 1) == 1 and risk(2, 4) == 3
    assert Rating(2, 4).words() == "low x major = 3"


@pytest.mark.parametrize(("likelihood", "severity"), [(0, 3), (6, 1), (3, 0), (3, 6)])
def test_a_rating_off_the_scales_is_refused(likelihood: int, severity: int) -> None:
    with pytest.raises(ValueError, match="1-5"):
        risk(likelihood, severity)


def test_a_whole_log_reads_with_every_field_and_has_no_problems() -> None:
    log, found = read_log(log_text({}))
    assert found == []
    (hazard,) = log.hazards
    assert hazard.id == "H001" and hazard.status is Status.CLOSED
    assert hazard.causes == ("No red flag ticked.", "The rules drop one.")
    assert hazard.initial == Rating(3, 4) and hazard.residual == Rating(1, 4)
    assert [control.kind for control in hazard.controls] == [
        ControlKind.DESIGN,
        ControlKind.TRAINING,
    ]
    assert hazard.tests == ("tests/test_flags.py::test_red_flags_first",)
    assert log.case.system == "SPR Desk"
    assert check(log_text({}), junit(PASSED)) == []


def test_each_missing_or_out_of_range_field_is_named() -> None:
    text = (
        log_text({})
        .replace('name = "A red flag not routed to 999"\n', "")
        .replace("likelihood = 3", "likelihood = 7")
        .replace('status = "closed"', 'status = "retired"')
    )
    found = check(text)
    assert "H001: name is missing" in found
    assert "H001: initial likelihood must be a whole number 1-5, not 7" in found
    assert "H001: status must be one of open, transferred, closed, not 'retired'" in found


def test_a_log_that_is_not_toml_says_where() -> None:
    (problem,) = check(CASE + "[[hazard]\n")
    assert problem.startswith("not TOML:") and "line" in problem


def test_a_gap_in_the_ids_is_a_hazard_deleted() -> None:
    text = log_text({}, {}).replace('id = "H002"', 'id = "H003"')
    assert any("H003: out of order or after a gap" in problem for problem in check(text))


def test_a_residual_risk_of_3_needs_a_justification_and_4_is_never_accepted() -> None:
    # residual likelihood 2 x major = 3; 3 x major = 3 too; 4 x major = 4
    assert check(log_text({"residual": 2})) == [
        "H001 (A red flag not routed to 999): residual risk 3 has no written justification"
    ]
    assert check(log_text({"residual": 2, "justification": "Impractical to go lower."})) == []
    assert "H001 (A red flag not routed to 999): residual risk 4 is unacceptable (4-5)" in check(
        log_text({"residual": 4})
    )


def test_a_design_control_with_no_test_and_a_hazard_with_none_are_problems() -> None:
    found = check(log_text({"tests": ""}))
    assert "H001 (A red flag not routed to 999): control 1 (design) names no test" in found
    assert "H001 (A red flag not routed to 999): no design or test control names a test" in found
    # a transferred hazard is the deploying organisation's: it may name none
    assert check(log_text({"tests": "", "status": "transferred"})) == [
        "H001 (A red flag not routed to 999): control 1 (design) names no test"
    ]


@pytest.mark.parametrize(
    ("named", "problem"),
    [
        ('"tests/test_gone.py::test_x"', "tests/test_gone.py::test_x: no such test file"),
        (
            '"tests/test_flags.py::test_renamed"',
            "tests/test_flags.py::test_renamed: no such test in tests/test_flags.py",
        ),
        ('"tests/test_flags.py"', "'tests/test_flags.py' is not a pytest node id"),
        ('"../outside.py::test_x"', "../outside.py::test_x: no such test file"),
    ],
)
def test_a_test_that_does_not_exist_is_named(named: str, problem: str) -> None:
    found = check(log_text({"tests": named}), junit(PASSED))
    assert any(problem in line for line in found), found


def test_a_test_that_failed_was_skipped_or_did_not_run_is_named() -> None:
    where = "H001 (A red flag not routed to 999): tests/test_flags.py::test_red_flags_first"
    failed = ("tests.test_flags", "test_red_flags_first", "failed")
    skipped = ("tests.test_flags", "test_red_flags_first", "skipped")
    assert check(log_text({}), junit(failed)) == [f"{where}: failed in the last test run"]
    assert check(log_text({}), junit(skipped)) == [f"{where}: skipped in the last test run"]
    assert check(log_text({}), junit()) == [f"{where}: not run in the last test run"]


def test_a_node_id_names_its_file_classes_function_and_case() -> None:
    node = NodeId.parse("tests/app/test_x.py::TestRules::test_kept[sqlite-H1]")
    assert node == NodeId("tests/app/test_x.py", ("TestRules",), "test_kept", "sqlite-H1")
    assert node.classname == "tests.app.test_x.TestRules"
    for not_one in ("tests/app/test_x.py", "tests/x.txt::test_a", "t.py::test_a[open", "t.py::"):
        assert NodeId.parse(not_one) is None, not_one


def test_a_test_is_found_by_its_function_in_its_classes() -> None:
    def found(text: str) -> bool:
        node = NodeId.parse(text)
        assert node is not None
        return defines(SOURCE, node)

    assert found("t.py::test_red_flags_first")
    assert found("t.py::TestRules::test_kept")
    assert found("t.py::TestRules::TestInner::test_deep")
    assert not found("t.py::test_kept")  # a method is not a module's function
    assert not found("t.py::TestOther::test_kept")


def test_a_case_without_its_brackets_stands_for_every_case() -> None:
    run = read_junit(
        junit(
            ("tests.test_flags", "test_red_flags_first[sqlite]", "passed"),
            ("tests.test_flags", "test_red_flags_first[postgres]", "skipped"),
            ("tests.test_flags", "test_red_flags_first_too", "failed"),
        )
    )

    def outcome(text: str) -> Outcome:
        node = NodeId.parse(text)
        assert node is not None
        return run.outcome(node)

    assert outcome("tests/test_flags.py::test_red_flags_first") is Outcome.PASSED
    assert outcome("tests/test_flags.py::test_red_flags_first[postgres]") is Outcome.SKIPPED
    assert outcome("tests/test_flags.py::test_red_flags_first[oracle]") is Outcome.NOT_RUN
    assert outcome("tests/test_flags.py::test_red_flags_first_too") is Outcome.FAILED


def test_junit_that_is_not_junit_is_refused() -> None:
    with pytest.raises(ValueError, match="not JUnit XML"):
        read_junit("<html></html>")
    with pytest.raises(ValueError, match="not JUnit XML"):
        read_junit("no xml at all")
