"""The queue's read side: the board's window and counts (the filter and search as SQL, the
statements built once per filter), a patient's history, the referrers seen before, a peek at
the next to allocate and the change marker a screen polls. Reads only; never commits.

What changes a referral, its patient and referrer (and a claim) is `db.referrals`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import and_, bindparam, case, func, or_, union
from sqlalchemy import text as sql_text
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from db.models import (
    REDIRECTED_INDEX_WHERE,
    AuditEvent,
    Locality,
    Patient,
    Referral,
    Referrer,
)
from db.referrals import patient_details, referrer_details
from db.wide_select import RowsSelect, select_columns
from spr_desk.desk_api import (
    EarlierReferral,
    NextUp,
    PatientHistory,
    QueueCounts,
    QueuePage,
    QueueRow,
)
from spr_desk.queue_view import (
    EVERYTHING,
    FINISHED,
    REDIRECTED,
    TO_TRACE,
    QueueFilter,
    lookup_of,
    search_digits,
)
from spr_desk.referral import ReferrerDetails, patient_name
from spr_desk.validation import format_phone, plain_text
from spr_desk.vocabulary import Status

_QUEUE_COLUMNS = (
    Referral.reference,
    Referral.due_at,
    Referral.status,
    Referral.response,
    Referral.lead,
    Patient.family_name,
    Patient.given_name,
    Locality.name,
    Referral.pathway,
    Patient.nhs_number,
    Referral.updated_at,
    Referral.claimed_by,
    Referral.claimed_at,
    Referral.source,
    Referral.reply_owed_by,
)
_BEYOND_QUEUE_COLUMNS = (
    Referral.received_at,
    Referrer.name,
    Referrer.organisation,
    Referrer.phone,
    Referral.facts,
)
"""What the board also shows of a referral beyond the queue: when, who called, the red flags."""


def _narrowed(query: RowsSelect, wanted: QueueFilter, *, shown: bool) -> RowsSelect:
    """The filter and search as SQL. The patient and locality are joined when the rows are
    `shown`, or when the search or filter needs them: a count that needs neither reads only
    the queue index."""
    if wanted.status == TO_TRACE:
        # Inner: the planner may then start from the few patients without a number (their
        # unique index holds the nulls) rather than walk every referral.
        query = query.join(Patient, col(Patient.id) == col(Referral.patient_id))
    elif shown or wanted.text.strip():
        query = query.join(Patient, col(Patient.id) == col(Referral.patient_id), isouter=True)
    if shown or wanted.locality:
        query = query.join(Locality, col(Locality.id) == col(Referral.locality_id), isouter=True)
    if wanted.beyond_queue and (shown or wanted.text.strip()):
        query = query.join(Referrer, col(Referrer.id) == col(Referral.referrer_id), isouter=True)
    exact = {
        "status": Referral.status,
        "response": Referral.response,
        "lead": Referral.lead,
        "pathway": Referral.pathway,
        "locality": Locality.name,
    }
    for field, column in exact.items():
        value = getattr(wanted, field)
        if value and not (field == "status" and wanted.beyond_queue):
            query = query.where(col(column) == value)
    text = plain_text(wanted.text).strip().lower()  # PostgreSQL refuses a NUL in text
    if not text:
        return query
    if wanted.searches_everywhere:
        # Every status: the open queue searched as before (its index is small), and every
        # other referral through the indexes a lookup can seek (never a scan of them all).
        open_ids = (
            select(Referral.id)
            .join(Patient, col(Patient.id) == col(Referral.patient_id), isouter=True)
            .where(col(Referral.queue_band).is_not(None), or_(*_contains(text, beyond=False)))
        )
        return query.where(col(Referral.id).in_(union(open_ids, *_looked_up(wanted.text))))
    if wanted.status in FINISHED and lookup_of(wanted.text) is not None:
        return query.where(col(Referral.id).in_(_looked_up(wanted.text)[0]))
    return query.where(or_(*_contains(text, beyond=wanted.beyond_queue)))


def _contains(text: str, *, beyond: bool) -> list[Any]:
    """The search as substrings of the reference, the name shown and the NHS number (and, beyond
    the queue, the first name and who called): for the few rows a filter has already chosen."""
    # What the board shows as the name is "FAMILY, Given"; search that, case-blind.
    name = func.lower(col(Patient.family_name) + ", " + col(Patient.given_name))
    found = [
        func.lower(col(Referral.reference)).contains(text, autoescape=True),
        name.contains(text, autoescape=True),
    ]
    digits = search_digits(text)
    if digits:
        found.append(col(Patient.nhs_number).contains(digits, autoescape=True))
    if beyond:
        # A call that ended early may hold only a first name, or only who called.
        found += [
            func.lower(col(Patient.given_name)).contains(text, autoescape=True),
            func.lower(col(Referrer.name)).contains(text, autoescape=True),
            func.lower(col(Referrer.organisation)).contains(text, autoescape=True),
        ]
        if digits:
            found.append(col(Referrer.phone).contains(digits, autoescape=True))
    return found


def _looked_up(text: str) -> list[SelectOfScalar[int | None]]:
    """The ids of referrals at any status a search names (`spr_desk.queue_view.lookup_of`),
    each found by seeking an index: the reference's unique index (a range for its start), the
    patient's unique NHS number, the family-name index (a range per case it may be stored in)
    and then the referral's patient index. Ranges rather than LIKE: SQLite's LIKE is case-blind
    and so cannot use a case-sensitive index."""
    lookup = lookup_of(text)
    if lookup is None:
        return []
    if lookup.reference_prefix:
        prefix = lookup.reference_prefix
        return [
            select(col(Referral.id)).where(
                col(Referral.reference) >= prefix, col(Referral.reference) < prefix + "\uffff"
            )
        ]
    if lookup.nhs_number:
        patients = select(Patient.id).where(Patient.nhs_number == lookup.nhs_number)
    else:
        patients = select(Patient.id).where(
            or_(
                *(
                    and_(col(Patient.family_name) >= p, col(Patient.family_name) < p + "\uffff")
                    for p in lookup.family_prefixes
                )
            )
        )
    return [select(col(Referral.id)).where(col(Referral.patient_id).in_(patients))]


def _beyond_queue(query: RowsSelect, wanted: QueueFilter) -> RowsSelect:
    """The referrals a list beyond the open queue holds: the redirected calls (their partial
    index), or those whose patient has no NHS number yet (`spr_desk.queue_view.is_to_trace`)."""
    if wanted.status in FINISHED:
        if lookup_of(wanted.text) is not None:
            # The few ids the lookup found lead (`_narrowed`); coalesce keeps the planner off the
            # (status, due_at) index, which would walk every closed referral testing each.
            return query.where(func.coalesce(col(Referral.status), "") == wanted.status)
        return query.where(col(Referral.status) == wanted.status)
    if wanted.status == REDIRECTED:
        # Written out, not a parameter, so SQLite matches the partial index to it.
        return query.where(sql_text(f"referral.{REDIRECTED_INDEX_WHERE}"))
    # The patient is joined by `_narrowed`; its unique index finds those without a number.
    return query.where(
        col(Patient.nhs_number).is_(None), col(Referral.status) != Status.REDIRECTED.value
    )


def _queue_row(values: Sequence[Any]) -> QueueRow:
    (
        reference,
        due_at,
        status,
        response,
        lead,
        family,
        given,
        locality,
        pathway,
        nhs_number,
        updated_at,
        claimed_by,
        claimed_at,
        source,
        reply_owed_by,
    ) = values[: len(_QUEUE_COLUMNS)]
    extra: dict[str, Any] = {}
    if len(values) > len(_QUEUE_COLUMNS):
        received_at, name, organisation, phone, facts = values[len(_QUEUE_COLUMNS) :]
        extra = {
            "received_at": received_at,
            "caller": name or organisation or format_phone(phone or ""),
            "red_flags": tuple((facts or {}).get("red_flags", ())),
        }
    return QueueRow(
        reference=reference,
        due_at=due_at,
        status=status,
        response=response,
        lead=lead,
        # A call that ended early may have only a first name.
        patient_name=patient_name(family, given) or (given or ""),
        locality=locality or "",
        pathway=pathway or "",
        nhs_number=nhs_number or "",
        updated_at=updated_at,
        claimed_by=claimed_by,
        claimed_at=claimed_at,
        source=source,
        reply_owed_by=reply_owed_by,
        **extra,
    )


QUEUE_ORDER = (col(Referral.queue_band), col(Referral.due_at), col(Referral.id))
"""The queue's order, the (queue_band, due_at, id) index's: awaiting a response first, then
soonest due."""
NEWEST_FIRST = (col(Referral.received_at).desc(), col(Referral.id).desc())
"""The order of the referrals beyond the queue (redirected, to trace)."""
LATEST_DUE_FIRST = (col(Referral.due_at).desc(), col(Referral.id).desc())
"""The order of the closed or cancelled: a walk back along the (status, due_at) index."""
_LEFT_QUEUE = case((col(Referral.queue_band).is_(None), 1), else_=0)
EVERYWHERE_ORDER = (
    _LEFT_QUEUE,
    col(Referral.queue_band),
    case((col(Referral.queue_band).is_(None), None), else_=col(Referral.due_at)),
    col(Referral.received_at).desc(),
    col(Referral.id),
)
"""A search of every status: the open ones in queue order, then the rest newest first."""


def open_references(*, session: Session) -> list[str]:
    """The references of every open referral, in queue order (the queue index alone)."""
    return list(
        session.exec(
            select(Referral.reference)
            .where(col(Referral.queue_band).is_not(None))
            .order_by(*QUEUE_ORDER)
        ).all()
    )


@lru_cache(maxsize=64)
def _window_statement(wanted: QueueFilter, *, paged: bool) -> RowsSelect:
    """The queue's rows in order; `offset` and `limit` are parameters when `paged`. Built once
    per filter (building a statement costs more than SQLite takes to run it)."""
    if wanted.beyond_queue:
        shown = select_columns(*_QUEUE_COLUMNS, *_BEYOND_QUEUE_COLUMNS)
        order = LATEST_DUE_FIRST if wanted.status in FINISHED else NEWEST_FIRST
        query = _beyond_queue(_narrowed(shown, wanted, shown=True), wanted).order_by(*order)
    elif wanted.searches_everywhere:
        query = _narrowed(select_columns(*_QUEUE_COLUMNS), wanted, shown=True).order_by(
            *EVERYWHERE_ORDER
        )
    else:
        query = _narrowed(
            select_columns(*_QUEUE_COLUMNS).where(col(Referral.queue_band).is_not(None)),
            wanted,
            shown=True,
        ).order_by(*QUEUE_ORDER)
    if paged:
        query = query.offset(bindparam("offset")).limit(bindparam("limit"))
    return query


@lru_cache(maxsize=64)
def _counts_statement(wanted: QueueFilter) -> RowsSelect:
    """Matching, awaiting and breached at the parameter `now`, in one pass over the index."""
    awaiting = col(Referral.queue_band) == 0
    # col() is typed as Mapped, which hides the attribute's column type (there at runtime).
    due_at = cast("InstrumentedAttribute[datetime | None]", Referral.due_at)
    now = bindparam("now", type_=due_at.type)
    counted = select(
        func.count(),
        func.coalesce(func.sum(case((awaiting, 1), else_=0)), 0),
        func.coalesce(func.sum(case((and_(awaiting, col(Referral.due_at) < now), 1), else_=0)), 0),
    )
    if wanted.beyond_queue:
        return _beyond_queue(_narrowed(counted.select_from(Referral), wanted, shown=False), wanted)
    if wanted.searches_everywhere:
        return _narrowed(counted.select_from(Referral), wanted, shown=False)
    counted = counted.where(col(Referral.queue_band).is_not(None))
    return _narrowed(counted.select_from(Referral), wanted, shown=False)


def queue_rows(
    *,
    session: Session,
    wanted: QueueFilter = EVERYTHING,
    offset: int = 0,
    limit: int | None = None,
) -> list[QueueRow]:
    """Open referrals in queue order (awaiting a first response first, then soonest due), with
    only the columns the board shows. The order is the (queue_band, due_at, id) index's, so a
    page is a walk along the index: its cost does not depend on how long the queue is."""
    # Plain rows through the session's connection: no ORM entities are wanted here.
    connection = session.connection()
    if limit is None:
        result = connection.execute(_window_statement(wanted, paged=False))
    else:
        statement = _window_statement(wanted, paged=True)
        result = connection.execute(statement, {"offset": offset, "limit": limit})
    return [_queue_row(values) for values in result]


def queue_counts(*, session: Session, wanted: QueueFilter, now: datetime) -> QueueCounts:
    """The board's summary line, counted in SQL from the same index (no row leaves the database)."""
    connection = session.connection()
    counted = connection.execute(_counts_statement(wanted), {"now": now}).one()
    matching, waiting, breached = counted
    total = matching
    if not wanted.is_empty:
        total = connection.execute(_counts_statement(EVERYTHING), {"now": now}).one()[0]
    return QueueCounts(matching=matching, awaiting=waiting, breached=breached, open=total)


