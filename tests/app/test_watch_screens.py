"""Who is on, the rota and the handover, driven from the keyboard with Pilot."""

from __future__ import annotations

import csv
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from call_script import settle
from sqlmodel import Session, func, select
from tests_support import crew_call
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static, TextArea

from db.desk import DeskService
from db.models import AuditEvent, Referral, ReferralNote, Shift
from screens.availability import AvailabilityScreen
from screens.handover import ROWS_AT_ONCE, TICK_SECONDS, HandoverScreen
from screens.handover_modals import AcknowledgeModal, SbarModal
from screens.rota import RotaScreen
from screens.rota_modals import ImportReportModal, ShiftModal
from screens.widgets.desk_header import PENDING, DeskHeader
from spr_desk.entrypoints.app import SprDeskApp
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.handover import live_time_left, needs_action
from spr_desk.roles import Role
from spr_desk.sign_in import SignedIn
from spr_desk.vocabulary import NoteKind

SIZE = (120, 40)


def text_of(widget: Static) -> str:
    return str(widget.render())


def header_text(app: SprDeskApp) -> str:
    return str(app.screen.query_one(DeskHeader).render())


async def open_from_queue(pilot: Pilot[Any], key: str) -> Any:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    await settle(pilot)
    return pilot.app.screen


# who is on -------------------------------------------------------------------------------------


async def test_who_is_on_shows_the_matrix_by_locality_and_the_people_on_shift(
    sqlite_demo_desk: DeskService,
) -> None:
    who = sqlite_demo_desk.who_is_on()
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "f4")
        assert isinstance(screen, AvailabilityScreen) and screen.who == who
        lines = _plain(screen.query_one("#availability-matrix", Static)).splitlines()
        thame = next(line for line in lines if line.strip().startswith("Thame"))
        assert thame.split()[1:] == ["Y"] * 9  # Monday 11:00: every profession is on
        now_table = screen.query_one("#availability-now", Static)
        assert f"On shift now ({len(who.on_now)})" in _plain(now_table)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AvailabilityScreen)


def _plain(widget: Static) -> str:
    from io import StringIO

    from rich.console import Console

    console = Console(width=140, file=StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


async def test_at_night_the_board_shows_the_missing_cells_as_n(
    sqlite_demo_desk: DeskService,
) -> None:
    night = DeskService(
        sqlite_demo_desk.engine, clock=lambda: datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
    )
    app = build_app(night, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "f4")
        lines = _plain(screen.query_one("#availability-matrix", Static)).splitlines()
        thame = next(line for line in lines if line.strip().startswith("Thame"))
        # Rapid: nurse only; Fast and Normal: everyone (the day shift starts within a day).
        assert thame.split()[1:] == ["Y", "N", "N", "Y", "Y", "Y", "Y", "Y", "Y"]
        assert "Night team" in header_text(app)


# the rota --------------------------------------------------------------------------------------


async def open_rota(pilot: Pilot[Any]) -> RotaScreen:
    await open_from_queue(pilot, "f4")
    await pilot.press("o")
    await settle(pilot)
    rota = pilot.app.screen
    assert isinstance(rota, RotaScreen)
    return rota


async def test_a_shift_is_added_from_the_keyboard_and_a_bad_one_is_refused_at_its_field(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk, user="sup1")
    async with app.run_test(size=SIZE) as pilot:
        rota = await open_rota(pilot)
        before = len(rota.rows)
        await pilot.press("a")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ShiftModal)
        modal.query_one("#shift-team", Select).value = "ACHT Thame"
        modal.query_one("#shift-role", Select).value = "nurse"
        for name, typed in (("name", "Jo Bloggs"), ("start", "25:00"), ("end", "16:00")):
            modal.query_one(f"#shift-{name}", Input).value = typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is modal  # refused, kept open with everything typed
        assert "No such time" in text_of(modal.query_one("#shift-start-error", Static))
        assert modal.query_one("#shift-name", Input).value == "Jo Bloggs"
        modal.query_one("#shift-start", Input).value = "12:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is rota
        assert len(rota.rows) == before + 1
        assert any(row.name == "Jo Bloggs" for row in rota.rows)


