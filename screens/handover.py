"""The handover: the pack for the next watch, its SBAR notes, its acknowledgement, its exports.

Opens on the pack waiting to be acknowledged, or the newest one, with what needs action this
watch above the full list. `b` builds a pack now, `e` (or enter) edits the SBAR note of the
referral under the cursor, space ticks it as read, `k` acknowledges (the signed-in user, if their
role receives this watch and they did not build the pack), `p` opens an earlier pack, `x` writes
the pack as Markdown and CSV. Referrals recorded since the pack was built are named as new since
handover. Left and State count down from each item's due time on the desk's clock, every
`TICK_SECONDS` (trial problem 22); columns that do not fit are dropped whole, by priority.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from screens.action_modal import ActionAnswer, ActionModal
from screens.announcer import tick_seconds
from screens.context import DeskContext, DeskHost
from screens.desk_screen import DeskScreen
from screens.exports import export_path, open_private
from screens.fault_words import failure_words
from screens.handover_modals import AcknowledgeModal, SbarModal
from screens.palette import theme_colour
from screens.widgets.desk_header import DeskHeader
from spr_desk.desk_hours import DIRECTION_WORDS
from spr_desk.handover import (
    NeedsAction,
    Pack,
    PackItem,
    Sbar,
    live_risks,
    live_state,
    live_time_left,
    needs_action,
    pack_csv,
    pack_markdown,
    waited,
    with_read,
    with_sbar,
)
from spr_desk.uktime import as_local, short_local
from spr_desk.who_receives import receive_refusal

if TYPE_CHECKING:
    from spr_desk.desk_api import PackRow, ReadMark, StoredPack

STATE_LOOKS = {"BREACHED": ("bold reverse", "breached"), "DUE SOON": ("bold", "due-soon")}
"""Each state's style and the theme variable it is drawn in (the word says it without)."""
NEW_SHOWN = 6
"""New-since-handover references named on the summary line; the rest are counted."""


TICK_SECONDS = 30
"""How often Left, State and the needs-action summary are worked out again on the desk's clock."""
SHOWN_REFERENCES = 2
"""References named on each needs-action line (one line at 80 columns); the rest are counted."""
READ_MARK, UNREAD_MARK = "✓ read", "○ unread"
"""The read column in a symbol and a word, so it reads without colour."""


def _named(references: tuple[str, ...] | list[str], shown: int) -> str:
    more = len(references) - shown
    return ", ".join(references[:shown]) + (f" and {more} more" if more > 0 else "")


def pack_summary(stored: StoredPack, now: datetime) -> Text:
    """The pack's heading, who took it, the counts, and what needs action this watch."""
    pack = stored.pack
    text = Text(pack.title, style="bold")
    if pack.acknowledged_by and pack.acknowledged_at:
        text.append(
            f"\nAcknowledged by {pack.acknowledged_words} {short_local(pack.acknowledged_at)}"
        )
    else:
        text.append(" · ")
        text.append(" NOT ACKNOWLEDGED ", style="bold reverse")
    text.append(f"\nBuilt {short_local(pack.built_at)}")
    if pack.built_by:
        text.append(f" by {pack.built_by}")
    text.append(f" · {len(pack.items)} open referrals, {pack.unread} not yet read")
    summary = needs_action_now(stored, now)
    text.append("\nNeeds action this watch:", style="bold")
    if summary.nothing:
        text.append(" nothing breached, due, waiting or owed.")
    for what, references in summary.lines:
        text.append(f"\n  {len(references)} {what}: ", style="bold" if what == "breached" else "")
        text.append(_named(references, SHOWN_REFERENCES))
    if stored.new_since:
        text.append("\nNEW since this pack was built: ", style="bold")
        text.append(_named(stored.new_since, NEW_SHOWN))
    return text


def needs_action_now(stored: StoredPack, now: datetime) -> NeedsAction:
    ends = stored.watch_ends or stored.pack.boundary_at
    return needs_action(stored.pack, now, ends, stored.gp_update_owed)


