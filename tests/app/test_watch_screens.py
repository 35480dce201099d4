"""Who is on, the rota and the handover, driven from the keyboard with Pilot."""

from __future__ import annotations

import csv
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from call_script import settle
from sqlmodel import Session, func, select
from tests_support import crew_call
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static, TextArea

from db.desk import DeskService
from db.models import Shift
from screens.availability import AvailabilityScreen
from screens.handover import ROWS_AT_ONCE, HandoverScreen
from screens.handover_modals import AcknowledgeModal, SbarModal
from screens.rota import RotaScreen
from screens.rota_modals import ImportReportModal, ShiftModal
from screens.widgets.desk_header import PENDING, DeskHeader
from spr_desk.app import SprDeskApp

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
    app = SprDeskApp(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "w")
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
    app = SprDeskApp(night, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "w")
        lines = _plain(screen.query_one("#availability-matrix", Static)).splitlines()
        thame = next(line for line in lines if line.strip().startswith("Thame"))
        # Rapid: nurse only; Fast and Normal: everyone (the day shift starts within a day).
        assert thame.split()[1:] == ["Y", "N", "N", "Y", "Y", "Y", "Y", "Y", "Y"]
        assert "Night team" in header_text(app)


# the rota --------------------------------------------------------------------------------------


async def open_rota(pilot: Pilot[Any]) -> RotaScreen:
    await open_from_queue(pilot, "w")
    await pilot.press("o")
    await settle(pilot)
    rota = pilot.app.screen
    assert isinstance(rota, RotaScreen)
    return rota


async def test_a_shift_is_added_from_the_keyboard_and_a_bad_one_is_refused_at_its_field(
    sqlite_demo_desk: DeskService,
) -> None:
    app = SprDeskApp(sqlite_demo_desk, user="sup1")
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
    app = SprDeskApp(sqlite_demo_desk, user="sup1")
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


async def test_a_pack_is_built_edited_and_acknowledged_and_the_banner_comes_and_goes(
    sqlite_demo_desk: DeskService,
) -> None:
    app = SprDeskApp(sqlite_demo_desk, user="day1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "h")
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

        handover_id = screen.handover_id
        assert handover_id is not None
        later = sqlite_demo_desk.record_referral(crew_call(sqlite_demo_desk), by="day1")
        await pilot.press("k")
        await settle(pilot)
        ack = app.screen
        assert isinstance(ack, AcknowledgeModal)
        ack.query_one(Input).value = "Night Lead"
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert screen.stored.pack.acknowledged_by == "Night Lead"
        assert screen.stored.new_since == [later.reference]
        summary = text_of(screen.query_one("#handover-summary", Static))
        assert "NEW since this pack was built: " + later.reference in summary
        assert PENDING not in header_text(app)

        # Stored: it opens again from the list of packs, as acknowledged.
        await pilot.press("escape")
        await settle(pilot)
        again = await open_from_queue(pilot, "h")
        assert isinstance(again, HandoverScreen)
        assert again.handover_id == handover_id
        assert again.stored is not None and again.stored.pack.acknowledged_by == "Night Lead"
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert again.handover_id == handover_id


async def test_the_pack_exports_as_markdown_and_csv_owner_only(
    sqlite_demo_desk: DeskService,
) -> None:
    sqlite_demo_desk.build_handover(by="day1")
    app = SprDeskApp(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "h")
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
        await open_from_queue(pilot, "w")

    assert snap_compare(
        SprDeskApp(sqlite_demo_desk, user="desk1"), terminal_size=size, run_before=opened
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_handover_screen_snapshot(
    snap_compare, sqlite_demo_desk: DeskService, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    sqlite_demo_desk.build_handover(by="day1")

    async def opened(pilot: Pilot[None]) -> None:
        await open_from_queue(pilot, "h")

    assert snap_compare(
        SprDeskApp(sqlite_demo_desk, user="desk1"), terminal_size=size, run_before=opened
    )


async def test_a_long_pack_fills_in_a_screenful_at_a_time_and_keeps_every_row(
    sqlite_desk: DeskService,
) -> None:
    for n in range(ROWS_AT_ONCE + 60):
        sqlite_desk.record_referral(crew_call(sqlite_desk, f"Pat{n}", "Long"), by="day1")
    sqlite_desk.build_handover(by="day1")
    app = SprDeskApp(sqlite_desk, user="day1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_queue(pilot, "h")
        assert isinstance(screen, HandoverScreen) and screen.stored is not None
        for _ in range(5):
            await settle(pilot)
        table = screen.query_one(DataTable)
        items = screen.stored.pack.items
        assert len(items) == ROWS_AT_ONCE + 60 == table.row_count
        assert [str(table.get_row_at(i)[2]) for i in range(table.row_count)] == [
            item.reference for item in items
        ]
        assert screen.current == items[0]
