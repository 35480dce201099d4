"""The app's calls: the next call built ahead of time, calls on hold, drafts offered again.

- **ctrl+n shows a call that is already built.** Building the call's screen (its styles, its
  layout) took most of a second; keys typed meanwhile were lost. After sign-in, and after each
  call, the next call's screen is built and laid out out of sight (`prepare_next_call`); ctrl+n
  starts its clock and shows it. Keys pressed before it can take them wait their turn
  (`screens/key_order.py`).
- **Calls on hold.** ctrl+n in a call, or ctrl+o to the queue, puts the call on hold: every
  header names it ("call on hold: KILLTEST, Doris, 04:12") and F8 takes it back (a call on
  screen goes on hold in its place).
- **Drafts never out of reach.** A call kept as a draft is offered at the next ctrl+n, with
  the signed-in person's other unfinished calls (a supervisor may ask for everyone's).
- **ctrl+q asks** while a call is open.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive

from screens.context import DeskContext
from screens.draft_offer import DraftOffer
from screens.key_order import KeyOrder
from screens.messages import CallFinished, CallRecorded
from spr_desk.call_form import CallForm
from spr_desk.roles import Permission, allows
from spr_desk.sign_in import SignedIn

if TYPE_CHECKING:
    from screens.triage import TriageScreen
    from spr_desk.desk_api import Desk

QUEUE = "queue"
MOST_CALLS = 3
"""Calls open at once, on screen and on hold: more is a queue, not a desk."""


def held_words(forms: list[tuple[CallForm, datetime]], now: datetime | None) -> str:
    """`call on hold: KILLTEST, Doris, 04:12` for the headers ("2 calls on hold: ..." for more);
    the time is how long each call has run."""
    if not forms:
        return ""
    parts = []
    for form, started in forms:
        seconds = max(0, int(((now or started) - started).total_seconds()))
        parts.append(f"{form.display_name()}, {seconds // 60:02d}:{seconds % 60:02d}")
    if len(parts) == 1:
        return f"call on hold: {parts[0]}"
    return f"{len(parts)} calls on hold: " + "; ".join(parts)


class CallDesk(App[None]):
    """The calls of `SprDeskApp` (which supplies the desk and who is signed in)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f8",
            "take_back",
            "Held call",
            tooltip="Take back the call on hold",
            priority=True,
            id="app.take-back",
        ),
    ]

    desk: Desk | None
    signed_in: SignedIn | None
    _keys: KeyOrder
    held_changes: reactive[int] = reactive(0)
    """Bumped when a call goes on hold or comes back: every header watches it."""

    @property
    def user(self) -> str:
        """Who is signed in: read here, supplied by `SprDeskApp`."""
        raise NotImplementedError

    def _init_calls(self) -> None:
        self._calls: dict[str, TriageScreen] = {}
        """Open calls by mode name, on screen or on hold, in the order they were opened."""
        self._held: list[str] = []
        """Calls on hold, the most recently held last (F8 takes it back)."""
        self._next_call: tuple[str, TriageScreen] | None = None
        self._numbered = 0
        self.my_drafts: dict[str, DraftOffer] = {}
        """The signed-in person's unfinished calls not open now, offered at ctrl+n."""

    def context(self) -> DeskContext:
        """The signed-in person's desk, handed to each screen opened for them (`SprDeskApp`
        builds it)."""
        raise NotImplementedError

    # what the headers say -----------------------------------------------------------------

    def held_call_words(self, now: datetime | None) -> str:
        return held_words(
            [(self._calls[mode].form, self._calls[mode].received_at) for mode in self._held],
            now,
        )

    @property
    def in_call(self) -> bool:
        return self.current_mode in self._calls

    @property
    def open_calls(self) -> int:
        return len(self._calls)

    # the next call, built ahead -------------------------------------------------------------

    def prepare_next_call(self) -> None:
        """Build the next call's screen out of sight, if none is waiting (at most one)."""
        if self._next_call is not None or self.desk is None or self.signed_in is None:
            return
        if not self.is_running:  # closing (this was waiting for a frame): nothing to build for
            return
        from screens.triage import TriageScreen  # the call's widgets load when first needed

        mode, screen = self._new_mode(TriageScreen(self.context()))
        self._next_call = (mode, screen)
        # Mounted, styled and laid out now, at the app's size, so showing it costs a frame.
        self._init_mode(mode)
        self._css_settled(screen)

    def _new_mode(self, screen: TriageScreen) -> tuple[str, TriageScreen]:
        self._numbered += 1
        mode = f"call-{self._numbered}"
        self.add_mode(mode, lambda: screen)
        return mode, screen

    def _css_settled(self, screen: TriageScreen) -> None:
        """Once mounted, the screen has the app's styles: showing it must not restyle it all."""

        async def settle() -> None:
            await screen._mounted_event.wait()
            screen._css_update_count = self._css_update_count
            # Laid out and every widget drawn once, out of sight (the layout Textual made when
            # the screen was added came before its fields were there): cached for its first frame.
            screen._refresh_layout(self.size)
            screen._compositor.render_update(full=True)
            screen._laid_out_for = self.size

        self.run_worker(settle(), group="next-call", exit_on_error=False)

    def _take_next_call(self) -> tuple[str, TriageScreen]:
        if self._next_call is None:
            self.prepare_next_call()
        assert self._next_call is not None
        taken, self._next_call = self._next_call, None
        return taken

    # ctrl+n, F8, ctrl+o ------------------------------------------------------------------------

    def action_call(self) -> None:
        """ctrl+n: a new call (this person's unfinished ones are offered first); a call on
        screen goes on hold."""
        if self.desk is None:
            return
        if self.open_calls >= MOST_CALLS:
            self.notify(
                f"{MOST_CALLS} calls are open: finish or leave one before taking another.",
                severity="warning",
            )
            return
        offered = [d for d in self.my_drafts.values() if d.draft_key not in self._open_keys]
        from screens.resume_modal import ResumeDraftModal

        if isinstance(self.screen, ResumeDraftModal):
            self.screen.action_new_call()  # ctrl+n again: a new call, not the drafts
            return
        if offered:
            self.push_screen(ResumeDraftModal(offered, everyone=self._may_see_everyones_drafts()))
            return
        self.start_new_call()

    def start_new_call(self, first_key: events.Key | None = None) -> None:
        """Show the call built ahead; `first_key` (typed in the drafts list) is its first key."""
        self._hold_current()
        mode, screen = self._take_next_call()
        self._calls[mode] = screen
        screen.begin()
        self.switch_mode(mode)
        if first_key is not None:
            self.pass_key_on(first_key)

    def pass_key_on(self, key: events.Key) -> None:
        """A key one screen took for another (typed into the drafts list: the new call's
        first letter): read again, before any key pressed after it."""
        self._keys.pass_on(key)

    def resume_draft(self, offer: DraftOffer) -> None:
        """Open an unfinished call as it was saved (its clock runs from when it was taken)."""
        from screens.triage import TriageScreen

        assert self.desk is not None
        self._hold_current()
        self.my_drafts.pop(offer.draft_key, None)
        draft = (offer.draft_key, offer.form, offer.revision)
        mode, screen = self._new_mode(TriageScreen(self.context(), draft=draft))
        self._calls[mode] = screen
        self.switch_mode(mode)

    def triage_sent(self, form: CallForm) -> None:
        """Open the triage of a referral a 999 service sent, its form filled from what was
        sent (`spr_desk.bars.prefill`): a call like any other, kept as a draft as it is typed."""
        from screens.triage import TriageScreen

        if self.open_calls >= MOST_CALLS:
            self.notify(
                f"{MOST_CALLS} calls are open: finish or leave one before triaging another.",
                severity="warning",
            )
            return
        if any(call.form.bars_reference == form.bars_reference for call in self._calls.values()):
            self.notify(f"{form.bars_reference} is being triaged already: F8 takes it back.")
            return
        self._hold_current()
        draft = (uuid.uuid4().hex, form, 0)
        mode, screen = self._new_mode(TriageScreen(self.context(), draft=draft))
        self._calls[mode] = screen
        self.switch_mode(mode)

    def discard_draft(self, draft_key: str) -> None:
        self.my_drafts.pop(draft_key, None)
        self._finish_draft(draft_key)

    @work(thread=True, exit_on_error=False, group="drafts")
    def _finish_draft(self, draft_key: str) -> None:
        assert self.desk is not None
        self.desk.finish_draft(draft_key, state="discarded")

    def _may_see_everyones_drafts(self) -> bool:
        return self.signed_in is not None and allows(self.signed_in.role, Permission.REVIEW)

    @work(thread=True, exit_on_error=False, group="drafts")
    def everyones_drafts(self, then: Callable[[list[DraftOffer]], None]) -> None:
        """Every open draft on the desk (for a supervisor who asks), handed to `then`."""
        assert self.desk is not None
        rows = [DraftOffer.of(row) for row in self.desk.open_drafts()]
        open_keys = self._open_keys
        self.call_from_thread(then, [row for row in rows if row.draft_key not in open_keys])

    @property
    def _open_keys(self) -> set[str]:
        return {screen.draft_key for screen in self._calls.values()}

    def _hold_current(self) -> None:
        if self.in_call and self.current_mode not in self._held:
            self._held.append(self.current_mode)
            self._headers_changed()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_back":
            return bool(self._held)  # in the footer only while a call is on hold
        return super().check_action(action, parameters)

    def action_take_back(self) -> None:
        """F8: the call held last comes back; one on screen goes on hold in its place."""
        if not self._held:
            self.notify("No call is on hold.", timeout=3)
            return
        mode = self._held.pop()
        self._hold_current()
        self.switch_mode(mode)
        self._headers_changed()

    def action_queue(self) -> None:
        """ctrl+o: the queue; a call on screen goes on hold."""
        if self.desk is not None and self.current_mode != QUEUE:
            self._hold_current()
            self.switch_mode(QUEUE)

    def _headers_changed(self) -> None:
        self.held_changes += 1
        self.refresh_bindings()

    # a call ends --------------------------------------------------------------------------

    @on(CallRecorded)
    def _call_recorded(self, _message: CallRecorded) -> None:
        # The reference is being read out: the next call is built meanwhile, not after.
        self.call_after_refresh(self.prepare_next_call)

    @on(CallFinished)
    async def _call_finished(self, message: CallFinished) -> None:
        mode = next(
            (m for m, screen in self._calls.items() if screen.draft_key == message.draft_key),
            None,
        )
        if message.kept is not None and self.signed_in is not None:
            screen = self._calls.get(mode or "")
            if screen is not None:
                self.my_drafts[message.draft_key] = DraftOffer(
                    message.draft_key,
                    self.user,
                    screen.ctx.clock(),
                    message.kept,
                    screen.revision,
                )
        else:
            self.my_drafts.pop(message.draft_key, None)
        if mode is None:
            return
        del self._calls[mode]
        if mode in self._held:
            self._held.remove(mode)
        if self.current_mode == mode:
            await self.switch_mode(QUEUE)
        await self.remove_mode(mode)
        self._headers_changed()
        queue = self.screen
        if hasattr(queue, "action_refresh_queue"):
            queue.action_refresh_queue()
        self.call_after_refresh(self.prepare_next_call)

    # quitting -------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        if not self._calls:
            self.exit()
            return
        from screens.quit_modal import QuitModal

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                for screen in self._calls.values():
                    screen._saver.flush()
                self.exit()

        self.push_screen(QuitModal(len(self._calls)), answered)
