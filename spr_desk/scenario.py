"""Scenario files: `{"at": ..., "facts": {...}, "availability": {...}}` (DESIGN.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from spr_desk.facts import FieldError, TriageFacts, parse_facts
from spr_desk.matrix import Availability, parse_availability
from spr_desk.uktime import parse_local
from spr_desk.validation import FIRST_YEAR, LAST_YEAR

SCENARIO_KEYS = frozenset({"at", "facts", "availability"})
MAX_DIGITS = 20
"""A whole number in a scenario file longer than this is kept as `TooLong`, never converted:
Python refuses to convert more than 4,300 digits (a ValueError), and no field needs more."""


class TooLong:
    """A number too long to be any field's value; a field expecting a number refuses it by name."""

    def __init__(self, text: str) -> None:
        self.digits = len(text)

    def __repr__(self) -> str:
        return f"<a number of {self.digits} digits>"


def _whole_number(text: str) -> int | TooLong:
    return int(text) if len(text) <= MAX_DIGITS else TooLong(text)


@dataclass(frozen=True, slots=True)
class Scenario:
    at: datetime
    facts: TriageFacts
    availability: Availability


def parse_scenario(data: Any) -> Scenario:
    """A scenario from parsed JSON.

    Raises:
        FieldError: naming the first field that is wrong.
    """
    if not isinstance(data, Mapping):
        raise FieldError("scenario", "expected a JSON object with at, facts and availability")
    for key in data:
        if key not in SCENARIO_KEYS:
            raise FieldError(str(key), "unknown key; expected at, facts or availability")
    for key in ("at", "facts"):
        if key not in data:
            raise FieldError(key, "missing")
    if not isinstance(data["at"], str):
        raise FieldError("at", "expected an ISO time such as 2026-03-02T14:05")
    try:
        at = parse_local(data["at"])
    except ValueError:
        raise FieldError("at", f"not an ISO time: {data['at']!r}") from None
    if not FIRST_YEAR <= at.year <= LAST_YEAR:  # a due time 72 h on must exist too
        raise FieldError("at", f"the year must be {FIRST_YEAR} to {LAST_YEAR}")
    return Scenario(
        at=at,
        facts=parse_facts(data["facts"]),
        availability=parse_availability(data.get("availability")),
    )


def load_scenario(text: str) -> Scenario:
    """A scenario from the text of a file.

    Raises:
        FieldError: the file is not JSON, or a field is wrong.
    """
    try:
        data = json.loads(text, parse_int=_whole_number)
    except json.JSONDecodeError as error:
        raise FieldError("scenario", f"not valid JSON (line {error.lineno}: {error.msg})") from None
    except RecursionError:
        raise FieldError("scenario", "nested too deeply to be a scenario") from None
    return parse_scenario(data)
