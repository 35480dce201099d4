"""A call taken on a paper sheet during downtime, entered when the desk is back.

The sheet's reference was reserved when the pack was printed, so no live call was given it. The
received time is the one written on the sheet: the due time runs from it, so a referral whose due
time passed while it was on paper shows as breached on paper, by when it was due, not by when
someone typed it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from spr_desk.milestones import GivenTimeError, given_time_text, parse_local_time
from spr_desk.refusal import Refused
from spr_desk.uktime import as_utc


class SheetState(StrEnum):
    """A reserved reference's life: printed on a sheet, then used once or released unused."""

    RESERVED = "reserved"
    USED = "used"
    RELEASED = "released"


MAX_SHEETS = 500
"""Sheets one pack may reserve: 20 by default; a long outage prints more packs, not one vast one."""


class PaperRefused(Refused):
    """A paper entry that cannot be taken; the message says why, for the field."""


@dataclass(frozen=True, slots=True)
class PaperEntry:
    """What the sheet gives beyond the call itself: its reserved reference. The call's received
    time (`NewReferral.received_at`) is the time written on the sheet."""

    reference: str
    taken_by: str = ""
    """Who took the call on paper, as written on the sheet (else whoever enters it): the call is
    theirs; entering it is the enterer's, and the audit trail says which is which."""


@dataclass(frozen=True, slots=True)
class ReservedSheet:
    """One reserved reference and what became of it."""

    reference: str
    reserved_at: datetime
    reserved_by: str
    state: SheetState
    used_at: datetime | None = None
    used_by: str | None = None
    released_at: datetime | None = None
    released_by: str | None = None


def check_written_time(written: datetime, *, now: datetime, printed_at: datetime) -> datetime:
    """The written received time in UTC, if it is neither in the future nor before the sheet
    was printed (to the minute: the minute it was printed counts).

    Raises:
        PaperRefused: in the future, or before the sheet existed.
    """
    written = as_utc(written)
    if written > as_utc(now):
        raise PaperRefused(
            f"{given_time_text(written)} is in the future: write the time the call came in."
        )
    if written < as_utc(printed_at).replace(second=0, microsecond=0):
        raise PaperRefused(
            f"{given_time_text(written)} is before this sheet was printed "
            f"({given_time_text(printed_at)}): check the date written on the sheet."
        )
    return written


def parse_written_time(text: str, *, now: datetime, printed_at: datetime) -> datetime:
    """The time written on the sheet, typed `DD/MM/YYYY HH:MM` (or `HH:MM` for today), in UTC.

    Raises:
        PaperRefused: not a time, in the future, or before the sheet was printed.
    """
    try:
        moment = parse_local_time(text, now=now)
    except GivenTimeError as wrong:
        raise PaperRefused(str(wrong)) from None
    return check_written_time(moment, now=now, printed_at=printed_at)


def why_not_usable(sheet: ReservedSheet | None, reference: str) -> str | None:
    """None when a call may be entered under `reference`; else why not, in words."""
    if sheet is None:
        return (
            f"{reference} was not reserved for a paper sheet: enter a sheet's reference as "
            "printed on it (spr-desk downtime reserved lists them)."
        )
    if sheet.state is SheetState.USED:
        when = given_time_text(sheet.used_at) if sheet.used_at else "earlier"
        return f"{reference} was already entered, by {sheet.used_by} at {when}: never twice."
    if sheet.state is SheetState.RELEASED:
        return f"{reference} was released unused; a released sheet's number is never entered."
    return None


def breached_on_paper(
    due_at: datetime | None, entered_at: datetime | None, responded_at: datetime | None
) -> bool:
    """The due time passed while the call was on paper: before it was entered, with no first
    response recorded by the due time (one given on paper, and recorded with its time, meets
    it)."""
    if due_at is None or entered_at is None:
        return False
    if as_utc(due_at) >= as_utc(entered_at):
        return False
    return responded_at is None or as_utc(responded_at) > as_utc(due_at)
