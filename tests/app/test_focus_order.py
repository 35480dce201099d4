"""The call's Tab order, walked in the order the form is composed (`screens/focus_order.py`),
is Textual's own order, which sorts by where each control sits on the screen: on a new call, for
every kind of caller (each asks its own questions), with the matrix overridden (its reason
field shown), at both sizes the desk is drawn at."""

from __future__ import annotations

from typing import Any

import pytest
from call_script import ETHEL, choose, settle, start_call, take_call
from textual.screen import Screen

from db.desk import DeskService
from screens.triage import TriageScreen
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.vocabulary import ReferrerRole


def ids(widgets: list[Any]) -> list[str]:
    return [widget.id or type(widget).__name__ for widget in widgets]


def same_order(call: TriageScreen) -> None:
    textual_order = Screen.focus_chain.fget(call)  # type: ignore[attr-defined]
    assert ids(call.focus_chain) == ids(textual_order)
    # the whole form, not a part of it
    assert {"red_flags", "referrer_name", "nhs_number", "needs", "locality", "notes"} <= set(
        ids(textual_order)
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_call_tabs_in_textuals_order_for_every_caller(
    sqlite_desk: DeskService, size: tuple[int, int]
) -> None:
    app = build_app(sqlite_desk, user="handler1")
    async with app.run_test(size=size) as pilot:
        call = await start_call(pilot)
        same_order(call)
        seen: set[tuple[str, ...]] = set()
        for role in ReferrerRole:
            await choose(pilot, "referrer_role", role.value)
            await settle(pilot)
            same_order(call)
            seen.add(tuple(ids(call.focus_chain)))
        assert len(seen) > 1  # the callers' questions did change the order walked


async def test_the_call_tabs_in_textuals_order_with_the_matrix_overridden(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="handler1")
    async with app.run_test(size=(80, 24)) as pilot:
        call = await start_call(pilot)
        await take_call(pilot, ETHEL)
        before = ids(call.focus_chain)
        await pilot.press("f5", "down", "enter")  # Fast / Nurse instead of Rapid / Nurse
        await settle(pilot)
        assert "override_reason" in ids(call.focus_chain) and "override_reason" not in before
        same_order(call)
