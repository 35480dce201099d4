"""The national return (issue 19 point 3): a month's referrals as CSDS rows (CYP101, CYP102,
CYP201), and the four national UCR measures computed from those same rows.

Pure: the desk's referrals in (`CsdsSource`), text cells out. The measures read the rows, never
the referrals, so what the supervisor sees is what the CSV says (a test recomputes them from the
files). Times are UK local to the minute (`HH:MM:00`), dates ISO (`YYYY-MM-DD`), as the CSDS
expects; every text cell has the spreadsheet formula guard (`csv_text.safe_text`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar

from spr_desk.csds_codes import (
    ATTENDED,
    DEFAULT_POPULATION,
    DEFAULT_PROVIDER,
    FACE_TO_FACE,
    LOCATION_TYPE,
    PRIORITY_TYPE,
    SOURCE_OF_REFERRAL,
    STAFF_GROUP,
    TEAM_TYPE,
    UCR_REASON,
    UCR_REASON_CODES,
)
from spr_desk.csv_text import safe_text
from spr_desk.uktime import LONDON, as_local, uk_days
from spr_desk.vocabulary import Lead, ReferrerRole, Response, Setting, Status, UcrCondition

TWO_HOURS = timedelta(hours=2)
"""The national standard: the first contact within 2 hours of the referral's receipt."""

E = TypeVar("E", bound=StrEnum)

Row = dict[str, str]
"""One CSV row: column name to its text cell."""

_MONTH = re.compile(r"(\d{4})-(\d{2})")


class MonthError(ValueError):
    """`--month` is not a month (YYYY-MM)."""


def parse_month(text: str) -> date:
    """The first day of `YYYY-MM`.

    Raises:
        MonthError: anything else (in words, for one line on stderr).
    """
    found = _MONTH.fullmatch(text.strip())
    if found is None:
        raise MonthError(f"--month: not a month (expected YYYY-MM): {text!r}")
    year, month = int(found[1]), int(found[2])
    if not 1 <= month <= 12 or not 1900 <= year <= 9998:  # 9999-12 has no month after it
        raise MonthError(f"--month: no such month: {text!r}")
    return date(year, month, 1)


def month_instants(first: date) -> tuple[datetime, datetime]:
    """The instants (UTC) bounding the UK local days of `first`'s month: from 00:00 UK time on
    the 1st up to, not including, 00:00 UK time on the 1st of the next month."""
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return uk_days(first, following - timedelta(days=1))


@dataclass(frozen=True, slots=True)
class CsdsSource:
    """One referral received in the month, as the desk holds it (`db/csds.py`)."""

    reference: str
    received_at: datetime
    status: str
    referrer_role: str | None = None
    setting: str | None = None
    response: str | None = None
    lead: str | None = None
    ucr_condition: str | None = None
    team: str | None = None
    responded_at: datetime | None = None
    """The first contact: the referral's first response."""
    closed_at: datetime | None = None
    ended_at: datetime | None = None
    """When a referral the service did not take on ended (cancelled, or redirected to 999)."""


@dataclass(frozen=True, slots=True)
class CsdsReturn:
    """The month's three tables, as text rows in their columns' order."""

    month: str
    cyp101: list[Row] = field(default_factory=list)
    cyp102: list[Row] = field(default_factory=list)
    cyp201: list[Row] = field(default_factory=list)
    rapid_without_condition: list[str] = field(default_factory=list)
    """Rapid referrals recorded with no UCR answer (from paper, or decided Rapid only as the
    call was recorded): not in the 2-hour count, and said so beside the measures."""

    @property
    def row_count(self) -> int:
        return len(self.cyp101) + len(self.cyp102) + len(self.cyp201)


def csds_date(moment: datetime | None) -> str:
    """The UK local date, ISO; empty for none."""
    return as_local(moment).date().isoformat() if moment is not None else ""


def csds_time(moment: datetime | None) -> str:
    """The UK local time to the minute, `HH:MM:00`; empty for none."""
    return f"{as_local(moment):%H:%M}:00" if moment is not None else ""


def _code(table: Mapping[E, str], enum: type[E], value: str | None) -> str:
    """The national code of a stored vocabulary word; empty for none (or a word unknown)."""
    if value is None or value not in enum._value2member_map_:
        return ""
    return table.get(enum(value), "")


NOT_TAKEN = frozenset({Status.CANCELLED.value, Status.REDIRECTED.value})
"""Referrals the service did not take on: their team referral has a rejection date."""


