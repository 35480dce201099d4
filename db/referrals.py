"""Repository for the referral aggregate (referral, its referrer and patient): what writes them,
the lookups a change locks, and the claim of the next to allocate. Never commits.

The queue's reads (the board's window and counts, a patient's history) are `db.queue`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from db.models import Patient, ReferenceCounter, Referral, Referrer
from spr_desk.reference import format_reference, parse_reference
from spr_desk.referral import PatientDetails, ReferrerDetails
from spr_desk.vocabulary import ReferrerRole, Status


def next_reference(*, session: Session, year: int) -> str:
    """The next `SPR-YYYY-NNNNNN`; safe under concurrency because the caller holds the write lock
    (SQLite `BEGIN IMMEDIATE`) or the counter row's lock (PostgreSQL UPDATE)."""
    counter = session.get(ReferenceCounter, year, with_for_update=True)
    if counter is None:
        counter = ReferenceCounter(year=year, last_number=0)
        session.add(counter)
    counter.last_number += 1
    session.flush()
    return format_reference(year, counter.last_number)


def _insert_if_absent(
    session: Session, model: type[SQLModel], values: dict[str, Any], key: list[str]
) -> None:
    """INSERT ... ON CONFLICT (key) DO NOTHING. Two desks adding the same new referrer or
    patient at once: on PostgreSQL the second waits for the first and then adds nothing, where
    a plain INSERT would fail its call on the unique key. (SQLite's one writer never races.)"""
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=key))


def upsert_referrer(*, session: Session, details: ReferrerDetails) -> Referrer:
    """The same person from the same organisation and number is one referrer."""
    same = select(Referrer).where(
        Referrer.name == details.name,
        Referrer.organisation == details.organisation,
        Referrer.phone == details.phone,
    )
    found = session.exec(same).first()
    if found is None:
        values = {
            "name": details.name,
            "role": details.role.value,
            "organisation": details.organisation,
            "phone": details.phone,
        }
        _insert_if_absent(session, Referrer, values, ["name", "organisation", "phone"])
        found = session.exec(same).one()
    found.role = details.role.value
    session.flush()
    return found


def upsert_patient(*, session: Session, details: PatientDetails, as_typed: bool = False) -> Patient:
    """One row per NHS number; what the call says now updates what was on record. A patient
    without a number is never matched to another: each call gives its own row.

    Args:
        as_typed: the details of a call that ended early (a red flag): only what was typed
            updates a patient on record, so a half-typed call cannot blank a known address.
    """
    values: dict[str, Any] = {
        "given_name": details.given_name,
        "family_name": details.family_name,
        "date_of_birth": details.date_of_birth,
        "address": details.address,
        "postcode": details.postcode,
        "gp_practice": details.gp_practice,
        "lives_alone": details.lives_alone,
        "access_notes": details.access_notes,
        "next_of_kin": details.next_of_kin,
        "is_test_data": details.is_test_data,
    }
    if not details.nhs_number:
        unnumbered = Patient(nhs_number=None, **values)
        session.add(unnumbered)
        session.flush()
        return unnumbered
    same = select(Patient).where(Patient.nhs_number == details.nhs_number)
    found = session.exec(same).first()
    if found is None:
        row = {"nhs_number": details.nhs_number, **values}
        _insert_if_absent(session, Patient, row, ["nhs_number"])
        found = session.exec(same).one()
    for key, value in values.items():
        if as_typed and (value in ("", None) or key == "is_test_data"):
            continue  # not typed (a half-done call says nothing of whether it is test data)
        setattr(found, key, value)
    session.flush()
    return found


def patient_with_number(*, session: Session, nhs_number: str) -> Patient | None:
    """The patient on record holding an NHS number, locked to change."""
    return session.exec(
        select(Patient).where(Patient.nhs_number == nhs_number).with_for_update()
    ).first()


def get_by_reference(
    *, session: Session, reference: str, for_update: bool = False
) -> Referral | None:
    query = select(Referral).where(Referral.reference == reference)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def patient_details(patient: Patient) -> PatientDetails:
    return PatientDetails(
        nhs_number=patient.nhs_number or "",
        given_name=patient.given_name,
        family_name=patient.family_name,
        date_of_birth=patient.date_of_birth,
        address=patient.address,
        postcode=patient.postcode,
        gp_practice=patient.gp_practice,
        lives_alone=patient.lives_alone,
        access_notes=patient.access_notes,
        next_of_kin=patient.next_of_kin,
        is_test_data=patient.is_test_data,
    )


def referrer_details(row: Referrer) -> ReferrerDetails:
    role = row.role if row.role in ReferrerRole._value2member_map_ else ReferrerRole.OTHER.value
    return ReferrerDetails(
        name=row.name, role=ReferrerRole(role), organisation=row.organisation, phone=row.phone
    )


def next_to_allocate(*, session: Session, claims_after: datetime) -> Referral | None:
    """The most urgent recorded referral nobody has claimed since `claims_after`, locked.

    PostgreSQL: `FOR UPDATE SKIP LOCKED`, so desks asking at the same moment each get another
    row. SQLite ignores it; there the write transaction (`BEGIN IMMEDIATE`) lets one desk in at
    a time, so the second reads the first one's claim."""
    unclaimed = or_(col(Referral.claimed_by).is_(None), col(Referral.claimed_at) < claims_after)
    return session.exec(
        select(Referral)
        .where(col(Referral.queue_band) == 0, Referral.status == Status.RECORDED.value, unclaimed)
        .order_by(col(Referral.due_at), col(Referral.id))
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()


def typed_referral(*, session: Session, typed: str, for_update: bool = False) -> Referral:
    """The referral a handler's typed reference names (`spr-2026-42` finds SPR-2026-000042).

    Raises:
        DeskError: not a reference, or no such referral (in words for the handler).
    """
    from spr_desk.desk_api import DeskError

    try:
        wanted = format_reference(*parse_reference(typed))
    except ValueError as wrong:
        raise DeskError(str(wrong)) from None
    row = get_by_reference(session=session, reference=wanted, for_update=for_update)
    if row is None or row.id is None:
        raise DeskError(f"No referral {wanted}.")
    return row
