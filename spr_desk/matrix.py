"""The response / intervention-lead matrix (Figure 3 of the strategy) and `recommend`.

`recommend` is the one function the triage screen, `spr-desk recommend` and the tests call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from spr_desk.due import due_at as compute_due_at
from spr_desk.facts import FieldError, TriageFacts
from spr_desk.rules import Rules
from spr_desk.uktime import short_local
from spr_desk.vocabulary import (
    RESPONSE_WORDS,
    Lead,
    Need,
    Outcome,
    RedFlag,
    Response,
    label,
)

Cell = tuple[Response, Lead]


@dataclass(frozen=True, slots=True)
class Availability:
    """Which matrix cells can be mobilised now. Cells not named are available."""

    unavailable: frozenset[Cell] = frozenset()

    def can(self, response: Response, lead: Lead) -> bool:
        return (response, lead) not in self.unavailable

    @classmethod
    def from_grid(cls, grid: Mapping[Response, Mapping[Lead, bool]]) -> Availability:
        return cls(
            frozenset(
                (response, lead)
                for response, row in grid.items()
                for lead, available in row.items()
                if not available
            )
        )

    def to_dict(self) -> dict[str, dict[str, bool]]:
        return {
            response.value: {lead.value: self.can(response, lead) for lead in Lead}
            for response in Response
        }


ALL_AVAILABLE = Availability()


def parse_availability(data: Any, prefix: str = "availability") -> Availability:
    """Availability from a scenario file: `{"rapid": {"nurse": true, ...}, ...}`; missing means Y.

    Raises:
        FieldError: an unknown row or column, or a value that is not true/false.
    """
    if data is None:
        return ALL_AVAILABLE
    if not isinstance(data, Mapping):
        raise FieldError(prefix, "expected an object of rapid/fast/normal rows")
    grid: dict[Response, dict[Lead, bool]] = {}
    for row_key, row in data.items():
        try:
            response = Response(row_key)
        except ValueError:
            raise FieldError(
                f"{prefix}.{row_key}", "unknown row; expected rapid, fast or normal"
            ) from None
        if not isinstance(row, Mapping):
            raise FieldError(
                f"{prefix}.{row_key}", "expected an object of nurse/therapist/social_care"
            )
        grid[response] = {}
        for cell_key, value in row.items():
            try:
                lead = Lead(cell_key)
            except ValueError:
                raise FieldError(
                    f"{prefix}.{row_key}.{cell_key}",
                    "unknown cell; expected nurse, therapist or social_care",
                ) from None
            if not isinstance(value, bool):
                raise FieldError(f"{prefix}.{row_key}.{cell_key}", "expected true or false")
            grid[response][lead] = value
    return Availability.from_grid(grid)


@dataclass(frozen=True, slots=True)
class Recommendation:
    outcome: Outcome
    response: Response | None
    lead: Lead | None
    due_at: datetime | None
    fallback_from: Lead | None
    bed_needed: bool
    reasons: tuple[str, ...] = field(default=())
    rules_version: str = ""

    @property
    def cell(self) -> Cell | None:
        if self.response is None or self.lead is None:
            return None
        return (self.response, self.lead)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object `spr-desk recommend` prints (DESIGN.md)."""
        return {
            "outcome": self.outcome.value,
            "response": self.response.value if self.response else None,
            "lead": self.lead.value if self.lead else None,
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "fallback_from": self.fallback_from.value if self.fallback_from else None,
            "bed_needed": self.bed_needed,
            "reasons": list(self.reasons),
        }


