"""Signing out and switching user from any screen, driven from the keyboard with Pilot: a call
half typed stays its handler's draft, offered to them alone when they sign in again."""

from __future__ import annotations

from typing import Any

from call_script import post, screen, settle, start_call, typed
from sqlmodel import Session, select
from textual.pilot import Pilot
from textual.widgets import Input

from db.desk import DeskService
from db.models import AuditEvent, CallDraft
from screens.help_screen import HelpScreen
from screens.leave_call_modal import LeaveCallModal
from screens.queue import QueueScreen
from screens.resume_modal import ResumeDraftModal
from screens.sign_in import LockScreen, SignInScreen
from screens.sign_out_modal import SIGN_OUT_KEY, SignOutModal
from screens.widgets.desk_header import DeskHeader
from spr_desk.demo import DEMO_PASSWORD
from spr_desk.entrypoints.app import SIGN_OUT_WORDS, SprDeskApp
from spr_desk.entrypoints.bootstrap import build_app

SIZE = (100, 30)


async def sign_in(pilot: Pilot[Any], username: str) -> None:
    """Name, enter, password, enter on the sign-in screen; until the desk behind it opens."""
    app = pilot.app
    await settle(pilot)
    assert isinstance(app.screen, SignInScreen), type(app.screen).__name__
    await pilot.press(*typed(username), "enter", *typed(DEMO_PASSWORD), "enter")
    await settle(pilot)
    await settle(pilot)
    assert isinstance(app, SprDeskApp) and app.user == username


async def sign_out(pilot: Pilot[Any]) -> None:
    """F12, then the key the question names; until the sign-in screen is back."""
    app = pilot.app
    await pilot.press(SIGN_OUT_KEY)
    await settle(pilot)
    assert isinstance(app.screen, SignOutModal), type(app.screen).__name__
    await pilot.press("s")
    await settle(pilot)
    await settle(pilot)
    assert isinstance(app.screen, SignInScreen), type(app.screen).__name__


def header_text(app: SprDeskApp) -> str:
    return str(app.screen.query_one(DeskHeader).render())


def drafts(desk: DeskService) -> list[CallDraft]:
    with Session(desk.engine) as session:
        return list(session.exec(select(CallDraft)).all())


def user_events(desk: DeskService) -> list[tuple[str, str]]:
    with Session(desk.engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.entity == "user")).all()
        return [(row.actor, row.action) for row in sorted(rows, key=lambda row: row.id or 0)]


async def test_sign_out_from_the_queue_and_the_next_person_gets_their_own_desk(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "handler")
        assert isinstance(app.screen, QueueScreen)
        assert "signed in: handler" in header_text(app)
        built_ahead = app._next_call
        assert built_ahead is not None and built_ahead[1].by == "handler"

        await pilot.press(SIGN_OUT_KEY)
        await settle(pilot)
        assert isinstance(app.screen, SignOutModal)
        await pilot.press("enter")  # enter stays: signing out is a key pressed on purpose
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.user == "handler"

        await sign_out(pilot)
        assert app.signed_in is None and "signed in" not in header_text(app)
        assert app.desk_status is None and not app._desk_timers
        await pilot.press("ctrl+n", "ctrl+o", "f8")  # nothing of the desk opens signed out
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert user_events(sqlite_demo_desk)[-2:] == [
            ("handler", "signed in"),
            ("handler", "signed out"),
        ]

        await sign_in(pilot, "night")
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.ctx.user.username == "night"  # the new queue is handed their context
        assert "signed in: night" in header_text(app)
        assert len(app._desk_timers) == 2  # the idle check and the status read, once each
        # The call built ahead for the first person went with them: the next is the night's.
        assert app._next_call is not None and app._next_call[1] is not built_ahead[1]
        assert not built_ahead[1].is_attached
        call = await start_call(pilot)
        assert call.by == "night" and "signed in: night" in header_text(app)


