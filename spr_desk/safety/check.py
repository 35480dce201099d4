"""`spr-desk safety check`: every problem with the hazard log, one line each.

A hazard log is in order when its fields are whole (`hazard_log.read_log`); every open or closed
hazard has a design or test control that names a test; every test named exists and passed in the
last run; and no residual risk is 4 or 5, nor 3 without a written justification. A transferred
hazard is the deploying organisation's to control: its tests, where it names any, are checked
all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spr_desk.safety.evidence import NodeId, Outcome, TestRun, defines
from spr_desk.safety.hazard_log import PROVED_BY_TESTS, HazardLog, Status
from spr_desk.safety.risk import NEEDS_JUSTIFICATION, UNACCEPTABLE

SourceOf = Callable[[str], str | None]
"""A test file's source by its path in the repository, or None if there is no such file."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """Each named test's outcome in the last run (`Outcome.NOT_RUN` without a run)."""

    outcomes: dict[str, Outcome]
    run: TestRun | None


def gather(log: HazardLog, run: TestRun | None) -> Evidence:
    outcomes: dict[str, Outcome] = {}
    for hazard in log.hazards:
        for test in hazard.tests:
            node = NodeId.parse(test)
            outcomes[test] = (
                run.outcome(node) if run is not None and node is not None else Outcome.NOT_RUN
            )
    return Evidence(outcomes, run)


def problems(log: HazardLog, source_of: SourceOf, run: TestRun | None) -> list[str]:
    """What is wrong, one line each, by hazard; `run` None checks all but the results."""
    found: list[str] = []
    sources: dict[str, str | None] = {}
    for hazard in log.hazards:
        where = f"{hazard.id} ({hazard.name})"
        proved = [c for c in hazard.controls if c.kind in PROVED_BY_TESTS and c.tests]
        if hazard.status is not Status.TRANSFERRED and not proved:
            found.append(f"{where}: no design or test control names a test")
        for number, control in enumerate(hazard.controls, start=1):
            if control.kind in PROVED_BY_TESTS and not control.tests:
                found.append(f"{where}: control {number} ({control.kind}) names no test")
        for test in hazard.tests:
            found += _test_problems(where, test, source_of, sources, run)
        residual = hazard.residual.risk
        if residual >= UNACCEPTABLE:
            found.append(f"{where}: residual risk {residual} is unacceptable (4-5)")
        elif residual >= NEEDS_JUSTIFICATION and not hazard.justification:
            found.append(f"{where}: residual risk {residual} has no written justification")
        if hazard.residual.risk > hazard.initial.risk:
            found.append(f"{where}: residual risk is above the initial risk")
    return found


def _test_problems(
    where: str,
    test: str,
    source_of: SourceOf,
    sources: dict[str, str | None],
    run: TestRun | None,
) -> list[str]:
    node = NodeId.parse(test)
    if node is None:
        return [f"{where}: {test!r} is not a pytest node id (tests/x.py::test_name)"]
    if node.path not in sources:
        sources[node.path] = source_of(node.path)
    source = sources[node.path]
    if source is None:
        return [f"{where}: {test}: no such test file"]
    if not defines(source, node):
        return [f"{where}: {test}: no such test in {node.path}"]
    if run is None:
        return []
    outcome = run.outcome(node)
    if outcome is Outcome.PASSED:
        return []
    if outcome is Outcome.NOT_RUN:
        return [f"{where}: {test}: not run in the last test run"]
    return [f"{where}: {test}: {outcome} in the last test run"]
