"""The live recommendation beside the call: the matrix, why, the due time and any override."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from screens.widgets.field import Field
from screens.widgets.form_input import FormInput
from screens.widgets.matrix_grid import MatrixGrid
from spr_desk.matrix import Availability, Cell, Recommendation
from spr_desk.uktime import short_local
from spr_desk.vocabulary import Outcome, label


class RecommendationPanel(VerticalScroll):
    DEFAULT_CSS = """
    RecommendationPanel {
        /* the grid (34), its margin and a one-column scrollbar kept for it, so long reasons
           scroll without squeezing the grid ("Social" lost its last letter) */
        width: 37;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
        height: 1fr;
        border-left: vkey $primary;
        padding: 0 0 0 1;
        & #panel-title { text-style: bold; }
        & #panel-outcome { text-style: bold; margin-top: 1; }
        & #panel-reasons { color: $text; }
        & #panel-outcome.-emergency { color: $text-error; }
        & #panel-choice { text-style: bold; color: $text-warning; }
        & #override-field { display: none; }
        & #override_reason { height: 1; width: 1fr; margin: 0 1; }
        & #override-field.-shown { display: block; }
    }
    """

    def compose(self) -> ComposeResult:
        # What the handler acts on first, at the top: the cell, the due time, any override and
        # its reason; the reasons, which can run long, below them.
        yield Static("Recommendation (F5)", id="panel-title")
        yield MatrixGrid(id="matrix")
        yield Static("", id="panel-outcome")
        yield Static("", id="panel-choice")
        yield Field(
            "Why a different cell? (required)",
            FormInput(
                id="override_reason",
                placeholder="(the reason, for the record)",
                compact=True,
                select_on_focus=False,
            ),
            id="override-field",
        )
        yield Static(Text("Fill in the facts to see the matrix's advice."), id="panel-reasons")

    def show(
        self,
        recommendation: Recommendation | None,
        availability: Availability,
        chosen: Cell | None,
        due: datetime | None = None,
        *,
        agreed: bool = False,
    ) -> None:
        """Put the latest recommendation and the handler's choice on the panel; `due` is the
        due time of what will be recorded (the cell chosen, else the recommendation)."""
        grid = self.query_one(MatrixGrid)
        grid.availability = availability
        grid.recommended = recommendation.cell if recommendation else None
        grid.chosen = chosen
        grid.agreed_by_handler = agreed
        if recommendation is not None and recommendation.cell is not None and chosen is None:
            grid.cursor = recommendation.cell
        outcome = self.query_one("#panel-outcome", Static)
        reasons = self.query_one("#panel-reasons", Static)
        outcome.set_class(
            recommendation is not None and recommendation.outcome is Outcome.EMERGENCY, "-emergency"
        )
        if recommendation is None:
            outcome.update("")
            reasons.update(Text("Fill in pathway, setting and needs to see the matrix's advice."))
        else:
            outcome.update(Text(_headline(recommendation)))
            reasons.update(Text("\n".join(f"• {reason}" for reason in recommendation.reasons)))
        override = bool(
            recommendation is not None and chosen is not None and chosen != recommendation.cell
        )
        choice = ""
        if override and chosen is not None:
            when = f", due {short_local(due)}" if due else ""
            choice = f"Your choice: {label(chosen[0])} / {label(chosen[1])}{when}"
        self.query_one("#panel-choice", Static).update(Text(choice))
        self.query_one("#override-field").set_class(override, "-shown")


def _headline(recommendation: Recommendation) -> str:
    if recommendation.outcome is Outcome.EMERGENCY:
        return "EMERGENCY: advise 999 / A&E"
    if recommendation.outcome is Outcome.REDIRECT:
        return "REDIRECT: not for the SPR"
    assert recommendation.response is not None
    due = f", due {short_local(recommendation.due_at)}" if recommendation.due_at else ""
    if recommendation.outcome is Outcome.ESCALATE:
        return f"ESCALATE: {label(recommendation.response)}, no lead can go{due}"
    assert recommendation.lead is not None
    return f"{label(recommendation.response)} / {label(recommendation.lead)}{due}"
