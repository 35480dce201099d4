"""The matrix rules file: loaded once, checked against the vocabulary, frozen."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from spr_desk.vocabulary import Lead, Need, NeedGroup, RedFlag, Response, Urgency

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.toml")


class RulesError(ValueError):
    """A rules file that does not make sense; the message names the key."""


@dataclass(frozen=True, slots=True)
class Rules:
    version: str
    emergency_red_flags: frozenset[RedFlag]
    minimum_age: int
    rapid_factors: frozenset[Urgency]
    fast_factors: frozenset[Urgency]
    due_hours: dict[Response, int]
    no_movement_minutes: dict[Response, int]
    """Minutes without anyone acting on an open referral before it reads as standing still."""
    group_of_need: dict[Need, NeedGroup]
    group_order: tuple[NeedGroup, ...]
    lead_of_group: dict[NeedGroup, Lead]
    fallback_order: tuple[Lead, ...]


def _members(enum: Any, values: Any, key: str) -> list[Any]:
    if not isinstance(values, list):
        raise RulesError(f"{key}: expected a list")
    try:
        return [enum(value) for value in values]
    except ValueError as error:
        raise RulesError(f"{key}: {error}") from None


def _member(enum: Any, value: Any, key: str) -> Any:
    try:
        return enum(value)
    except ValueError as error:
        raise RulesError(f"{key}: {error}") from None


def _whole(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RulesError(f"{key}: expected a whole number, not {value!r}")
    return value


def rules_from_dict(data: dict[str, Any]) -> Rules:
    """Build rules from parsed TOML, refusing a word outside the vocabulary.

    Raises:
        RulesError: a missing key, an unknown word, or a need placed in two groups.
    """
    try:
        group_of_need: dict[Need, NeedGroup] = {}
        for group in NeedGroup:
            for need in _members(Need, data["needs"][group.value], f"needs.{group.value}"):
                if need in group_of_need:
                    raise RulesError(
                        f"needs.{group.value}: {need.value} is already in another group"
                    )
                group_of_need[need] = group
        missing = set(Need) - set(group_of_need)
        if missing:
            raise RulesError(f"needs: no group for {', '.join(sorted(missing))}")
        lead = data["lead"]
        rules = Rules(
            version=str(data["version"]),
            emergency_red_flags=frozenset(
                _members(RedFlag, data["emergency_red_flags"], "emergency_red_flags")
            ),
            minimum_age=_whole(data["minimum_age"], "minimum_age"),
            rapid_factors=frozenset(_members(Urgency, data["response"]["rapid"], "response.rapid")),
            fast_factors=frozenset(_members(Urgency, data["response"]["fast"], "response.fast")),
            due_hours={
                _member(Response, key, f"due_hours.{key}"): _whole(hours, f"due_hours.{key}")
                for key, hours in data["due_hours"].items()
            },
            no_movement_minutes={
                _member(Response, key, f"no_movement_minutes.{key}"): _whole(
                    minutes, f"no_movement_minutes.{key}"
                )
                for key, minutes in data["no_movement_minutes"].items()
            },
            group_of_need=group_of_need,
            group_order=tuple(_members(NeedGroup, lead["group_order"], "lead.group_order")),
            lead_of_group={
                _member(NeedGroup, group, f"lead.by_group.{group}"): _member(
                    Lead, value, f"lead.by_group.{group}"
                )
                for group, value in lead["by_group"].items()
            },
            fallback_order=tuple(_members(Lead, lead["fallback_order"], "lead.fallback_order")),
        )
    except KeyError as error:
        raise RulesError(f"missing key {error.args[0]}") from None
    if set(rules.due_hours) != set(Response):
        raise RulesError("due_hours: give hours for rapid, fast and normal")
    if set(rules.no_movement_minutes) != set(Response):
        raise RulesError("no_movement_minutes: give minutes for rapid, fast and normal")
    if set(rules.lead_of_group) != set(NeedGroup) or set(rules.group_order) != set(NeedGroup):
        raise RulesError("lead: name a lead for, and an order of, every need group")
    if set(rules.fallback_order) != set(Lead):
        raise RulesError("lead.fallback_order: name every lead once")
    return rules


def load_rules(path: Path) -> Rules:
    with path.open("rb") as handle:
        return rules_from_dict(tomllib.load(handle))


@cache
def default_rules() -> Rules:
    """The rules shipped in the package."""
    return load_rules(DEFAULT_RULES_PATH)
