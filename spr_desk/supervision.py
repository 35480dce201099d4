"""The supervisor's review: figures over recent referrals, computed from plain rows.

Pure: the database layer reads `SupervisionRow`s (referrals received in the last days, plus every
open one) and `review` turns them into a `Review` at `now`. Days and hours are UK local time.

Scope of each figure:
- today / last 7 days: referrals received on the UK local day of `now` / on it and the six UK
  days before it, from midnight (`review_window`): the days the export offers, so the export's
  rows and this count agree (a rolling 168 hours counted part of an eighth day);
- redirected to 999 / A&E: calls recorded as redirected at the red flags (outcome emergency),
  received today / in the review window; they are counted in "today" and "last 7 days" too;
- breaches: a first response that missed its due time (`response_met` False), and any referral
  still awaiting its first response whose due time has passed at `now`;
- overrides: the agreed response or lead differs from the recommendation (or a reason was given);
- open queue by lead and by locality: every open referral;
- met in time, by hour, outcomes, GP updates outstanding, and late responses: referrals received
  in the review window (today and the `days - 1` UK days before it); an older open referral
  counts only in the queue and, when past due awaiting its first response, as a breach;
- held for sign-off: responses set lower than the facts asked for, not yet signed off
  (`held_overrides`, read apart from the window: they stay until signed, however old).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from spr_desk.due import is_breached
from spr_desk.lifecycle import AWAITING_RESPONSE, OPEN_STATUSES
from spr_desk.uktime import as_local, as_utc, uk_days
from spr_desk.urgency_ratchet import is_downward
from spr_desk.vocabulary import CloseOutcome, Outcome, Response, Status

WEEK = timedelta(days=7)
RESPONSES: tuple[Response, ...] = (Response.RAPID, Response.FAST, Response.NORMAL)
_OPEN = frozenset(status.value for status in OPEN_STATUSES)
_AWAITING = frozenset(status.value for status in AWAITING_RESPONSE)
NONE_LABEL = "-"
"""How a missing lead or locality is counted in the open queue."""


@dataclass(frozen=True, slots=True)
class SupervisionRow:
    """One referral as the review reads it: plain values, no patient details."""

    reference: str
    received_at: datetime
    status: str
    response: str | None = None
    lead: str | None = None
    locality: str | None = None
    rec_response: str | None = None
    rec_lead: str | None = None
    override_reason: str = ""
    response_met: bool | None = None
    close_outcome: str | None = None
    gp_updated: bool = False
    due_at: datetime | None = None
    breach_reason: str | None = None
    rec_outcome: str | None = None


@dataclass(frozen=True, slots=True)
class Breach:
    reference: str
    response: str | None
    due_at: datetime | None
    awaiting: bool
    """True: still awaiting its first response and past due now; False: responded late."""
    reason: str = ""
    """Why it was late, as given when the response was recorded."""


@dataclass(frozen=True, slots=True)
class Override:
    reference: str
    rec_response: str | None
    rec_lead: str | None
    response: str | None
    lead: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class MetShare:
    """Of the referrals at one response level that have had their first response, how many in
    time."""

    response: Response
    met: int
    responded: int

    @property
    def share(self) -> float | None:
        return self.met / self.responded if self.responded else None


@dataclass(frozen=True, slots=True)
class Review:
    now: datetime
    today: int
    week: int
    breaches: tuple[Breach, ...]
    overrides: tuple[Override, ...]
    open_total: int
    queue_by_lead: tuple[tuple[str, int], ...]
    queue_by_locality: tuple[tuple[str, int], ...]
    met_in_time: tuple[MetShare, ...]
    by_hour: tuple[int, ...]
    closed: int
    no_further_services: int
    gp_updates_outstanding: tuple[str, ...]
    days: int = 7
    """The review window, in days before `now`."""
    redirected_today: int = 0
    """Calls redirected to 999 / A&E received today."""
    redirected_period: int = 0
    """Calls redirected to 999 / A&E received in the review window."""
    week_start: datetime | None = None
    """Midnight (UK) of the first of the last 7 days: what "Last 7 days" counts from."""

    @property
    def no_further_services_share(self) -> float | None:
        return self.no_further_services / self.closed if self.closed else None


def departs_from_matrix(
    response: str | None,
    lead: str | None,
    rec_response: str | None,
    rec_lead: str | None,
    reason: str,
) -> bool:
    """An override: the agreed cell differs from the recommended one, or the handler gave a
    reason (the review and the charts count the same ones)."""
    if reason.strip():
        return True
    if rec_response is None and rec_lead is None:
        return False  # no recommendation to depart from (emergency, redirect, escalate)
    return response != rec_response or lead != rec_lead


def is_override(row: SupervisionRow) -> bool:
    return departs_from_matrix(
        row.response, row.lead, row.rec_response, row.rec_lead, row.override_reason
    )


def is_late(response_met: bool | None, status: str, due_at: datetime | None, now: datetime) -> bool:
    """A breach: responded late, or still awaiting its first response past its due time."""
    if response_met is False:
        return True
    return status in _AWAITING and due_at is not None and is_breached(now, due_at)


def is_emergency_redirect(row: SupervisionRow) -> bool:
    """Recorded as redirected because a red flag sent the caller to 999 / A&E."""
    return row.status == Status.REDIRECTED.value and row.rec_outcome == Outcome.EMERGENCY.value


def breach_of(row: SupervisionRow, now: datetime) -> Breach | None:
    if not is_late(row.response_met, row.status, row.due_at, now):
        return None
    if row.response_met is False:
        return Breach(
            row.reference, row.response, row.due_at, awaiting=False, reason=row.breach_reason or ""
        )
    return Breach(row.reference, row.response, row.due_at, awaiting=True)


def largest_first(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    """Largest first, then by name, so the order is stable."""
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def review(
    rows: list[SupervisionRow],
    now: datetime,
    days: int = 7,
) -> Review:
    """Every figure of the supervisor view at `now`, over today and the `days - 1` UK days
    before it."""
    today = as_local(now).date()
    week_start, _ = review_window(now, WEEK.days)
    window_start, _ = review_window(now, days)
    received_today = 0
    received_week = 0
    by_hour = [0] * 24
    breaches: list[Breach] = []
    overrides: list[Override] = []
    by_lead: Counter[str] = Counter()
    by_locality: Counter[str] = Counter()
    met: Counter[str] = Counter()
    responded: Counter[str] = Counter()
    closed = 0
    nfs = 0
    gp_outstanding: list[str] = []
    redirected_today = redirected_period = 0
    for row in sorted(rows, key=lambda r: (as_utc(r.received_at), r.reference)):
        if row.status in _OPEN:
            by_lead[row.lead or NONE_LABEL] += 1
            by_locality[row.locality or NONE_LABEL] += 1
        in_window = as_utc(row.received_at) >= window_start
        if not in_window:
            if row.status in _AWAITING and row.due_at is not None and is_breached(now, row.due_at):
                breaches.append(Breach(row.reference, row.response, row.due_at, awaiting=True))
            continue
        local = as_local(row.received_at)
        if local.date() == today:
            received_today += 1
        if week_start <= as_utc(row.received_at) <= as_utc(now):
            received_week += 1
        if is_emergency_redirect(row):
            redirected_period += 1
            redirected_today += int(local.date() == today)
        by_hour[local.hour] += 1
        breach = breach_of(row, now)
        if breach is not None:
            breaches.append(breach)
        if is_override(row):
            overrides.append(
                Override(
                    row.reference,
                    row.rec_response,
                    row.rec_lead,
                    row.response,
                    row.lead,
                    row.override_reason,
                )
            )
        if row.response is not None and row.response_met is not None:
            responded[row.response] += 1
            met[row.response] += int(row.response_met)
        if row.status == Status.CLOSED.value:
            closed += 1
            nfs += int(row.close_outcome == CloseOutcome.NO_FURTHER_SERVICES.value)
            if not row.gp_updated:
                gp_outstanding.append(row.reference)
    return Review(
        now=now,
        today=received_today,
        week=received_week,
        breaches=tuple(breaches),
        overrides=tuple(overrides),
        open_total=sum(by_lead.values()),
        queue_by_lead=largest_first(by_lead),
        queue_by_locality=largest_first(by_locality),
        met_in_time=tuple(MetShare(r, met[r.value], responded[r.value]) for r in RESPONSES),
        by_hour=tuple(by_hour),
        closed=closed,
        no_further_services=nfs,
        gp_updates_outstanding=tuple(gp_outstanding),
        days=days,
        redirected_today=redirected_today,
        redirected_period=redirected_period,
        week_start=week_start,
    )


def percent(share: float | None) -> str:
    """`75%`, or `-` when there is nothing to divide by."""
    return NONE_LABEL if share is None else f"{round(share * 100)}%"


def hour_chart(counts: list[int] | tuple[int, ...], width: int) -> list[str]:
    """A bar chart that reads without colour: one line per hour, `08 ████████ 12`.

    The longest bar fills what is left of `width` after the hour and the count; a non-zero
    count always shows at least one block.
    """
    if not counts:
        return []
    digits = max(len(str(max(counts))), 1)
    room = max(1, width - 3 - 1 - digits)  # "HH " + bar + " " + count
    peak = max(counts)
    lines = []
    for hour, count in enumerate(counts):
        length = 0 if peak == 0 else max(1 if count else 0, round(count * room / peak))
        bar = "█" * length
        lines.append(f"{hour:02d} {bar.ljust(room)} {count:>{digits}}")
    return lines


# the urgency ratchet's sign-offs ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeldOverrideRow:
    """A referral whose agreed response may be lower than the facts asked for, not yet signed
    off, as the database reads it (no patient details)."""

    reference: str
    received_at: datetime
    recorded_by: str
    recorded_at: datetime
    rec_response: str | None
    rec_lead: str | None
    response: str | None
    lead: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class HeldOverride:
    """A downward override held for a supervisor's sign-off."""

    reference: str
    rec_response: str
    rec_lead: str | None
    response: str
    lead: str | None
    reason: str
    recorded_by: str
    recorded_at: datetime
    asked_due_at: datetime
    """When the first response was due at the response the facts asked for: past it, the
    person has already waited longer than the facts allowed."""

    def time_left(self, now: datetime) -> timedelta:
        return as_utc(self.asked_due_at) - as_utc(now)


def held_overrides(
    rows: list[HeldOverrideRow], due_hours: Mapping[Response, int]
) -> tuple[HeldOverride, ...]:
    """Of the unsigned overrides read, those set lower than the facts asked for (the ratchet:
    an override upwards needs only its reason), the soonest due first."""
    held = [
        HeldOverride(
            row.reference,
            row.rec_response or "",
            row.rec_lead,
            row.response or "",
            row.lead,
            row.reason,
            row.recorded_by,
            row.recorded_at,
            # is_downward (below) admits only words of the vocabulary: the `or ""` never applies.
            as_utc(row.received_at) + timedelta(hours=due_hours[Response(row.rec_response or "")]),
        )
        for row in rows
        if is_downward(row.rec_response, row.response)
    ]
    return tuple(sorted(held, key=lambda h: (h.asked_due_at, h.reference)))


def review_window(now: datetime, days: int = 7) -> tuple[datetime, datetime]:
    """The review's days: today (UK) and the `days - 1` UK days before it, from midnight, up
    to `now`. The same days the supervisor's export offers, so its rows and "Last 7 days"
    count the same referrals."""
    today = as_local(now).date()
    start, _ = uk_days(today - timedelta(days=days - 1), today)
    return start, as_utc(now)
