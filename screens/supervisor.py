"""The supervisor view: the week's figures, overrides held for sign-off, breaches, the GP
updates owed, the month's national UCR measures, the open queue, whether the desk is staffed for
its calls, review flags; `c` opens the charts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, ProgressBar, Static

from screens.context import DeskContext, permitted
from screens.desk_screen import DeskScreen
from screens.export_modal import ExportModal, ExportRange
from screens.exports import export_path, open_private
from screens.fault_words import failure_words
from screens.flag_modal import FlagAnswer, FlagModal
from screens.palette import BREACHED, theme_colour
from screens.sign_off_modal import SignOffModal
from screens.widgets.desk_header import DeskHeader
from screens.widgets.fitted_columns import Column, fit_columns, needed
from screens.widgets.tables import report_table
from spr_desk.desk_api import DeskError
from spr_desk.due import format_time_left
from spr_desk.roles import Permission
from spr_desk.supervision import HeldOverride, Review, hour_chart, percent
from spr_desk.uktime import as_local, short_local, uk_days
from spr_desk.vocabulary import Lead, Response, cell_words, label, word_for

if TYPE_CHECKING:
    from spr_desk.call_profile import StaffingTable
    from spr_desk.csds import UcrMeasures
    from spr_desk.desk_api import DrillRow, FlagRow, PaperCall
    from spr_desk.gp_update.views import GpUpdateOwed

CHART_WIDTH = 40
"""Characters of one hour-chart line: `08 ` + bar + count."""
BREACH_STYLE = f"bold {BREACHED}"  # with the word BREACHED beside it
"""In the palette's colour; the screen passes its theme's (`SupervisorScreen.breach_style`)."""
LISTED = 50
"""Breaches and overrides listed on screen (those awaiting a response first); the summary
counts them all and the export holds every one. Hundreds of rows read as nothing on a screen,
and laying them out took a third of a second."""


def summary_text(review: Review, held: int = 0, late_style: str = BREACH_STYLE) -> Text:
    """Today's and the last 7 days' figures, each with its redirects, and what they count."""
    late = len(review.breaches)
    first = short_local(review.week_start)[:10] if review.week_start else "a week ago"
    return Text.assemble(
        ("Today ", "bold"),
        f"{review.today} ({review.redirected_today} redirected)",
        "  ·  ",
        ("Last 7 days ", "bold"),
        f"{review.week} ({review.redirected_period} redirected)",
        "  ·  ",
        ("Open ", "bold"),
        str(review.open_total),
        "\n",
        ("Breaches ", "bold"),
        (str(late), late_style if late else ""),
        "  ·  ",
        ("Held for sign-off ", "bold"),
        (str(held), late_style if held else ""),
        "  ·  ",
        ("Overrides ", "bold"),
        str(len(review.overrides)),
        "\n",
        (
            f"Last 7 days: received from 00:00 {first} to now, the days e exports. "
            "Redirected: sent to 999 / A&E at a red flag, in the totals too.",
            "dim",
        ),
        "\n",
        (
            "Keys: c charts · f flag · e export CSV · d downtime pack · r refresh · a audit trail",
            "dim",
        ),
    )


def met_table(review: Review) -> Table:
    table = report_table("Responded in time", "Response", "In time", "Responded", "Share")
    for share in review.met_in_time:
        table.add_row(
            label(share.response), str(share.met), str(share.responded), percent(share.share)
        )
    return table


def outcomes_text(review: Review) -> Text:
    return Text.assemble(
        ("Outcomes", "bold"),
        f"\nClosed {review.closed}; no further services {review.no_further_services} "
        f"({percent(review.no_further_services_share)})",
    )


def gp_owed_rows(
    owed: list[GpUpdateOwed], late_style: str = BREACH_STYLE
) -> list[tuple[str, dict[str, Text]]]:
    """The GP updates owed, overdue first then soonest due (as the desk lists them)."""
    rows = []
    for update in sorted(owed, key=lambda u: not u.overdue)[:LISTED]:
        due = short_local(update.due_at)
        rows.append(
            (
                update.reference,
                {
                    "reference": Text(update.reference),
                    "state": Text(label(update.state) if update.state else "none drafted"),
                    "due": Text(
                        f"OVERDUE {due}" if update.overdue else due,
                        style=late_style if update.overdue else "",
                    ),
                    "patient": Text(update.patient),
                    "practice": Text(update.practice or "no practice on the record"),
                },
            )
        )
    return rows


GP_OWED_COLUMNS = (
    ("reference", "Reference", 0, 15),
    ("state", "State", 1, 15),
    ("due", "Acknowledged by", 2, 24),
    ("patient", "Patient", 3, 0),
    ("practice", "Practice", 4, None),
)


def overrides_table(review: Review) -> Table | Text:
    if not review.overrides:
        return Text.assemble(("Overrides", "bold"), "\nNone.")
    table = report_table("Overrides", "Reference", "Recommended", "Agreed", "Reason")
    _wrap_last(table)
    for override in review.overrides[:LISTED]:
        table.add_row(
            Text(override.reference),
            Text(cell_words(override.rec_response, override.rec_lead)),
            Text(cell_words(override.response, override.lead)),
            Text(override.reason or "-"),
        )
    return _with_more(table, len(review.overrides))


def _wrap_last(table: Table) -> None:
    """The free-text column wraps at whole words rather than being cut to a stub."""
    table.columns[-1].no_wrap = False
    table.columns[-1].overflow = "fold"


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
    _wrap_last(table)
    for flag in flags:
        table.add_row(
            Text(short_local(flag.flagged_at)),
            Text(flag.reference),
            Text(flag.flagged_by),
            Text(flag.comment),
        )
    return table


def downtime_text(
    drill: DrillRow | None, paper: list[PaperCall], late_style: str = BREACH_STYLE
) -> Text:
    """When the downtime drill last ran and how it went, and the calls entered from paper, with
    the due times that passed on paper named (never hidden)."""
    text = Text("Downtime", style="bold")
    if drill is None:
        text.append("\nNo downtime drill has been run: spr-desk downtime drill.")
    else:
        figures = drill.figures
        went = "reconciled" if figures.get("reconciled") else "NOT RECONCILED"
        text.append(
            f"\nLast drill {short_local(drill.ran_at)} by {drill.ran_by}: {went}; pack of "
            f"{figures.get('open_referrals', '?')} open in "
            f"{figures.get('pack_build_seconds', '?')} s "
            f"+ {figures.get('pack_render_seconds', '?')} s to print; "
            f"{figures.get('sheets_entered', '?')} sheets entered in "
            f"{figures.get('entry_seconds', '?')} s."
        )
    if not paper:
        text.append("\nNo calls entered from paper.")
        return text
    late = [call for call in paper if call.breached_on_paper]
    text.append(f"\nEntered from paper: {len(paper)}; breached on paper: ")
    text.append(str(len(late)), late_style if late else "")
    for call in late[:LISTED]:
        due = short_local(call.due_at) if call.due_at else "-"
        text.append(
            f"\n  {call.reference} BREACHED ON PAPER: received {short_local(call.received_at)}, "
            f"due {due}, entered {short_local(call.entered_at)}"
        )
    return text


def breach_rows(
    review: Review, late_style: str = BREACH_STYLE
) -> list[tuple[str, dict[str, Text]]]:
    """The breaches listed, those still awaiting their first response first (they can still
    be put right): (reference, cells by column key)."""
    rows = []
    for breach in sorted(review.breaches, key=lambda b: not b.awaiting)[:LISTED]:
        rows.append(
            (
                breach.reference,
                {
                    "reference": Text(breach.reference),
                    "state": Text(
                        "BREACHED, awaiting" if breach.awaiting else "responded late",
                        style=late_style if breach.awaiting else "",
                    ),
                    "why": Text(breach.reason or "-"),
                    "due": Text(short_local(breach.due_at) if breach.due_at else "-"),
                    "response": Text(word_for(breach.response, Response)),
                },
            )
        )
    return rows


BREACH_COLUMNS = (
    # (key, label, priority, widest value or None for the free text)
    ("reference", "Reference", 0, 15),
    ("state", "State", 1, 18),
    ("why", "Why late", 2, None),
    ("due", "Due", 3, 16),
    ("response", "Response", 4, 8),
)


def held_rows(
    held: tuple[HeldOverride, ...], now: datetime, late_style: str = BREACH_STYLE
) -> list[tuple[str, dict[str, Text]]]:
    """The overrides held for sign-off, soonest due first."""
    rows = []
    for override in held[:LISTED]:
        left = override.time_left(now)
        asked, agreed = override.rec_response, override.response
        cell = f"{word_for(asked, Response)} → {word_for(agreed, Response)}"
        if override.rec_lead != override.lead:
            cell = f"{cell_words(asked, override.rec_lead)} → {cell_words(agreed, override.lead)}"
        rows.append(
            (
                override.reference,
                {
                    "reference": Text(override.reference),
                    "cell": Text(cell),
                    "left": Text(format_time_left(left), style=late_style if left.days < 0 else ""),
                    "reason": Text(override.reason),
                    "by": Text(override.recorded_by),
                    "when": Text(short_local(override.recorded_at)),
                },
            )
        )
    return rows


HELD_COLUMNS = (
    ("reference", "Reference", 0, 15),
    ("cell", "Asked → agreed", 1, 0),
    ("left", "Left", 2, 8),
    ("reason", "Reason", 3, None),
    ("by", "By", 4, 0),
    ("when", "Recorded", 5, 16),
)
MIN_FREE_TEXT = 14
"""The narrowest a wrapped free-text column is shown; narrower, the column is dropped."""


def columns_for(
    spec: tuple[tuple[str, str, int, int | None], ...],
    rows: list[tuple[str, dict[str, Text]]],
) -> list[Column]:
    """Each column's need: its label and widest value (a free-text column its minimum)."""
    columns = []
    for key, label_, priority, width in spec:
        if width is None:
            columns.append(Column(key, label_, MIN_FREE_TEXT, priority, flexible=True))
            continue
        values = [cells[key].plain for _, cells in rows]
        columns.append(Column(key, label_, max(width, needed(label_, values)), priority))
    return columns


