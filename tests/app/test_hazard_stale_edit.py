"""Hazard H015, a stale edit from a second desk overwriting newer work: a referral open on one
desk and changed meanwhile at another is not changed again from the first desk's old view. The
edit is refused in words, the other desk's change stands, and the view reads the referral again,
so the next edit is made on what is there now."""

from __future__ import annotations

from call_script import settle
from textual.widgets import Static

from db.desk import DeskService
from screens.action_modal import ActionModal
from screens.queue import QueueScreen
from screens.referral import ReferralScreen
from spr_desk.call_form import CallForm, referral_from
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.sample_calls import ETHEL
from spr_desk.uktime import as_local
from spr_desk.vocabulary import Status

SIZE = (120, 40)


def record_ethel(desk: DeskService) -> str:
    form = CallForm.from_dict({**ETHEL, "red_flags_cleared": True})
    call = referral_from(form, desk.now(), as_local(desk.now()).date())
    return desk.record_referral(call, by="handler1").reference


def notices(app: object, words: str) -> int:
    return sum(words in str(note.message) for note in app._notifications)  # type: ignore[attr-defined]


async def test_an_edit_from_a_view_another_desk_has_changed_since_is_refused_and_read_again(
    sqlite_desk: DeskService,
) -> None:
    reference = record_ethel(sqlite_desk)
    other_desk = DeskService(sqlite_desk.engine, clock=sqlite_desk.clock)
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, ReferralScreen) and view.reference == reference
        assert view.detail is not None and view.detail.summary.status is Status.RECORDED
        # Meanwhile the second desk allocates it: this desk's view is now out of date.
        other_desk.move(reference, Status.ALLOCATED, by="desk2", team="ACHT Thame")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ActionModal)
        await pilot.press(*"duplicate", "ctrl+s")
        await settle(pilot)
        assert notices(app, "changed at another desk since you opened it") == 1
        summary = sqlite_desk.summary(reference)
        assert (summary.status, summary.allocated_team) == (Status.ALLOCATED, "ACHT Thame")
        assert [e.action for e in sqlite_desk.history(reference)] == [
            "recorded",
            "status:allocated",
        ]
        # The view has read the referral again: it shows the other desk's change ...
        assert app.screen is view
        assert view.detail is not None and view.detail.summary.status is Status.ALLOCATED
        shown = view.query_one("#referral-main", Static)
        text = "\n".join(line.text for line in shown.render_lines(shown.region.reset_offset))
        assert "ACHT Thame" in text, text
        # ... and an edit made on what is there now is taken.
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"duplicate", "ctrl+s")
        await settle(pilot)
    summary = sqlite_desk.summary(reference)
    assert (summary.status, summary.status_reason) == (Status.CANCELLED, "duplicate")
    assert [e.actor for e in sqlite_desk.history(reference)] == ["handler1", "desk2", "desk1"]