async def test_a_rota_file_imports_with_progress_and_a_bad_one_changes_nothing(
    sqlite_demo_desk: DeskService, tmp_path: Path
) -> None:
    good = tmp_path / "rota.csv"
    rows = [["team", "name", "role", "date", "start", "end"]] + [
        ["ACHT Marlow", f"Nurse {n}", "nurse", "24/11/2026", "08:00", "16:00"] for n in range(150)
    ]
    with good.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "team,name,role,date,start,end\n"
        "ACHT Marlow,Kim Good,nurse,24/11/2026,08:00,16:00\n"
        "ACHT Marlow,Lee Bad,surgeon,24/11/2026,08:00,16:00\n"
    )

    def shifts() -> int:
        with Session(sqlite_demo_desk.engine) as session:
            return session.exec(select(func.count()).select_from(Shift)).one()

    start = shifts()
    app = build_app(sqlite_demo_desk, user="sup1")
    async with app.run_test(size=SIZE) as pilot:
        rota = await open_rota(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press(*str(bad), "enter")
        await settle(pilot)
        await settle(pilot)
        report = app.screen
        assert isinstance(report, ImportReportModal)
        assert [(e.line, e.column) for e in report.errors] == [(3, "role")]
        assert shifts() == start
        await pilot.press("escape")
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one(Input).value = str(good)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert rota.last_import is not None and rota.last_import.shifts_added == 150
        bar = rota.query_one("#rota-progress")
        assert bar.has_class("-shown") and bar.percentage == 1  # type: ignore[attr-defined]
    assert shifts() == start + 150


# the handover ----------------------------------------------------------------------------------


HANDLER = SignedIn("handler", "Demo call handler", Role.CALL_HANDLER)
NIGHT = SignedIn("night", "Demo night nurse", Role.NIGHT_STAFF)


def said(app: SprDeskApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def test_a_pack_is_built_edited_and_acknowledged_and_the_banner_comes_and_goes(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk, user=HANDLER)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_from_queue(pilot, "f6")
        assert isinstance(screen, HandoverScreen) and screen.stored is None
        assert "b builds the pack now" in text_of(screen.query_one("#handover-summary", Static))
        assert PENDING not in header_text(app)
        await pilot.press("b")
        await settle(pilot)
        await settle(pilot)
        assert screen.stored is not None
        open_now = [row.reference for row in sqlite_demo_desk.open_queue()]
        assert [item.reference for item in screen.stored.pack.items] == open_now
        assert screen.query_one(DataTable).row_count == len(open_now)
        assert PENDING in header_text(app)

        await pilot.press("down", "e")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, SbarModal) and modal.reference == open_now[1]
        modal.query_one("#sbar-recommendation", TextArea).text = "Ring the daughter first."
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert screen.stored.pack.items[1].sbar.recommendation == "Ring the daughter first."

        # The day handler who built it may not take it: said, and no dialog opens.
        await pilot.press("k")
        await settle(pilot)
        assert app.screen is screen
        assert any("taken by night staff" in message for message in said(app))
        handover_id = screen.handover_id
        assert handover_id is not None

    later = sqlite_demo_desk.record_referral(crew_call(sqlite_demo_desk), by="handler")
    app = build_app(sqlite_demo_desk, user=NIGHT)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "f6")
        assert isinstance(screen, HandoverScreen) and screen.handover_id == handover_id
        await pilot.press("k")
        await settle(pilot)
        ack = app.screen
        assert isinstance(ack, AcknowledgeModal)
        assert "You, Demo night nurse (night), take on these" in _plain_all(ack)
        await pilot.press("enter")  # not the key the dialog names: nothing happens
        await settle(pilot)
        assert app.screen is ack
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert screen.stored is not None
        assert screen.stored.pack.acknowledged_by == "night"
        assert screen.stored.new_since == [later.reference]
        summary = text_of(screen.query_one("#handover-summary", Static))
        assert "Acknowledged by Demo night nurse (night)" in summary
        assert "NEW since this pack was built: " + later.reference in summary
        assert PENDING not in header_text(app)
        assert acknowledged_by(sqlite_demo_desk) == ["night"]

        # Stored: it opens again from the list of packs, as acknowledged.
        await pilot.press("escape")
        await settle(pilot)
        again = await open_from_queue(pilot, "f6")
        assert isinstance(again, HandoverScreen)
        assert again.handover_id == handover_id
        assert again.stored is not None and again.stored.pack.acknowledged_by == "night"
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert again.handover_id == handover_id


