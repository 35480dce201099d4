"""Repository for handover packs: the open referrals read for one, and packs stored and read.

A pack's items are stored as built (`HandoverItem.snapshot`), with the SBAR note in its own
columns so the handler's edits are plain updates. What the receiver has read
(`HandoverItemRead`) and the notes added to each referral since (`ReferralNote`) are read with
the pack, as they stand now. Never commits.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from db import gp_updates, notes
from db.models import (
    DeskUser,
    Handover,
    HandoverItem,
    HandoverItemRead,
    Locality,
    Patient,
    Referral,
    Referrer,
    StaffMember,
    Team,
)
from db.wide_select import select_columns
from spr_desk.desk_api import PackRow
from spr_desk.desk_hours import Direction
from spr_desk.handover import OpenReferral, Pack, PackItem, PackNote, Sbar
from spr_desk.queue_view import is_to_trace
from spr_desk.referral import holder_name, patient_name
from spr_desk.vocabulary import (
    Lead,
    Need,
    Pathway,
    ReferrerRole,
    Response,
    Setting,
    Status,
    Urgency,
    word_for,
)

_Holder = aliased(Team)


def _enum_or_none(enum: type, value: str | None) -> object | None:
    try:
        return enum(value) if value else None
    except ValueError:
        return None


def open_referrals(*, session: Session) -> list[tuple[int, OpenReferral]]:
    """Every open referral with what its pack item needs, in one query of only the columns
    used (the whole call as typed stays in the database): (referral id, item)."""
    rows = session.exec(
        select_columns(
            Referral.id,
            Referral.reference,
            Referral.status,
            Referral.response,
            Referral.lead,
            Referral.due_at,
            Referral.received_at,
            Referral.pathway,
            Referral.setting,
            Referral.facts,
            Referral.rec_reasons,
            Referral.rec_fallback_from,
            Referral.override_reason,
            Referral.bed_needed,
            Referral.home_from_hospital,
            Referral.community_bed_request,
            Patient.family_name,
            Patient.given_name,
            Patient.lives_alone,
            Patient.nhs_number,
            Locality.name,
            _Holder.name,
            StaffMember.name,
            Referrer.name,
            Referrer.role,
        )
        .join(Patient, col(Patient.id) == col(Referral.patient_id), isouter=True)
        .join(Locality, col(Locality.id) == col(Referral.locality_id), isouter=True)
        .join(_Holder, col(_Holder.id) == col(Referral.allocated_team_id), isouter=True)
        .join(StaffMember, col(StaffMember.id) == col(Referral.allocated_staff_id), isouter=True)
        .join(Referrer, col(Referrer.id) == col(Referral.referrer_id), isouter=True)
        .where(col(Referral.queue_band).is_not(None))
    ).all()
    found = []
    for (
        referral_id,
        reference,
        status,
        response,
        lead,
        due_at,
        received_at,
        pathway,
        setting,
        facts,
        reasons,
        fallback_from,
        override_reason,
        bed_needed,
        home_from_hospital,
        community_bed,
        family,
        given,
        lives_alone,
        nhs_number,
        locality,
        team,
        staff,
        referrer,
        role,
    ) in rows:
        assert referral_id is not None
        holder = holder_name(staff, team)
        needs = tuple(word_for(need, Need) for need in (facts or {}).get("needs", []))
        crew = role == ReferrerRole.AMBULANCE_CREW.value or Urgency.CREW_ON_SCENE.value in (
            (facts or {}).get("urgency", [])
        )
        who = f"{referrer}, {word_for(role, ReferrerRole)}" if referrer else ""
        item = OpenReferral(
            reference=reference,
            patient_name=patient_name(family, given),
            locality=locality or "",
            status=Status(status),
            response=_enum_or_none(Response, response),  # type: ignore[arg-type]
            lead=_enum_or_none(Lead, lead),  # type: ignore[arg-type]
            due_at=due_at,
            received_at=received_at,
            holder=holder,
            pathway=word_for(pathway, Pathway) if pathway else "",
            setting=word_for(setting, Setting) if setting else "",
            needs=needs,
            referrer=who,
            reasons=tuple(reasons or ()),
            fallback_from=_enum_or_none(Lead, fallback_from),  # type: ignore[arg-type]
            override_reason=override_reason,
            lives_alone=lives_alone,
            bed_needed=bed_needed,
            home_from_hospital=bool(home_from_hospital),
            community_bed=bool(community_bed),
            crew_waiting=crew,
            nhs_to_trace=is_to_trace(status, nhs_number),
        )
        found.append((referral_id, item))
    return found


def store_pack(
    *, session: Session, pack: Pack, referral_ids: dict[str, int], automatic: bool = False
) -> int:
    """The pack and its items; returns the pack's id. An `automatic` pack (built at the
    boundary by a desk) is refused by the database if one exists for that boundary."""
    stored = Handover(
        direction=pack.direction.value,
        boundary_at=pack.boundary_at,
        built_at=pack.built_at,
        built_by=pack.built_by,
        automatic=automatic,
    )
    session.add(stored)
    session.flush()
    assert stored.id is not None
    if pack.items:
        # One executemany: a pack of 500 items as ORM objects takes several times longer.
        session.execute(
            insert(HandoverItem),
            [
                {
                    "handover_id": stored.id,
                    "referral_id": referral_ids[item.reference],
                    "snapshot": item.snapshot(),
                    "situation": item.sbar.situation,
                    "background": item.sbar.background,
                    "assessment": item.sbar.assessment,
                    "recommendation": item.sbar.recommendation,
                }
                for item in pack.items
            ],
        )
    return stored.id


def load_pack(*, session: Session, handover_id: int) -> Pack | None:
    """The pack as stored, each item with its read mark and its referral's notes as they stand
    now, and the display name of who acknowledged it."""
    stored = session.get(Handover, handover_id)
    if stored is None:
        return None
    rows = session.exec(
        select(HandoverItem, HandoverItemRead.read_by, HandoverItemRead.read_at)
        .join(
            HandoverItemRead,
            col(HandoverItemRead.item_id) == col(HandoverItem.id),
            isouter=True,
        )
        .where(HandoverItem.handover_id == handover_id)
        .order_by(col(HandoverItem.id))
    ).all()
    found = notes.notes_for(session=session, referral_ids=(item.referral_id for item, _, _ in rows))
    items = tuple(
        replace(
            PackItem.from_snapshot(
                item.snapshot,
                Sbar(item.situation, item.background, item.assessment, item.recommendation),
            ),
            read_by=read_by,
            read_at=read_at,
            notes=tuple(
                PackNote(note.at, note.by, note.kind, note.text, note.caller)
                for note in found.get(item.referral_id, ())
            ),
        )
        for item, read_by, read_at in rows
    )
    name = ""
    if stored.acknowledged_by:
        name = (
            session.exec(
                select(DeskUser.display_name).where(DeskUser.username == stored.acknowledged_by)
            ).first()
            or ""
        )
    return Pack(
        direction=Direction(stored.direction),
        boundary_at=stored.boundary_at,
        built_at=stored.built_at,
        built_by=stored.built_by,
        acknowledged_by=stored.acknowledged_by,
        acknowledged_at=stored.acknowledged_at,
        acknowledged_name=name,
        items=items,
    )


def mark_read(*, session: Session, item_id: int, by: str, at: datetime) -> None:
    session.add(HandoverItemRead(item_id=item_id, read_by=by, read_at=at))
    session.flush()  # a second tick at once fails here (item_id is unique)


def read_mark(*, session: Session, item_id: int) -> HandoverItemRead | None:
    return session.exec(select(HandoverItemRead).where(HandoverItemRead.item_id == item_id)).first()


def unmark_read(*, session: Session, item_id: int) -> None:
    session.exec(delete(HandoverItemRead).where(col(HandoverItemRead.item_id) == item_id))


def closed_without_gp_update(*, session: Session, since: datetime) -> list[str]:
    """References closed at or after `since` whose GP has not been told (the desk's one rule,
    `db.gp_updates.not_told`: no acknowledged update, no tick), oldest first."""
    return list(
        session.exec(
            select(Referral.reference)
            .where(*gp_updates.not_told(), col(Referral.closed_at) >= since)
            .order_by(col(Referral.closed_at), col(Referral.id))
        ).all()
    )


def _pack_row(stored: Handover) -> PackRow:
    assert stored.id is not None
    return PackRow(
        stored.id,
        Direction(stored.direction),
        stored.boundary_at,
        stored.built_at,
        stored.built_by,
        stored.acknowledged_by,
        stored.acknowledged_at,
    )


def recent_packs(*, session: Session, limit: int = 60) -> list[PackRow]:
    rows = session.exec(
        select(Handover)
        .order_by(col(Handover.built_at).desc(), col(Handover.id).desc())
        .limit(limit)
    ).all()
    return [_pack_row(row) for row in rows]


def pending_pack(*, session: Session) -> PackRow | None:
    """The newest pack nobody has acknowledged yet."""
    row = session.exec(
        select(Handover)
        .where(col(Handover.acknowledged_at).is_(None))
        .order_by(col(Handover.built_at).desc(), col(Handover.id).desc())
        .limit(1)
    ).first()
    return _pack_row(row) if row else None


def pack_for_boundary(*, session: Session, boundary_at: datetime) -> PackRow | None:
    row = session.exec(select(Handover).where(Handover.boundary_at == boundary_at)).first()
    return _pack_row(row) if row else None


def item_for(*, session: Session, handover_id: int, reference: str) -> HandoverItem | None:
    return session.exec(
        select(HandoverItem)
        .join(Referral, col(Referral.id) == col(HandoverItem.referral_id))
        .where(HandoverItem.handover_id == handover_id, Referral.reference == reference)
    ).first()
