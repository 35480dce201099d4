"""The queue read a page at a time: order, filters, search and counts in SQL, on every backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session, select
from tests_support import crew_call

from db.desk import DeskService
from db.models import Referral
from spr_desk.desk_api import QueueRow
from spr_desk.due import DueState
from spr_desk.queue_view import EVERYTHING, ClaimRefused, QueueFilter, queue_band, state_of
from spr_desk.referral import NewReferral
from spr_desk.sample_calls import crew_on_scene
from spr_desk.vocabulary import CloseOutcome, Status


def expected(rows: list[QueueRow], wanted: QueueFilter) -> list[QueueRow]:
    """The filter's meaning, said plainly in Python: each chosen field equal, and the search
    text within the reference or the name (case-blind), or its digits within the NHS number."""
    chosen = {
        field: getattr(wanted, field)
        for field in ("status", "response", "lead", "pathway", "locality")
        if getattr(wanted, field)
    }
    search = wanted.text.strip().lower()
    digits = "".join(ch for ch in search if ch.isdigit())

    def found(row: QueueRow) -> bool:
        if not search:
            return True
        named = search in row.reference.lower() or search in row.patient_name.lower()
        return named or (len(digits) >= 3 and digits in row.nhs_number)

    return [
        row
        for row in rows
        if all((getattr(row, field) or "") == value for field, value in chosen.items())
        and found(row)
    ]


def test_every_referral_carries_the_band_of_its_status(demo_desk: DeskService) -> None:
    first = demo_desk.open_queue()[0].reference
    demo_desk.move(first, Status.CANCELLED, by="h", reason="duplicate")
    with Session(demo_desk.engine) as session:
        pairs = session.exec(select(Referral.status, Referral.queue_band)).all()
    assert {status for status, _ in pairs} >= {"recorded", "closed", "redirected", "cancelled"}
    assert all(band == queue_band(status) for status, band in pairs)


def test_pages_laid_end_to_end_are_the_whole_queue_in_order(demo_desk: DeskService) -> None:
    whole = demo_desk.open_queue()
    assert len(whole) > 50
    pages = [demo_desk.queue_page(EVERYTHING, offset, 17) for offset in range(0, len(whole), 17)]
    assert [row for page in pages for row in page.rows] == whole
    assert {page.counts.matching for page in pages} == {len(whole)}
    # Awaiting a first response comes first, then the rest; each part soonest due first.
    bands = [queue_band(row.status) for row in whole]
    assert bands == sorted(bands)
    for band in (0, 1):
        due = [row.due_at for row in whole if queue_band(row.status) == band]
        assert due == sorted(due)  # type: ignore[type-var]


@pytest.mark.parametrize(
    "wanted",
    [
        QueueFilter(locality="Thame"),
        QueueFilter(locality="Thame", lead="nurse"),
        QueueFilter(response="fast", status="allocated"),
        QueueFilter(pathway="step_down"),
        QueueFilter(text="spr-2026-0000"),
        QueueFilter(text="  CROSS "),
        QueueFilter(text="999 "),
        QueueFilter(text="an", locality="Wycombe"),
    ],
)
def test_filters_and_search_in_sql_mean_what_they_say(
    demo_desk: DeskService, wanted: QueueFilter
) -> None:
    whole = demo_desk.open_queue()
    want = expected(whole, wanted)
    assert want, f"the demo data should hold a match for {wanted}"
    page = demo_desk.queue_page(wanted, 0, 10_000)
    open_references = {row.reference for row in whole}
    shown = [row for row in page.rows if row.reference in open_references]
    assert shown == want
    if wanted.searches_everywhere:
        # A name or reference also finds the referrals that have left the queue, after it.
        assert page.rows[: len(want)] == want
        beyond = page.rows[len(want) :]
        assert all(row.status in ("closed", "cancelled", "redirected") for row in beyond)
    else:
        assert page.rows == want
    assert page.counts.matching == len(page.rows) and page.counts.open == len(whole)


def test_a_search_for_like_wildcards_finds_only_those_characters(demo_desk: DeskService) -> None:
    for wildcard in ("%", "_", "\\"):
        assert demo_desk.queue_page(QueueFilter(text=wildcard), 0, 50).rows == []


def test_the_counts_match_the_countdown_states(demo_desk: DeskService) -> None:
    page = demo_desk.queue_page(EVERYTHING, 0, 5)
    now = demo_desk.now()
    states = [state_of(row, now) for row in demo_desk.open_queue()]
    assert len(page.rows) == 5
    assert page.counts.awaiting == sum(state is not None for state in states) > 0
    assert page.counts.breached == sum(state is DueState.BREACHED for state in states) > 0


def test_the_counts_move_with_the_clock(demo_desk: DeskService) -> None:
    later = DeskService(demo_desk.engine, clock=lambda: demo_desk.now() + timedelta(days=4))
    counts = later.queue_page(EVERYTHING, 0, 1).counts
    assert counts.breached == counts.awaiting > 0  # every due time is at most 3 days away


def test_an_empty_queue_counts_zero(desk: DeskService) -> None:
    page = desk.queue_page(QueueFilter(text="x"), 0, 50)
    assert page.rows == [] and (page.counts.matching, page.counts.open) == (0, 0)
    assert (page.counts.awaiting, page.counts.breached) == (0, 0)


def test_sqlite_walks_the_queue_index_without_sorting(sqlite_demo_desk: DeskService) -> None:
    """The page query's plan: along ix_referral_queue, with no temporary sort of the open rows."""
    sent: list[tuple[str, object]] = []

    def capture(_c: object, _cur: object, sql: str, params: object, *_: object) -> None:
        if sql.lstrip().upper().startswith("SELECT REFERRAL.REFERENCE"):
            sent.append((sql, params))

    event.listen(sqlite_demo_desk.engine, "before_cursor_execute", capture)
    try:
        sqlite_demo_desk.queue_page(EVERYTHING, 40, 20)
    finally:
        event.remove(sqlite_demo_desk.engine, "before_cursor_execute", capture)
    ((sql, params),) = sent
    with sqlite_demo_desk.engine.connect() as connection:
        plan = " | ".join(
            row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
        )
    assert "ix_referral_queue" in plan and "TEMP B-TREE" not in plan, plan