def acknowledged_by(desk: DeskService) -> list[str]:
    """The actors of the acknowledgement's audit events."""
    with Session(desk.engine) as session:
        return list(
            session.exec(
                select(AuditEvent.actor).where(AuditEvent.action == "handover_acknowledged")
            ).all()
        )


def _plain_all(screen: Any) -> str:
    return " ".join(text_of(widget) for widget in screen.query(Static))


async def test_the_handover_is_refused_to_its_builder_even_in_the_receiving_role(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk, user=NIGHT)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_from_queue(pilot, "f6")
        await pilot.press("b")
        await settle(pilot)
        await settle(pilot)
        assert screen.stored is not None and screen.stored.pack.built_by == "night"
        await pilot.press("k")
        await settle(pilot)
        assert app.screen is screen
        assert any("You built this pack" in message for message in said(app))
        assert screen.stored.pack.acknowledged_at is None
    assert acknowledged_by(sqlite_demo_desk) == []


async def test_a_supervisor_may_not_take_the_evening_handover(
    sqlite_demo_desk: DeskService,
) -> None:
    sqlite_demo_desk.build_handover(by="handler")
    supervisor = SignedIn("supervisor", "Demo supervisor", Role.SUPERVISOR)
    app = build_app(sqlite_demo_desk, user=supervisor)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_from_queue(pilot, "f6")
        await pilot.press("k")
        await settle(pilot)
        assert app.screen is screen
        assert any(
            "taken by night staff; you are signed in as a supervisor" in message
            for message in said(app)
        )
        await pilot.press("space")  # nor tick its items
        await settle(pilot)
        assert screen.stored is not None and screen.stored.pack.unread == len(
            screen.stored.pack.items
        )
    assert acknowledged_by(sqlite_demo_desk) == []


async def test_items_are_ticked_as_read_and_the_unread_count_falls(
    sqlite_demo_desk: DeskService,
) -> None:
    handover_id = sqlite_demo_desk.build_handover(by="handler")
    total = len(sqlite_demo_desk.handover_pack(handover_id).pack.items)
    app = build_app(sqlite_demo_desk, user=NIGHT)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "f6")
        assert screen.stored is not None
        summary = screen.query_one("#handover-summary", Static)
        assert f"{total} open referrals, {total} not yet read" in text_of(summary)
        table = screen.query_one(DataTable)
        first = screen.stored.pack.items[0].reference
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert screen.stored.pack.unread == total - 2
        assert f"{total - 2} not yet read" in text_of(summary)
        assert str(table.get_cell(first, "read")) == "✓ read"
        assert table.cursor_row == 2  # on to the next after each tick
        await pilot.press("up", "space")  # the second again: the tick comes off
        await settle(pilot)
        assert screen.stored.pack.unread == total - 1
        assert str(table.get_row_at(1)[screen.columns.index(column("read"))]) == "○ unread"
    stored = sqlite_demo_desk.handover_pack(handover_id).pack
    assert [i.read_by for i in stored.items[:2]] == ["night", None]


def column(key: str) -> Any:
    from screens.handover import COLUMNS

    return next(c for c in COLUMNS if c.key == key)


async def test_left_counts_down_on_the_desks_clock(sqlite_demo_desk: DeskService) -> None:
    """Trial problem 22: the pack's Left stayed as it was when it was built."""
    handover_id = sqlite_demo_desk.build_handover(by="handler")
    clock = [sqlite_demo_desk.now()]
    moving = DeskService(sqlite_demo_desk.engine, clock=lambda: clock[0])
    app = build_app(moving, user=NIGHT)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_queue(pilot, "f6")
        assert screen.handover_id == handover_id and screen.stored is not None
        table = screen.query_one(DataTable)
        item = next(i for i in screen.stored.pack.items if i.awaits_response)
        before = str(table.get_cell(item.reference, "left"))
        assert before == item.time_left
        clock[0] += timedelta(hours=1, minutes=7)
        screen.tick()  # what the 30-second timer calls
        await pilot.pause()
        after = str(table.get_cell(item.reference, "left"))
        assert after != before and after == live_time_left(item, clock[0])
        assert TICK_SECONDS == 30


