"""The red-flag and matrix card: the rules file as a handler follows it on paper.

`build_card` turns a `Rules` object into printed words (labels, questions, hours, orders) and
`card_lines` lays them out as the steps of a call; the downtime pack prints exactly those lines.
`follow_card` is a handler working down the printed card: it reads only the card's own words, so
a test that it agrees with `matrix.recommend` proves the paper gives the desk's answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from spr_desk.call_form import EMERGENCY_WORDS, RED_FLAG_QUESTIONS
from spr_desk.due import due_at as compute_due_at
from spr_desk.facts import FieldError, TriageFacts
from spr_desk.matrix import Availability
from spr_desk.rules import Rules
from spr_desk.vocabulary import Lead, Need, Outcome, RedFlag, Response, Urgency, label

E = TypeVar("E", bound=StrEnum)

REDIRECT_WORDS = "Redirect the caller to children's services."
ESCALATE_WORDS = "do not lower the urgency: escalate to the duty lead."


@dataclass(frozen=True, slots=True)
class CardRedFlag:
    """One red-flag line: what it is, and the question the handler reads out."""

    label: str
    question: str


@dataclass(frozen=True, slots=True)
class CardNeedGroup:
    """One need group as printed: its needs and the profession that leads it."""

    label: str
    needs: tuple[str, ...]
    lead: str


@dataclass(frozen=True, slots=True)
class RulesCard:
    """The rules file in the words a handler reads; nothing here is typed in by hand."""

    rules_version: str
    red_flags: tuple[CardRedFlag, ...]
    emergency_words: str
    minimum_age: int
    rapid_factors: tuple[str, ...]
    fast_factors: tuple[str, ...]
    due_hours: tuple[tuple[str, int], ...]
    """(response label, hours), most urgent first."""
    need_groups: tuple[CardNeedGroup, ...]
    """In the group order, so the card reads top down as the handler decides."""
    group_order: tuple[str, ...]
    fallback_order: tuple[str, ...]
    due_arithmetic: str


@dataclass(frozen=True, slots=True)
class CardSection:
    """A headed block of the printed card."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CardAnswer:
    """Where a handler following the card ends up: the fields `recommend` decides."""

    outcome: Outcome
    response: Response | None
    lead: Lead | None
    due_at: datetime | None
    fallback_from: Lead | None


def _labels(members: frozenset[E], enum: type[E]) -> tuple[str, ...]:
    # Enum order, not set order: the card reads the same every time it is printed.
    return tuple(label(member) for member in enum if member in members)


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def build_card(rules: Rules) -> RulesCard:
    """The card for these rules: every list, order and number comes from `rules`."""
    due_hours = tuple((label(response), rules.due_hours[response]) for response in Response)
    hours = " / ".join(f"{count} h" for _, count in due_hours)
    names = " / ".join(name for name, _ in due_hours)
    return RulesCard(
        rules_version=rules.version,
        red_flags=tuple(
            CardRedFlag(label(flag), RED_FLAG_QUESTIONS[flag])
            for flag in RedFlag
            if flag in rules.emergency_red_flags
        ),
        emergency_words=EMERGENCY_WORDS,
        minimum_age=rules.minimum_age,
        rapid_factors=_labels(rules.rapid_factors, Urgency),
        fast_factors=_labels(rules.fast_factors, Urgency),
        due_hours=due_hours,
        need_groups=tuple(
            CardNeedGroup(
                label(group),
                tuple(label(need) for need in Need if rules.group_of_need[need] is group),
                label(rules.lead_of_group[group]),
            )
            for group in rules.group_order
        ),
        group_order=tuple(label(group) for group in rules.group_order),
        fallback_order=tuple(label(lead) for lead in rules.fallback_order),
        due_arithmetic=(
            f"due = the received time written on the sheet + {hours} ({names}), counted in "
            "elapsed hours across a clock change."
        ),
    )


