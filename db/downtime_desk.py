"""The desk service's downtime actions (mixed into `DeskService`): the pack with its reserved
sheets, the read-only copy, the sheets' reconciliation, the open queue handed to or taken from a
neighbouring desk, and the drill's record. One transaction per action, audit event inside it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from db import audit, downtime, shifts
from spr_desk.audit_actions import AuditAction
from spr_desk.availability import on_now
from spr_desk.desk_api import DeskError, DrillRow, PaperCall, QueueTaken
from spr_desk.downtime.mutual_aid import AidFileRefused, read_aid_file, write_aid_file
from spr_desk.downtime.pack import DowntimePack, OnNowLine, PackShift
from spr_desk.downtime.paper import MAX_SHEETS, ReservedSheet, SheetState, breached_on_paper
from spr_desk.downtime.rules_card import build_card
from spr_desk.reference import format_reference, parse_reference
from spr_desk.refusal import Refused
from spr_desk.rules import Rules
from spr_desk.uktime import LONDON, as_local

log = logging.getLogger("spr_desk.desk")

DOWNTIME = "downtime"
"""The audit trail's entity for downtime events (no one referral)."""


@dataclass(frozen=True, slots=True)
class _Snapshot:
    shifts: tuple[PackShift, ...]
    on_now: tuple[OnNowLine, ...]


class DowntimeDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]

    # the pack -------------------------------------------------------------------------------

    def build_downtime_pack(self, *, by: str, sheets: int = 20) -> DowntimePack:
        """The pack to print: the open queue, the rota, the rules card, and `sheets` references
        reserved for blank sheets, in one transaction with its audit event.

        Raises:
            DeskError: a number of sheets out of range.
        """
        if not 0 <= sheets <= MAX_SHEETS:
            raise DeskError(f"A pack holds from 0 to {MAX_SHEETS} sheets, not {sheets}.")
        now = self.now()
        with self._write() as session:
            reserved = downtime.reserve_references(session=session, count=sheets, by=by, now=now)
            pack = self._pack(session, now, by, tuple(reserved))
            audit.record(
                session,
                AuditAction.DOWNTIME_PACK_BUILT,
                by=by,
                at=now,
                entity=DOWNTIME,
                entity_id=reserved[0] if reserved else "",
                after={"open_referrals": len(pack.referrals), "sheets": list(reserved)},
                detail=f"{len(pack.referrals)} open referrals, {sheets} sheets reserved",
            )
        log.info("downtime pack built: %d open, %d sheets", len(pack.referrals), sheets)
        return pack

    def read_only_copy(self, *, exported_by: str | None = None) -> DowntimePack:
        """The open queue and the rota now, for the read-only copy: reserves nothing. With
        `exported_by` (a person writing one, `spr-desk downtime copy`) the export is audited;
        the running desk's own copy, every few minutes to its data folder, is not."""
        now = self.now()
        if exported_by is None:
            with self._read() as session:
                return self._pack(session, now, "desk", ())
        with self._write() as session:
            pack = self._pack(session, now, exported_by, ())
            audit.record(
                session,
                AuditAction.COPY_EXPORTED,
                by=exported_by,
                at=now,
                entity=DOWNTIME,
                after={"open_referrals": len(pack.referrals)},
                detail=f"read-only copy of {len(pack.referrals)} open referrals written",
            )
        return pack

    def _pack(
        self, session: Session, now: datetime, by: str, sheets: tuple[str, ...]
    ) -> DowntimePack:
        snapshot = _rota_snapshot(session, now)
        return DowntimePack(
            built_at=now,
            built_by=by,
            rules_version=self.rules.version,
            referrals=tuple(downtime.pack_referrals(session=session, now=now)),
            shifts=snapshot.shifts,
            on_now=snapshot.on_now,
            card=build_card(self.rules),
            sheets=sheets,
        )

    # the sheets -----------------------------------------------------------------------------

    def reserved_sheets(
        self, states: Iterable[SheetState] = tuple(SheetState)
    ) -> list[ReservedSheet]:
        with self._read() as session:
            return downtime.sheets(session=session, states=states)

    def check_sheet(self, reference: str) -> ReservedSheet:
        """The reserved sheet a paper call is to be entered under, if it can be.

        Raises:
            DeskError: not a reference, not reserved, already used or released (in words).
        """
        from spr_desk.downtime.paper import why_not_usable

        try:
            reference = format_reference(*parse_reference(reference))
        except Refused as wrong:
            raise DeskError(str(wrong)) from None
        with self._read() as session:
            found = downtime.sheet(session=session, reference=reference)
        why = why_not_usable(found, reference)
        if why is not None or found is None:
            raise DeskError(why or reference)
        return found

    def release_sheets(self, references: Iterable[str], *, by: str) -> list[str]:
        """Release reserved sheets never used (all of them when `references` is empty): their
        numbers are then never entered. Returns the references released.

        Raises:
            DeskError: a reference named that is not reserved and unused (nothing changes).
        """
        wanted = []
        for text in references:
            try:
                wanted.append(format_reference(*parse_reference(text)))
            except Refused as wrong:
                raise DeskError(f"{text!r}: {wrong}") from None
        now = self.now()
        with self._write() as session:
            if not wanted:
                wanted = [
                    sheet.reference
                    for sheet in downtime.sheets(session=session, states=[SheetState.RESERVED])
                ]
            for reference in wanted:
                row = downtime.sheet_row(session=session, reference=reference)
                if row is None or row.state != SheetState.RESERVED.value:
                    state = "not reserved" if row is None else f"already {row.state}"
                    raise DeskError(f"{reference} is {state}: nothing was released.")
                downtime.release_sheet(row, by=by, now=now)
            if wanted:
                audit.record(
                    session,
                    AuditAction.SHEETS_RELEASED,
                    by=by,
                    at=now,
                    entity=DOWNTIME,
                    entity_id=wanted[0],
                    after={"released": wanted},
                    detail=f"{len(wanted)} unused sheets released",
                )
        log.info("%d paper sheets released", len(wanted))
        return wanted

    def paper_calls(self) -> list[PaperCall]:
        """Every call entered from paper, with whether its due time passed on paper."""
        with self._read() as session:
            found = downtime.paper_calls(session=session)
        return [
            PaperCall(
                reference=reference,
                received_at=received,
                due_at=due,
                response=response,
                entered_at=entered,
                entered_by=by,
                responded_at=responded,
                breached_on_paper=breached_on_paper(due, entered, responded),
            )
            for reference, received, due, response, entered, by, responded in found
        ]

    # mutual aid -----------------------------------------------------------------------------

    def export_open_queue(self, *, by: str, source: str, key: bytes | None = None) -> bytes:
        """The open queue as one mutual-aid file, read in one snapshot, with its audit event."""
        now = self.now()
        with self._write() as session:
            found = downtime.aid_referrals(session=session, now=now)
            data = write_aid_file(found, source=source, exported_at=now, exported_by=by, key=key)
            audit.record(
                session,
                AuditAction.QUEUE_EXPORTED,
                by=by,
                at=now,
                entity=DOWNTIME,
                after={"referrals": len(found), "signed": key is not None},
                detail=f"{len(found)} open referrals written for a neighbouring desk",
            )
        log.info("open queue exported: %d referrals", len(found))
        return data

    def import_open_queue(self, data: bytes, *, by: str, key: bytes | None = None) -> QueueTaken:
        """Take a neighbouring desk's open queue: every referral once, with its reference,
        received and due times. All or nothing, in one transaction.

        Raises:
            DeskError: the file was altered, is not one, or a reference here is another
                referral's (nothing is added).
        """
        try:
            aid = read_aid_file(data, key=key)
        except AidFileRefused as refused:
            raise DeskError(str(refused)) from None
        now = self.now()
        origin = (
            f"{aid.source}, written {as_local(aid.exported_at):%d/%m/%Y %H:%M} by {aid.exported_by}"
        )
        added: list[str] = []
        already: list[str] = []
        with self._write() as session:
            for place, referral in enumerate(aid.referrals, start=1):
                reference = referral["reference"]
                here = downtime.existing_received(session=session, reference=reference)
                if here is not False:
                    theirs = datetime.fromisoformat(referral["received_at"])
                    if here is not None and here == theirs:
                        already.append(reference)
                        continue
                    raise DeskError(
                        f"referral {place}: {reference} is another referral on this desk: "
                        "nothing was added"
                    )
                if downtime.is_reserved_here(session=session, reference=reference):
                    raise DeskError(
                        f"referral {place}: {reference} is reserved for a paper sheet on this "
                        "desk: nothing was added"
                    )
                row = downtime.add_aid_referral(
                    session=session, data=referral, imported_from=origin, now=now
                )
                holder = referral["holder"]
                audit.record(
                    session,
                    AuditAction.QUEUE_IMPORTED,
                    by=by,
                    at=now,
                    referral_id=row.id,
                    entity_id=reference,
                    after={"status": row.status, "due_at": referral["due_at"]},
                    detail=f"taken over from {origin}"
                    + (f"; held there by {holder}" if holder else ""),
                )
                added.append(reference)
        log.info("open queue imported: %d added, %d already here", len(added), len(already))
        return QueueTaken(source=origin, added=tuple(added), already_here=tuple(already))

    # drills ---------------------------------------------------------------------------------

    def record_drill(self, figures: dict[str, Any], *, by: str) -> None:
        now = self.now()
        with self._write() as session:
            downtime.add_drill(session=session, by=by, now=now, figures=figures)
            audit.record(
                session,
                AuditAction.DRILL_RAN,
                by=by,
                at=now,
                entity=DOWNTIME,
                after=figures,
                detail="downtime drill",
            )

    def last_drill(self) -> DrillRow | None:
        with self._read() as session:
            found = downtime.last_drill(session=session)
        if found is None:
            return None
        ran_at, ran_by, figures = found
        return DrillRow(ran_at=ran_at, ran_by=ran_by, figures=figures)


def _rota_snapshot(session: Session, now: datetime) -> _Snapshot:
    """Today's and tomorrow's shifts (UK days), and who is on now by locality."""
    today = as_local(now).date()
    start = datetime(today.year, today.month, today.day, tzinfo=LONDON)
    end = start + timedelta(days=2)
    found = shifts.rota_shifts(session=session, start=start, end=end)
    listed = tuple(
        PackShift(
            locality=shift.locality,
            team=shift.team,
            name=shift.name,
            role=shift.role.value,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
        )
        for shift in sorted(found, key=lambda s: (s.locality, s.starts_at, s.team, s.name))
    )
    by_locality: dict[str, dict[str, list[str]]] = {}
    for shift in on_now(found, now):
        by_locality.setdefault(shift.locality, {}).setdefault(shift.role.value, []).append(
            shift.name
        )
    lines = tuple(
        OnNowLine(
            locality=locality,
            by_role=tuple((role, tuple(names)) for role, names in sorted(roles.items())),
        )
        for locality, roles in sorted(by_locality.items())
    )
    return _Snapshot(shifts=listed, on_now=lines)