async def test_the_pack_shows_a_follow_up_call_and_home_from_hospital(
    sqlite_demo_desk: DeskService,
) -> None:
    recorded = sqlite_demo_desk.record_referral(
        crew_call(sqlite_demo_desk, "Nora", "Noted"), by="handler"
    )
    with Session(sqlite_demo_desk.engine) as session, session.begin():
        row = session.exec(select(Referral).where(Referral.reference == recorded.reference)).one()
        assert row.id is not None
        row.home_from_hospital = True
        session.add(
            ReferralNote(
                referral_id=row.id,
                at=sqlite_demo_desk.now(),
                by="handler",
                kind=NoteKind.FOLLOW_UP_CALL.value,
                caller="daughter",
                text="Rang again [b]worried[/b]",
            )
        )
    sqlite_demo_desk.build_handover(by="handler")
    app = build_app(sqlite_demo_desk, user=NIGHT)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "f6")
        assert screen.stored is not None
        row_at = [i.reference for i in screen.stored.pack.items].index(recorded.reference)
        screen.query_one(DataTable).move_cursor(row=row_at)
        await settle(pilot)
        detail = _plain(screen.query_one("#handover-item", Static))
        assert "follow-up call from daughter (handler): Rang again [b]worried[/b]" in detail
        assert "Home from Hospital requested." in detail


async def test_the_pack_opens_with_what_needs_action_this_watch(
    sqlite_demo_desk: DeskService,
) -> None:
    handover_id = sqlite_demo_desk.build_handover(by="handler")
    stored = sqlite_demo_desk.handover_pack(handover_id)
    assert stored.watch_ends is not None
    wanted = needs_action(
        stored.pack, sqlite_demo_desk.now(), stored.watch_ends, stored.gp_update_owed
    )
    assert wanted.lines  # the demo's week leaves something for the night
    app = build_app(sqlite_demo_desk, user=NIGHT)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "f6")
        lines = text_of(screen.query_one("#handover-summary", Static)).splitlines()
        start = lines.index("Needs action this watch:")
        shown = [line.strip() for line in lines[start + 1 : start + 1 + len(wanted.lines)]]
        for (what, references), line in zip(wanted.lines, shown, strict=True):
            assert line.startswith(f"{len(references)} {what}: {references[0]}")


async def test_the_pack_exports_as_markdown_and_csv_owner_only(
    sqlite_demo_desk: DeskService,
) -> None:
    sqlite_demo_desk.build_handover(by="day1")
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "f6")
        assert isinstance(screen, HandoverScreen)
        await pilot.press("x")
        await settle(pilot)
        markdown, table = (Path(p) for p in screen.exported)
    assert markdown.name == "handover-2026-11-23-2100-to_night.md"
    assert markdown.read_text().startswith("# Evening handover to the night team")
    with table.open(newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(sqlite_demo_desk.open_queue())
    assert {stat.S_IMODE(p.stat().st_mode) for p in (markdown, table)} == {0o600}


# pictures --------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_availability_board_snapshot(
    snap_compare, sqlite_demo_desk: DeskService, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    async def opened(pilot: Pilot[None]) -> None:
        await open_from_queue(pilot, "f4")

    assert snap_compare(
        build_app(sqlite_demo_desk, user="desk1"), terminal_size=size, run_before=opened
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_handover_screen_snapshot(
    snap_compare, sqlite_demo_desk: DeskService, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    sqlite_demo_desk.build_handover(by="day1")

    async def opened(pilot: Pilot[None]) -> None:
        await open_from_queue(pilot, "f6")

    assert snap_compare(
        build_app(sqlite_demo_desk, user="desk1"), terminal_size=size, run_before=opened
    )


async def test_a_long_pack_fills_in_a_screenful_at_a_time_and_keeps_every_row(
    sqlite_desk: DeskService,
) -> None:
    for n in range(ROWS_AT_ONCE + 60):
        sqlite_desk.record_referral(crew_call(sqlite_desk, f"Pat{n}", "Long"), by="day1")
    sqlite_desk.build_handover(by="day1")
    app = build_app(sqlite_desk, user="day1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "f6")
        assert isinstance(screen, HandoverScreen) and screen.stored is not None
        for _ in range(5):
            await settle(pilot)
        table = screen.query_one(DataTable)
        items = screen.stored.pack.items
        assert len(items) == ROWS_AT_ONCE + 60 == table.row_count
        reference_at = [c.key for c in screen.columns].index("reference")
        assert [str(table.get_row_at(i)[reference_at]) for i in range(table.row_count)] == [
            item.reference for item in items
        ]
        assert screen.current == items[0]
