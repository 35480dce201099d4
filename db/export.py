"""Referrals as CSV, for supervisors and the commissioners' returns (`spr-desk export referrals`).

One row per referral received in a time range, oldest first, in the columns of `EXPORT_COLUMNS`.
Rows are streamed from the database (`yield_per`, a server-side cursor on PostgreSQL), so a year's
export never sits in memory. Cells are plain text:

- times are ISO 8601 in UTC with the offset (`2026-11-23T11:00:00+00:00`);
- booleans are `true` / `false`; a null is the empty string;
- no markup of any kind.

Spreadsheet formula injection: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return (OWASP's list; say a referrer organisation typed as `=HYPERLINK(...)`) would run as a
formula when the file is opened in a spreadsheet. Such a cell is written with a single quote in
front (`'=HYPERLINK(...)`), which a spreadsheet shows as text. Times, booleans and empty cells
never need it.

The file holds patient data: whoever writes it to disk creates it owner-only, whole or not at all
(the command writes a temporary file and renames it: `spr_desk.private_files.written_whole`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO

from sqlmodel import Session, col

from db.models import Locality, Patient, Referral, Referrer
from db.wide_select import select_columns
from spr_desk.csv_text import safe_text

EXPORT_COLUMNS: tuple[str, ...] = (
    "reference",
    "received_at",
    "status",
    "pathway",
    "setting",
    "locality",
    "referrer_role",
    "referrer_organisation",
    "nhs_number",
    "patient_family_name",
    "patient_given_name",
    "rec_outcome",
    "rec_response",
    "rec_lead",
    "response",
    "lead",
    "override_reason",
    "due_at",
    "responded_at",
    "response_met",
    "close_outcome",
    "gp_updated",
    "closed_at",
    "bed_needed",
    "home_from_hospital",
    "community_bed_request",
    "taken_by",
    "nhs_number_status",
    "nhs_unavailable_reason",
)

PROGRESS_EVERY = 1000
"""`write_csv` reports progress every this many rows (and the database is read in batches of it)."""

# The selected columns, in EXPORT_COLUMNS order, each with how its value becomes a cell.
_SELECTED = (
    (Referral.reference, "text"),
    (Referral.received_at, "time"),
    (Referral.status, "text"),
    (Referral.pathway, "text"),
    (Referral.setting, "text"),
    (Locality.name, "text"),
    (Referrer.role, "text"),
    (Referrer.organisation, "text"),
    (Patient.nhs_number, "text"),
    (Patient.family_name, "text"),
    (Patient.given_name, "text"),
    (Referral.rec_outcome, "text"),
    (Referral.rec_response, "text"),
    (Referral.rec_lead, "text"),
    (Referral.response, "text"),
    (Referral.lead, "text"),
    (Referral.override_reason, "text"),
    (Referral.due_at, "time"),
    (Referral.responded_at, "time"),
    (Referral.response_met, "bool"),
    (Referral.close_outcome, "text"),
    (Referral.gp_updated, "bool"),
    (Referral.closed_at, "time"),
    (Referral.bed_needed, "bool"),
    (Referral.home_from_hospital, "bool"),
    (Referral.community_bed_request, "bool"),
    (Referral.taken_by, "text"),
    # How sure the NHS number is (UK Core's code), and why there is none: an empty number
    # with a reason is a patient still to trace, not a gap in the export.
    (Referral.nhs_number_status, "text"),
    (Referral.nhs_unavailable_reason, "text"),
)
assert len(_SELECTED) == len(EXPORT_COLUMNS)


def _cell(value: object, kind: str) -> str:
    if value is None:
        return ""
    if kind == "time":
        assert isinstance(value, datetime)
        # Stored times are aware UTC; a naive one (never written by the desk) is read as UTC.
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if kind == "bool":
        return "true" if value else "false"
    return safe_text(str(value))


def export_referrals(
    *, session: Session, start: datetime, end: datetime
) -> Iterator[dict[str, str]]:
    """Each referral received from `start` up to (not including) `end`, oldest first, as a row of
    cells keyed (and ordered) by `EXPORT_COLUMNS`.

    Streams: the session must stay open while the rows are consumed.
    """
    query = (
        select_columns(*(column for column, _kind in _SELECTED))
        .join(Patient, col(Patient.id) == col(Referral.patient_id), isouter=True)
        .join(Referrer, col(Referrer.id) == col(Referral.referrer_id), isouter=True)
        .join(Locality, col(Locality.id) == col(Referral.locality_id), isouter=True)
        .where(col(Referral.received_at) >= start, col(Referral.received_at) < end)
        .order_by(col(Referral.received_at), col(Referral.id))
        .execution_options(yield_per=PROGRESS_EVERY)
    )
    kinds = [kind for _column, kind in _SELECTED]
    for values in session.exec(query):
        yield {
            name: _cell(value, kind)
            for name, value, kind in zip(EXPORT_COLUMNS, values, kinds, strict=True)
        }


def write_csv(
    rows: Iterable[dict[str, str]],
    handle: IO[str],
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write the header and `rows` to `handle` (opened with `newline=""`); return the row count.

    `on_progress(count)` is called after every `PROGRESS_EVERY` rows (1,000, 2,000, ...); the
    returned count is the total.
    """
    writer = csv.writer(handle)
    writer.writerow(EXPORT_COLUMNS)
    every = PROGRESS_EVERY
    count = 0
    for row in rows:
        writer.writerow([row[name] for name in EXPORT_COLUMNS])
        count += 1
        if on_progress is not None and count % every == 0:
            on_progress(count)
    return count
