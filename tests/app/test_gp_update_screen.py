"""The GP update from the referral view, by keyboard (issue 19 points 1-2): closing without the
"GP updated" tick opens the drafted update to read and edit; a refusal is said at the text with
every word typed kept; ctrl+s queues it for the practice's MESH mailbox; escape keeps the edit
as the draft; once queued it is read only and the view says where it is."""

from __future__ import annotations

from typing import Any

from call_script import settle
from textual.pilot import Pilot
from textual.widgets import OptionList, Static, TextArea

from db.desk import DeskService
from screens.gp_update_modal import GpUpdateModal
from screens.referral import ReferralScreen
from spr_desk.call_form import CallForm, referral_from
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.gp_update.mesh_config import MeshConfig
from spr_desk.sample_calls import ETHEL
from spr_desk.uktime import as_local
from spr_desk.vocabulary import GpUpdateState, Status

SIZE = (120, 40)
ADDED = "Seen again today: drinking well."
MESH = MeshConfig(
    path="mesh.toml",
    url="http://127.0.0.1:1",  # nothing is sent from the screen: the outbox's sender does that
    mailbox="X26ABC1",
    password="password",
    shared_key="TestKey",
    practices={"meadowbank surgery": "X26ABC2"},
)


def responded_ethel(desk: DeskService) -> str:
    form = CallForm.from_dict({**ETHEL, "red_flags_cleared": True})
    call = referral_from(form, desk.now(), as_local(desk.now()).date())
    reference = desk.record_referral(call, by="handler1").reference
    desk.move(reference, Status.ALLOCATED, by="handler1", team="ACHT Aylesbury")
    desk.move(reference, Status.RESPONDED, by="nurse1")
    return reference


def shown(pilot: Pilot[Any], selector: str) -> str:
    widget = pilot.app.screen.query_one(selector, Static)
    return "\n".join(line.text for line in widget.render_lines(widget.region.reset_offset))


async def close_without_the_tick(pilot: Pilot[Any]) -> None:
    await settle(pilot)  # the queue read
    await pilot.press("enter")  # the queue's first referral
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReferralScreen)
    await pilot.press("c")
    await settle(pilot)
    options = pilot.app.screen.query_one(OptionList)
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    await pilot.press(*(["down"] * labels.index("no further services")), "enter")
    await pilot.press("ctrl+s")  # the tick left as it is: the GP not told
    await settle(pilot)


async def test_closing_without_the_tick_opens_the_draft_and_ctrl_s_queues_the_edit(
    sqlite_desk: DeskService,
) -> None:
    reference = responded_ethel(sqlite_desk)
    app = build_app(sqlite_desk, user="nurse1")
    async with app.run_test(size=SIZE) as pilot:
        await close_without_the_tick(pilot)
        assert sqlite_desk.summary(reference).status is Status.CLOSED
        modal = app.screen
        assert isinstance(modal, GpUpdateModal)
        body = modal.query_one("#gp-update-body", TextArea)
        assert app.focused is body
        draft = body.text
        assert "Ethel" in draft and reference in draft
        assert "to be acknowledged by" in shown(pilot, "#gp-update-state")

        await pilot.press("enter", *ADDED)
        # No MESH configuration on this desk: refused in words at the text, nothing lost.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is modal
        assert "MESH" in shown(pilot, "#gp-update-error")
        assert body.text.endswith(ADDED)
        stored = sqlite_desk.gp_update(reference)
        assert stored is not None and stored.state is GpUpdateState.DRAFTED
        assert stored.body.endswith(ADDED)  # the edit was kept before the send was refused

        sqlite_desk.mesh_config = MESH
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        stored = sqlite_desk.gp_update(reference)
        assert stored is not None and stored.state is GpUpdateState.QUEUED
        assert stored.mailbox == "X26ABC2" and stored.body.endswith(ADDED)
        line = shown(pilot, "#referral-gp-update")
        assert "GP update: waiting to send" in line, line

        # Queued is read only: g shows it, and ctrl+s says why it cannot change.
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GpUpdateModal)
        assert app.screen.query_one(TextArea).read_only
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "cannot be changed" in shown(pilot, "#gp-update-error")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
    actions = [event.action for event in sqlite_desk.history(reference)]
    assert actions[-3:] == ["GP update drafted", "GP update edited", "GP update queued"], actions


async def test_escape_keeps_the_edit_as_the_draft_and_g_opens_it_again(
    sqlite_desk: DeskService,
) -> None:
    reference = responded_ethel(sqlite_desk)
    app = build_app(sqlite_desk, user="nurse1")
    async with app.run_test(size=SIZE) as pilot:
        await close_without_the_tick(pilot)
        assert isinstance(app.screen, GpUpdateModal)
        await pilot.press("enter", *ADDED, "escape")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        stored = sqlite_desk.gp_update(reference)
        assert stored is not None and stored.state is GpUpdateState.DRAFTED
        assert stored.body.endswith(ADDED)
        assert "GP update: drafted" in shown(pilot, "#referral-gp-update")

        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GpUpdateModal)
        assert app.screen.query_one(TextArea).text.endswith(ADDED)  # the same draft
        assert not app.screen.query_one(TextArea).read_only
    assert [o.reference for o in sqlite_desk.gp_updates_owed()] == [reference]
