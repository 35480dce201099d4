"""Repository for downtime: the references reserved for paper sheets, the open queue as a pack
prints it, the drills, and the open queue as a neighbouring desk takes it. Never commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from db import referrals, seed
from db.models import (
    DowntimeDrill,
    Locality,
    Patient,
    ReferenceCounter,
    Referral,
    Referrer,
    ReservedReference,
    StaffMember,
    Team,
)
from db.wide_select import select_columns
from spr_desk.downtime.pack import PackReferral
from spr_desk.downtime.paper import ReservedSheet, SheetState
from spr_desk.queue_view import claim_holder, queue_band
from spr_desk.reference import format_reference, parse_reference
from spr_desk.referral import PatientDetails, ReferrerDetails, holder_name, patient_name
from spr_desk.uktime import as_local, iso_or_none
from spr_desk.validation import format_phone
from spr_desk.vocabulary import ReferrerRole, Status, label


def reserve_references(*, session: Session, count: int, by: str, now: datetime) -> list[str]:
    """`count` references past the year's counter, held for paper sheets: the counter moves
    past them in this transaction, so no live call is ever given one."""
    year = as_local(now).year
    counter = session.get(ReferenceCounter, year, with_for_update=True)
    if counter is None:
        counter = ReferenceCounter(year=year, last_number=0)
        session.add(counter)
    first = counter.last_number + 1
    counter.last_number += count
    found = [format_reference(year, number) for number in range(first, first + count)]
    session.add_all(
        ReservedReference(
            reference=reference,
            reserved_at=now,
            reserved_by=by,
            state=SheetState.RESERVED.value,
        )
        for reference in found
    )
    session.flush()
    return found


def sheet_of(row: ReservedReference) -> ReservedSheet:
    return ReservedSheet(
        reference=row.reference,
        reserved_at=row.reserved_at,
        reserved_by=row.reserved_by,
        state=SheetState(row.state),
        used_at=row.used_at,
        used_by=row.used_by,
        released_at=row.released_at,
        released_by=row.released_by,
    )


def sheet_row(*, session: Session, reference: str) -> ReservedReference | None:
    """A reserved reference, locked to change."""
    return session.exec(
        select(ReservedReference).where(ReservedReference.reference == reference).with_for_update()
    ).first()


def sheet(*, session: Session, reference: str) -> ReservedSheet | None:
    row = session.exec(
        select(ReservedReference).where(ReservedReference.reference == reference)
    ).first()
    return sheet_of(row) if row else None


def use_sheet(row: ReservedReference, *, by: str, now: datetime) -> None:
    row.state, row.used_at, row.used_by = SheetState.USED.value, now, by


def release_sheet(row: ReservedReference, *, by: str, now: datetime) -> None:
    row.state, row.released_at, row.released_by = SheetState.RELEASED.value, now, by


def sheets(
    *, session: Session, states: Iterable[SheetState] = tuple(SheetState)
) -> list[ReservedSheet]:
    """Reserved references in the given states, in reference order."""
    rows = session.exec(
        select(ReservedReference)
        .where(col(ReservedReference.state).in_([state.value for state in states]))
        .order_by(col(ReservedReference.reference))
    ).all()
    return [sheet_of(row) for row in rows]


PAPER_SINCE = datetime(2000, 1, 1, tzinfo=UTC)
"""Before any call could have been entered from paper into the desk."""


def paper_calls(
    *, session: Session
) -> list[tuple[str, datetime, datetime | None, str | None, datetime, str, datetime | None]]:
    """Every referral entered from paper: reference, received and due times, response, when
    and by whom it was entered, and its first response (if any), in the order received (then by
    reference)."""
    rows = session.exec(
        select_columns(
            Referral.reference,
            Referral.received_at,
            Referral.due_at,
            Referral.response,
            Referral.paper_entered_at,
            Referral.paper_entered_by,
            Referral.responded_at,
        )
        # A range SQLite answers from ix_referral_paper_entered (the few entered from paper);
        # asked IS NOT NULL, or in received order, it read every referral (0.4-0.9 s at 1M).
        .where(col(Referral.paper_entered_at) >= PAPER_SINCE)
    ).all()
    found = [
        (reference, received, due, response, entered, by or "", responded)
        for reference, received, due, response, entered, by, responded in rows
        if entered is not None
    ]
    return sorted(found, key=lambda row: (row[1], row[0]))


# the pack's queue ----------------------------------------------------------------------------


def _date_text(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


_OpenRow = tuple[Referral, Patient | None, Referrer | None, str | None, str | None, str | None]


def _open_with_people(session: Session) -> list[_OpenRow]:
    """Every open referral with its patient, referrer, locality, team and person, soonest due
    first (none without a due time last): what the pack prints and a neighbour takes."""
    found = session.exec(
        select_columns(Referral, Patient, Referrer, Locality.name, Team.name, StaffMember.name)
        .join(Patient, col(Patient.id) == col(Referral.patient_id), isouter=True)
        .join(Referrer, col(Referrer.id) == col(Referral.referrer_id), isouter=True)
        .join(Locality, col(Locality.id) == col(Referral.locality_id), isouter=True)
        .join(Team, col(Team.id) == col(Referral.allocated_team_id), isouter=True)
        .join(StaffMember, col(StaffMember.id) == col(Referral.allocated_staff_id), isouter=True)
        .where(col(Referral.queue_band).is_not(None))
        .order_by(col(Referral.due_at).is_(None), col(Referral.due_at), col(Referral.id))
    ).all()
    return [tuple(row) for row in found]


def pack_referrals(*, session: Session, now: datetime) -> list[PackReferral]:
    """Every open referral as the pack prints it, soonest due first (none without a due time
    last), read in this session's one snapshot."""
    rows = _open_with_people(session)
    found = []
    for referral, patient, referrer, locality, team, person in rows:
        holder = holder_name(person, team)
        if not holder:
            claimer = claim_holder(referral.claimed_by, referral.claimed_at, now)
            holder = f"being allocated by {claimer}" if claimer else ""
        caller = (
            ", ".join(part for part in (referrer.name, referrer.organisation) if part)
            if referrer
            else ""
        )
        found.append(
            PackReferral(
                reference=referral.reference,
                received_at=referral.received_at,
                due_at=referral.due_at,
                status=label(Status(referral.status)),
                response=referral.response,
                lead=referral.lead,
                holder=holder,
                patient_name=(
                    patient_name(patient.family_name, patient.given_name) or patient.given_name
                    if patient
                    else ""
                ),
                nhs_number=(patient.nhs_number or "") if patient else "",
                date_of_birth=_date_text(patient.date_of_birth) if patient else "",
                address=", ".join(p for p in (patient.address, patient.postcode) if p)
                if patient
                else "",
                locality=locality or "",
                caller=caller,
                caller_phone=format_phone(referrer.phone) if referrer and referrer.phone else "",
                next_of_kin=patient.next_of_kin if patient else "",
                entered_from_paper=referral.paper_entered_at is not None,
                responded_at=referral.responded_at,
            )
        )
    return found


