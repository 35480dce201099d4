"""What proves a control: the tests it names exist, and passed in the last test run.

A test is named by its pytest node id, relative to the repository: `tests/x/test_y.py::test_z`,
`tests/x/test_y.py::TestCase::test_z`, or one case of a parametrized test, `...::test_z[case]`.
A name without a case stands for every case of the test. Existence is read from the test file's
source (its functions and classes), results from the JUnit XML pytest writes (`--junitxml`),
where a node id's path and classes are the `classname` (dotted) and the function and case the
`name`.
"""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    NOT_RUN = "not run"


@dataclass(frozen=True, slots=True)
class NodeId:
    path: str
    """The test file, relative to the repository."""
    scope: tuple[str, ...]
    """The classes it sits in, outermost first."""
    function: str
    case: str | None
    """The parametrized case (between the brackets), or None for every case."""

    @classmethod
    def parse(cls, text: str) -> NodeId | None:
        """The parts of `text`, or None if it is no node id of a test file."""
        path, _, rest = text.partition("::")
        if not path.endswith(".py") or not rest:
            return None
        *scope, last = rest.split("::")
        function, bracket, case = last.partition("[")
        if bracket and not case.endswith("]"):
            return None
        if not function or not all(scope):
            return None
        return cls(path, tuple(scope), function, case[:-1] if bracket else None)

    @property
    def classname(self) -> str:
        """As JUnit XML names the test's file and classes."""
        return ".".join((self.path.removesuffix(".py").replace("/", "."), *self.scope))


def defines(source: str, node: NodeId) -> bool:
    """Whether the test file's `source` defines the node's test (in its classes, if any)."""
    body: list[ast.stmt] = ast.parse(source).body
    for name in node.scope:
        found = [s for s in body if isinstance(s, ast.ClassDef) and s.name == name]
        if not found:
            return False
        body = found[0].body
    return any(
        isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef)
        and statement.name == node.function
        for statement in body
    )


@dataclass(frozen=True, slots=True)
class TestRun:
    """The outcome of every test case in one run, by (classname, name)."""

    outcomes: dict[tuple[str, str], Outcome]
    tests: int
    failures: int

    def outcome(self, node: NodeId) -> Outcome:
        """The node's outcome: failed if any of its cases failed, passed if any passed and none
        failed, skipped if every case was skipped, not run if the run has none of them."""
        if node.case is not None:
            key = (node.classname, f"{node.function}[{node.case}]")
            return self.outcomes.get(key, Outcome.NOT_RUN)
        found = {
            outcome
            for (classname, name), outcome in self.outcomes.items()
            if classname == node.classname
            and (name == node.function or name.startswith(f"{node.function}["))
        }
        for outcome in (Outcome.FAILED, Outcome.PASSED, Outcome.SKIPPED):
            if outcome in found:
                return outcome
        return Outcome.NOT_RUN


def read_junit(text: str) -> TestRun:
    """A pytest JUnit XML report (one suite or several); raises ValueError if it is not one."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ValueError(f"not JUnit XML: {error}") from None
    if root.tag not in {"testsuites", "testsuite"}:
        raise ValueError(f"not JUnit XML: its root is <{root.tag}>")
    outcomes: dict[tuple[str, str], Outcome] = {}
    for case in root.iter("testcase"):
        key = (case.get("classname", ""), case.get("name", ""))
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes[key] = Outcome.FAILED  # an error in teardown follows a pass: it wins
        elif key not in outcomes or outcomes[key] is not Outcome.FAILED:
            skipped = case.find("skipped") is not None
            outcomes[key] = Outcome.SKIPPED if skipped else Outcome.PASSED
    failures = sum(outcome is Outcome.FAILED for outcome in outcomes.values())
    return TestRun(outcomes, len(outcomes), failures)
