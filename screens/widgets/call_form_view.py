"""The call's form on screen: its sections in the order of the conversation, in one column.

It owns what concerns only its widgets: filling them from a `CallForm` (a resumed draft), a
field's message and hint, the options that follow from other answers, and finding a control by
its field's name. What a change means (the checks, the matrix, the draft) is the screen's: the
controls' change events bubble through this container to `screens/triage.py` unchanged.
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Input, TextArea

from screens.triage_form import (
    ASK_PREFIX,
    CHOICES,
    DOES_NOT_APPLY,
    EXTRAS,
    INPUTS,
    TICK_LISTS,
    call_sections,
)
from screens.widgets.choice import Choice
from screens.widgets.field import Field
from screens.widgets.ticks import TickList
from spr_desk.call_form import CallForm
from spr_desk.rules import Rules
from spr_desk.vocabulary import Need, Pathway, label

W = TypeVar("W", bound=Widget)


class CallFormView(VerticalScroll):
    """The call form's sections. A `VerticalScroll`, so the stylesheet's rules for the column
    it replaced still apply; its controls keep their field names as ids."""

    def __init__(self, rules: Rules, **options: Any) -> None:
        """`options`: a widget's own (`id`, `can_focus`, ...)."""
        super().__init__(**options)
        self.rules = rules
        self._index: dict[str, Widget] | None = None

    def compose(self) -> ComposeResult:
        yield from call_sections(self.rules)

    # finding a control --------------------------------------------------------------------

    @property
    def ids(self) -> dict[str, Widget]:
        """Every widget on the form with an id, by id: gathered once, not on every key (a query
        walks the whole form: 6 ms a key)."""
        if self._index is None:
            self._index = {w.id: w for w in self.walk_children(Widget) if w.id}
        return self._index

    def find(self, name: str) -> Widget | None:
        """The control (or heading, or line) with this id, or None if the form has none."""
        return self.ids.get(name)

    def widget(self, name: str, kind: type[W] = Widget) -> W:  # type: ignore[assignment]
        """The control (or heading, or line) with this id, which must be of `kind`."""
        found = self.ids[name]
        assert isinstance(found, kind), (name, kind)
        return found

    # messages -----------------------------------------------------------------------------

    def show_error(self, name: str, message: str | None) -> None:
        """The message under the field whose control is `name` (or none: `message` None)."""
        control = self.find(name)
        field: DOMNode | None = control.parent if control is not None else None
        if isinstance(field, Field):
            field.show_error(message)

    def show_hint(self, name: str, text: str | None) -> None:
        """The hint under the field whose control is `name` (or none: `text` None)."""
        field: DOMNode | None = self.widget(name).parent
        if isinstance(field, Field):
            field.show_hint(text)

    # the form -> the widgets ----------------------------------------------------------------

    def fill(self, form: CallForm) -> None:
        """Put a resumed draft's values into the widgets (their change events find the form
        holding the same values already, and change nothing)."""
        for name in INPUTS:
            self.widget(name, Input).value = getattr(form, name)
        for key, answer in form.caller_answers.items():
            control = self.find(f"{ASK_PREFIX}{key}")
            if control is not None:
                if isinstance(control, Input):
                    control.value = answer
                elif isinstance(control, Choice):
                    control.choose(answer)
        self.show_primary_need_options(form)
        for name in CHOICES:
            self.widget(name, Choice).choose(getattr(form, name))
        for name in TICK_LISTS:
            self.widget(name, TickList).set_selected(getattr(form, name))
        self.widget("red_flags_cleared", TickList).set_selected(
            ["yes"] if form.red_flags_cleared else []
        )
        self.widget("extras", TickList).set_selected(
            [name for name in EXTRAS if getattr(form, name)]
        )
        self.widget("notes", TextArea).text = form.notes
        self.show_pathway_options(form)

    def show_primary_need_options(self, form: CallForm) -> None:
        """The primary need is one of the needs ticked: a primary need no longer ticked is
        dropped from the form too."""
        choice = self.widget("primary_need", Choice)
        choice.set_options((label(Need(value)), value) for value in form.needs)
        choice.prompt = "not named" if form.needs else "not named: tick needs first"
        if form.primary_need not in form.needs:
            form.primary_need = ""

    def show_pathway_options(self, form: CallForm) -> None:
        """The extras that do not apply on the form's pathway, marked so."""
        try:
            pathway: Pathway | None = Pathway(form.pathway)
        except ValueError:
            pathway = None
        self.widget("extras", TickList).set_not_applying(
            DOES_NOT_APPLY.get(pathway, {}) if pathway else {}
        )
