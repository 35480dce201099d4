"""The header sets the signed-in user apart from the watch's sentence, in words (so it reads
without colour), and never drops them on a narrow screen."""

from __future__ import annotations

from datetime import datetime

import pytest
from call_script import settle

from db.desk import DeskService
from screens.widgets.desk_header import DeskHeader
from spr_desk.desk_api import DeskStatus
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.roles import Role
from spr_desk.sign_in import SignedIn

WATCH = "Day desk · night team in 2h 00m"


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((120, 40), f"{WATCH} · signed in: night"),
        # 80 columns: the time to the boundary goes first, never who is signed in.
        ((80, 24), "Day desk · signed in: night"),
    ],
)
async def test_the_header_says_who_is_signed_in_apart_from_the_watch(
    sqlite_desk: DeskService, now: datetime, size: tuple[int, int], expected: str
) -> None:
    app = build_app(sqlite_desk, user=SignedIn("night", "", Role.NIGHT_STAFF))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.desk_status = DeskStatus(now=now, watch_words=WATCH, pending=None)
        await settle(pilot)
        header = app.screen.query_one(DeskHeader).render()
        assert expected in header.plain
        assert header.cell_len <= size[0] - 2
        assert "2h 00m night" not in header.plain  # the name no longer reads as the sentence's
        # The name in bold, "signed in:" dim beside it; the words alone carry it in NO_COLOR.
        start = header.plain.index("night", header.plain.index("signed in:"))
        assert any(
            span.start <= start < span.end and "bold" in str(span.style) for span in header.spans
        )


async def test_a_long_name_on_a_narrow_screen_keeps_the_name_and_drops_the_date(
    sqlite_desk: DeskService, now: datetime
) -> None:
    app = build_app(sqlite_desk, user=SignedIn("night.practitioner2", "", Role.NIGHT_STAFF))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.desk_status = DeskStatus(now=now, watch_words=WATCH, pending=None)
        await settle(pilot)
        plain = app.screen.query_one(DeskHeader).render().plain
        assert "signed in: night.practitioner2" in plain
        assert plain.rstrip().endswith(":00") and "Mon" not in plain  # 11:00, the date dropped


async def test_a_call_on_hold_and_the_user_both_stay_at_80_columns(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="handler1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+n")  # the first call goes on hold
        await settle(pilot)
        header = app.screen.query_one(DeskHeader).render()
        assert "call on hold: (no patient name yet)" in header.plain
        # Not room for both words and clock: the desk's name and the clock go first, then the
        # words "signed in:"; the name stays, after its separator, in bold.
        assert header.plain.startswith("Call ") and "· handler1" in header.plain
        assert header.cell_len <= 80 - 2