async def test_a_half_typed_call_is_kept_as_its_handlers_draft_and_offered_to_them_alone(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "handler")
        call = await start_call(pilot)
        call.set_focus(call.query_one("#referrer_name", Input))
        await settle(pilot)
        # The last keys and F12 as one burst: the keys' changes had not yet reached the draft.
        post(app, *typed("Dr Amy Stone"), SIGN_OUT_KEY)
        await settle(pilot)
        assert isinstance(app.screen, SignOutModal)
        assert "The call open is kept as your draft" in str(
            app.screen.query_one("#sign-out-calls").render()
        )
        await pilot.press("s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert not call.is_attached  # closed, with every screen of the person who left

        (draft,) = drafts(sqlite_demo_desk)
        assert draft.state == "open" and draft.desk_user == "handler"
        assert draft.payload["referrer_name"] == "Dr Amy Stone"

        # The next person is not offered it, at sign-in or at ctrl+n.
        await sign_in(pilot, "night")
        assert isinstance(app.screen, QueueScreen) and not app.my_drafts
        night_call = await start_call(pilot)
        assert night_call.by == "night" and night_call.form.referrer_name == ""
        await sign_out(pilot)  # a call with nothing typed leaves no draft behind
        assert [row.draft_key for row in drafts(sqlite_demo_desk)] == [draft.draft_key]

        # Its own handler is, and it opens as it was typed.
        await sign_in(pilot, "handler")
        assert isinstance(app.screen, ResumeDraftModal)
        assert list(app.screen.offers) == [draft.draft_key]
        await pilot.press("enter")
        await settle(pilot)
        resumed = screen(pilot)
        assert resumed.draft_key == draft.draft_key and resumed.by == "handler"
        assert resumed.query_one("#referrer_name", Input).value == "Dr Amy Stone"
        assert "signed in: handler" in header_text(app)


async def test_sign_out_with_a_dialog_open_over_a_call_on_hold(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "handler")
        first = await start_call(pilot)
        first.set_focus(first.query_one("#referrer_name", Input))
        await pilot.press(*typed("Ward 7"))
        await settle(pilot)
        second = await start_call(pilot)  # the first goes on hold
        second.set_focus(second.query_one("#referrer_name", Input))
        await pilot.press(*typed("Mrs Hill"))
        await pilot.press("escape")  # "Leave this call?" is open
        await settle(pilot)
        assert isinstance(app.screen, LeaveCallModal)
        await pilot.press("f1")  # and the help over it
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)

        await pilot.press(SIGN_OUT_KEY)
        await settle(pilot)
        assert isinstance(app.screen, SignOutModal)
        assert "The 2 calls open are kept" in str(app.screen.query_one("#sign-out-calls").render())
        await pilot.press(SIGN_OUT_KEY)  # the key again says yes
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert not app.open_calls and not app.held_call_words(None)
        kept = {row.payload["referrer_name"]: row for row in drafts(sqlite_demo_desk)}
        assert set(kept) == {"Ward 7", "Mrs Hill"}
        assert all(row.state == "open" and row.desk_user == "handler" for row in kept.values())

        await sign_in(pilot, "night")
        assert isinstance(app.screen, QueueScreen)
        assert "on hold" not in header_text(app)


async def test_a_locked_desk_can_be_signed_out_for_the_next_person(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "handler")
        call = await start_call(pilot)
        call.set_focus(call.query_one("#referrer_name", Input))
        await pilot.press(*typed("Dr Lee"))
        await settle(pilot)
        app.lock()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await sign_out(pilot)
        assert not app.locked
        (draft,) = drafts(sqlite_demo_desk)
        assert draft.desk_user == "handler" and draft.payload["referrer_name"] == "Dr Lee"
        await sign_in(pilot, "night")
        assert isinstance(app.screen, QueueScreen) and not app.locked


async def test_the_command_palette_signs_out(sqlite_demo_desk: DeskService) -> None:
    app = build_app(sqlite_demo_desk)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "handler")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert SIGN_OUT_WORDS in titles
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*typed("sign out"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SignOutModal)
        await pilot.press("s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert SIGN_OUT_WORDS not in [c.title for c in app.get_system_commands(app.screen)]


async def test_a_change_not_yet_saved_reaches_the_draft_as_its_handler_signs_out(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "handler")
        call = await start_call(pilot)
        call.set_focus(call.query_one("#referrer_name", Input))
        await pilot.press(*typed("Dr Amy"))
        await settle(pilot)
        # A key's change is saved after the frame that shows it: signing out in between (in
        # the same turn of the loop) must not lose it.
        call._set("referrer_name", "Dr Amy Stone")
        assert call._pending
        app.sign_out()
        assert call.flush_draft()  # handed to the draft at once, before any frame
        (draft,) = drafts(sqlite_demo_desk)
        assert draft.payload["referrer_name"] == "Dr Amy Stone"
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and not call.is_attached
