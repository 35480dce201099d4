"""The 2-hour Urgent Community Response condition of a Rapid referral, in words (NHS.md
section 3): the desk's Rapid is "within 3 hours"; the condition says which Rapid referrals the
national 2-hour standard counts."""

from __future__ import annotations

from spr_desk.vocabulary import UcrCondition, label


def ucr_words(condition: str, not_reason: str | None = None) -> str:
    """`fall, no serious injury (2-hour UCR)`, or `not UCR: <why>`; a value from a newer
    version of the desk reads as stored."""
    try:
        member = UcrCondition(condition)
    except ValueError:
        return condition
    if member is UcrCondition.NOT_UCR:
        return f"not UCR: {not_reason or 'no reason given'}"
    return f"{label(member)} (2-hour UCR)"
