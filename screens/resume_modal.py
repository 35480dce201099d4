"""Calls that were not finished (the desk was closed, killed or lost power): resume one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from spr_desk.uktime import short_local


class ResumeDraftModal(ModalScreen[str | None]):
    """Dismisses with the draft key to resume, or None to leave them for later."""

    CSS_PATH = "modals.tcss"
    DEFAULT_CSS = """
    ResumeDraftModal { align: center middle; }
    ResumeDraftModal OptionList { height: auto; max-height: 10; }
    """
    BINDINGS = [Binding("escape", "later", "Later")]

    def __init__(self, drafts: list[tuple[str, object, str]]) -> None:
        """`drafts`: (key, updated_at, what) for each unfinished call, newest first."""
        super().__init__()
        self.drafts = drafts

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Unfinished call", classes="dialog-title")
            yield Static("A call was not finished. Resume it now? Nothing typed was lost.")
            yield OptionList(
                *(
                    Option(Text(f"{short_local(updated)}  {who}"), id=key)  # type: ignore[arg-type]
                    for key, updated, who in self.drafts
                ),
                id="drafts",
            )
            yield Static("enter  resume     esc  later", classes="dialog-keys")

    def on_mount(self) -> None:
        options = self.query_one("#drafts", OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_later(self) -> None:
        self.dismiss(None)
