"""The handover pack: order, time left, outstanding work, risks, SBAR, and its exports."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from spr_desk.desk_hours import Direction
from spr_desk.handover import (
    COMMUNITY_BED,
    CREW_WAITING,
    CSV_COLUMNS,
    HOME_FROM_HOSPITAL,
    NHS_TO_TRACE,
    OpenReferral,
    PackItem,
    PackNote,
    Sbar,
    build_pack,
    live_risks,
    live_state,
    live_time_left,
    needs_action,
    new_since,
    pack_csv,
    pack_markdown,
    waited,
    with_read,
    with_sbar,
)
from spr_desk.vocabulary import Lead, NoteKind, Response, Status

AT = datetime(2026, 11, 23, 20, 55, tzinfo=UTC)
BOUNDARY = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)


def referral(reference: str, status: Status, due_in_hours: float | None, **extra: object):
    values: dict[str, object] = {
        "reference": reference,
        "patient_name": "EXAMPLE, Ethel",
        "locality": "Thame",
        "status": status,
        "response": Response.FAST,
        "lead": Lead.NURSE,
        "due_at": AT + timedelta(hours=due_in_hours) if due_in_hours is not None else None,
        "received_at": AT - timedelta(hours=3),
    }
    values.update(extra)
    return OpenReferral(**values)  # type: ignore[arg-type]


BREACHED = referral(
    "SPR-2026-000003",
    Status.ALLOCATED,
    -0.75,
    holder="ACHT Thame",
    lives_alone=True,
    fallback_from=Lead.THERAPIST,
    reasons=("Response Fast: a new need within a day.",),
    needs=("dehydration",),
    referrer="Dr Amy Stone, GP",
    pathway="step-up",
    setting="home",
)
SOON = referral("SPR-2026-000002", Status.RECORDED, 0.5, override_reason="family asked")
IN_SERVICE = referral("SPR-2026-000001", Status.IN_SERVICE, -30, holder="Jo Bloggs (ACHT Thame)")


def test_the_pack_holds_every_referral_awaiting_first_then_soonest_due() -> None:
    pack = build_pack([IN_SERVICE, SOON, BREACHED], AT, Direction.TO_NIGHT, BOUNDARY, "h1")
    assert [item.reference for item in pack.items] == [
        BREACHED.reference,
        SOON.reference,
        IN_SERVICE.reference,
    ]
    first, second, third = pack.items
    assert (first.time_left, first.state) == ("-0h 45m", "BREACHED")
    assert (second.time_left, second.state) == ("0h 30m", "DUE SOON")
    assert (third.time_left, third.state) == ("-", "seen")
    assert pack.breached == 1 and pack.awaiting == 2
    assert first.holder == "ACHT Thame" and third.holder == "Jo Bloggs (ACHT Thame)"


def test_outstanding_work_and_risks_come_from_the_record() -> None:
    pack = build_pack([IN_SERVICE, SOON, BREACHED], AT, Direction.TO_NIGHT, BOUNDARY)
    first, second, third = pack.items
    assert first.outstanding.startswith("First response due Mon 23 Nov 20:10")
    assert second.outstanding.startswith("Allocate to a team or a named professional")
    assert third.outstanding.startswith("In service: close with an outcome")
    assert first.risks == (
        "First response overdue by 0h 45m.",
        "Lives alone.",
        "Therapist could not be mobilised when it was recorded: follow up with Therapist.",
    )
    assert second.risks == (
        "First response due within 0h 30m.",
        "The recommendation was overridden: family asked",
    )
    assert third.risks == ()


def test_the_sbar_note_is_written_from_the_record() -> None:
    item = build_pack([BREACHED], AT, Direction.TO_NIGHT, BOUNDARY).items[0]
    assert item.sbar.situation == "EXAMPLE, Ethel, Thame: Fast/Nurse referral, allocated."
    assert item.sbar.background == (
        "step-up, home. Referred by Dr Amy Stone, GP Mon 23 Nov 17:55. Needs: dehydration."
    )
    assert item.sbar.assessment.startswith("Response Fast: a new need within a day. First")
    assert item.sbar.recommendation == item.outstanding


def test_an_edited_sbar_replaces_only_its_item_and_survives_a_snapshot() -> None:
    pack = build_pack([SOON, BREACHED], AT, Direction.TO_NIGHT, BOUNDARY)
    note = Sbar("S typed", "B typed", "A typed", "R: ring the daughter first")
    edited = with_sbar(pack, SOON.reference, note)
    assert edited.items[1].sbar == note and edited.items[0] == pack.items[0]
    stored = edited.items[1]
    assert PackItem.from_snapshot(stored.snapshot(), stored.sbar) == stored


def test_markdown_and_csv_hold_every_item() -> None:
    pack = build_pack([IN_SERVICE, SOON, BREACHED], AT, Direction.TO_NIGHT, BOUNDARY, "h1")
    text = pack_markdown(pack)
    assert text.startswith("# Evening handover to the night team, Mon 23 Nov 21:00")
    assert "Built Mon 23 Nov 20:55 by h1. Not yet acknowledged." in text
    assert text.count("\n## SPR-2026-") == 3
    rows = list(csv.DictReader(io.StringIO(pack_csv(pack))))
    assert [row["reference"] for row in rows] == [item.reference for item in pack.items]
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["due_at"] == "2026-11-23T20:10:00+00:00"


def test_typed_text_cannot_become_a_spreadsheet_formula() -> None:
    pack = build_pack(
        [referral("SPR-2026-000009", Status.RECORDED, 2, patient_name="=HYPERLINK(1)")],
        AT,
        Direction.TO_DAY,
        BOUNDARY,
    )
    row = next(csv.DictReader(io.StringIO(pack_csv(pack))))
    assert row["patient"] == "'=HYPERLINK(1)"


def test_referrals_recorded_after_the_pack_are_new_since_handover() -> None:
    pack = build_pack([SOON], AT, Direction.TO_NIGHT, BOUNDARY)
    assert new_since(pack, ["SPR-2026-000002", "SPR-2026-000010"]) == ["SPR-2026-000010"]


def test_an_empty_queue_builds_an_empty_pack() -> None:
    pack = build_pack([], AT, Direction.TO_DAY, BOUNDARY)
    assert pack.items == () and "0 open referrals" in pack_markdown(pack)
    assert pack_csv(pack).strip() == ",".join(CSV_COLUMNS)


# the clock moves on ------------------------------------------------------------------------


def test_left_and_state_count_down_from_the_stored_due_time() -> None:
    """Trial problem 22: a pack built at 20:55 said "0h 30m" for ever."""
    pack = build_pack([IN_SERVICE, SOON, BREACHED], AT, Direction.TO_NIGHT, BOUNDARY)
    breached, soon, in_service = pack.items
    later = AT + timedelta(minutes=40)
    assert (live_time_left(soon, AT), live_state(soon, AT)) == ("0h 30m", "DUE SOON")
    assert (live_time_left(soon, later), live_state(soon, later)) == ("-0h 10m", "BREACHED")
    assert live_time_left(breached, later) == "-1h 25m"
    assert (live_time_left(in_service, later), live_state(in_service, later)) == ("-", "seen")
    assert live_risks(soon, later)[0] == "First response overdue by 0h 10m."
    assert live_risks(soon, later)[1:] == soon.risks[1:]
    assert live_risks(in_service, later) == ()
    assert waited(soon, later) == "3h 40m"


def test_a_pack_stored_before_received_times_were_kept_shows_its_stored_words() -> None:
    item = build_pack([SOON], AT, Direction.TO_NIGHT, BOUNDARY).items[0]
    old = item.snapshot()
    for newer in ("received_at", "home_from_hospital", "community_bed", "crew_waiting"):
        del old[newer]
    old["nhs_to_trace_v9"] = True  # a field from a later desk is passed over
    restored = PackItem.from_snapshot(old, item.sbar)
    assert restored.received_at is None and waited(restored, AT) == ""
    assert live_time_left(restored, AT + timedelta(hours=1)) == "-0h 30m"
    no_due = PackItem.from_snapshot({**old, "due_at": None}, item.sbar)
    assert live_time_left(no_due, AT + timedelta(hours=1)) == "0h 30m"  # as it was stored


def test_read_marks_and_notes_are_not_stored_in_the_snapshot() -> None:
    pack = build_pack([SOON, BREACHED], AT, Direction.TO_NIGHT, BOUNDARY)
    assert pack.unread == 2
    read = with_read(pack, SOON.reference, "night", AT)
    assert read.unread == 1 and read.items[1].read_by == "night"
    assert "read_by" not in read.items[1].snapshot()
    assert with_read(read, SOON.reference, None, None).unread == 2


def test_a_note_reads_as_when_what_who_and_the_text() -> None:
    note = PackNote(AT, "handler", NoteKind.FOLLOW_UP_CALL, "rang  again\nworried", "daughter")
    assert note.words == (
        "Mon 23 Nov 20:55 follow-up call from daughter (handler): rang again worried"
    )
    assert PackNote(AT, "h", NoteKind.NOTE, "GP aware").words.endswith("note (h): GP aware")


def test_home_from_hospital_a_community_bed_a_crew_and_a_trace_are_risks() -> None:
    flagged = referral(
        "SPR-2026-000020",
        Status.RECORDED,
        9,
        home_from_hospital=True,
        community_bed=True,
        crew_waiting=True,
        nhs_to_trace=True,
    )
    item = build_pack([flagged], AT, Direction.TO_NIGHT, BOUNDARY).items[0]
    assert item.risks == (CREW_WAITING, COMMUNITY_BED, HOME_FROM_HOSPITAL, NHS_TO_TRACE)
    assert item.home_from_hospital and item.community_bed and item.crew_waiting
    seen = referral("SPR-2026-000021", Status.RESPONDED, 1, crew_waiting=True)
    assert CREW_WAITING not in build_pack([seen], AT, Direction.TO_NIGHT, BOUNDARY).items[0].risks


# what needs action this watch -------------------------------------------------------------

WATCH_ENDS = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)


def test_needs_action_counts_each_reason_in_pack_order() -> None:
    crew = referral("SPR-2026-000030", Status.RECORDED, 9, crew_waiting=True)
    tomorrow = referral("SPR-2026-000031", Status.ALLOCATED, 20)
    trace = referral("SPR-2026-000032", Status.IN_SERVICE, 2, nhs_to_trace=True)
    pack = build_pack(
        [IN_SERVICE, SOON, BREACHED, crew, tomorrow, trace], AT, Direction.TO_NIGHT, BOUNDARY
    )
    summary = needs_action(pack, AT, WATCH_ENDS, ["SPR-2026-000007"])
    assert summary.breached == (BREACHED.reference,)
    assert summary.due_in_watch == (SOON.reference, crew.reference)  # not tomorrow's
    assert summary.crew_waiting == (crew.reference,)
    assert summary.nhs_to_trace == (trace.reference,)  # open at any status
    assert summary.gp_update_owed == ("SPR-2026-000007",)
    assert [what for what, _ in summary.lines] == [
        "breached",
        "due by Tue 24 Nov 07:30",
        "crew waiting",
        "NHS number to trace",
        "GP update owed",
    ]


def test_needs_action_follows_the_clock() -> None:
    pack = build_pack([SOON], AT, Direction.TO_NIGHT, BOUNDARY)
    assert needs_action(pack, AT, WATCH_ENDS).due_in_watch == (SOON.reference,)
    later = needs_action(pack, AT + timedelta(hours=1), WATCH_ENDS)
    assert later.breached == (SOON.reference,) and later.due_in_watch == ()


def test_a_quiet_pack_needs_nothing() -> None:
    pack = build_pack([IN_SERVICE], AT, Direction.TO_NIGHT, BOUNDARY)
    summary = needs_action(pack, AT, WATCH_ENDS)
    assert summary.nothing and summary.lines == ()


def test_exports_hold_the_notes_and_read_marks() -> None:
    pack = build_pack([SOON], AT, Direction.TO_NIGHT, BOUNDARY)
    note = PackNote(AT, "handler", NoteKind.NOTE, "=daughter staying")
    pack = with_read(pack, SOON.reference, "night", AT)
    item = pack.items[0]
    pack = replace(pack, items=(replace(item, notes=(note,)),))
    row = next(csv.DictReader(io.StringIO(pack_csv(pack))))
    assert row["read_by"] == "night" and row["received_at"] == "2026-11-23T17:55:00+00:00"
    assert "(handler): =daughter staying" in row["notes"]
    text = pack_markdown(pack)
    assert "- Note: Mon 23 Nov 20:55 note (handler): =daughter staying" in text
    assert "- Read by night Mon 23 Nov 20:55" in text