def card_lines(card: RulesCard) -> list[CardSection]:
    """The card as printed: its steps in the order of a call, each a heading and its lines."""
    first, *others = card.due_hours
    rapid_name, rapid_hours = first
    fast_name, fast_hours = others[0]
    normal_name, normal_hours = others[1]
    return [
        CardSection(
            f"Red-flag and matrix card - rules version {card.rules_version}",
            (
                "Work down the steps in order; stop where a step says stop.",
                "Built from the rules file the desk decides with: a new rules version needs a "
                "new card.",
            ),
        ),
        CardSection(
            "Step 1 - Red flags: ask these first",
            (
                *(f"{flag.question} ({flag.label})" for flag in card.red_flags),
                "Any yes: say the words, advise 999, stop.",
                f'Say: "{card.emergency_words}"',
            ),
        ),
        CardSection(
            "Step 2 - Age",
            (f"Under {card.minimum_age}: the SPR is the wrong door. {REDIRECT_WORDS} Stop.",),
        ),
        CardSection(
            "Step 3 - Response",
            (
                f"{rapid_name} (due {rapid_hours} h after received) if any of these holds:",
                *(f"  - {factor}" for factor in card.rapid_factors),
                f"Else {fast_name} (due {fast_hours} h after received) if any of these holds:",
                *(f"  - {factor}" for factor in card.fast_factors),
                f"Else {normal_name} (due {normal_hours} h after received).",
            ),
        ),
        CardSection(
            "Step 4 - Lead",
            (
                "A primary need named: the lead of its group leads.",
                "No primary need: the first group in this order with a need ticked: "
                + ", ".join(card.group_order)
                + ".",
                *(
                    f"{_capital(group.label)} needs - {group.lead} leads: "
                    + ", ".join(group.needs)
                    + "."
                    for group in card.need_groups
                ),
            ),
        ),
        CardSection(
            "Step 5 - Who can go now",
            (
                "If that lead cannot be mobilised at that response now, the first who can, in "
                "this order: " + ", ".join(card.fallback_order) + ".",
                "Keep the response; arrange a follow-up by the lead the needs asked for.",
                f"If nobody can be mobilised at that response, {ESCALATE_WORDS}",
            ),
        ),
        CardSection(
            "Step 6 - Due time",
            (
                card.due_arithmetic,
                "Count the hours that pass, not the clock: when the clocks go forward the due "
                "time reads an hour later on the clock, when they go back an hour earlier.",
                "A lead who goes instead keeps the response, so the due time stays the same.",
            ),
        ),
    ]


def _member_by_label(words: str, enum: type[E]) -> E:
    """The vocabulary member a printed label stands for (labels are the card's only words)."""
    for member in enum:
        if label(member) == words:
            return member
    raise ValueError(f"{words!r} is not the label of any {enum.__name__}")


def follow_card(
    card: RulesCard, facts: TriageFacts, availability: Availability, at: datetime
) -> CardAnswer:
    """What a handler reaches working down the printed card, step by step.

    Only the card's words are read (its label lists and orders); never `Rules` or `recommend`.

    Args:
        card: the printed card.
        facts: what the caller said, as ticked on the sheet.
        availability: who can be mobilised now.
        at: the received time written on the sheet.

    Raises:
        FieldError: no need ticked and no red flag (the card cannot name a lead).
    """
    # Step 1: a yes to any red-flag question on the card.
    printed_flags = {flag.label for flag in card.red_flags}
    if any(label(flag) in printed_flags for flag in facts.red_flags):
        return CardAnswer(Outcome.EMERGENCY, None, None, None, None)
    # Step 2: the age.
    if facts.age is not None and facts.age < card.minimum_age:
        return CardAnswer(Outcome.REDIRECT, None, None, None, None)
    # Step 3: the response, from the factor lists.
    ticked = {label(factor) for factor in facts.urgency}
    names = [name for name, _ in card.due_hours]
    if ticked & set(card.rapid_factors):
        response_name = names[0]
    elif ticked & set(card.fast_factors):
        response_name = names[1]
    else:
        response_name = names[2]
    response = _member_by_label(response_name, Response)
    # Step 4: the lead, from the groups.
    wanted = _lead_from_groups(card, facts)
    # Step 6 is the same whoever goes: received + the printed hours, summed in elapsed time.
    hours = dict(card.due_hours)[response_name]
    due = compute_due_at(at, response, {response: hours})
    # Step 5: who can go now.
    if availability.can(response, wanted):
        return CardAnswer(Outcome.MATRIX, response, wanted, due, None)
    for name in card.fallback_order:
        lead = _member_by_label(name, Lead)
        if availability.can(response, lead):
            return CardAnswer(Outcome.MATRIX, response, lead, due, wanted)
    return CardAnswer(Outcome.ESCALATE, response, None, due, None)


def _lead_from_groups(card: RulesCard, facts: TriageFacts) -> Lead:
    if facts.primary_need is not None:
        primary = label(facts.primary_need)
        for group in card.need_groups:
            if primary in group.needs:
                return _member_by_label(group.lead, Lead)
    ticked = {label(need) for need in facts.needs}
    groups = {group.label: group for group in card.need_groups}
    for name in card.group_order:
        group = groups[name]
        if ticked & set(group.needs):
            return _member_by_label(group.lead, Lead)
    raise FieldError("facts.needs", "name at least one need (or a red flag)")
