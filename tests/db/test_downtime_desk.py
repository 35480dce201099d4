"""Downtime at the desk service (hazards H032, H033): references reserved for paper sheets, calls
entered from paper with the time written on the sheet, the sheets reconciled, and the open
queue handed to a neighbouring desk and taken back in - on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from desk_databases import opened_desk
from tests_support import crew_call, sqlite_plans

from db.desk import DeskService
from spr_desk.desk_api import DeskError
from spr_desk.downtime.paper import PaperEntry, SheetState
from spr_desk.downtime.reconcile import reconcile
from spr_desk.facts import parse_facts
from spr_desk.reference import parse_reference
from spr_desk.referral import NewReferral
from spr_desk.vocabulary import Response

URGENCY = {
    Response.RAPID: ["crew_on_scene"],
    Response.FAST: ["deteriorating"],
    Response.NORMAL: [],
}
HOURS = {Response.RAPID: 3, Response.FAST: 24, Response.NORMAL: 72}


def call_of(desk: DeskService, response: Response, received: datetime, number: str) -> NewReferral:
    facts = parse_facts(
        {
            "pathway": "step_up",
            "setting": "home",
            "needs": ["fall_no_injury"],
            "urgency": URGENCY[response],
        }
    )
    given = dataclasses.replace(crew_call(desk), received_at=received, facts=facts)
    return dataclasses.replace(given, patient=dataclasses.replace(given.patient, nhs_number=number))


def later(desk: DeskService, by: timedelta) -> None:
    moved = desk.now() + by
    desk.clock = lambda: moved


def test_reserved_references_are_never_given_to_a_live_call(desk: DeskService) -> None:
    before = desk.record_referral(crew_call(desk), by="h1").reference
    pack = desk.build_downtime_pack(by="sup1", sheets=5)
    assert len(pack.sheets) == 5
    numbers = [parse_reference(reference)[1] for reference in pack.sheets]
    assert numbers == list(range(parse_reference(before)[1] + 1, numbers[0] + 5))
    live = {desk.record_referral(crew_call(desk), by="h1").reference for _ in range(8)}
    assert not live & set(pack.sheets)
    assert [s.reference for s in desk.reserved_sheets([SheetState.RESERVED])] == list(pack.sheets)


@pytest.mark.parametrize("response", list(Response))
def test_a_paper_call_entered_six_hours_late_is_due_from_its_written_time_and_marked(
    desk: DeskService, response: Response
) -> None:
    pack = desk.build_downtime_pack(by="sup1", sheets=2)
    written = desk.now() + timedelta(minutes=20)
    later(desk, timedelta(minutes=20) + timedelta(hours=6))
    recorded = desk.record_referral(
        call_of(desk, response, written, "9434765919"),
        by="typist",
        paper=PaperEntry(pack.sheets[0], taken_by="Night Handler"),
    )
    assert recorded.reference == pack.sheets[0]
    assert recorded.due_at == written + timedelta(hours=HOURS[response])

    detail = desk.detail(recorded.reference)
    assert detail.summary.received_at == written
    assert detail.taken_by == "Night Handler"  # the call is theirs; entering it is the typist's
    [paper] = desk.paper_calls()
    assert (paper.reference, paper.entered_by) == (recorded.reference, "typist")
    assert paper.entered_at == desk.now() and paper.received_at == written
    assert paper.breached_on_paper is (response is Response.RAPID)  # 3 h < 6 h on paper
    [event] = [e for e in detail.history if e.action == "recorded"]
    assert event.actor == "typist"
    assert "entered from a paper sheet" in event.detail
    assert ("passed on paper" in event.detail) is (response is Response.RAPID)


def test_a_sheets_number_is_entered_once_and_a_released_or_unknown_one_never(
    desk: DeskService,
) -> None:
    pack = desk.build_downtime_pack(by="sup1", sheets=3)
    written = desk.now()
    later(desk, timedelta(hours=1))
    first = call_of(desk, Response.FAST, written, "9434765919")
    desk.record_referral(first, by="typist", paper=PaperEntry(pack.sheets[0]))
    open_before = len(desk.open_queue())
    with pytest.raises(DeskError, match="already entered, by typist"):
        desk.record_referral(first, by="other", paper=PaperEntry(pack.sheets[0].lower()))
    assert desk.release_sheets([pack.sheets[1]], by="sup1") == [pack.sheets[1]]
    with pytest.raises(DeskError, match="released unused"):
        desk.record_referral(first, by="typist", paper=PaperEntry(pack.sheets[1]))
    with pytest.raises(DeskError, match="was not reserved"):
        desk.record_referral(first, by="typist", paper=PaperEntry("SPR-2026-900000"))
    with pytest.raises(DeskError, match="before this sheet was printed"):
        early = dataclasses.replace(first, received_at=written - timedelta(hours=2))
        desk.record_referral(early, by="typist", paper=PaperEntry(pack.sheets[2]))
    with pytest.raises(DeskError, match="in the future"):
        ahead = dataclasses.replace(first, received_at=desk.now() + timedelta(minutes=5))
        desk.record_referral(ahead, by="typist", paper=PaperEntry(pack.sheets[2]))
    assert len(desk.open_queue()) == open_before  # nothing refused was stored
    assert [s.reference for s in desk.reserved_sheets([SheetState.RESERVED])] == [pack.sheets[2]]
    with pytest.raises(DeskError, match="already released"):
        desk.release_sheets([pack.sheets[1]], by="sup1")


def test_reconciling_lists_the_unused_and_then_none_once_they_are_released(
    desk: DeskService,
) -> None:
    pack = desk.build_downtime_pack(by="sup1", sheets=3)
    written = desk.now()
    later(desk, timedelta(hours=5))
    for place, response in enumerate((Response.RAPID, Response.NORMAL)):
        number = ("9434765919", "4010232137")[place]
        call = call_of(desk, response, written + timedelta(minutes=place), number)
        desk.record_referral(call, by="typist", paper=PaperEntry(pack.sheets[place]))
    before = reconcile(desk.reserved_sheets(), desk.paper_calls(), desk.rules.due_hours)
    assert before.reserved == (pack.sheets[2],) and not before.complete
    assert before.breached_on_paper == (pack.sheets[0],)
    assert desk.release_sheets([], by="sup1") == [pack.sheets[2]]
    after = reconcile(desk.reserved_sheets(), desk.paper_calls(), desk.rules.due_hours)
    assert after.complete and (after.used, after.released) == (2, 1) and after.due_wrong == ()


def test_the_open_queue_moves_to_a_neighbouring_desk_once_with_its_times(
    demo_desk: DeskService, tmp_path: Path
) -> None:
    data = demo_desk.export_open_queue(by="sup1", source="Bucks SPR")
    sent = {row.reference: row for row in demo_desk.open_queue()}
    assert len(sent) > 20
    with opened_desk(f"sqlite:///{tmp_path / 'neighbour.db'}", demo_desk.now()) as neighbour:
        taken = neighbour.import_open_queue(data, by="sup2")
        assert set(taken.added) == set(sent) and taken.already_here == ()
        arrived = {row.reference: row for row in neighbour.open_queue()}
        assert set(arrived) == set(sent)
        for reference, row in sent.items():
            ours, theirs = demo_desk.summary(reference), neighbour.summary(reference)
            assert (theirs.received_at, theirs.due_at) == (ours.received_at, ours.due_at)
            assert theirs.status.value == row.status
        again = neighbour.import_open_queue(data, by="sup2")
        assert again.added == () and set(again.already_here) == set(sent)
        assert len(neighbour.open_queue()) == len(sent)  # nothing twice
        newest = max(parse_reference(reference) for reference in sent)
        live = neighbour.record_referral(crew_call(neighbour), by="h1").reference
        assert parse_reference(live) > newest  # a live call here never takes an imported one


@pytest.mark.parametrize(
    "change",
    [
        lambda doc: doc["referrals"][0].update(due_at="2026-12-31T09:00:00+00:00"),
        lambda doc: doc["referrals"].pop(),
        lambda doc: doc.update(exported_by="someone else"),
    ],
    ids=["a-due-time-moved", "a-referral-dropped", "the-writer-changed"],
)
def test_an_altered_file_is_refused_and_changes_nothing(
    sqlite_demo_desk: DeskService, tmp_path: Path, change: object
) -> None:
    document = json.loads(sqlite_demo_desk.export_open_queue(by="sup1", source="Bucks SPR"))
    change(document)  # type: ignore[operator]
    altered = json.dumps(document).encode()
    with opened_desk(f"sqlite:///{tmp_path / 'neighbour.db'}", sqlite_demo_desk.now()) as other:
        with pytest.raises(DeskError, match="altered after it was written"):
            other.import_open_queue(altered, by="sup2")
        assert other.open_queue() == []


def test_a_signed_file_needs_the_shared_key_and_a_clash_of_references_adds_nothing(
    sqlite_desk: DeskService, tmp_path: Path
) -> None:
    sqlite_desk.record_referral(crew_call(sqlite_desk), by="h1")
    signed = sqlite_desk.export_open_queue(by="sup1", source="A", key=b"shared secret")
    with opened_desk(f"sqlite:///{tmp_path / 'b.db'}", sqlite_desk.now()) as other:
        with pytest.raises(DeskError, match="set SPR_DESK_MUTUAL_AID_KEY"):
            other.import_open_queue(signed, by="sup2")
        with pytest.raises(DeskError, match="signature does not match"):
            other.import_open_queue(signed, by="sup2", key=b"another key")
        # the neighbour's own first referral has the same number as ours: refused whole
        other.record_referral(crew_call(other, given="Bea", minutes_ago=30), by="h2")
        with pytest.raises(DeskError, match="is another referral on this desk"):
            other.import_open_queue(signed, by="sup2", key=b"shared secret")
        assert len(other.open_queue()) == 1


def test_the_calls_entered_from_paper_are_read_along_their_index_only(
    sqlite_desk: DeskService,
) -> None:
    """The supervisor's view lists the few calls entered from paper: never by reading every
    referral the desk has (at 1M closed that took 0.4-0.9 s)."""
    (plan,) = sqlite_plans(
        sqlite_desk, "paper_entered_at >=", lambda: assert_none_from_paper(sqlite_desk)
    )
    assert "USING INDEX ix_referral_paper_entered" in plan, plan


def assert_none_from_paper(desk: DeskService) -> None:
    assert desk.paper_calls() == []
