"""Shared fixtures for the domain tests: the shipped rules and a builder of triage facts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from spr_desk.facts import TriageFacts, check_facts
from spr_desk.rules import Rules, default_rules
from spr_desk.vocabulary import Need, Pathway, Setting


@pytest.fixture
def rules() -> Rules:
    return default_rules()


@pytest.fixture
def make_facts() -> Callable[..., TriageFacts]:
    """Checked facts for an adult at home with one clinical need, changed by keyword."""

    def make(**changes: Any) -> TriageFacts:
        fields: dict[str, Any] = {
            "pathway": Pathway.STEP_UP,
            "setting": Setting.HOME,
            "age": 80,
            "needs": {Need.MEDICATION},
        }
        fields.update(changes)
        for key in ("red_flags", "needs", "urgency"):
            values: Iterable[Any] = fields.get(key, ())
            fields[key] = frozenset(values)
        facts = TriageFacts(**fields)
        check_facts(facts)
        return facts

    return make