def item_detail(item: PackItem, now: datetime) -> Group:
    """The referral under the cursor: what to do, where it stands, its risks, notes, SBAR."""
    head = Text.assemble((f"{item.reference} ", "bold"), item.outstanding)
    where = Text(f"{item.status} · {item.cell} · held by {item.holder or 'nobody'}")
    where.append(f" · left {live_time_left(item, now)} ({live_state(item, now)})")
    since = waited(item, now)
    if since and item.received_at is not None:
        where.append(f" · received {short_local(item.received_at)}, {since} ago")
    if item.read_by and item.read_at:
        where.append(f" · {READ_MARK} by {item.read_by} {short_local(item.read_at)}")
    risks = Text("Risks: ", style="bold")
    risks.append(" ".join(live_risks(item, now)) or "none recorded")
    lines = [head, where, risks]
    for note in item.notes:
        lines.append(Text.assemble(("Note ", "bold"), note.words))
    for letter, value in zip(
        "SBAR",
        (item.sbar.situation, item.sbar.background, item.sbar.assessment, item.sbar.recommendation),
        strict=True,
    ):
        lines.append(Text.assemble((f"{letter} ", "bold"), value))
    return Group(*lines)


@dataclass(frozen=True, slots=True)
class PackColumn:
    key: str
    label: str
    priority: int
    """Lower is kept longer: the first dropped when the screen is narrow has the highest."""


COLUMNS = (
    PackColumn("left", "Left", 2),
    PackColumn("state", "State", 1),
    PackColumn("reference", "Reference", 0),
    PackColumn("patient", "Patient", 4),
    PackColumn("read", "Read", 3),
    PackColumn("status", "Status", 5),
    PackColumn("holder", "Held by", 6),
    PackColumn("cell", "Cell", 7),
)
"""The pack's columns in the order shown. At 80 columns Held by and Cell give way (both are
in the detail under the list); no column is ever cut short (trial problem 34)."""
CELL_PADDING = 2


def cell_words(item: PackItem, key: str, now: datetime) -> str:
    if key == "left":
        return live_time_left(item, now)
    if key == "state":
        return live_state(item, now)
    if key == "read":
        return READ_MARK if item.read_at else UNREAD_MARK
    if key == "holder":
        return item.holder or "-"
    if key == "patient":
        return " ".join(item.patient_name.split())
    return str(getattr(item, key))


def fitted(items: tuple[PackItem, ...], room: int, now: datetime) -> list[PackColumn]:
    """The columns whose widest value fits whole in `room` cells, kept by priority."""
    widths = {
        column.key: max(
            [len(column.label), *(len(cell_words(item, column.key, now)) for item in items)]
        )
        for column in COLUMNS
    }
    for key, widest in (("left", "-00h 00m"), ("state", "DUE SOON")):  # as the clock moves on
        widths[key] = max(widths[key], len(widest))
    kept: set[str] = set()
    used = 0
    for column in sorted(COLUMNS, key=lambda c: c.priority):
        need = widths[column.key] + CELL_PADDING
        if used + need <= room:
            kept.add(column.key)
            used += need
    return [column for column in COLUMNS if column.key in kept]


ROWS_AT_ONCE = 200