def _listed(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _sorted_labels(members: Any) -> list[str]:
    return [label(member) for member in sorted(members)]


def _bed_reason(facts: TriageFacts) -> tuple[str, ...]:
    if not facts.bed_needed:
        return ()
    return (
        "The person cannot be kept safe at home even with a response: arrange a step-up "
        "or bed-based reablement place.",
    )


def choose_response(facts: TriageFacts, rules: Rules) -> tuple[Response, str]:
    """The matrix row and the sentence that explains it."""
    rapid = facts.urgency & rules.rapid_factors
    if rapid:
        return Response.RAPID, (
            f"Response {RESPONSE_WORDS[Response.RAPID]}: {_listed(_sorted_labels(rapid))}."
        )
    fast = facts.urgency & rules.fast_factors
    if fast:
        return Response.FAST, (
            f"Response {RESPONSE_WORDS[Response.FAST]}: {_listed(_sorted_labels(fast))}."
        )
    return Response.NORMAL, (
        f"Response {RESPONSE_WORDS[Response.NORMAL]}: nothing needs meeting within a day."
    )


def choose_lead(facts: TriageFacts, rules: Rules) -> tuple[Lead, str]:
    """The matrix column the needs ask for, and the sentence that explains it."""
    if facts.primary_need is not None:
        group = rules.group_of_need[facts.primary_need]
        lead = rules.lead_of_group[group]
        return lead, (
            f"{label(lead)} leads: the handler named {label(facts.primary_need)} "
            f"({label(group)}) as the primary need."
        )
    for group in rules.group_order:
        needs: list[Need] = sorted(
            need for need in facts.needs if rules.group_of_need[need] is group
        )
        if needs:
            lead = rules.lead_of_group[group]
            return lead, (
                f"{label(lead)} leads: the {label(group)} needs come first "
                f"({_listed([label(need) for need in needs])})."
            )
    raise FieldError("facts.needs", "name at least one need (or a red flag)")


def emergency_advice(
    red_flags: frozenset[RedFlag], bed_needed: bool, rules: Rules
) -> Recommendation:
    """No matrix cell: advise 999 / A&E. Also used for a call that ends at the red-flag questions,
    before a pathway or setting is known."""
    flags = _listed(_sorted_labels(red_flags & rules.emergency_red_flags))
    return Recommendation(
        outcome=Outcome.EMERGENCY,
        response=None,
        lead=None,
        due_at=None,
        fallback_from=None,
        bed_needed=bed_needed,
        reasons=(
            f"Red flag: {flags}. This is an emergency, not a community response.",
            "Advise the caller to ring 999 now (or take the person to A&E).",
        ),
        rules_version=rules.version,
    )


def recommend(
    facts: TriageFacts, availability: Availability, at: datetime, rules: Rules
) -> Recommendation:
    """The matrix recommendation for these facts, with reasons a handler can read out.

    Args:
        facts: checked triage facts.
        availability: which cells can be mobilised now.
        at: when the call was received (aware, or naive UK local time).
        rules: the rules to apply.
    """
    if facts.red_flags & rules.emergency_red_flags:
        return emergency_advice(facts.red_flags, facts.bed_needed, rules)
    if facts.age is not None and facts.age < rules.minimum_age:
        return Recommendation(
            outcome=Outcome.REDIRECT,
            response=None,
            lead=None,
            due_at=None,
            fallback_from=None,
            bed_needed=facts.bed_needed,
            reasons=(
                f"The person is {facts.age}: the SPR serves adults from {rules.minimum_age}.",
                "Redirect the caller to children's services.",
            ),
            rules_version=rules.version,
        )
    response, response_reason = choose_response(facts, rules)
    wanted, lead_reason = choose_lead(facts, rules)
    due = compute_due_at(at, response, rules.due_hours)
    due_reason = f"Due by {short_local(due)}."
    if availability.can(response, wanted):
        return Recommendation(
            outcome=Outcome.MATRIX,
            response=response,
            lead=wanted,
            due_at=due,
            fallback_from=None,
            bed_needed=facts.bed_needed,
            reasons=(response_reason, lead_reason, *_bed_reason(facts), due_reason),
            rules_version=rules.version,
        )
    for lead in rules.fallback_order:
        if availability.can(response, lead):
            return Recommendation(
                outcome=Outcome.MATRIX,
                response=response,
                lead=lead,
                due_at=due,
                fallback_from=wanted,
                bed_needed=facts.bed_needed,
                reasons=(
                    response_reason,
                    lead_reason,
                    f"No {label(wanted)} can be mobilised for a {label(response)} response now, "
                    f"so a {label(lead)} leads, keeping the {label(response)} response; "
                    f"arrange a {label(wanted)} follow-up.",
                    *_bed_reason(facts),
                    due_reason,
                ),
                rules_version=rules.version,
            )
    return Recommendation(
        outcome=Outcome.ESCALATE,
        response=response,
        lead=None,
        due_at=due,
        fallback_from=None,
        bed_needed=facts.bed_needed,
        reasons=(
            response_reason,
            lead_reason,
            f"Nobody can be mobilised for a {label(response)} response now. Do not lower the "
            "urgency: escalate to the duty lead.",
            *_bed_reason(facts),
            due_reason,
        ),
        rules_version=rules.version,
    )
