"""Unfinished calls (kept as drafts, or left by a desk that was closed, killed or lost power):
resume one, discard one, or start a new call.

Offered at sign-in and at ctrl+n. At ctrl+n the handler may already be typing the new call:
a key pressed before this list was on screen, or any letter typed into it, starts the new call
and is its first key, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol, runtime_checkable

from rich.text import Text
from textual import events
from textual._time import get_time
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.draft_offer import DraftOffer
from spr_desk.uktime import short_local

NEW = "new-call"
KEYS = "enter  resume   ctrl+n  new call   ctrl+d  discard   esc  back"


@runtime_checkable
class DraftHost(Protocol):
    """What the list asks of the app's calls (`screens.call_desk.CallDesk`, which shows this
    list: naming it here would tie the two modules in a circle)."""

    @property
    def user(self) -> str: ...

    def resume_draft(self, offer: DraftOffer) -> None: ...

    def start_new_call(self, first_key: events.Key | None = None) -> None: ...

    def discard_draft(self, draft_key: str) -> None: ...

    def everyones_drafts(self, then: Callable[[list[DraftOffer]], None]) -> object: ...


class ResumeDraftModal(ModalScreen[None]):
    """The drafts in `offers`, newest first; `new_call` adds "Start a new call" (at ctrl+n)."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="resume-draft-modal.back"),
        Binding(
            "ctrl+d",
            "discard",
            "Discard",
            tooltip="Discard the call highlighted (asks)",
            id="resume-draft-modal.discard",
        ),
        Binding(
            "ctrl+a",
            "everyone",
            "Everyone's",
            tooltip="Every desk user's drafts",
            id="resume-draft-modal.everyone",
        ),
    ]

    def __init__(
        self, offers: list[DraftOffer], *, everyone: bool = False, new_call: bool = True
    ) -> None:
        super().__init__()
        self.offers = {offer.draft_key: offer for offer in offers}
        self.may_see_everyone = everyone
        self.new_call = new_call
        self.opened_at: float | None = None
        self._discarding: str | None = None

    @property
    def calls(self) -> DraftHost:
        assert isinstance(self.app, DraftHost)
        return self.app

    def compose(self) -> ComposeResult:
        count = len(self.offers)
        words = "One of your calls is" if count == 1 else f"{count} of your calls are"
        with Vertical(classes="dialog"):
            yield Static("Unfinished calls", classes="dialog-title")
            yield Static(f"{words} not finished. Nothing typed was lost.", id="drafts-intro")
            yield OptionList(*self._options(), id="drafts")
            keys = KEYS + ("   ctrl+a  everyone's" if self.may_see_everyone else "")
            if self.new_call:
                keys += "\nor just start typing: a new call"
            yield Static(keys, classes="dialog-keys", id="drafts-keys")

    def _options(self) -> list[Option]:
        options = [Option("Start a new call", id=NEW)] if self.new_call else []
        for key, offer in sorted(
            self.offers.items(), key=lambda item: item[1].updated_at, reverse=True
        ):
            who = "" if offer.desk_user == self.calls.user else f"{offer.desk_user} · "
            options.append(
                Option(
                    Text(f"{short_local(offer.updated_at)}  {who}{offer.form.summary()}"), id=key
                )
            )
        return options

    def on_mount(self) -> None:
        self.opened_at = get_time()
        options = self.query_one("#drafts", OptionList)
        options.highlighted = 1 if self.new_call and self.offers else 0
        self.set_focus(options)

    # keys -------------------------------------------------------------------------------

    # Sync, though Widget._on_key is async: Textual calls either, and a key here then costs no
    # coroutine (the facts step's key-to-frame p95 was 0.6-0.9 ms slower with it async).
    def _on_key(self, event: events.Key) -> None:  # type: ignore[override]
        early = self.opened_at is None or event.time < self.opened_at
        if self.new_call and (early or (event.is_printable and event.key != "space")):
            # Typed before the list was there, or typed into it: the new call the handler is
            # taking, and its first key.
            event.stop()
            event.prevent_default()
            self.action_new_call(event)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id
        if key == NEW:
            self.action_new_call()
        elif key in self.offers:
            offer = self.offers[key]
            self.dismiss(None)
            self.calls.resume_draft(offer)

    def action_new_call(self, first_key: events.Key | None = None) -> None:
        self.dismiss(None)
        self.calls.start_new_call(first_key)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_discard(self) -> None:
        options = self.query_one("#drafts", OptionList)
        if options.highlighted is None:
            return
        key = options.get_option_at_index(options.highlighted).id
        if key not in self.offers:
            return
        offer = self.offers[key]
        if self._discarding != key:
            self._discarding = key
            self.query_one("#drafts-keys", Static).update(
                Text(f"Discard {offer.form.summary()}?   ctrl+d  yes, discard   esc  keep it")
            )
            return
        self._discarding = None
        del self.offers[key]
        self.calls.discard_draft(key)
        self.notify(f"Discarded: {offer.form.summary()}", markup=False)
        if not self.offers and not self.new_call:
            self.dismiss(None)
            return
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = 0
        self.query_one("#drafts-keys", Static).update(KEYS)

    def action_everyone(self) -> None:
        if not self.may_see_everyone:
            self.notify("Other people's drafts are for supervisors.", severity="warning")
            return

        def show(offers: list[DraftOffer]) -> None:
            self.offers = {offer.draft_key: offer for offer in offers}
            options = self.query_one("#drafts", OptionList)
            options.clear_options()
            options.add_options(self._options())
            options.highlighted = 0
            self.query_one("#drafts-intro", Static).update(
                f"Every open draft on the desk: {len(offers)}."
            )

        self.calls.everyones_drafts(show)
