"""Downtime on screen (hazards H032, H033): the supervisor prints the pack with one key and sees
the last drill and the calls breached on paper; a paper call's referral view says where its times
came from; the running desk keeps a read-only copy of its queue in the data folder."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

from call_script import settle
from pdf_text import pdf_text
from rich.console import Console
from tests_support import context_of, crew_call, mode_of
from textual.pilot import Pilot
from textual.widgets import Static

from db.desk import DeskService
from screens.referral import ReferralScreen
from screens.supervisor import SupervisorScreen
from spr_desk.downtime.html_copy import COPY_NAME
from spr_desk.downtime.paper import PaperEntry, SheetState
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.private_files import data_folder

SIZE = (120, 40)


def text_of(widget: Static, width: int = 120) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def until(pilot: Pilot[Any], done: Any, seconds: float = 20) -> None:
    """Wait (the desk works in threads) until `done()` holds, or fail after `seconds`."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("not done in time")


def paper_call(desk: DeskService, late: timedelta) -> str:
    """A Rapid call written on a sheet now, entered `late` afterwards."""
    [sheet] = desk.build_downtime_pack(by="sup1", sheets=1).sheets
    written = desk.now()
    entered = written + late
    desk.clock = lambda: entered
    call = dataclasses.replace(crew_call(desk), received_at=written)
    return desk.record_referral(
        call, by="typist", paper=PaperEntry(sheet, "Night Handler")
    ).reference


async def test_d_in_the_supervisor_view_prints_the_pack_and_the_view_names_the_paper_breaches(
    sqlite_demo_desk: DeskService,
) -> None:
    reference = paper_call(sqlite_demo_desk, timedelta(hours=6))
    app = build_app(sqlite_demo_desk, user="sup1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = SupervisorScreen(context_of(app))
        await app.push_screen(screen)
        await settle(pilot)
        downtime = " ".join(text_of(screen.query_one("#supervisor-downtime", Static)).split())
        assert "No downtime drill has been run" in downtime
        assert "Entered from paper: 1; breached on paper: 1" in downtime
        assert (
            f"{reference} BREACHED ON PAPER: received Mon 23 Nov 11:00, due Mon 23 Nov 14:00, "
            "entered Mon 23 Nov 17:00"
        ) in downtime

        await pilot.press("d")
        folder = data_folder() / "exports"
        await until(pilot, lambda: any(folder.glob("downtime-pack-*.pdf")))
        await settle(pilot)
        [pdf] = folder.glob("downtime-pack-*.pdf")
        assert mode_of(pdf) == 0o600
        sheets = [s.reference for s in sqlite_demo_desk.reserved_sheets([SheetState.RESERVED])]
        assert len(sheets) == 20
        text = pdf_text(pdf)
        assert all(sheet in text for sheet in sheets)
        assert all(row.reference in text for row in sqlite_demo_desk.open_queue())
        said = [n.message for n in app._notifications]
        assert any(m.startswith(f"Wrote the downtime pack to {pdf}") for m in said)

        sqlite_demo_desk.record_drill({"reconciled": True, "open_referrals": 9}, by="sup1")
        await pilot.press("r")
        await settle(pilot)
        downtime = text_of(screen.query_one("#supervisor-downtime", Static))
        assert "Last drill" in downtime and "by sup1: reconciled" in downtime


async def test_a_paper_calls_referral_view_says_when_it_was_written_and_that_it_breached_on_paper(
    sqlite_desk: DeskService,
) -> None:
    reference = paper_call(sqlite_desk, timedelta(hours=6))
    app = build_app(sqlite_desk, user="sup1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferralScreen(context_of(app), reference))
        await settle(pilot)
        shown = "\n".join(text_of(static) for static in app.screen.query(Static))
        flat = " ".join(shown.split())
        assert "ENTERED FROM PAPER by typist" in flat
        assert "as written on the sheet" in flat
        assert "BREACHED ON PAPER: due" in flat and "passed before it was entered" in flat


async def test_the_running_desk_writes_its_read_only_copy_to_the_data_folder(
    sqlite_demo_desk: DeskService,
) -> None:
    copy = data_folder() / COPY_NAME
    assert not copy.exists()
    app = build_app(sqlite_demo_desk, user="h1", copy_every=timedelta(seconds=0.5))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, copy.exists)
        first = copy.stat().st_mtime_ns
        await until(pilot, lambda: copy.stat().st_mtime_ns != first)  # and again, every turn
    assert mode_of(copy) == 0o600
    page = copy.read_text(encoding="utf-8")
    assert all(row.reference in page for row in sqlite_demo_desk.open_queue())
    assert "READ-ONLY COPY" in page


async def test_a_desk_told_not_to_writes_no_copy(sqlite_desk: DeskService, tmp_path: Path) -> None:
    app = build_app(sqlite_desk, user="h1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await asyncio.sleep(0.3)
    assert not (data_folder() / COPY_NAME).exists()