def queue_page(
    *, session: Session, wanted: QueueFilter, offset: int, limit: int, now: datetime
) -> QueuePage:
    rows = queue_rows(session=session, wanted=wanted, offset=offset, limit=limit)
    return QueuePage(offset, rows, queue_counts(session=session, wanted=wanted, now=now), now)


def patient_history(*, session: Session, nhs_number: str) -> PatientHistory | None:
    """Only a real number finds a patient: the patients without one are never one person."""
    if not nhs_number:
        return None
    patient = session.exec(select(Patient).where(Patient.nhs_number == nhs_number)).first()
    if patient is None:
        return None
    rows = session.exec(
        select_columns(
            Referral.reference,
            Referral.received_at,
            Referral.status,
            Referral.response,
            Referral.lead,
        )
        .where(Referral.patient_id == patient.id)
        .order_by(col(Referral.received_at).desc())
    ).all()
    return PatientHistory(
        details=patient_details(patient), referrals=[EarlierReferral(*row) for row in rows]
    )


def known_referrers(*, session: Session, limit: int = 2000) -> list[ReferrerDetails]:
    """Referrers seen before, most recently added first, for suggestions as a name is typed."""
    rows = session.exec(select(Referrer).order_by(col(Referrer.id).desc()).limit(limit)).all()
    return [referrer_details(row) for row in rows]


