"""The hazard log, read from TOML into plain rows, with every field missing or out of range said.

The file (`safety/hazards.toml`) holds a `[case]` table (the system, its scope, interfaces and
roles, for the report) and one `[[hazard]]` per hazard with the DCB0129 fields: id, name,
description, causes (numbered by their order), effect, harm, existing controls, the initial
rating, its `[[hazard.control]]`s (design, test, training, business process; a design or test
control names the pytest node ids that prove it), the residual rating, a justification where the
residual risk is 3 or more, the owner and the status. A hazard is never deleted: ids run H001,
H002, ... without a gap, and one no longer relevant is closed or transferred.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, TypeVar

from spr_desk.safety.risk import Rating


class Status(StrEnum):
    OPEN = "open"
    TRANSFERRED = "transferred"
    """Handed to the deploying organisation (DCB0160) to control, with the reason why."""
    CLOSED = "closed"


class ControlKind(StrEnum):
    DESIGN = "design"
    TEST = "test"
    TRAINING = "training"
    BUSINESS_PROCESS = "business process"


PROVED_BY_TESTS: Final = frozenset({ControlKind.DESIGN, ControlKind.TEST})
"""The kinds of control that must name the tests proving them."""
HAZARD_ID: Final = re.compile(r"H\d{3}")
E = TypeVar("E", bound=StrEnum)
TEXT_FIELDS: Final = ("name", "description", "effect", "harm", "owner")
LIST_FIELDS: Final = ("causes", "existing_controls")


@dataclass(frozen=True, slots=True)
class Control:
    kind: ControlKind
    text: str
    tests: tuple[str, ...] = ()
    """pytest node ids, relative to the repository (`tests/domain/test_x.py::test_y`)."""


@dataclass(frozen=True, slots=True)
class Hazard:
    id: str
    name: str
    description: str
    causes: tuple[str, ...]
    effect: str
    harm: str
    existing_controls: tuple[str, ...]
    initial: Rating
    controls: tuple[Control, ...]
    residual: Rating
    owner: str
    status: Status
    justification: str = ""
    """Why a residual risk of 3 is accepted: why more reduction is impractical."""

    @property
    def tests(self) -> tuple[str, ...]:
        """Every test its controls name, in order, once each."""
        return tuple(dict.fromkeys(test for control in self.controls for test in control.tests))


@dataclass(frozen=True, slots=True)
class SafetyCase:
    """What the report says about the system, from the log's `[case]` table."""

    system: str
    scope: str
    interfaces: tuple[str, ...]
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HazardLog:
    case: SafetyCase
    hazards: tuple[Hazard, ...]


class _Fields:
    """Reads one table's fields, noting each problem instead of stopping at the first."""

    def __init__(self, table: dict[str, Any], where: str, problems: list[str]) -> None:
        self.table, self.where, self.problems = table, where, problems

    def problem(self, words: str) -> None:
        self.problems.append(f"{self.where}: {words}")

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.table.get(key, "")
        if not isinstance(value, str):
            self.problem(f"{key} must be text")
            return ""
        if required and not value.strip():
            self.problem(f"{key} is missing")
        return value.strip()

    def texts(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(f"{key} must be a list of text")
            return ()
        items = tuple(item.strip() for item in value)
        if required and not items:
            self.problem(f"{key} is missing")
        if any(not item for item in items):
            self.problem(f"{key} has an empty entry")
        return items

    def rating(self, key: str) -> Rating:
        value = self.table.get(key)
        if not isinstance(value, dict):
            self.problem(f"{key} is missing (likelihood and severity, 1-5)")
            return Rating(1, 1)
        numbers = []
        for part in ("likelihood", "severity"):
            number = value.get(part)
            if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 5:
                self.problem(f"{key} {part} must be a whole number 1-5, not {number!r}")
                number = 1
            numbers.append(number)
        return Rating(*numbers)

    def choice(self, key: str, enum: type[E]) -> E | None:
        value = self.table.get(key)
        try:
            return enum(str(value))
        except ValueError:
            names = ", ".join(member.value for member in enum)
            self.problem(f"{key} must be one of {names}, not {value!r}")
            return None


def read_log(text: str) -> tuple[HazardLog, list[str]]:
    """The log in `text`, and every problem with its fields (empty when it is whole)."""
    problems: list[str] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return HazardLog(SafetyCase("", "", (), ()), ()), [f"not TOML: {error}"]
    case_table = data.get("case")
    case_fields = _Fields(case_table if isinstance(case_table, dict) else {}, "case", problems)
    case = SafetyCase(
        system=case_fields.text("system"),
        scope=case_fields.text("scope"),
        interfaces=case_fields.texts("interfaces"),
        roles=case_fields.texts("roles"),
    )
    tables = data.get("hazard", [])
    if not isinstance(tables, list) or not tables:
        problems.append("no [[hazard]] entries")
        tables = []
    hazards = [
        hazard
        for number, table in enumerate(tables, start=1)
        if (hazard := _hazard(table, number, problems)) is not None
    ]
    problems += _numbering(hazards)
    return HazardLog(case, tuple(hazards)), problems


def _hazard(table: Any, number: int, problems: list[str]) -> Hazard | None:
    if not isinstance(table, dict):
        problems.append(f"hazard {number}: not a table")
        return None
    hazard_id = table.get("id")
    if not isinstance(hazard_id, str) or not HAZARD_ID.fullmatch(hazard_id):
        problems.append(f"hazard {number}: id must be H and three digits, not {hazard_id!r}")
        hazard_id = f"hazard {number}"
    fields = _Fields(table, hazard_id, problems)
    text = {key: fields.text(key) for key in TEXT_FIELDS}
    lists = {key: fields.texts(key, required=key == "causes") for key in LIST_FIELDS}
    status = fields.choice("status", Status)
    controls = _controls(table.get("control", []), fields)
    initial, residual = fields.rating("initial"), fields.rating("residual")
    justification = fields.text("justification", required=False)
    if status is None:
        return None
    return Hazard(
        id=hazard_id,
        name=text["name"],
        description=text["description"],
        causes=lists["causes"],
        effect=text["effect"],
        harm=text["harm"],
        existing_controls=lists["existing_controls"],
        initial=initial,
        controls=controls,
        residual=residual,
        owner=text["owner"],
        status=status,
        justification=justification,
    )


def _controls(tables: Any, fields: _Fields) -> tuple[Control, ...]:
    if not isinstance(tables, list) or not tables:
        fields.problem("has no controls")
        return ()
    controls = []
    for number, table in enumerate(tables, start=1):
        where = _Fields(
            table if isinstance(table, dict) else {},
            f"{fields.where} control {number}",
            fields.problems,
        )
        kind = where.choice("kind", ControlKind)
        tests = where.texts("tests", required=False)
        if kind is not None:
            controls.append(Control(kind, where.text("text"), tests))
    return tuple(controls)


def _numbering(hazards: list[Hazard]) -> list[str]:
    """Ids H001, H002, ... in order, none twice, none missing (a hazard is never deleted)."""
    problems = []
    numbers = [int(hazard.id[1:]) for hazard in hazards if HAZARD_ID.fullmatch(hazard.id)]
    for expected, number in enumerate(numbers, start=1):
        if number != expected:
            problems.append(
                f"H{number:03d}: out of order or after a gap (expected H{expected:03d}):"
                " a hazard is never deleted, only closed or transferred"
            )
            break
    return problems
