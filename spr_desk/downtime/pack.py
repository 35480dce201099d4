"""What a downtime pack holds: the open queue, the rota, the rules card and the reserved sheets.

Built by the desk service from one snapshot of the database; printed by `pack_pdf` and written
as the read-only HTML copy by `html_copy`. Every string here is as stored (typed by a handler
or received): the printers escape or draw it as text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from spr_desk.downtime.rules_card import RulesCard


@dataclass(frozen=True, slots=True)
class PackReferral:
    """One open referral as it is printed: enough to carry on with it on paper."""

    reference: str
    received_at: datetime
    due_at: datetime | None
    status: str
    """The status in words ("awaiting allocation", "allocated", ...)."""
    response: str | None
    """"rapid", "fast" or "normal" (None for a referral escalated with no cell)."""
    lead: str | None
    holder: str
    """Who holds it: the team or `Name (team)` allocated, else who has claimed it, else ""."""
    patient_name: str
    nhs_number: str
    """Empty when it is still to trace."""
    date_of_birth: str
    address: str
    locality: str
    caller: str
    """Who referred (name, organisation)."""
    caller_phone: str
    """The call-back number of the professional who referred."""
    next_of_kin: str
    """As typed: often a name and a number."""
    entered_from_paper: bool = False
    responded_at: datetime | None = None
    """The first response, once made: its clock has stopped (met or late), so no countdown."""


@dataclass(frozen=True, slots=True)
class PackShift:
    """One person's shift on the rota (today's and tomorrow's)."""

    locality: str
    team: str
    name: str
    role: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class OnNowLine:
    """Who is on at the moment the pack was built, one line per locality: `role: names`."""

    locality: str
    by_role: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class DowntimePack:
    built_at: datetime
    built_by: str
    rules_version: str
    referrals: tuple[PackReferral, ...]
    """Every open referral, in due order (soonest first; none without a due time last)."""
    shifts: tuple[PackShift, ...]
    """Today's and tomorrow's shifts (UK days), by start."""
    on_now: tuple[OnNowLine, ...]
    card: RulesCard
    sheets: tuple[str, ...]
    """The references reserved for this pack's blank triage sheets, one per sheet."""