# drills --------------------------------------------------------------------------------------


def add_drill(*, session: Session, by: str, now: datetime, figures: dict[str, Any]) -> None:
    session.add(DowntimeDrill(ran_at=now, ran_by=by, figures=figures))
    session.flush()


def last_drill(*, session: Session) -> tuple[datetime, str, dict[str, Any]] | None:
    row = session.exec(
        select(DowntimeDrill).order_by(col(DowntimeDrill.ran_at).desc()).limit(1)
    ).first()
    return (row.ran_at, row.ran_by, dict(row.figures)) if row else None


# mutual aid ----------------------------------------------------------------------------------


def aid_referrals(*, session: Session, now: datetime) -> list[dict[str, Any]]:
    """Every open referral as the mutual-aid file carries it (`spr_desk.downtime.mutual_aid`)."""
    rows = _open_with_people(session)
    found = []
    for row, patient, referrer, locality, team, person in rows:
        found.append(
            {
                "reference": row.reference,
                "received_at": row.received_at.isoformat(),
                "due_at": iso_or_none(row.due_at),
                "status": row.status,
                "response": row.response,
                "lead": row.lead,
                "rules_version": row.rules_version,
                "rec_outcome": row.rec_outcome,
                "rec_response": row.rec_response,
                "rec_lead": row.rec_lead,
                "rec_fallback_from": row.rec_fallback_from,
                "rec_reasons": list(row.rec_reasons),
                "override_reason": row.override_reason,
                "pathway": row.pathway,
                "setting": row.setting,
                "locality": locality,
                "facts": dict(row.facts),
                "bed_needed": row.bed_needed,
                "notes": row.notes,
                "taken_by": row.taken_by,
                "holder": holder_name(person, team)
                or (claim_holder(row.claimed_by, row.claimed_at, now) or ""),
                "nhs_number_status": row.nhs_number_status,
                "nhs_unavailable_reason": row.nhs_unavailable_reason,
                "paper_entered_at": iso_or_none(row.paper_entered_at),
                "paper_entered_by": row.paper_entered_by,
                "referrer": _referrer(referrer),
                "patient": _patient(patient),
            }
        )
    return found