def fill_table(
    table: DataTable[Text],
    spec: tuple[tuple[str, str, int, int | None], ...],
    rows: list[tuple[str, dict[str, Text]]],
    room: int,
) -> None:
    """The rows in the columns that fit `room` (dropped whole by priority), the free text
    wrapped at whole words, never cut to a stub; each row keyed by its reference."""
    table.clear(columns=True)
    fitted = fit_columns(columns_for(spec, rows), room)
    for column, width in fitted:
        table.add_column(column.label, width=width, key=column.key)
    for reference, cells in rows:
        table.add_row(*(cells[column.key] for column, _ in fitted), key=reference, height=None)


EXPORT_DAYS = 7
"""The export offers today and the six UK days before it, to be changed as needed."""


class SupervisorScreen(DeskScreen):
    """Figures for the supervisor, read in a worker. Enter on a held override or a breach opens
    its referral; `s` signs off the held override under the cursor; `f` flags a referral."""

    CSS_PATH = "supervisor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open",
            "Open",
            tooltip="Open the referral under the cursor",
            id="supervisor.open",
        ),
        Binding(
            "s",
            "sign_off",
            "Sign off",
            tooltip="Sign off the held override under the cursor",
            id="supervisor.sign-off",
        ),
        # Named in the summary's last line rather than the footer, which at 80 columns holds
        # the desk's own keys as well.
        Binding(
            "f",
            "flag",
            "Flag",
            tooltip="Flag a referral for review",
            show=False,
            id="supervisor.flag",
        ),
        Binding(
            "e",
            "export",
            "Export",
            tooltip="Write the referrals of chosen days to CSV",
            show=False,
            id="supervisor.export",
        ),
        Binding(
            "d",
            "downtime_pack",
            "Downtime pack",
            tooltip="Print the downtime pack: the open queue, the rota, the card, blank sheets",
            show=False,
            id="supervisor.downtime-pack",
        ),
        Binding(
            "c",
            "charts",
            "Charts",
            tooltip="Referrals by hour and day, met in time by week, breaches, the open queue",
            show=False,
            id="supervisor.charts",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            tooltip="Read the figures again now",
            show=False,
            id="supervisor.refresh",
        ),
        Binding(
            "a",
            "audit",
            "Audit",
            tooltip="Every change: by person, referral, days",
            id="supervisor.audit",
        ),
        Binding("escape", "back", "Back", id="supervisor.back"),
    ]

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx)
        self.review: Review | None = None
        self.last_export: tuple[Path, int] | None = None
        self.flags: list[FlagRow] = []
        self.held: tuple[HeldOverride, ...] = ()
        self.gp_owed: list[GpUpdateOwed] = []
        self.gp_owed_total = 0

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="supervisor-body"):
            yield Static("Loading the figures...", id="supervisor-summary")
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static(Text("Held for sign-off", style="bold"), classes="table-title")
            yield Static("", id="supervisor-held-note", classes="table-note")
            yield DataTable(id="supervisor-held", cursor_type="row", zebra_stripes=False)
            yield Static(Text("Breaches", style="bold"), classes="table-title")
            yield Static("", id="supervisor-breaches-note", classes="table-note")
            yield DataTable(id="supervisor-breaches", cursor_type="row")
            yield Static(Text("GP updates owed", style="bold"), classes="table-title")
            yield Static("", id="supervisor-gp-owed-note", classes="table-note")
            yield DataTable(id="supervisor-gp-owed", cursor_type="row")
            yield Static("", id="supervisor-ucr", classes="section")
            yield Static("", id="supervisor-met", classes="section")
            yield Static("", id="supervisor-outcomes", classes="section")
            yield Static("", id="supervisor-overrides", classes="section")
            yield Static("", id="supervisor-queue", classes="section")
            yield Static("", id="supervisor-hours", classes="section")
            yield Static("", id="supervisor-staffing", classes="section")
            yield Static("", id="supervisor-flags", classes="section")
            yield Static("", id="supervisor-downtime", classes="section")

    def make_footer(self) -> Footer:
        return Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Supervisor"
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    def _load(self) -> None:
        self.load(
            lambda: (
                self.desk.review(),
                self.desk.held_overrides(),
                self.desk.review_flags(),
                self.desk.last_drill(),
                self.desk.paper_calls(),
                self.desk.gp_updates_owed(LISTED),
                self.desk.ucr_measures(as_local(self.ctx.clock()).strftime("%Y-%m")),
                self.desk.staffing_check(),
                self.desk.gp_updates_owed_count(),
            ),
            group="supervisor",
            exclusive=True,
            then=lambda read: self._show(*read),
            failed=lambda error: self._failed(failure_words(error)),
        )

    def _failed(self, words: str) -> None:
        self.query_one("#supervisor-summary", Static).update(
            Text(f"Could not read the figures: {words} Press r to try again.")
        )
        self.notify("Could not read the figures.", severity="error", markup=False)

    def _show(
        self,
        review: Review,
        held: tuple[HeldOverride, ...],
        flags: list[FlagRow],
        drill: DrillRow | None = None,
        paper: list[PaperCall] | None = None,
        gp_owed: list[GpUpdateOwed] | None = None,
        ucr: UcrMeasures | None = None,
        staffing: StaffingTable | None = None,
        gp_owed_total: int | None = None,
    ) -> None:
        """`gp_owed`: the first `LISTED` updates owed, of `gp_owed_total` (None: all of them)."""
        from screens.staffing_panel import staffing_text
        from screens.ucr_measures import ucr_measures_text

        self.review = review
        self.held = held
        self.flags = flags
        self.gp_owed = gp_owed or []
        self.gp_owed_total = len(self.gp_owed) if gp_owed_total is None else gp_owed_total
        self.query_one(DeskHeader).now = review.now
        sections: dict[str, Any] = {
            "#supervisor-summary": summary_text(review, len(held), self.breach_style()),
            "#supervisor-met": met_table(review),
            "#supervisor-outcomes": outcomes_text(review),
            "#supervisor-overrides": overrides_table(review),
            "#supervisor-queue": queue_tables(review),
            "#supervisor-hours": hour_text(review),
            "#supervisor-flags": flags_table(flags),
            "#supervisor-downtime": downtime_text(drill, paper or [], self.breach_style()),
            "#supervisor-ucr": ucr_measures_text(ucr) if ucr else Text(""),
            "#supervisor-staffing": staffing_text(staffing) if staffing else Text(""),
        }
        for selector, renderable in sections.items():
            self.query_one(selector, Static).update(renderable)
        self._fill_tables()
        held_table = self.query_one("#supervisor-held", DataTable)
        breaches = self.query_one("#supervisor-breaches", DataTable)
        if not isinstance(self.focused, DataTable):
            # The figures stay in view: focusing a table low on the page would scroll to it
            # (and whether that landed before the first frame depended on the machine's load).
            (held_table if held_table.row_count else breaches).focus(scroll_visible=False)

    def breach_style(self) -> str:
        """`BREACH_STYLE` in the current theme's `$breached`."""
        return f"bold {theme_colour(self.app, 'breached')}"

    def _room(self) -> int:
        """The cells a table has across: the screen less the body's padding and scrollbar
        and the table's own scrollbar (each two cells wide)."""
        return max(20, self.size.width - 2 - 2 - 2)

    def _fill_tables(self) -> None:
        if self.review is None:
            return
        room = self._room()
        for table_id, spec, rows, total, none in (
            (
                "supervisor-held",
                HELD_COLUMNS,
                held_rows(self.held, self.review.now, self.breach_style()),
                len(self.held),
                "None: every response set lower than the facts asked for is signed off.",
            ),
            (
                "supervisor-breaches",
                BREACH_COLUMNS,
                breach_rows(self.review, self.breach_style()),
                len(self.review.breaches),
                "None.",
            ),
            (
                "supervisor-gp-owed",
                GP_OWED_COLUMNS,
                gp_owed_rows(self.gp_owed, self.breach_style()),
                self.gp_owed_total,
                "None: every closed referral's GP has acknowledged the update, or was told.",
            ),
        ):
            table = self.query_one(f"#{table_id}", DataTable)
            fill_table(table, spec, rows, room)
            table.display = bool(rows)
            note = none if not rows else "Enter opens the referral."
            if table_id == "supervisor-held" and rows:
                note = (
                    "Left: until the response the facts asked for was due. "
                    "Enter opens the referral; s signs off."
                )
            if total > LISTED:
                note = f"The first {LISTED} of {total}: e exports every referral. " + note
            self.query_one(f"#{table_id}-note", Static).update(Text(note, style="dim"))

    def on_resize(self) -> None:
        self._fill_tables()

    # opening and signing off ------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self._open(event.row_key.value)

    def _cursor_reference(self, table: DataTable[Text]) -> str | None:
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_open(self) -> None:
        table = self.focused if isinstance(self.focused, DataTable) else None
        if table is None:
            self.notify(
                "Move to a held override, a breach or a GP update owed first (tab).", markup=False
            )
            return
        reference = self._cursor_reference(table)
        if reference is not None:
            self._open(reference)

    def _open(self, reference: str) -> None:
        from screens.referral import ReferralScreen

        def closed(_: None) -> None:
            self._load()

        self.app.push_screen(ReferralScreen(self.ctx, reference), closed)

    def action_sign_off(self) -> None:
        if not permitted(self, self.ctx, Permission.REVIEW):
            return
        table = self.query_one("#supervisor-held", DataTable)
        if not self.held:
            self.notify("Nothing is held for sign-off.", markup=False)
            return
        if self.focused is not table and len(self.held) > 1:
            table.focus()
            self.notify("Choose the override to sign off, then press s.", markup=False)
            return
        reference = self._cursor_reference(table)
        held = next((h for h in self.held if h.reference == reference), None)
        if held is None:
            return

        def answered(comment: str | None) -> None:
            if comment:
                self._sign_off(held.reference, comment)

        self.app.push_screen(SignOffModal(held, self.ctx.clock()), answered)

    @work(thread=True, exit_on_error=False, group="supervisor-sign-off")
    def _sign_off(self, reference: str, comment: str) -> None:
        by = self.ctx.by
        self._run_action(
            lambda: self.desk.sign_off_override(reference, comment, by=by),
            failed="Could not sign it off",
            done=f"{reference} signed off.",
        )

    def _run_action(self, action: Callable[[], object], *, failed: str, done: str) -> None:
        """Run one desk action (in the caller's worker), say how it went, and read the view
        again when it took: a refusal in the desk's words, any other failure by its kind."""

        try:
            action()
        except DeskError as refused:
            self.app.call_from_thread(
                self.notify, str(refused), severity="error", markup=False, timeout=10
            )
            return
        except Exception as error:  # noqa: BLE001 - shown, the app keeps running
            self.app.call_from_thread(
                self.notify,
                f"{failed}: {failure_words(error)}",
                severity="error",
                markup=False,
            )
            return
        self.app.call_from_thread(self.notify, done, markup=False)
        self._load()

    # export -----------------------------------------------------------------------------------

    def action_export(self) -> None:
        """Ask which days (the last seven offered), then write them to CSV with progress."""
        last = as_local(self.ctx.clock()).date()
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
                f"Export failed: {failure_words(error)}",
                severity="error",
                markup=False,
            )
            return
        self.last_export = (path, count)
        self.app.call_from_thread(bar.update, total=max(count, 1), progress=max(count, 1))
        self.app.call_from_thread(
            self.notify, f"Wrote {count} referrals to {path}", markup=False, timeout=15
        )

    def action_downtime_pack(self) -> None:
        """Build the pack (reserving its sheets) and write the PDF to the data folder."""
        if not permitted(self, self.ctx, Permission.REVIEW):
            return
        self.notify("Building the downtime pack...", markup=False)
        self._downtime_pack()

    @work(thread=True, exclusive=True, exit_on_error=False, group="supervisor-downtime")
    def _downtime_pack(self) -> None:
        from spr_desk.downtime.pack_pdf import render_pack  # fpdf2, only when printing
        from spr_desk.private_files import write_bytes_whole

        try:
            pack = self.desk.build_downtime_pack(by=self.ctx.by)
            stamp = as_local(pack.built_at).strftime("%Y%m%d-%H%M%S")
            path = export_path(f"downtime-pack-{stamp}.pdf")
            for folder in (path.parent.parent, path.parent):
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_bytes_whole(path, render_pack(pack))
        except Exception as error:  # noqa: BLE001 - said on screen, the app keeps running
            self.app.call_from_thread(
                self.notify,
                f"No downtime pack: {failure_words(error)}",
                severity="error",
                markup=False,
            )
            return
        sheets = f"{pack.sheets[0]} to {pack.sheets[-1]}" if pack.sheets else "none"
        self.app.call_from_thread(
            self.notify,
            f"Wrote the downtime pack to {path}: {len(pack.referrals)} open referrals, "
            f"sheets {sheets} reserved. Print it now.",
            markup=False,
            timeout=30,
        )

    def action_flag(self) -> None:
        self.app.push_screen(FlagModal(), self._flag_answered)

    def _flag_answered(self, answer: FlagAnswer | None) -> None:
        if answer is not None:
            self._flag(answer)

    @work(thread=True, exit_on_error=False, group="supervisor-flag")
    def _flag(self, answer: FlagAnswer) -> None:
        by = self.ctx.by
        self._run_action(
            lambda: self.desk.flag_for_review(answer.reference, answer.comment, by),
            failed="Could not flag the referral",
            done=f"{answer.reference} flagged for review.",
        )

    def action_audit(self) -> None:
        from screens.audit import AuditScreen

        self.app.push_screen(AuditScreen(self.ctx))

    def action_charts(self) -> None:
        from screens.charts import ChartsScreen

        self.app.push_screen(ChartsScreen(self.ctx))

    def action_back(self) -> None:
        self.dismiss(None)