def csds_rows(
    sources: list[CsdsSource], month: str, provider: str = DEFAULT_PROVIDER
) -> CsdsReturn:
    """The month's CSDS rows: every referral received (CYP101), the team it went to (CYP102)
    and its first contact, when one was made (CYP201), oldest first."""
    result = CsdsReturn(month)
    for source in sorted(sources, key=lambda s: (s.received_at, s.reference)):
        reference = safe_text(source.reference)
        rapid = source.response == Response.RAPID.value
        condition = source.ucr_condition if rapid else None
        if rapid and not condition:
            result.rapid_without_condition.append(source.reference)
        result.cyp101.append(
            {
                "service_request_identifier": reference,
                "referral_request_received_date": csds_date(source.received_at),
                "referral_request_received_time": csds_time(source.received_at),
                "source_of_referral_for_community": _code(
                    SOURCE_OF_REFERRAL, ReferrerRole, source.referrer_role
                ),
                "primary_reason_for_referral_community_care": _code(
                    UCR_REASON, UcrCondition, condition
                ),
                "priority_type_code": _code(PRIORITY_TYPE, Response, source.response),
                "referring_care_professional_staff_group_community_care": _code(
                    STAFF_GROUP, ReferrerRole, source.referrer_role
                ),
                # The desk holds the referrer's organisation as typed, not its ODS code.
                "referring_organisation_code": "",
                "organisation_code_provider": safe_text(provider),
                "service_discharge_date": csds_date(source.closed_at),
            }
        )
        rejected = source.status in NOT_TAKEN
        result.cyp102.append(
            {
                "service_request_identifier": reference,
                "team_unique_identifier": safe_text(source.team or ""),
                "service_or_team_type_referred_to_community_care": _code(
                    TEAM_TYPE, Lead, source.lead
                ),
                "referral_closure_date": "" if rejected else csds_date(source.closed_at),
                "referral_rejection_date": (
                    csds_date(source.ended_at or source.received_at) if rejected else ""
                ),
            }
        )
        if source.responded_at is not None:
            result.cyp201.append(
                {
                    "care_contact_identifier": safe_text(f"{source.reference}-1"),
                    "service_request_identifier": reference,
                    "care_contact_date": csds_date(source.responded_at),
                    "care_contact_time": csds_time(source.responded_at),
                    "attended_or_did_not_attend_code": ATTENDED,
                    "consultation_mechanism_community_care": FACE_TO_FACE,
                    "activity_location_type_code": _code(LOCATION_TYPE, Setting, source.setting),
                    # Not recorded at the desk: how long the visit took is the team's.
                    "clinical_contact_duration_of_care_contact": "",
                }
            )
    return result


# The four national UCR measures ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UcrMeasures:
    """The month's national UCR figures (NHS.md section 3), from its CSDS rows."""

    month: str
    referrals: int
    """Referrals received in the month."""
    two_hour_referrals: int
    """Of those, 2-hour UCR ones (one of the nine conditions)."""
    two_hour_counted: int
    """2-hour referrals the standard counts: all but those the service did not take on."""
    two_hour_met: int
    """Of those counted, reached (first contact) within 2 hours of receipt."""
    contacts: int
    """First care contacts delivered for the month's referrals."""
    two_hour_contacts: int
    population: int
    two_hour_in_progress: int = 0
    """2-hour referrals not yet reached and received under 2 hours ago: not yet met or missed,
    so not counted yet (the current month, read live)."""
    rapid_without_condition: int = 0
    """Rapid referrals with no UCR answer: not in the 2-hour figures."""

    @property
    def percent_met(self) -> float | None:
        """% of 2-hour referrals meeting the standard; None with none to count."""
        if not self.two_hour_counted:
            return None
        return 100 * self.two_hour_met / self.two_hour_counted

    @property
    def rate_per_100k(self) -> float:
        """2-hour UCR referrals received per 100,000 population."""
        return 100_000 * self.two_hour_referrals / self.population if self.population else 0.0


def local_instant(day: str, clock: str) -> datetime:
    """A CSDS date and time (UK local) as the instant it names; in the hour the clocks go back,
    the first of the two."""
    local = datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tzinfo=LONDON)
    return local.astimezone(UTC)  # in UTC: across a clock change the difference is real time


def ucr_measures_of(
    rows: CsdsReturn, population: int = DEFAULT_POPULATION, *, now: datetime | None = None
) -> UcrMeasures:
    """The four measures, read from the month's rows alone (the CSV's cells). Given `now` (a
    live figure), a 2-hour referral not yet reached and still inside its 2 hours is left out of
    the count until it is met or missed."""
    contact_of = {
        row["service_request_identifier"]: local_instant(
            row["care_contact_date"], row["care_contact_time"]
        )
        for row in rows.cyp201
    }
    rejected = {
        row["service_request_identifier"] for row in rows.cyp102 if row["referral_rejection_date"]
    }
    two_hour = [
        row
        for row in rows.cyp101
        if row["primary_reason_for_referral_community_care"] in UCR_REASON_CODES
    ]
    taken = [row for row in two_hour if row["service_request_identifier"] not in rejected]
    counted: list[Row] = []
    in_progress = met = 0
    for row in taken:
        contact = contact_of.get(row["service_request_identifier"])
        received = local_instant(
            row["referral_request_received_date"], row["referral_request_received_time"]
        )
        if contact is None and now is not None and now - received < TWO_HOURS:
            in_progress += 1
            continue
        counted.append(row)
        if contact is not None and contact - received <= TWO_HOURS:
            met += 1
    two_hour_ids = {row["service_request_identifier"] for row in two_hour}
    return UcrMeasures(
        month=rows.month,
        referrals=len(rows.cyp101),
        two_hour_referrals=len(two_hour),
        two_hour_counted=len(counted),
        two_hour_met=met,
        contacts=len(rows.cyp201),
        two_hour_contacts=sum(1 for key in contact_of if key in two_hour_ids),
        population=population,
        two_hour_in_progress=in_progress,
        rapid_without_condition=len(rows.rapid_without_condition),
    )
