"""Availability from the stored rota, allocation to a person, and handover packs, on every
backend: built, edited, acknowledged, built by a running desk at the boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select
from tests_support import at_once, crew_call

from db.desk import DeskService
from db.models import AuditEvent, Handover, HandoverItem, Referral, ReferralNote, StaffMember
from spr_desk.desk_api import DeskError
from spr_desk.desk_hours import Direction
from spr_desk.handover import Sbar, needs_action
from spr_desk.roles import Role
from spr_desk.vocabulary import Lead, NoteKind, Response, Status

MONDAY_2300 = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)


def at(desk: DeskService, moment: datetime) -> DeskService:
    """The same database, another clock."""
    return DeskService(desk.engine, clock=lambda: moment, rules=desk.rules)


def test_with_no_rota_every_cell_is_offered_and_the_board_says_so(desk: DeskService) -> None:
    board = desk.availability_board()
    assert not board.rota_known
    assert board.for_locality("Thame").unavailable == frozenset()


def test_monday_morning_on_the_demo_rota_every_cell_can_be_offered(demo_desk: DeskService) -> None:
    board = demo_desk.availability_board()
    assert board.rota_known
    assert all(not availability.unavailable for availability in board.by_locality.values())
    who = demo_desk.who_is_on()
    assert {shift.team for shift in who.on_now} >= {"ACHT Thame", "Bucks Care Reablement"}
    assert all(shift.on_at(demo_desk.now()) for shift in who.on_now)


def test_at_23_00_only_the_night_team_is_on_so_rapid_is_nurse_only(demo_desk: DeskService) -> None:
    night = at(demo_desk, MONDAY_2300)
    who = night.who_is_on()
    assert {shift.team for shift in who.on_now} == {"ACHT Night Team"}
    thame = who.board.for_locality("Thame")
    assert thame.can(Response.RAPID, Lead.NURSE)
    assert not thame.can(Response.RAPID, Lead.THERAPIST)
    assert not thame.can(Response.RAPID, Lead.SOCIAL_CARE)
    assert thame.can(Response.FAST, Lead.THERAPIST)  # the day shift starts at 08:00
    # A call taken then, therapist-led by its needs, falls back to the night nurse.
    recorded = night.record_referral(crew_call(night), by="night1", availability=thame)
    assert (recorded.recommendation.lead, recorded.recommendation.fallback_from) == (
        Lead.NURSE,
        Lead.THERAPIST,
    )


def test_allocating_to_a_named_professional_counts_against_their_capacity(
    demo_desk: DeskService,
) -> None:
    nurse = next(s for s in demo_desk.who_is_on().on_now if s.team == "ACHT Thame" and s.lead)
    reference = demo_desk.record_referral(crew_call(demo_desk), by="h").reference
    summary = demo_desk.move(reference, Status.ALLOCATED, by="h", staff_id=nurse.staff_id)
    assert summary.allocated_team == f"{nurse.name} (ACHT Thame)"
    after = next(s for s in demo_desk.who_is_on().on_now if s.staff_id == nurse.staff_id)
    assert after.open_allocations == nurse.open_allocations + 1
    with Session(demo_desk.engine) as session:
        row = session.exec(select(Referral).where(Referral.reference == reference)).one()
        assert row.allocated_staff_id == nurse.staff_id
        person = session.get(StaffMember, nurse.staff_id)
        assert person is not None and row.allocated_team_id == person.team_id


def test_a_pack_holds_every_open_referral_and_is_acknowledged_once(demo_desk: DeskService) -> None:
    open_now = [row.reference for row in demo_desk.open_queue()]
    handover_id = demo_desk.build_handover(by="day1")
    stored = demo_desk.handover_pack(handover_id)
    assert [item.reference for item in stored.pack.items] == open_now
    assert stored.pack.direction is Direction.TO_NIGHT and stored.new_since == []
    assert stored.pack.boundary_at == datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
    status = demo_desk.desk_status()
    assert status.pending is not None and status.pending.handover_id == handover_id

    note = Sbar("S: typed", "B: typed", "A: typed", "R: ring the daughter first")
    demo_desk.edit_sbar(handover_id, open_now[0], note, by="day1")
    assert demo_desk.handover_pack(handover_id).pack.items[0].sbar == note

    later = demo_desk.record_referral(crew_call(demo_desk), by="day1").reference
    assert demo_desk.handover_pack(handover_id).new_since == [later]

    demo_desk.acknowledge_handover(handover_id, by="night")
    pack = demo_desk.handover_pack(handover_id).pack
    assert pack.acknowledged_by == "night" and pack.acknowledged_at == demo_desk.now()
    assert pack.acknowledged_words == "Demo night nurse (night)"
    assert demo_desk.desk_status().pending is None
    with pytest.raises(DeskError, match="Already acknowledged by night"):
        demo_desk.acknowledge_handover(handover_id, by="supervisor")
    with Session(demo_desk.engine) as session:
        events = session.exec(
            select(AuditEvent.action, AuditEvent.actor).where(AuditEvent.entity == "handover")
        ).all()
    assert events == [
        ("handover_built", "day1"),
        ("handover_sbar_edited", "day1"),
        ("handover_acknowledged", "night"),
    ]


def test_the_handover_is_refused_to_its_builder_and_to_a_role_that_does_not_receive_it(
    demo_desk: DeskService,
) -> None:
    evening = demo_desk.build_handover(by="night")  # 11:00: the pack for 21:00, to the night
    for who, why in (
        ("night", "You built this pack"),
        ("handler", "taken by night staff; you are signed in as a call handler"),
        ("supervisor", "taken by night staff; you are signed in as a supervisor"),
        ("admin", "taken by night staff; you are signed in as an administrator"),
        ("Night Lead", "Night Lead is not signed in as a user of this desk"),
        ("", "Nobody is not signed in"),
    ):
        with pytest.raises(DeskError, match=why):
            demo_desk.acknowledge_handover(evening, by=who)
    demo_desk.set_active("night", False, by="admin")
    with pytest.raises(DeskError, match="not signed in as a user"):
        at(demo_desk, MONDAY_2300).acknowledge_handover(evening, by="night")
    with Session(demo_desk.engine) as session:
        stored = session.get(Handover, evening)
        assert stored is not None and stored.acknowledged_at is None
        assert "handover_acknowledged" not in session.exec(select(AuditEvent.action)).all()

    morning_desk = at(demo_desk, MONDAY_2300)  # 23:00: the pack for 07:30, to the day desk
    morning = morning_desk.build_handover(by="handler")
    assert morning_desk.handover_pack(morning).pack.direction is Direction.TO_DAY
    with pytest.raises(DeskError, match="You built this pack"):
        morning_desk.acknowledge_handover(morning, by="handler")
    morning_desk.acknowledge_handover(morning, by="supervisor")
    assert morning_desk.handover_pack(morning).pack.acknowledged_by == "supervisor"


def test_items_are_ticked_read_by_the_receiver_and_the_unread_count_falls(
    demo_desk: DeskService,
) -> None:
    handover_id = demo_desk.build_handover(by="handler")
    items = demo_desk.handover_pack(handover_id).pack.items
    first, second = items[0].reference, items[1].reference
    assert demo_desk.handover_pack(handover_id).pack.unread == len(items)

    with pytest.raises(DeskError, match="taken by night staff"):
        demo_desk.mark_item_read(handover_id, first, by="handler")
    mark = demo_desk.mark_item_read(handover_id, first, by="night")
    assert (mark.read_by, mark.read_at) == ("night", demo_desk.now())
    pack = demo_desk.handover_pack(handover_id).pack
    assert pack.unread == len(items) - 1
    assert (pack.items[0].read_by, pack.items[0].read_at) == ("night", demo_desk.now())
    with pytest.raises(DeskError, match="read already, by night at Mon 23 Nov 11:00"):
        demo_desk.mark_item_read(handover_id, first, by="night")
    with pytest.raises(DeskError, match="not ticked as read"):
        demo_desk.mark_item_read(handover_id, second, by="night", read=False)
    with pytest.raises(DeskError, match="not in handover pack"):
        demo_desk.mark_item_read(handover_id, "SPR-2026-999999", by="night")

    demo_desk.mark_item_read(handover_id, first, by="night", read=False)
    assert demo_desk.handover_pack(handover_id).pack.unread == len(items)
    with Session(demo_desk.engine) as session:
        events = session.exec(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.referral_id)
            .where(col(AuditEvent.action).like("handover_item%"))
            .order_by(col(AuditEvent.id))
        ).all()
        referral_id = session.exec(select(Referral.id).where(Referral.reference == first)).one()
    assert events == [
        ("handover_item_read", "night", referral_id),
        ("handover_item_unread", "night", referral_id),
    ]


def test_only_who_ticked_an_item_may_take_the_tick_off(demo_desk: DeskService) -> None:
    demo_desk.add_user("night2", Role.NIGHT_STAFF, "a long enough password", by="admin")
    handover_id = demo_desk.build_handover(by="handler")
    first = demo_desk.handover_pack(handover_id).pack.items[0].reference
    demo_desk.mark_item_read(handover_id, first, by="night")
    with pytest.raises(DeskError, match="ticked as read by night: only they"):
        demo_desk.mark_item_read(handover_id, first, by="night2", read=False)


def test_the_pack_shows_each_referrals_notes_and_what_needs_action(
    demo_desk: DeskService,
) -> None:
    reference = demo_desk.record_referral(crew_call(demo_desk, "Nan", "Noted"), by="handler")
    with Session(demo_desk.engine) as session, session.begin():
        row = session.exec(select(Referral).where(Referral.reference == reference.reference)).one()
        assert row.id is not None
        row.home_from_hospital = row.community_bed_request = True
        for minutes, kind, caller, text in (
            (5, NoteKind.NOTE, "", "GP [b]aware[/b]"),
            (2, NoteKind.FOLLOW_UP_CALL, "daughter", "rang again"),
        ):
            session.add(
                ReferralNote(
                    referral_id=row.id,
                    at=demo_desk.now() - timedelta(minutes=minutes),
                    by="handler",
                    kind=kind.value,
                    caller=caller,
                    text=text,
                )
            )
    handover_id = demo_desk.build_handover(by="handler")
    stored = demo_desk.handover_pack(handover_id)
    item = next(i for i in stored.pack.items if i.reference == reference.reference)
    assert [(n.kind, n.caller, n.text) for n in item.notes] == [
        (NoteKind.NOTE, "", "GP [b]aware[/b]"),
        (NoteKind.FOLLOW_UP_CALL, "daughter", "rang again"),
    ]
    assert item.home_from_hospital and item.community_bed and item.crew_waiting
    assert item.received_at == demo_desk.now()
    assert "Home from Hospital requested." in item.risks
    assert sum(bool(i.notes) for i in stored.pack.items) == 1

    assert stored.watch_ends == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
    with Session(demo_desk.engine) as session:
        owed = session.exec(
            select(Referral.reference)
            .where(
                Referral.status == "closed",
                col(Referral.gp_updated).is_(False),
                col(Referral.closed_at) >= stored.pack.boundary_at - timedelta(hours=24),
            )
            .order_by(col(Referral.closed_at), col(Referral.id))
        ).all()
    assert stored.gp_update_owed == tuple(owed)
    summary = needs_action(stored.pack, demo_desk.now(), stored.watch_ends, owed)
    assert reference.reference in summary.crew_waiting
    assert reference.reference in summary.due_in_watch + summary.breached


def test_a_preview_stores_nothing(demo_desk: DeskService) -> None:
    pack = demo_desk.preview_handover(MONDAY_2300)
    assert pack.direction is Direction.TO_DAY and len(pack.items) == len(demo_desk.open_queue())
    with Session(demo_desk.engine) as session:
        assert session.exec(select(func.count()).select_from(Handover)).one() == 0


def test_a_running_desk_builds_the_boundarys_pack_itself_once(demo_desk: DeskService) -> None:
    just_after = at(demo_desk, datetime(2026, 11, 23, 21, 10, tzinfo=UTC))
    first = just_after.desk_status(by="desk7")
    assert first.pending is not None and first.pending.built_by == "desk7 (at the boundary)"
    assert first.watch_words.startswith("Night team")
    again = at(demo_desk, datetime(2026, 11, 23, 21, 20, tzinfo=UTC)).desk_status()
    assert again.pending == first.pending
    with Session(demo_desk.engine) as session:
        assert session.exec(select(func.count()).select_from(Handover)).one() == 1
        items = session.exec(select(func.count()).select_from(HandoverItem)).one()
    assert items == len(demo_desk.open_queue())


def test_long_after_a_boundary_no_pack_is_built_unasked(demo_desk: DeskService) -> None:
    status = at(demo_desk, datetime(2026, 11, 23, 23, 0, tzinfo=UTC)).desk_status()
    assert status.pending is None
    assert status.watch_words == "Night team · day desk in 8h 30m"


def test_a_rota_file_applies_whole_or_not_at_all(desk: DeskService) -> None:
    good = (
        "team,name,role,date,start,end\n"
        "ACHT Thame,Jo Bloggs,nurse,23/11/2026,08:00,16:00\n"
        "ACHT Night Team,Sam Smith,nurse,23/11/2026,21:00,07:30\n"
    )
    done = desk.import_rota(good, by="sup1")
    assert done.parsed.errors == [] and (done.staff_added, done.shifts_added) == (2, 2)
    assert desk.availability_board().for_locality("Thame").can(Response.RAPID, Lead.NURSE)
    bad = good + "ACHT Thame,Al Stone,nurse,31/02/2026,08:00,16:00\n"
    refused = desk.import_rota(bad.replace("Jo Bloggs", "Jo Other"), by="sup1")
    assert [(e.line, e.column) for e in refused.parsed.errors] == [(4, "date")]
    with Session(desk.engine) as session:
        names = session.exec(select(StaffMember.name).order_by(col(StaffMember.name))).all()
        imports = session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "rota_imported")
        ).one()
    assert names == ["Jo Bloggs", "Sam Smith"] and imports == 1


def test_ten_desks_seeing_the_boundary_pass_at_once_build_one_pack(demo_desk: DeskService) -> None:
    """Otherwise two packs would wait for the night lead, and acknowledging one would leave
    the banner up for ever."""
    moment = datetime(2026, 11, 23, 21, 5, tzinfo=UTC)

    def one_desk(number: int) -> None:
        at(demo_desk, moment).desk_status(by=f"desk{number}")

    errors = at_once(10, one_desk, timeout=60)
    assert errors == []
    with Session(demo_desk.engine) as session:
        assert session.exec(select(func.count()).select_from(Handover)).one() == 1
    pending = at(demo_desk, moment).desk_status().pending
    assert pending is not None
    at(demo_desk, moment).acknowledge_handover(pending.handover_id, by="night")
    assert at(demo_desk, moment).desk_status().pending is None
