"""What the screen-reader mode says aloud on its status line, and when it rings the bell.

Pure: the screens hand in what they read and the time; nothing here draws or rings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from spr_desk.due import time_left
from spr_desk.lifecycle import AWAITING_RESPONSE
from spr_desk.queue_view import QueueRow
from spr_desk.vocabulary import Response, Status

BELL_GAP = timedelta(minutes=1)
"""The bell rings at most once in this long, however much happens."""
BREACH_NEAR = timedelta(minutes=15)
"""A referral this close to its due time rings the bell (once for each referral)."""
SCREEN_READER_TICK_SECONDS = 60
"""How often countdowns are brought up to date in the screen-reader mode: in words, once a
minute (every second would have the reader say the clock all day)."""


def recorded_words(reference: str, response: str | None, lead: str | None, due: str) -> str:
    """`Recorded SPR-2026-000271, Rapid, nurse, due 21:38` (`due`: the local time, or "")."""
    parts = [f"Recorded {reference}"]
    if response:
        parts.append(response.capitalize())
    if lead:
        parts.append(lead.replace("_", " ").lower())
    if due:
        parts.append(f"due {due}")
    return ", ".join(parts)


def breached_words(count: int) -> str:
    """`1 referral breached`, `2 referrals breached`, `No referral breached`."""
    if count == 0:
        return "No referral breached"
    return f"{count} referral{'' if count == 1 else 's'} breached"


@dataclass(slots=True)
class Bell:
    """Rings for a Rapid referral not seen before, or one within `BREACH_NEAR` of breaching,
    each referral once, and at most once a `BELL_GAP` (news inside the gap rings at its end).
    The first look rings for nothing: the referrals open when the desk starts are not news."""

    seen_rapid: set[str] = field(default_factory=set)
    seen_near: set[str] = field(default_factory=set)
    last_rung: datetime | None = None
    started: bool = False
    pending: bool = False

    def look(self, rows: Iterable[QueueRow], now: datetime) -> bool:
        """True when the bell should ring now."""
        news = False
        for row in rows:
            if row.response == Response.RAPID.value and row.reference not in self.seen_rapid:
                self.seen_rapid.add(row.reference)
                news = True
            near = (
                Status(row.status) in AWAITING_RESPONSE  # only those can breach
                and row.due_at is not None
                and timedelta(0) <= time_left(now, row.due_at) <= BREACH_NEAR
            )
            if near and row.reference not in self.seen_near:
                self.seen_near.add(row.reference)
                news = True
        if not self.started:
            self.started = True
            return False
        self.pending = self.pending or news
        if not self.pending or (self.last_rung is not None and now - self.last_rung < BELL_GAP):
            return False
        self.pending, self.last_rung = False, now
        return True
