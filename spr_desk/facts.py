"""Triage facts: what the caller told us, in the vocabulary, checked field by field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from spr_desk.refusal import Refused
from spr_desk.vocabulary import Need, Pathway, RedFlag, Setting, Urgency

E = TypeVar("E", bound=StrEnum)


class FieldError(Refused):
    """Input that is wrong at one named field; `str()` is the one line a handler or CLI shows."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class TriageFacts:
    pathway: Pathway
    setting: Setting
    age: int | None = None
    red_flags: frozenset[RedFlag] = frozenset()
    needs: frozenset[Need] = frozenset()
    urgency: frozenset[Urgency] = frozenset()
    primary_need: Need | None = None
    bed_needed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The scenario-file form, lists sorted so equal facts give equal JSON."""
        return {
            "pathway": self.pathway.value,
            "setting": self.setting.value,
            "age": self.age,
            "red_flags": sorted(flag.value for flag in self.red_flags),
            "needs": sorted(need.value for need in self.needs),
            "urgency": sorted(factor.value for factor in self.urgency),
            "primary_need": self.primary_need.value if self.primary_need else None,
            "bed_needed": self.bed_needed,
        }


FACT_KEYS = frozenset(
    {"pathway", "setting", "age", "red_flags", "needs", "urgency", "primary_need", "bed_needed"}
)
REQUIRED_FACT_KEYS = ("pathway", "setting")
MAX_AGE = 130


def _one_of(enum: type[E], value: Any, field: str) -> E:
    if not isinstance(value, str):
        raise FieldError(field, f"expected one of {', '.join(m.value for m in enum)}")
    try:
        return enum(value)
    except ValueError:
        raise FieldError(
            field, f"unknown value {value!r}; expected one of {', '.join(m.value for m in enum)}"
        ) from None


def _list_of(enum: type[E], value: Any, field: str) -> frozenset[E]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise FieldError(field, "expected a list")
    return frozenset(_one_of(enum, item, f"{field}[{index}]") for index, item in enumerate(value))


def _age(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(field, "expected whole years, such as 81")
    if not 0 <= value <= MAX_AGE:
        raise FieldError(field, f"expected an age from 0 to {MAX_AGE}, not {value}")
    return value


def parse_facts(data: Any, prefix: str = "facts") -> TriageFacts:
    """Facts from a scenario file or a saved draft.

    Args:
        data: a mapping in the vocabulary of DESIGN.md.
        prefix: the field path to name in errors.

    Raises:
        FieldError: an unknown key or value, a missing required key, needs empty without a red
            flag, or a primary need not among the needs.
    """
    if not isinstance(data, Mapping):
        raise FieldError(prefix, "expected an object of facts")
    for key in data:
        if key not in FACT_KEYS:
            raise FieldError(f"{prefix}.{key}", "unknown key")
    for key in REQUIRED_FACT_KEYS:
        if key not in data:
            raise FieldError(f"{prefix}.{key}", "missing")
    bed_needed = data.get("bed_needed", False)
    if bed_needed is None:
        bed_needed = False
    if not isinstance(bed_needed, bool):
        raise FieldError(f"{prefix}.bed_needed", "expected true or false")
    facts = TriageFacts(
        pathway=_one_of(Pathway, data["pathway"], f"{prefix}.pathway"),
        setting=_one_of(Setting, data["setting"], f"{prefix}.setting"),
        age=_age(data.get("age"), f"{prefix}.age"),
        red_flags=_list_of(RedFlag, data.get("red_flags"), f"{prefix}.red_flags"),
        needs=_list_of(Need, data.get("needs"), f"{prefix}.needs"),
        urgency=_list_of(Urgency, data.get("urgency"), f"{prefix}.urgency"),
        primary_need=(
            None
            if data.get("primary_need") is None
            else _one_of(Need, data["primary_need"], f"{prefix}.primary_need")
        ),
        bed_needed=bed_needed,
    )
    check_facts(facts, prefix)
    return facts


def check_facts(facts: TriageFacts, prefix: str = "facts") -> None:
    """The rules between fields, for facts built by a screen as well as parsed ones.

    Raises:
        FieldError: needs empty without a red flag, or a primary need not among the needs.
    """
    if not facts.needs and not facts.red_flags:
        raise FieldError(f"{prefix}.needs", "name at least one need (or a red flag)")
    if facts.primary_need is not None and facts.primary_need not in facts.needs:
        raise FieldError(
            f"{prefix}.primary_need", f"{facts.primary_need.value!r} is not among the needs"
        )
