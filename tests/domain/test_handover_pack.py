"""The handover pack: order, time left, outstanding work, risks, SBAR, and its exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from spr_desk.desk_hours import Direction
from spr_desk.handover import (
    CSV_COLUMNS,
    OpenReferral,
    PackItem,
    Sbar,
    build_pack,
    new_since,
    pack_csv,
    pack_markdown,
    with_sbar,
)
from spr_desk.vocabulary import Lead, Response, Status

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
