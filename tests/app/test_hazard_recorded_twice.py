"""Hazard H012, a referral recorded twice: the record keys pressed again and again, however fast,
store the call once, and its draft is never offered again to be recorded a second time."""

from __future__ import annotations

from call_script import ETHEL, keys_handled, post, settle, start_call, take_call
from sqlmodel import Session, select

from db.desk import DeskService
from db.models import Referral
from screens.confirm_call_modal import ConfirmCallModal
from spr_desk.entrypoints.bootstrap import build_app

SIZE = (120, 40)


async def test_the_record_keys_pressed_again_and_again_store_the_call_once(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        triage = await start_call(pilot)
        await take_call(pilot, ETHEL)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmCallModal)
        # enter on the read-back, then ctrl+s and enter twice more in the same burst, as a
        # handler unsure the first took might press them.
        post(app, "enter", "ctrl+s", "enter", "ctrl+s", "enter")
        await keys_handled(pilot)
        await settle(pilot)
        draft_key = triage.draft_key
    with Session(sqlite_desk.engine) as session:
        stored = session.exec(select(Referral)).all()
    assert len(stored) == 1 and stored[0].status == "recorded"
    assert sqlite_desk.open_drafts() == []  # the draft is marked recorded: never offered again
    assert sqlite_desk.save_draft(draft_key, by="desk1", payload={}, revision=10_000) is False
