"""The desk service's rota, availability and handover actions (mixed into `DeskService`).

Kept apart from the referral actions in `db/desk.py` so each module stays small; the same
rules hold: one transaction per action, audit events inside it, plain dataclasses out.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db import audit, handover, queue, shifts, users
from db import rota as rota_repository
from db.models import Handover, Shift
from spr_desk.audit_actions import AuditAction
from spr_desk.availability import (
    AvailabilityBoard,
    RotaShift,
    availability_board,
    on_now,
    starting_within,
)
from spr_desk.desk_api import (
    DeskError,
    DeskStatus,
    PackRow,
    ReadMark,
    RotaImported,
    ShiftRow,
    StoredPack,
    WhoIsOn,
)
from spr_desk.desk_hours import (
    HANDOVER_WINDOW,
    Boundary,
    DeskHours,
    Direction,
    handover_boundary,
    handover_words,
    last_boundary,
    next_boundary,
)
from spr_desk.handover import Pack, Sbar, build_pack, new_since
from spr_desk.rota_csv import parse_rota
from spr_desk.rules import Rules
from spr_desk.uktime import short_local
from spr_desk.vocabulary import Response
from spr_desk.who_receives import receive_refusal

log = logging.getLogger("spr_desk.desk")


GP_OWED_WINDOW = timedelta(hours=24)
"""Referrals closed this long before a pack's boundary (or since) without the GP told are
named in its needs-action summary: the two watches before the one it hands over to."""


ROTA_ATTEMPTS = 3
"""Times an import checks the file again when a team goes between the check and the write."""


class WatchDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    hours: DeskHours
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]

    # availability -----------------------------------------------------------------------------

    def rota_shifts(self, now: datetime) -> list[RotaShift]:
        """Shifts from `now` to the end of the longest response window (Normal, 3 days)."""
        horizon = now + timedelta(hours=max(self.rules.due_hours[r] for r in Response))
        with self._read() as session:
            return shifts.rota_shifts(session=session, start=now, end=horizon)

    def _board(self, found: list[RotaShift], now: datetime) -> AvailabilityBoard:
        # With no shifts on record at all, every cell is Y and the board says the rota is
        # unknown: the handler decides, rather than the desk refusing every call.
        if not found:
            return AvailabilityBoard.unknown(now)
        return availability_board(found, now, self.rules.due_hours)

    def availability_board(self) -> AvailabilityBoard:
        """The matrix per locality now, from the rota."""
        now = self.now()
        return self._board(self.rota_shifts(now), now)

    def who_is_on(self) -> WhoIsOn:
        now = self.now()
        found = self.rota_shifts(now)
        return WhoIsOn(self._board(found, now), on_now(found, now), starting_within(found, now))

    def shifts_between(self, start: datetime, end: datetime) -> list[ShiftRow]:
        with self._read() as session:
            return shifts.shifts_between(session=session, start=start, end=end)

    def import_rota(self, text: str, *, by: str) -> RotaImported:
        """A rota CSV, all or nothing: any bad row and nothing changes (the errors say where).

        The file is read and checked, and its rows grouped, before the write transaction opens;
        the write is a few bulk statements and the audit event, so other desks wait for the lock
        a fraction of a second (a year's rota for 80 people), never for the parse.
        """
        for _ in range(ROTA_ATTEMPTS):
            with self._read() as session:
                teams = rota_repository.team_names(session=session)
                dialect = session.get_bind().dialect
            parsed = parse_rota(text, teams)
            if parsed.errors:
                return RotaImported(parsed)
            plan = rota_repository.plan_rota(parsed.rows, dialect)
            try:
                applied, held = self._store_rota(plan, by)
            except rota_repository.TeamsChanged:
                continue  # a team went after it was read: check the file again against the rest
            break
        else:
            raise DeskError("The desk's teams changed while the rota was stored: import it again.")
        log.info("rota imported: %d rows, write lock held %.0f ms", len(parsed.rows), held * 1e3)
        return RotaImported(
            parsed,
            applied.staff_added,
            applied.staff_updated,
            applied.shifts_added,
            applied.shifts_replaced,
            held,
        )

    def _store_rota(
        self, plan: rota_repository.RotaPlan, by: str
    ) -> tuple[rota_repository.RotaApplied, float]:
        """The one write transaction of an import; (what it did, seconds the lock was held)."""
        with self._write() as session:
            session.connection()  # BEGIN (IMMEDIATE on SQLite): the write lock is held from here
            locked = time.perf_counter()
            applied = rota_repository.store_rota(session=session, plan=plan)
            audit.record(
                session,
                AuditAction.ROTA_IMPORTED,
                by=by,
                at=self.now(),
                entity="rota",
                after={
                    "rows": plan.rows,
                    "staff_added": applied.staff_added,
                    "shifts_added": applied.shifts_added,
                    "shifts_replaced": applied.shifts_replaced,
                },
            )
        return applied, time.perf_counter() - locked

    def delete_shift(self, shift_id: int, *, by: str) -> None:
        with self._write() as session:
            shift = session.get(Shift, shift_id)
            if shift is None:
                raise DeskError("That shift is no longer on the rota.")
            before = {
                "staff_id": shift.staff_id,
                "starts_at": shift.starts_at.isoformat(),
                "ends_at": shift.ends_at.isoformat(),
            }
            session.delete(shift)
            audit.record(
                session,
                AuditAction.SHIFT_DELETED,
                by=by,
                at=self.now(),
                entity="rota",
                entity_id=str(shift_id),
                before=before,
            )

    # the handover -----------------------------------------------------------------------------

    def coming_boundary(self) -> Boundary:
        """The boundary a pack built now is for."""
        return handover_boundary(self.now(), self.hours)

    def preview_handover(self, at: datetime | None = None) -> Pack:
        """The pack as it would be built at `at` (now by default), stored nowhere."""
        when = at or self.now()
        with self._read() as session:
            found = handover.open_referrals(session=session)
        boundary = handover_boundary(when, self.hours)
        return build_pack((item for _, item in found), when, boundary.direction, boundary.at)

    def build_handover(self, *, by: str, boundary: Boundary | None = None) -> int:
        """Build and store the pack for `boundary` (by default the one under way, or the coming
        one: `handover_boundary`); returns its id."""
        now = self.now()
        target = boundary or handover_boundary(now, self.hours)
        with self._write() as session:
            return self._build(session, target, by, now)

    def _build(
        self, session: Session, target: Boundary, by: str, now: datetime, automatic: bool = False
    ) -> int:
        found = handover.open_referrals(session=session)
        pack = build_pack((item for _, item in found), now, target.direction, target.at, by)
        handover_id = handover.store_pack(
            session=session,
            pack=pack,
            referral_ids={item.reference: id_ for id_, item in found},
            automatic=automatic,
        )
        audit.record(
            session,
            AuditAction.HANDOVER_BUILT,
            by=by,
            at=now,
            entity="handover",
            entity_id=str(handover_id),
            after={"direction": target.direction.value, "items": len(pack.items)},
        )
        log.info("handover %d built with %d referrals", handover_id, len(pack.items))
        return handover_id

    def handover_pack(self, handover_id: int) -> StoredPack:
        with self._read() as session:
            pack = handover.load_pack(session=session, handover_id=handover_id)
            if pack is None:
                raise DeskError(f"No handover pack {handover_id}.")
            open_now = queue.open_references(session=session)
            owed = handover.closed_without_gp_update(
                session=session, since=pack.boundary_at - GP_OWED_WINDOW
            )
        watch_ends = next_boundary(pack.boundary_at, self.hours).at
        return StoredPack(handover_id, pack, new_since(pack, open_now), watch_ends, tuple(owed))

    def pack_to_show(self) -> int | None:
        """The pack a desk opens on: the one waiting to be acknowledged, else the newest."""
        pending = self.desk_status().pending
        if pending is not None:
            return pending.handover_id
        packs = self.handover_packs(limit=1)
        return packs[0].handover_id if packs else None

    def handover_packs(self, limit: int = 60) -> list[PackRow]:
        with self._read() as session:
            return handover.recent_packs(session=session, limit=limit)

    def edit_sbar(self, handover_id: int, reference: str, sbar: Sbar, *, by: str) -> None:
        with self._write() as session:
            item = handover.item_for(session=session, handover_id=handover_id, reference=reference)
            if item is None:
                raise DeskError(f"{reference} is not in handover pack {handover_id}.")
            before = {name: getattr(item, name) for name in asdict(sbar)}
            for name, text in asdict(sbar).items():
                setattr(item, name, text)
            audit.record(
                session,
                AuditAction.HANDOVER_SBAR_EDITED,
                by=by,
                at=self.now(),
                referral_id=item.referral_id,
                entity="handover",
                entity_id=str(handover_id),
                before=before,
                after=asdict(sbar),
            )

    def _receiver_refusal(self, session: Session, stored: Handover, by: str) -> str | None:
        """Why `by` may not take this pack, with their role read from the desk's users inside
        the transaction: what the screen believes is not trusted."""
        user = users.find_user(session=session, username=by)
        if user is None or not user.active:
            return f"{by or 'Nobody'} is not signed in as a user of this desk."
        return receive_refusal(
            Direction(stored.direction), username=by, role=user.role, built_by=stored.built_by
        )

    def acknowledge_handover(self, handover_id: int, *, by: str) -> None:
        """The signed-in receiver takes the pack (who, when); once only. `by` is their user
        name, and the audit event's actor.

        Raises:
            DeskError: no such pack; already acknowledged (says by whom); `by` is not an active
                user, holds a role that does not receive this watch, or built the pack.
        """
        now = self.now()
        with self._write() as session:
            stored = session.get(Handover, handover_id, with_for_update=True)
            if stored is None:
                raise DeskError(f"No handover pack {handover_id}.")
            if stored.acknowledged_at is not None:
                raise DeskError(f"Already acknowledged by {stored.acknowledged_by}.")
            refused = self._receiver_refusal(session, stored, by)
            if refused is not None:
                raise DeskError(refused)
            stored.acknowledged_by, stored.acknowledged_at = by, now
            audit.record(
                session,
                AuditAction.HANDOVER_ACKNOWLEDGED,
                by=by,
                at=now,
                entity="handover",
                entity_id=str(handover_id),
            )
        log.info("handover %d acknowledged", handover_id)

    def mark_item_read(
        self, handover_id: int, reference: str, *, by: str, read: bool = True
    ) -> ReadMark:
        """The receiver ticks one referral of the pack as read (or takes the tick off, `read`
        False), with its audit event. Only someone who may take the pack may tick it.

        Raises:
            DeskError: no such pack or item; `by` may not receive this pack; already ticked
                (says by whom and when); taking off a tick that is not there, or another's.
        """
        now = self.now()
        with self._write() as session:
            stored = session.get(Handover, handover_id)
            if stored is None:
                raise DeskError(f"No handover pack {handover_id}.")
            refused = self._receiver_refusal(session, stored, by)
            if refused is not None:
                raise DeskError(refused)
            item = handover.item_for(session=session, handover_id=handover_id, reference=reference)
            if item is None or item.id is None:
                raise DeskError(f"{reference} is not in handover pack {handover_id}.")
            mark = handover.read_mark(session=session, item_id=item.id)
            if read and mark is not None:
                raise DeskError(
                    f"{reference} was read already, by {mark.read_by} at "
                    f"{short_local(mark.read_at)}."
                )
            if not read and mark is None:
                raise DeskError(f"{reference} is not ticked as read.")
            if not read and mark is not None and mark.read_by != by:
                raise DeskError(
                    f"{reference} was ticked as read by {mark.read_by}: only they may take it off."
                )
            before = (
                {"read_by": mark.read_by, "read_at": mark.read_at.isoformat()} if mark else None
            )
            if read:
                try:
                    handover.mark_read(session=session, item_id=item.id, by=by, at=now)
                except IntegrityError:  # another desk ticked it in the same instant
                    raise DeskError(f"{reference} was read already, on another desk.") from None
            else:
                handover.unmark_read(session=session, item_id=item.id)
            audit.record(
                session,
                AuditAction.HANDOVER_ITEM_READ if read else AuditAction.HANDOVER_ITEM_UNREAD,
                by=by,
                at=now,
                referral_id=item.referral_id,
                entity="handover",
                entity_id=str(handover_id),
                before=before,
                after={"read_by": by, "read_at": now.isoformat()} if read else None,
            )
        return ReadMark(handover_id, reference, by if read else None, now if read else None)

    def desk_status(self, *, by: str = "desk") -> DeskStatus:
        """Who holds the desk and any pack not acknowledged. At a boundary (for the first
        `HANDOVER_WINDOW`) a running desk builds the pack itself, once: on SQLite the write lock
        makes a second desk find the first one's pack; on PostgreSQL a partial unique index
        refuses a second automatic pack for the boundary."""
        now = self.now()
        passed = last_boundary(now, self.hours)
        with self._read() as session:  # one read every few seconds, on every desk
            missing = (
                now - passed.at < HANDOVER_WINDOW
                and handover.pack_for_boundary(session=session, boundary_at=passed.at) is None
            )
            pending = None if missing else handover.pending_pack(session=session)
        if missing:
            try:
                with self._write() as session:
                    # Read again under the write lock: another desk may have built it.
                    if handover.pack_for_boundary(session=session, boundary_at=passed.at) is None:
                        self._build(session, passed, f"{by} (at the boundary)", now, True)
            except IntegrityError:
                pass  # another desk built it in the same instant (PostgreSQL): theirs stands
            with self._read() as session:
                pending = handover.pending_pack(session=session)
        return DeskStatus(now, handover_words(now, self.hours), pending)