class HandoverScreen(DeskScreen):
    CSS_PATH = "handover.tcss"
    SHORT = 30
    """Rows below which the detail under the list gives the list more room."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "b",
            "build",
            "Build now",
            tooltip="Build the pack for the coming boundary now",
            id="handover.build",
        ),
        Binding(
            "e",
            "edit",
            "Edit SBAR",
            tooltip="Edit the SBAR note under the cursor (or enter)",
            id="handover.edit",
        ),
        Binding(
            "space",
            "read",
            "Read",
            tooltip="Tick the referral under the cursor as read (again: take the tick off)",
            id="handover.read",
        ),
        Binding(
            "k",
            "acknowledge",
            "Acknowledge",
            tooltip="Take the handover, as yourself",
            id="handover.acknowledge",
        ),
        Binding("p", "packs", "Packs", tooltip="Open an earlier pack", id="handover.packs"),
        Binding(
            "x",
            "export",
            "Export",
            tooltip="Write the pack as Markdown and CSV",
            id="handover.export",
        ),
        Binding("escape", "back", "Back", id="handover.back"),
    ]

    def __init__(self, ctx: DeskContext, handover_id: int | None = None) -> None:
        super().__init__(ctx)
        self.handover_id = handover_id
        self.stored: StoredPack | None = None
        self.exported: list[str] = []
        self.columns: list[PackColumn] = []
        """The columns shown now (`fitted` to the screen's width)."""

    def compose_body(self) -> ComposeResult:
        yield Static("Reading the handover...", id="handover-summary")
        yield DataTable(id="handover-items", cursor_type="row")
        yield Static("", id="handover-item")

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Handover"
        self.query_one(DataTable).focus()
        self.set_class(self.size.height < self.SHORT, "-short")
        self.set_interval(tick_seconds(self.app, TICK_SECONDS), self.tick)
        self._load(self.handover_id)

    # reading ----------------------------------------------------------------------------------

    def _load(self, handover_id: int | None) -> None:
        def read() -> StoredPack | None:
            shown = self.desk.pack_to_show() if handover_id is None else handover_id
            return self.desk.handover_pack(shown) if shown is not None else None

        self.load(
            read,
            group="handover",
            exclusive=True,
            then=self._show,
            failed=lambda error: self._say(
                f"Could not read the handover: {failure_words(error)}", "error"
            ),
        )

    def _room(self) -> int:
        # The screen less the table's vertical scrollbar (two cells wide).
        return max(20, self.size.width - 2)

    def _show(self, stored: StoredPack | None) -> None:
        self.stored = stored
        self.handover_id = stored.handover_id if stored else None
        table = self.query_one(DataTable)
        at = table.cursor_row
        table.clear(columns=True)
        self.columns = []
        if stored is None:
            coming = self.desk.coming_boundary()
            self.query_one("#handover-summary", Static).update(
                Text(
                    f"No handover pack yet. The {DIRECTION_WORDS[coming.direction]} is at "
                    f"{short_local(coming.at)}; b builds the pack now."
                )
            )
            self.query_one("#handover-item", Static).update("")
            return
        now = self.ctx.clock()
        self.columns = fitted(stored.pack.items, self._room(), now)
        for column in self.columns:
            table.add_column(column.label, key=column.key)
        self.query_one("#handover-summary", Static).update(pack_summary(stored, now))
        self._fill(stored, 0, at, now)

    def _state_style(self, words: str) -> str:
        """A state's style in the current theme's colours, read as it is drawn."""
        look = STATE_LOOKS.get(words)
        return f"{look[0]} {theme_colour(self.app, look[1])}" if look else ""

    def _row(self, item: PackItem, now: datetime) -> list[Text]:
        cells = []
        for column in self.columns:
            words = cell_words(item, column.key, now)
            style = self._state_style(words) if column.key == "state" else ""
            cells.append(Text(words, style=style))
        return cells

    def _fill(self, stored: StoredPack, start: int, at: int, now: datetime) -> None:
        """The pack's rows a screenful at a time, painting between: a pack of two thousand
        open referrals otherwise held the first frame for 0.4 s."""
        if stored is not self.stored:
            return  # another pack was shown meanwhile
        table = self.query_one(DataTable)
        items = stored.pack.items
        for item in items[start : start + ROWS_AT_ONCE]:
            table.add_row(*self._row(item, now), key=item.reference)
        added = min(len(items), start + ROWS_AT_ONCE)
        if not items or start <= min(at, len(items) - 1) < added:  # the cursor's row is in
            if items:
                table.move_cursor(row=min(at, len(items) - 1))
            self._show_item()
        if added < len(items):
            self.call_after_refresh(self._fill, stored, added, at, now)

    def on_resize(self) -> None:
        self.set_class(self.size.height < self.SHORT, "-short")
        stored = self.stored
        if stored is None or not self.columns:
            return
        if fitted(stored.pack.items, self._room(), self.ctx.clock()) != self.columns:
            self._show(stored)

    def tick(self) -> None:
        """Left, State, the summary and the detail as they are now on the desk's clock."""
        stored = self.stored
        if stored is None:
            return
        now = self.ctx.clock()
        self.query_one("#handover-summary", Static).update(pack_summary(stored, now))
        table = self.query_one(DataTable)
        shown = {column.key for column in self.columns}
        for item in stored.pack.items:
            if not item.awaits_response or item.reference not in table.rows:
                continue
            for key in ("left", "state"):
                if key in shown:
                    words = cell_words(item, key, now)
                    style = self._state_style(words) if key == "state" else ""
                    table.update_cell(item.reference, key, Text(words, style=style))
        self._show_item()

    @property
    def current(self) -> PackItem | None:
        table = self.query_one(DataTable)
        if self.stored is None or not self.stored.pack.items:
            return None
        return self.stored.pack.items[min(table.cursor_row, len(self.stored.pack.items) - 1)]

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_edit()

    @on(DataTable.RowHighlighted)
    def _show_item(self) -> None:
        item = self.current
        self.query_one("#handover-item", Static).update(
            item_detail(item, self.ctx.clock()) if item else ""
        )

    # actions ----------------------------------------------------------------------------------

    def action_build(self) -> None:
        self._build()

    @work(thread=True, exit_on_error=False, group="handover-write")
    def _build(self) -> None:
        by = self.ctx.by
        try:
            handover_id = self.desk.build_handover(by=by)
        except Exception as error:  # noqa: BLE001 - said on screen
            self.app.call_from_thread(self._say, f"Not built: {failure_words(error)}", "error")
            return
        self.app.call_from_thread(self._say, "Handover pack built.", "information")
        self._after_change(handover_id)

    def _after_change(self, handover_id: int) -> None:
        self._load(handover_id)
        app = self.app
        if isinstance(app, DeskHost):  # the header's banner follows the pack
            app.call_from_thread(app.check_status)

    def action_edit(self) -> None:
        item = self.current
        if item is None or self.handover_id is None:
            return
        handover_id, reference = self.handover_id, item.reference

        def edited(sbar: Sbar | None) -> None:
            if sbar is not None and sbar != item.sbar:
                self._save_sbar(handover_id, reference, sbar)

        self.app.push_screen(SbarModal(reference, item.sbar), edited)

    def _save_sbar(self, handover_id: int, reference: str, sbar: Sbar) -> None:
        by = self.ctx.by
        self.load(
            lambda: self.desk.edit_sbar(handover_id, reference, sbar, by=by),
            group="handover-write",
            then=lambda _: self._sbar_saved(handover_id, reference, sbar),
            # said on screen; the modal's text is gone
            failed=lambda error: self._say(f"SBAR not saved: {failure_words(error)}", "error"),
        )

    def _sbar_saved(self, handover_id: int, reference: str, sbar: Sbar) -> None:
        # The note is all that changed: no need to read the whole pack back.
        stored = self.stored
        if stored is not None and stored.handover_id == handover_id:
            self.stored = replace(stored, pack=with_sbar(stored.pack, reference, sbar))
            self._show_item()
        self._say(f"SBAR note for {reference} saved.", "information")

    def _refused(self, pack: Pack) -> str | None:
        """Why the person signed in may not take (or tick) this pack; None when they may. The
        desk refuses too, with the role it holds: this only says so before a dialog opens."""
        who = self.ctx.user
        return receive_refusal(
            pack.direction, username=who.username, role=who.role, built_by=pack.built_by
        )

    def action_read(self) -> None:
        stored, item = self.stored, self.current
        if stored is None or item is None:
            return
        refused = self._refused(stored.pack)
        if refused is not None:
            self._say(f"Not ticked: {refused}", "warning")
            return
        user = self.ctx.by
        if item.read_at is not None and item.read_by != user:
            self._say(f"{item.reference} was read already, by {item.read_by}.", "warning")
            return
        self._mark_read(stored.handover_id, item.reference, item.read_at is None)

    def _mark_read(self, handover_id: int, reference: str, read: bool) -> None:
        by = self.ctx.by
        self.load(
            lambda: self.desk.mark_item_read(handover_id, reference, by=by, read=read),
            group="handover-write",
            then=self._read_marked,
            failed=lambda error: self._say(f"Not ticked: {failure_words(error)}", "error"),
        )

    def _read_marked(self, mark: ReadMark) -> None:
        stored = self.stored
        if stored is None or stored.handover_id != mark.handover_id:
            return
        self.stored = stored = replace(
            stored, pack=with_read(stored.pack, mark.reference, mark.read_by, mark.read_at)
        )
        table = self.query_one(DataTable)
        if "read" in {column.key for column in self.columns}:
            table.update_cell(
                mark.reference, "read", Text(READ_MARK if mark.read_at else UNREAD_MARK)
            )
        self.query_one("#handover-summary", Static).update(pack_summary(stored, self.ctx.clock()))
        if (
            mark.read_at is not None
            and self.current is not None
            and self.current.reference == mark.reference
        ):
            table.move_cursor(row=table.cursor_row + 1)  # on to the next, as a reader goes
        self._show_item()

    def action_acknowledge(self) -> None:
        stored = self.stored
        if stored is None:
            self._say("No pack to acknowledge: b builds one.", "warning")
            return
        pack = stored.pack
        if pack.acknowledged_at is not None:
            self._say(f"Already acknowledged by {pack.acknowledged_words}.", "warning")
            return
        refused = self._refused(pack)
        if refused is not None:
            self._say(f"Not acknowledged: {refused}", "warning")
            return
        handover_id, who = stored.handover_id, self.ctx.user

        def answered(take: bool | None) -> None:
            if take:
                self._acknowledge(handover_id)

        self.app.push_screen(
            AcknowledgeModal(pack.title, who.shown_as, who.username, len(pack.items), pack.unread),
            answered,
        )

    @work(thread=True, exit_on_error=False, group="handover-write")
    def _acknowledge(self, handover_id: int) -> None:
        by = self.ctx.by
        try:
            self.desk.acknowledge_handover(handover_id, by=by)
        except Exception as error:  # noqa: BLE001 - said on screen
            self.app.call_from_thread(
                self._say, f"Not acknowledged: {failure_words(error)}", "error"
            )
            return
        self.app.call_from_thread(self._say, "Handover acknowledged.", "information")
        self._after_change(handover_id)

    def action_packs(self) -> None:
        self._list_packs()

    def _list_packs(self) -> None:
        self.load(self.desk.handover_packs, group="handover", then=self._choose_pack)

    def _choose_pack(self, packs: list[PackRow]) -> None:
        if not packs:
            self._say("No handover packs yet: b builds one.", "warning")
            return
        choices = [(pack_choice(row), str(row.handover_id)) for row in packs]

        def chosen(answer: ActionAnswer | None) -> None:
            if answer is not None and answer.choice:
                self._load(int(answer.choice))

        self.app.push_screen(ActionModal("Open a handover pack", choices=choices), chosen)

    def action_export(self) -> None:
        if self.stored is not None:
            self._export(self.stored.pack)

    @work(thread=True, exit_on_error=False, group="handover-export")
    def _export(self, pack: Pack) -> None:
        """Both files in a worker: a pack of every open referral is a lot to write on a key."""
        stem = f"handover-{as_local(pack.boundary_at).strftime('%Y-%m-%d-%H%M')}-{pack.direction}"
        written = []
        try:
            for suffix, text in ((".md", pack_markdown(pack)), (".csv", pack_csv(pack))):
                path = export_path(stem + suffix)
                with open_private(path) as handle:
                    handle.write(text)
                written.append(str(path))
        except OSError as error:
            self.app.call_from_thread(self._say, f"Export failed: {failure_words(error)}", "error")
            return
        self.app.call_from_thread(self._exported, written)

    def _exported(self, written: list[str]) -> None:
        self.exported = written
        self._say("Wrote " + " and ".join(written), "information")

    def _say(self, message: str, severity: str) -> None:
        self.notify(message, severity=severity, markup=False, timeout=10)  # type: ignore[arg-type]

    def action_back(self) -> None:
        self.dismiss(None)


def pack_choice(row: PackRow) -> str:
    words = DIRECTION_WORDS[row.direction]
    taken = f"acknowledged by {row.acknowledged_by}" if row.acknowledged_by else "NOT ACKNOWLEDGED"
    return f"{short_local(row.boundary_at)} {words}; built {short_local(row.built_at)}; {taken}"