def peek_next_to_allocate(*, session: Session, claims_after: datetime) -> NextUp | None:
    """What `referrals.next_to_allocate` would take, read without locking or claiming it."""
    unclaimed = or_(col(Referral.claimed_by).is_(None), col(Referral.claimed_at) < claims_after)
    found = session.exec(
        select(Referral.reference)
        .where(col(Referral.queue_band) == 0, Referral.status == Status.RECORDED.value, unclaimed)
        .order_by(col(Referral.due_at), col(Referral.id))
        .limit(1)
    ).first()
    if found is None:
        return None
    row = (
        session.connection()
        .execute(
            select_columns(*_QUEUE_COLUMNS)
            .join(Patient, col(Patient.id) == col(Referral.patient_id), isouter=True)
            .join(Locality, col(Locality.id) == col(Referral.locality_id), isouter=True)
            .where(Referral.reference == found)
        )
        .one()
    )
    line = _queue_row(row)
    return NextUp(
        line.reference, line.response, line.lead, line.due_at, line.patient_name, line.locality
    )


def change_marker(*, session: Session) -> int:
    """Rises whenever any desk changes anything: every change writes an audit event, and the
    newest event's id is one primary-key lookup however large the tables grow."""
    return session.exec(select(func.max(AuditEvent.id))).one() or 0
