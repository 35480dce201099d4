"""`spr-desk safety check` and `spr-desk safety report` on the real hazard log: a control pointed
at a test that does not exist, or at a test made to fail in a real pytest run, fails the check
by name; the report's executive table is the log's."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from spr_desk.safety.hazard_log import read_log
from spr_desk.safety.report import EXECUTIVE_COLUMNS

REPO = Path(__file__).resolve().parent.parent
LOG = REPO / "safety" / "hazards.toml"
MADE_TO_FAIL = """
def test_made_to_fail():
    assert 1 + 1 == 3


def test_made_to_pass():
    assert 1 + 1 == 2
"""
MISSING = "tests/test_nowhere.py::test_that_was_never_written"
FAILING = "extra/test_made_to_fail.py::test_made_to_fail"


def spr_desk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spr_desk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def repository_copy(tmp_path: Path) -> Path:
    """A repository to check: the real tests (linked), a copy of the log, and a test file of
    its own with one test that fails and one that passes, run for real into JUnit XML."""
    root = tmp_path / "repo"
    (root / "safety").mkdir(parents=True)
    (root / "tests").symlink_to(REPO / "tests")
    (root / "extra").mkdir()
    (root / "extra" / "test_made_to_fail.py").write_text(MADE_TO_FAIL, encoding="utf-8")
    (root / "safety" / "hazards.toml").write_text(LOG.read_text(encoding="utf-8"), "utf-8")
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(root),
         "--junitxml", str(root / "results.xml"), "extra"],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert 'name="test_made_to_fail"' in (root / "results.xml").read_text(encoding="utf-8")
    return root


def point_controls(log: Path, first: str, second: str) -> tuple[str, str]:
    """The log with its first hazard's first tested control naming `first` instead of its tests,
    and its second hazard's naming `second`; the two hazards' ids."""
    text = log.read_text(encoding="utf-8")
    hazards = tomllib.loads(text)["hazard"]
    ids = []
    for hazard, test in ((hazards[0], first), (hazards[1], second)):
        tested = next(c for c in hazard["control"] if c["tests"])
        old = tested["tests"][0]
        assert text.count(f'"{old}"') >= 1
        # only this hazard's entry changes: replace the first mention after its id
        start = text.index(f'id = "{hazard["id"]}"')
        at = text.index(f'"{old}"', start)
        text = text[:at] + f'"{test}"' + text[at + len(old) + 2 :]
        ids.append(hazard["id"])
    log.write_text(text, encoding="utf-8")
    return ids[0], ids[1]


def test_the_log_has_25_hazards_each_proved_by_a_test_and_none_left_at_4_or_5() -> None:
    log, found = read_log(LOG.read_text(encoding="utf-8"))
    assert found == []
    assert len(log.hazards) >= 25
    for hazard in log.hazards:
        assert hazard.residual.risk <= 3, hazard.id
        if hazard.status != "transferred":
            assert hazard.tests, hazard.id


def test_the_check_passes_on_the_log_as_it_is(tmp_path: Path) -> None:
    """Every test the log names exists (whether each passed is `.ci/run`'s check, after the
    whole suite has run)."""
    result = spr_desk("safety", "check", "--no-results", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ hazards \(.*\); the \d+ tests named exist\n", result.stdout)


def test_a_control_naming_a_missing_test_or_a_failing_one_fails_the_check_by_name(
    tmp_path: Path,
) -> None:
    root = repository_copy(tmp_path)
    log = root / "safety" / "hazards.toml"
    missing_in, failing_in = point_controls(log, MISSING, FAILING)

    # without results: only the test that does not exist
    result = spr_desk("safety", "check", "--no-results", cwd=root)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"spr-desk safety: {missing_in} (")
    assert line.endswith(f"{MISSING}: no such test file")

    # with the run's results: the failed one too, named with its hazard
    result = spr_desk("safety", "check", "--results", "results.xml", cwd=root)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(
        f" {missing_in} (" in x and x.endswith(f"{MISSING}: no such test file") for x in lines
    )
    assert any(
        f" {failing_in} (" in x and x.endswith(f"{FAILING}: failed in the last test run")
        for x in lines
    )


def test_without_a_test_run_the_check_says_how_to_make_one(tmp_path: Path) -> None:
    result = spr_desk("safety", "check", "--root", str(tmp_path), "--log", str(LOG), cwd=REPO)
    assert result.returncode == 2
    assert "no test results at" in result.stderr and "python -m pytest" in result.stderr


def executive_table(markdown: str) -> list[list[str]]:
    """The rows of the report's executive table (the one headed by its columns)."""
    header = "| " + " | ".join(EXECUTIVE_COLUMNS) + " |"
    lines = markdown.splitlines()
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip().replace("\\", "") for cell in line.strip("|").split(" | ")])
    return rows


def test_the_reports_executive_table_is_the_log(tmp_path: Path) -> None:
    root = repository_copy(tmp_path)
    result = spr_desk(
        "safety", "report", "--results", "results.xml", "-o", str(tmp_path / "out"), cwd=root
    )
    assert result.returncode == 0, result.stderr
    markdown = (tmp_path / "out" / "safety-case.md").read_text(encoding="utf-8")
    page = (tmp_path / "out" / "safety-case.html").read_text(encoding="utf-8")
    log, _ = read_log(LOG.read_text(encoding="utf-8"))
    rows = executive_table(markdown)
    by_id = {row[0]: row for row in rows}
    assert len(rows) == len(log.hazards) == len(by_id)
    for hazard in log.hazards:
        initial, residual = hazard.initial, hazard.residual
        assert by_id[hazard.id][:5] == [
            hazard.id,
            hazard.name.replace("\\", ""),
            str(hazard.status),
            f"{initial.risk} ({initial.likelihood}x{initial.severity})",
            f"{residual.risk} ({residual.likelihood}x{residual.severity})",
        ]
        # only the made-to-fail file ran: no test of the real log passed in that run
        assert by_id[hazard.id][5] == f"0/{len(hazard.tests)}"
        assert f"<td>{hazard.id}</td>" in page
    risks = [int(row[4].split()[0]) for row in rows]
    assert risks == sorted(risks, reverse=True)
    for section in ("Scope", "The system and its interfaces", "Outstanding test issues"):
        assert f"## {section}" in markdown
    assert html.escape("Clinical Safety Officer's statement") in page


@pytest.mark.parametrize(
    "command", [["check", "--no-results"], ["report", "-o", "out"]], ids=["check", "report"]
)
def test_a_log_with_problems_is_refused_one_line_each(tmp_path: Path, command: list[str]) -> None:
    bad = tmp_path / "hazards.toml"
    bad.write_text(
        LOG.read_text(encoding="utf-8").replace('status = "closed"', 'status = "done"', 1),
        encoding="utf-8",
    )
    result = spr_desk("safety", *command, "--log", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert "status must be one of open, transferred, closed, not 'done'" in result.stderr
    assert not (tmp_path / "out").exists()
