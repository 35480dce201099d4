"""Help for the screen in front of the handler (F1): what it asks, and its keys.

The words come from `spr_desk/help_text.py`; the keys are read from the screen's own bindings,
its widgets' and the app's when the help opens, and named as the footer names them, so the
help cannot go out of date.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from screens.widgets.tables import report_table
from spr_desk.help_text import CTRL_NOTE, TEXTUAL_KEY_WORDS, Section, help_for, split_keys

KeyRow = tuple[str, str]
"""The keys as the footer shows them, and what they do."""


def _is_textual(cls: type) -> bool:
    return cls.__module__.split(".")[0] == "textual"


def own_bindings(node: DOMNode) -> list[Binding]:
    """The node's bindings as they stand, less those Textual's own classes give every node
    of its kind (a screen's tab and copy keys): the ones the desk declared."""
    textual_keys = {
        (key, binding.action)
        for base in type(node).__mro__
        if _is_textual(base) and "BINDINGS" in base.__dict__
        for key, binding in BindingsMap(base.__dict__["BINDINGS"])
    }
    return [
        binding
        for key, binding in node._bindings
        if (key, binding.action) not in textual_keys and not binding.system
    ]


def _words(binding: Binding) -> str:
    """What a key does: its footer word and its tooltip, said once."""
    if binding.action in TEXTUAL_KEY_WORDS:
        return TEXTUAL_KEY_WORDS[binding.action]
    description, tooltip = binding.description, binding.tooltip
    if not tooltip or tooltip == description:
        return description or binding.action
    if not description or tooltip.lower().startswith(description.lower()):
        return tooltip
    return f"{description}: {tooltip}"


class HelpScreen(ModalScreen[None]):
    """Help for `screen`: its words, then its keys and the keys that work everywhere."""

    CSS_PATH = ["modals.tcss", "help.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Close the help (F1 too)", id="help.close"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.about = screen
        self.help = help_for(type(screen).__name__, dialog=isinstance(screen, ModalScreen))

    # what it says ----------------------------------------------------------------------------

    def key_name(self, key: str) -> str:
        """A key as the footer shows it."""
        return self.app.get_key_display(Binding(key, ""))

    def screen_keys(self) -> list[KeyRow]:
        """The screen's own keys, then those of the desk's widgets on it (the board, the
        matrix)."""
        nodes: list[DOMNode] = [self.about]
        seen_types: set[type] = set()
        for widget in self.about.walk_children():
            kind = type(widget)
            if kind not in seen_types and not _is_textual(kind):
                seen_types.add(kind)
                nodes.append(widget)
        # A key may do one thing on the screen and another in a widget (enter moves on in the
        # call, and chooses a cell on the matrix): both are listed.
        bindings: list[Binding] = []
        seen: set[tuple[str, str]] = set()
        for node in nodes:
            for binding in own_bindings(node):
                if (binding.key, _words(binding)) not in seen:
                    seen.add((binding.key, _words(binding)))
                    bindings.append(binding)
        return self._rows(bindings)

    def everywhere_keys(self) -> list[KeyRow]:
        """Moving between fields, then the app's keys (they reach past every screen): the
        desk's own first, then those Textual gives every app (quit, the command palette)."""
        focus = [
            binding
            for _, binding in Screen._merge_bindings()
            if binding.action in TEXTUAL_KEY_WORDS
        ]
        desk = [b for b in own_bindings(self.app) if b.action not in TEXTUAL_KEY_WORDS]
        rest = [
            binding
            for _, binding in self.app._bindings
            if not binding.system and binding not in desk
        ]
        return self._rows([*focus, *desk, *rest])

    def _rows(self, bindings: Iterable[Binding]) -> list[KeyRow]:
        # Keys doing the same thing in the same words share a line (enter and ctrl+s: Record).
        grouped: dict[tuple[str, str], list[str]] = {}
        for binding in bindings:
            shown = self.app.get_key_display(binding)
            names = grouped.setdefault((binding.action, _words(binding)), [])
            if shown not in names:
                names.append(shown)
        return [(" ".join(names), words) for (_, words), names in grouped.items()]

    def words(self, line: str, style: str = "") -> Text:
        """A line of the help with each key it names as the footer names it, in bold."""
        text = Text(style=style)
        for piece, is_key in split_keys(line):
            text.append(self.key_name(piece) if is_key else piece, style="bold" if is_key else "")
        return text

    def section_text(self, section: Section) -> Text:
        lines = [self.words(line) for line in section.paragraphs]
        if section.heading:
            lines.insert(0, self.words(section.heading, "bold"))
        return Text("\n").join(lines)

    def keys_table(self, title: str, rows: list[KeyRow]) -> Table:
        table = report_table(title, "Key", "What it does")
        table.columns[1].no_wrap = False
        table.columns[1].ratio = 1
        table.expand = True
        for keys, words in rows:
            table.add_row(Text(keys, style="bold"), Text(words))
        return table

    def keys_part(self) -> RenderableType:
        here, everywhere = self.screen_keys(), self.everywhere_keys()
        parts: list[RenderableType] = []
        if here:
            parts.append(self.keys_table("Keys on this screen", here))
        parts.append(self.keys_table("Keys everywhere", everywhere))
        if any("^" in keys for keys, _ in here + everywhere):
            parts.append(Text(CTRL_NOTE, style="italic"))
        return Group(*parts)

    def plain_text(self) -> str:
        """Everything the help says, as plain text (for tests and for reading back)."""
        lines = [f"Help: {self.help.title}"]
        lines += [self.section_text(section).plain for section in self.help.sections]
        for keys, words in self.screen_keys() + self.everywhere_keys():
            lines.append(f"{keys}  {words}")
        return "\n".join(lines)

    # layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        close = self.key_name("escape")
        with Vertical(classes="dialog", id="help"):
            yield Static(Text(f"Help: {self.help.title}"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                for section in self.help.sections:
                    yield Static(self.section_text(section), classes="help-section")
                yield Static(self.keys_part(), id="help-keys")
            yield Static(
                Text(
                    f"{close} or {self.key_name('f1')}  close     "
                    f"{self.key_name('up')} {self.key_name('down')} "
                    f"{self.key_name('pageup')} {self.key_name('pagedown')}  scroll"
                ),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        # The body takes the keys, so the arrows and page keys scroll it.
        self.query_one("#help-body", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