def _referrer(row: Referrer | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "name": row.name,
        "role": row.role,
        "organisation": row.organisation,
        "phone": row.phone,
    }


def _patient(row: Patient | None) -> dict[str, Any] | None:
    if row is None:
        return None
    details = referrals.patient_details(row)
    return {
        "nhs_number": details.nhs_number,
        "given_name": details.given_name,
        "family_name": details.family_name,
        "date_of_birth": details.date_of_birth.isoformat() if details.date_of_birth else None,
        "address": details.address,
        "postcode": details.postcode,
        "gp_practice": details.gp_practice,
        "lives_alone": details.lives_alone,
        "access_notes": details.access_notes,
        "next_of_kin": details.next_of_kin,
        "is_test_data": details.is_test_data,
    }


def _aware(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def existing_received(*, session: Session, reference: str) -> datetime | None | bool:
    """The received time of the referral here under `reference`; False when there is none."""
    found = session.exec(
        select(Referral.received_at).where(Referral.reference == reference)
    ).first()
    return False if found is None else found


def is_reserved_here(*, session: Session, reference: str) -> bool:
    return (
        session.exec(
            select(ReservedReference.id).where(ReservedReference.reference == reference)
        ).first()
        is not None
    )


def add_aid_referral(
    *, session: Session, data: dict[str, Any], imported_from: str, now: datetime
) -> Referral:
    """Add one referral from a checked mutual-aid file, keeping its reference and times; the
    counter of its year moves past it, so no live call here is given the same reference."""
    referrer = (
        referrals.upsert_referrer(session=session, details=_referrer_details(data["referrer"]))
        if data["referrer"]
        else None
    )
    patient = (
        referrals.upsert_patient(session=session, details=_patient_details(data["patient"]))
        if data["patient"]
        else None
    )
    localities = seed.locality_ids(session=session)
    status = Status(data["status"])
    row = Referral(
        reference=data["reference"],
        received_at=datetime.fromisoformat(data["received_at"]),
        taken_by=data["taken_by"],
        referrer_id=referrer.id if referrer else None,
        patient_id=patient.id if patient else None,
        pathway=data["pathway"],
        setting=data["setting"],
        locality_id=localities.get(data["locality"]) if data["locality"] else None,
        facts=dict(data["facts"]),
        rules_version=data["rules_version"],
        rec_outcome=data["rec_outcome"],
        rec_response=data["rec_response"],
        rec_lead=data["rec_lead"],
        rec_fallback_from=data["rec_fallback_from"],
        rec_reasons=[str(reason) for reason in data["rec_reasons"]],
        bed_needed=data["bed_needed"],
        response=data["response"],
        lead=data["lead"],
        override_reason=data["override_reason"],
        due_at=_aware(data["due_at"]),
        status=status.value,
        queue_band=queue_band(status),
        notes=data["notes"],
        updated_at=now,
        call_started_at=_aware(data["received_at"]),
        nhs_number_status=data["nhs_number_status"],
        nhs_unavailable_reason=data["nhs_unavailable_reason"],
        paper_entered_at=_aware(data["paper_entered_at"]),
        paper_entered_by=data["paper_entered_by"],
        imported_from=imported_from[:200],
    )
    session.add(row)
    session.flush()
    year, number = parse_reference(row.reference)
    counter = session.get(ReferenceCounter, year, with_for_update=True)
    if counter is None:
        session.add(ReferenceCounter(year=year, last_number=number))
    elif counter.last_number < number:
        counter.last_number = number
    session.flush()
    return row


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _referrer_details(data: dict[str, Any]) -> ReferrerDetails:
    role = _text(data, "role")
    return ReferrerDetails(
        name=_text(data, "name"),
        role=ReferrerRole(role) if role in ReferrerRole._value2member_map_ else ReferrerRole.OTHER,
        organisation=_text(data, "organisation"),
        phone=_text(data, "phone"),
    )


def _patient_details(data: dict[str, Any]) -> PatientDetails:
    born = data.get("date_of_birth")
    lives_alone = data.get("lives_alone")
    return PatientDetails(
        nhs_number=_text(data, "nhs_number"),
        given_name=_text(data, "given_name"),
        family_name=_text(data, "family_name"),
        date_of_birth=date.fromisoformat(born) if isinstance(born, str) and born else None,
        address=_text(data, "address"),
        postcode=_text(data, "postcode"),
        gp_practice=_text(data, "gp_practice"),
        lives_alone=lives_alone if isinstance(lives_alone, bool) else None,
        access_notes=_text(data, "access_notes"),
        next_of_kin=_text(data, "next_of_kin"),
        is_test_data=data.get("is_test_data") is True,
    )
