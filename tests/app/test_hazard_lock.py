"""Hazard H028: a desk left signed in is not used under its owner's name by someone else. The
idle lock opens only to the password of the person signed in: a colleague's own good password is
refused there, and the way on for them is F12 (sign out) and signing in as themselves, so what
they then do is recorded under their own name. Driven from the keyboard with Pilot."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from call_script import settle, start_call, typed
from sqlmodel import Session, select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from db.desk import DeskService
from db.models import AuditEvent, CallDraft
from screens.queue import QueueScreen
from screens.sign_in import LockScreen, SignInScreen
from screens.sign_out_modal import SIGN_OUT_KEY, SignOutModal
from spr_desk.entrypoints.app import SprDeskApp
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.roles import Role

SIZE = (100, 30)
JO_PASSWORD = "amber lantern 7"
KIT_PASSWORD = "copper kettle 42"


class Clock:
    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at


def message(app: SprDeskApp) -> str:
    return str(app.screen.query_one("#sign-in-message", Static).render())


async def sign_in(pilot: Pilot[Any], username: str, password: str) -> None:
    assert isinstance(pilot.app.screen, SignInScreen)
    await pilot.press(*typed(username), "enter", *typed(password), "enter")
    await settle(pilot)
    await settle(pilot)


def user_events(desk: DeskService) -> list[tuple[str, str]]:
    with Session(desk.engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.entity == "user")).all()
        return [(row.actor, row.action) for row in sorted(rows, key=lambda row: row.id or 0)]


async def test_a_locked_desk_opens_only_to_its_own_user_and_a_colleague_signs_in_as_themselves(
    sqlite_desk: DeskService, now: datetime
) -> None:
    desk = sqlite_desk
    desk.add_user("jsmith", Role.CALL_HANDLER, JO_PASSWORD, display_name="Jo Smith", by="admin")
    desk.add_user("kit", Role.CALL_HANDLER, KIT_PASSWORD, display_name="Kit Lane", by="admin")
    clock = Clock(now)
    app = build_app(desk, clock=clock, idle_lock=timedelta(minutes=10))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "jsmith", JO_PASSWORD)
        assert isinstance(app.screen, QueueScreen) and app.user == "jsmith"
        call = await start_call(pilot)
        call.set_focus(call.query_one("#referrer_name", Input))
        await pilot.press(*typed("Dr Amy Stone"))
        await settle(pilot)

        # Jo walks away; ten minutes on, the desk locks over her call.
        clock.at += timedelta(minutes=10, seconds=1)
        app.lock_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen) and app.locked

        # Kit's own, correct password does not open Jo's desk.
        await pilot.press(*typed(KIT_PASSWORD), "enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen) and app.locked
        assert message(app) == "Wrong user name or password."
        assert app.user == "jsmith"

        # The way on is to sign Jo out (her call kept as her draft) and sign in as Kit.
        await pilot.press(SIGN_OUT_KEY)
        await settle(pilot)
        assert isinstance(app.screen, SignOutModal)
        await pilot.press("s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and not app.locked
        await sign_in(pilot, "kit", KIT_PASSWORD)
        assert isinstance(app.screen, QueueScreen) and app.user == "kit"
        kits_call = await start_call(pilot)
        assert kits_call.by == "kit" and kits_call.form.referrer_name == ""

    with Session(desk.engine) as session:
        (draft,) = session.exec(select(CallDraft)).all()
    assert draft.desk_user == "jsmith" and draft.payload["referrer_name"] == "Dr Amy Stone"
    events = user_events(desk)
    assert ("jsmith", "signed out") in events
    assert events[-1] == ("kit", "signed in")
    assert ("kit", "signed in") not in events[: events.index(("jsmith", "signed out"))]