def patient_call(desk: DeskService, nhs: str, given: str, family: str) -> NewReferral:
    """A call for a patient of their own (the sample call's NHS number is one patient)."""
    return crew_on_scene(desk.now() - timedelta(minutes=30), nhs, given, family)


def finished(desk: DeskService, nhs: str, given: str, family: str, status: Status) -> str:
    reference = desk.record_referral(patient_call(desk, nhs, given, family), by="h").reference
    if status is Status.CANCELLED:
        desk.move(reference, Status.CANCELLED, by="h", reason="duplicate call")
        return reference
    desk.move(reference, Status.ALLOCATED, by="h", team="ACHT Aylesbury")
    desk.move(reference, Status.RESPONDED, by="n")
    desk.move(reference, Status.IN_SERVICE, by="n")
    desk.move(
        reference,
        Status.CLOSED,
        by="n",
        outcome=CloseOutcome.NO_FURTHER_SERVICES,
        gp_updated=True,
    )
    return reference


def test_a_search_that_names_a_referral_finds_it_at_any_status(desk: DeskService) -> None:
    closed = finished(desk, "9990000018", "Cora", "Closedhay", Status.CLOSED)
    cancelled = finished(desk, "9990000026", "Cyd", "Cancelby", Status.CANCELLED)
    opal = patient_call(desk, "9990000034", "Opal", "Closedhay")
    still_open = desk.record_referral(opal, by="h").reference
    for typed in ("closedhay", "CLOSEDHAY", "Closed", "closedhay, cora"):
        wanted = QueueFilter(text=typed)
        assert wanted.searches_everywhere
        page = desk.queue_page(wanted, 0, 50)
        # The open one first (queue order), then the rest newest first.
        assert [row.reference for row in page.rows] == [still_open, closed], typed
        assert page.counts.matching == 2 and page.counts.open == 1
    assert [r.reference for r in desk.queue_page(QueueFilter(text="cancelby"), 0, 9).rows] == [
        cancelled
    ]
    by_number = desk.queue_page(QueueFilter(text="999 000 0018"), 0, 9).rows
    assert [row.reference for row in by_number] == [closed]
    by_reference = desk.queue_page(QueueFilter(text=closed.lower()), 0, 9).rows
    assert [row.reference for row in by_reference] == [closed]
    with_status = desk.queue_page(QueueFilter(status="closed"), 0, 9)
    assert [row.reference for row in with_status.rows] == [closed]
    assert with_status.counts.matching == 1
    named = desk.queue_page(QueueFilter(status="cancelled", text="Cancelby"), 0, 9).rows
    assert [row.reference for row in named] == [cancelled]
    assert desk.queue_page(QueueFilter(status="cancelled", text="closedhay"), 0, 9).rows == []


def test_a_claim_is_peeked_without_claiming_then_claimed_shown_and_handed_back(
    desk: DeskService,
) -> None:
    reference = desk.record_referral(crew_call(desk, "Ada", "Lovelace", 20), by="h").reference
    peeked = desk.peek_next()
    assert peeked is not None and peeked.reference == reference
    assert peeked.patient_name == "LOVELACE, Ada"
    assert desk.queue_page(EVERYTHING, 0, 5).rows[0].claimed_by is None
    desk.claim(reference, by="desk1")
    assert desk.peek_next() is None  # held: not offered to another desk
    row = desk.queue_page(EVERYTHING, 0, 5).rows[0]
    assert (row.claimed_by, row.claimed_at) == ("desk1", desk.now())
    with pytest.raises(ClaimRefused, match="desk1"):
        desk.claim(reference, by="desk2")
    with pytest.raises(ClaimRefused):
        desk.release_claim(reference, by="desk2")  # only the claimer's own
    desk.release_claim(reference, by="desk1")
    assert desk.queue_page(EVERYTHING, 0, 5).rows[0].claimed_by is None
    assert [e.action for e in desk.history(reference)][-2:] == ["claimed", "claim released"]
    assert desk.peek_next() is not None
