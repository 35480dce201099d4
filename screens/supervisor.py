"""The supervisor view: the week's figures, breaches, overrides, the open queue, review flags."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static

from screens.export_modal import ExportModal, ExportRange
from screens.exports import export_path, open_private
from screens.flag_modal import FlagAnswer, FlagModal
from screens.permitted import acting_user
from screens.widgets.desk_header import DeskHeader
from screens.widgets.tables import report_table
from spr_desk.supervision import Review, hour_chart, percent
from spr_desk.uktime import as_local, short_local, uk_days
from spr_desk.vocabulary import Lead, Response, cell_words, label, word_for

if TYPE_CHECKING:
    # Types only: importing the database layer here would put SQLAlchemy before the first frame.
    from db.desk import DeskService
    from db.supervision import FlagRow

CHART_WIDTH = 40
"""Characters of one hour-chart line: `08 ` + bar + count."""
BREACH_STYLE = "bold #d55e00"  # Okabe-Ito vermilion, with the word BREACHED beside it
LISTED = 50
"""Breaches and overrides listed on screen (those awaiting a response first); the summary
counts them all and the export holds every one. Hundreds of rows read as nothing on a screen,
and laying them out took a third of a second."""


def summary_text(review: Review) -> Text:
    late = len(review.breaches)
    redirected = f"{review.redirected_today} today, {review.redirected_period}"
    return Text.assemble(
        ("Today ", "bold"),
        str(review.today),
        "  ·  ",
        ("Last 7 days ", "bold"),
        str(review.week),
        "  ·  ",
        ("Open ", "bold"),
        str(review.open_total),
        "  ·  ",
        ("Breaches ", "bold"),
        (str(late), BREACH_STYLE if late else ""),
        "  ·  ",
        ("Overrides ", "bold"),
        str(len(review.overrides)),
        "\n",
        ("Redirected to 999 / A&E ", "bold"),
        f"{redirected} in the last {review.days} days",
    )


def met_table(review: Review) -> Table:
    table = report_table("Responded in time", "Response", "In time", "Responded", "Share")
    for share in review.met_in_time:
        table.add_row(
            label(share.response), str(share.met), str(share.responded), percent(share.share)
        )
    return table


def outcomes_text(review: Review) -> Text:
    outstanding = review.gp_updates_outstanding
    text = Text.assemble(
        ("Outcomes", "bold"),
        f"\nClosed {review.closed}; no further services {review.no_further_services} "
        f"({percent(review.no_further_services_share)})",
        ("\nGP updates outstanding ", "bold"),
        str(len(outstanding)),
    )
    if outstanding:
        text.append("\n" + ", ".join(outstanding))
    return text


def breaches_table(review: Review) -> Table | Text:
    if not review.breaches:
        return Text.assemble(("Breaches", "bold"), "\nNone.")
    table = report_table("Breaches", "Reference", "Response", "Due", "State", "Why late")
    # Those still awaiting their first response first: they can still be put right.
    for breach in sorted(review.breaches, key=lambda b: not b.awaiting)[:LISTED]:
        table.add_row(
            Text(breach.reference),
            Text(word_for(breach.response, Response)),
            Text(short_local(breach.due_at) if breach.due_at else "-"),
            Text(
                "BREACHED, awaiting" if breach.awaiting else "responded late",
                style=BREACH_STYLE if breach.awaiting else "",
            ),
            Text(breach.reason or "-"),
        )
    return _with_more(table, len(review.breaches))


def overrides_table(review: Review) -> Table | Text:
    if not review.overrides:
        return Text.assemble(("Overrides", "bold"), "\nNone.")
    table = report_table("Overrides", "Reference", "Recommended", "Agreed", "Reason")
    for override in review.overrides[:LISTED]:
        table.add_row(
            Text(override.reference),
            Text(cell_words(override.rec_response, override.rec_lead)),
            Text(cell_words(override.response, override.lead)),
            Text(override.reason or "-"),
        )
    return _with_more(table, len(review.overrides))


def _with_more(table: Table, count: int) -> Table:
    if count > LISTED:
        table.caption = f"The first {LISTED} of {count}: e exports every referral."
        table.caption_justify = "left"
    return table


def queue_tables(review: Review) -> Table:
    by_lead = report_table("Open by lead", "Lead", "Open")
    for lead, count in review.queue_by_lead:
        by_lead.add_row(Text(word_for(lead if lead != "-" else None, Lead)), str(count))
    by_locality = report_table("Open by locality", "Locality", "Open")
    for locality, count in review.queue_by_locality:
        by_locality.add_row(Text(locality), str(count))
    side_by_side = Table.grid(padding=(0, 4))
    side_by_side.add_row(by_lead, by_locality)
    return side_by_side


def hour_text(review: Review) -> Text:
    lines = hour_chart(list(review.by_hour), CHART_WIDTH)
    return Text.assemble(("Referrals by hour (UK time)", "bold"), "\n", "\n".join(lines))


def flags_table(flags: list[FlagRow]) -> Table | Text:
    if not flags:
        return Text.assemble(("Review flags", "bold"), "\nNone yet. Press f to flag a referral.")
    table = report_table("Review flags", "When", "Reference", "By", "Comment")
    for flag in flags:
        table.add_row(
            Text(short_local(flag.flagged_at)),
            Text(flag.reference),
            Text(flag.flagged_by),
            Text(flag.comment),
        )
    return table


EXPORT_DAYS = 7
"""The export offers today and the six UK days before it, to be changed as needed."""


class SupervisorScreen(Screen[None]):
    """Figures for the supervisor, read in a worker; `f` flags a referral for review."""

    CSS_PATH = "supervisor.tcss"
    BINDINGS = [
        Binding("f", "flag", "Flag for review", tooltip="Flag a referral for review"),
        Binding("e", "export", "Export CSV", tooltip="Write the referrals of chosen days to CSV"),
        Binding("r", "refresh", "Refresh", tooltip="Read the figures again now"),
        Binding("a", "audit", "Audit trail", tooltip="Every change: by person, referral, days"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, desk: DeskService) -> None:
        super().__init__()
        self.desk = desk
        self.review: Review | None = None
        self.last_export: tuple[Path, int] | None = None
        self.flags: list[FlagRow] = []

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with VerticalScroll(id="supervisor-body"):
            yield Static("Loading the figures...", id="supervisor-summary")
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static("", id="supervisor-met", classes="section")
            yield Static("", id="supervisor-outcomes", classes="section")
            yield Static("", id="supervisor-breaches", classes="section")
            yield Static("", id="supervisor-overrides", classes="section")
            yield Static("", id="supervisor-queue", classes="section")
            yield Static("", id="supervisor-hours", classes="section")
            yield Static("", id="supervisor-flags", classes="section")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Supervisor"
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="supervisor")
    def _load(self) -> None:
        try:
            review = self.desk.review()
            flags = self.desk.review_flags()
        except Exception as error:  # noqa: BLE001 - shown on screen, the app keeps running
            self.app.call_from_thread(self._failed, type(error).__name__)
            return
        self.app.call_from_thread(self._show, review, flags)

    def _failed(self, error: str) -> None:
        self.query_one("#supervisor-summary", Static).update(
            Text(f"Could not read the figures ({error}); press r to try again.")
        )
        self.notify("Could not read the figures.", severity="error", markup=False)

    def _show(self, review: Review, flags: list[FlagRow]) -> None:
        self.review = review
        self.flags = flags
        self.query_one(DeskHeader).now = review.now
        sections: dict[str, Any] = {
            "#supervisor-summary": summary_text(review),
            "#supervisor-met": met_table(review),
            "#supervisor-outcomes": outcomes_text(review),
            "#supervisor-breaches": breaches_table(review),
            "#supervisor-overrides": overrides_table(review),
            "#supervisor-queue": queue_tables(review),
            "#supervisor-hours": hour_text(review),
            "#supervisor-flags": flags_table(flags),
        }
        for selector, renderable in sections.items():
            self.query_one(selector, Static).update(renderable)

    # export -----------------------------------------------------------------------------------

    def action_export(self) -> None:
        """Ask which days (the last seven offered), then write them to CSV with progress."""
        last = as_local(self.desk.now()).date()
        first = last - timedelta(days=EXPORT_DAYS - 1)
        self.app.push_screen(ExportModal(first, last), self._export_chosen)

    def _export_chosen(self, chosen: ExportRange | None) -> None:
        if chosen is None:
            return
        first, last = chosen.first, chosen.last
        path = export_path(f"referrals-{first.isoformat()}-to-{last.isoformat()}.csv")
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("-shown")
        self._export(first, last, path)

    @work(thread=True, exclusive=True, exit_on_error=False, group="supervisor-export")
    def _export(self, first: date, last: date, path: Path) -> None:
        start, end = uk_days(first, last)
        bar = self.query_one("#export-progress", ProgressBar)
        try:
            with open_private(path) as handle:
                count = self.desk.export_referrals(
                    start,
                    end,
                    handle,
                    on_progress=lambda done: self.app.call_from_thread(bar.update, progress=done),
                )
        except Exception as error:  # noqa: BLE001 - said on screen, the app keeps running
            self.app.call_from_thread(
                self.notify,
                f"Export failed ({type(error).__name__}).",
                severity="error",
                markup=False,
            )
            return
        self.last_export = (path, count)
        self.app.call_from_thread(bar.update, total=max(count, 1), progress=max(count, 1))
        self.app.call_from_thread(
            self.notify, f"Wrote {count} referrals to {path}", markup=False, timeout=15
        )

    def action_flag(self) -> None:
        self.app.push_screen(FlagModal(), self._flag_answered)

    def _flag_answered(self, answer: FlagAnswer | None) -> None:
        if answer is not None:
            self._flag(answer)

    @work(thread=True, exit_on_error=False, group="supervisor-flag")
    def _flag(self, answer: FlagAnswer) -> None:
        from db.actions import DeskError

        by = acting_user(self)
        try:
            self.desk.flag_for_review(answer.reference, answer.comment, by)
        except DeskError as refused:
            self.app.call_from_thread(
                self.notify, str(refused), severity="error", markup=False, timeout=10
            )
            return
        except Exception as error:  # noqa: BLE001 - shown, the app keeps running
            self.app.call_from_thread(
                self.notify,
                f"Could not flag the referral ({type(error).__name__}).",
                severity="error",
                markup=False,
            )
            return
        self.app.call_from_thread(
            self.notify, f"{answer.reference} flagged for review.", markup=False
        )
        self._load()

    def action_audit(self) -> None:
        from screens.audit import AuditScreen

        self.app.push_screen(AuditScreen(self.desk))

    def action_back(self) -> None:
        self.dismiss(None)
