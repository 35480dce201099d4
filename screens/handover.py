"""The handover: the pack for the next watch, its SBAR notes, its acknowledgement, its exports.

Opens on the pack waiting to be acknowledged, or the newest one. `b` builds a pack now,
`e` (or enter) edits the SBAR note of the referral under the cursor, `k` acknowledges, `p` opens an
earlier pack, `x` writes the pack as Markdown and CSV. Referrals recorded since the pack was
built are named as new since handover.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from screens.action_modal import ActionAnswer, ActionModal
from screens.exports import export_path, open_private
from screens.handover_modals import AcknowledgeModal, SbarModal
from screens.permitted import acting_user, desk_app
from screens.widgets.desk_header import DeskHeader
from spr_desk.desk_hours import DIRECTION_WORDS
from spr_desk.handover import Pack, PackItem, Sbar, pack_csv, pack_markdown, with_sbar
from spr_desk.uktime import as_local, short_local

if TYPE_CHECKING:
    from db.desk import DeskService
    from db.handover import PackRow
    from db.watch_desk import StoredPack

STATE_STYLES = {"BREACHED": "bold reverse #d55e00", "DUE SOON": "bold #e69f00"}
NEW_SHOWN = 6
"""New-since-handover references named on the summary line; the rest are counted."""


def pack_summary(stored: StoredPack) -> Text:
    pack = stored.pack
    text = Text(pack.title, style="bold")
    text.append(f" · built {short_local(pack.built_at)}")
    if pack.built_by:
        text.append(f" by {pack.built_by}")
    if pack.acknowledged_by and pack.acknowledged_at:
        text.append(
            f" · acknowledged by {pack.acknowledged_by} {short_local(pack.acknowledged_at)}"
        )
    else:
        text.append(" · ")
        text.append(" NOT ACKNOWLEDGED ", style="bold reverse")
    text.append(
        f"\n{len(pack.items)} open referrals: {pack.awaiting} awaiting a first response, "
        f"{pack.breached} breached."
    )
    if stored.new_since:
        named = ", ".join(stored.new_since[:NEW_SHOWN])
        more = len(stored.new_since) - NEW_SHOWN
        text.append("\nNEW since this pack was built: ", style="bold")
        text.append(named + (f" and {more} more" if more > 0 else ""))
    return text


def item_detail(item: PackItem) -> Group:
    risks = Text("Risks: ", style="bold")
    risks.append(" ".join(item.risks) or "none recorded")
    lines = [Text.assemble((f"{item.reference} ", "bold"), item.outstanding), risks]
    for letter, value in zip(
        "SBAR",
        (item.sbar.situation, item.sbar.background, item.sbar.assessment, item.sbar.recommendation),
        strict=True,
    ):
        lines.append(Text.assemble((f"{letter} ", "bold"), value))
    return Group(*lines)


ROWS_AT_ONCE = 200


class HandoverScreen(Screen[None]):
    DEFAULT_CSS = """
    HandoverScreen #handover-summary { height: auto; padding: 0 1; }
    HandoverScreen DataTable { height: 1fr; }
    HandoverScreen #handover-item {
        height: auto; max-height: 9; padding: 0 1; border-top: solid $primary;
    }
    """
    BINDINGS = [
        Binding("b", "build", "Build now", tooltip="Build the pack for the coming boundary now"),
        Binding("e", "edit", "Edit SBAR", tooltip="Edit the SBAR note under the cursor (or enter)"),
        Binding("k", "acknowledge", "Acknowledge", tooltip="Take the handover (who, when)"),
        Binding("p", "packs", "Packs", tooltip="Open an earlier pack"),
        Binding("x", "export", "Export", tooltip="Write the pack as Markdown and CSV"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, desk: DeskService, handover_id: int | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.handover_id = handover_id
        self.stored: StoredPack | None = None
        self.exported: list[str] = []

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static("Reading the handover...", id="handover-summary")
        yield DataTable(id="handover-items", cursor_type="row")
        yield Static("", id="handover-item")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Handover"
        self.query_one(DataTable).add_columns(
            "Left", "State", "Reference", "Patient", "Cell", "Status", "Held by"
        )
        self.query_one(DataTable).focus()
        self._load(self.handover_id)

    # reading ----------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="handover")
    def _load(self, handover_id: int | None) -> None:
        try:
            if handover_id is None:
                handover_id = self.desk.pack_to_show()
            stored = self.desk.handover_pack(handover_id) if handover_id is not None else None
        except Exception as error:  # noqa: BLE001 - said on screen, the app keeps running
            self.app.call_from_thread(self._say, f"Could not read the handover: {error}", "error")
            return
        self.app.call_from_thread(self._show, stored)

    def _show(self, stored: StoredPack | None) -> None:
        self.stored = stored
        self.handover_id = stored.handover_id if stored else None
        table = self.query_one(DataTable)
        at = table.cursor_row
        table.clear()
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
        self.query_one("#handover-summary", Static).update(pack_summary(stored))
        self._fill(stored, 0, at)

    def _fill(self, stored: StoredPack, start: int, at: int) -> None:
        """The pack's rows a screenful at a time, painting between: a pack of two thousand
        open referrals otherwise held the first frame for 0.4 s."""
        if stored is not self.stored:
            return  # another pack was shown meanwhile
        table = self.query_one(DataTable)
        items = stored.pack.items
        for item in items[start : start + ROWS_AT_ONCE]:
            table.add_row(
                Text(item.time_left),
                Text(item.state, style=STATE_STYLES.get(item.state, "")),
                Text(item.reference),
                Text(item.patient_name),
                Text(item.cell),
                Text(item.status),
                Text(item.holder or "-"),
                key=item.reference,
            )
        added = min(len(items), start + ROWS_AT_ONCE)
        if not items or start <= min(at, len(items) - 1) < added:  # the cursor's row is in
            if items:
                table.move_cursor(row=min(at, len(items) - 1))
            self._show_item()
        if added < len(items):
            self.call_after_refresh(self._fill, stored, added, at)

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
        self.query_one("#handover-item", Static).update(item_detail(item) if item else "")

    # actions ----------------------------------------------------------------------------------

    def action_build(self) -> None:
        self._build()

    @work(thread=True, exit_on_error=False, group="handover-write")
    def _build(self) -> None:
        by = acting_user(self)
        try:
            handover_id = self.desk.build_handover(by=by)
        except Exception as error:  # noqa: BLE001 - said on screen
            self.app.call_from_thread(self._say, f"Not built: {type(error).__name__}", "error")
            return
        self.app.call_from_thread(self._say, "Handover pack built.", "information")
        self._after_change(handover_id)

    def _after_change(self, handover_id: int) -> None:
        self._load(handover_id)
        app = desk_app(self)
        if app is not None:  # the header's banner follows the pack
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

    @work(thread=True, exit_on_error=False, group="handover-write")
    def _save_sbar(self, handover_id: int, reference: str, sbar: Sbar) -> None:
        by = acting_user(self)
        try:
            self.desk.edit_sbar(handover_id, reference, sbar, by=by)
        except Exception as error:  # noqa: BLE001 - said on screen; the modal's text is gone
            self.app.call_from_thread(self._say, f"SBAR not saved: {error}", "error")
            return
        self.app.call_from_thread(self._sbar_saved, handover_id, reference, sbar)

    def _sbar_saved(self, handover_id: int, reference: str, sbar: Sbar) -> None:
        # The note is all that changed: no need to read the whole pack back.
        stored = self.stored
        if stored is not None and stored.handover_id == handover_id:
            self.stored = replace(stored, pack=with_sbar(stored.pack, reference, sbar))
            self._show_item()
        self._say(f"SBAR note for {reference} saved.", "information")

    def action_acknowledge(self) -> None:
        stored = self.stored
        if stored is None:
            self._say("No pack to acknowledge: b builds one.", "warning")
            return
        if stored.pack.acknowledged_at is not None:
            self._say(f"Already acknowledged by {stored.pack.acknowledged_by}.", "warning")
            return
        handover_id = stored.handover_id
        app = desk_app(self)
        signed_in = app.signed_in if app is not None else None
        user = signed_in.shown_as if signed_in is not None else ""  # the name they go by

        def answered(name: str | None) -> None:
            if name:
                self._acknowledge(handover_id, name)

        self.app.push_screen(AcknowledgeModal(stored.pack.title, user), answered)

    @work(thread=True, exit_on_error=False, group="handover-write")
    def _acknowledge(self, handover_id: int, name: str) -> None:
        try:
            self.desk.acknowledge_handover(handover_id, by=name)
        except Exception as error:  # noqa: BLE001 - said on screen
            self.app.call_from_thread(self._say, f"Not acknowledged: {error}", "error")
            return
        self.app.call_from_thread(self._say, "Handover acknowledged.", "information")
        self._after_change(handover_id)

    def action_packs(self) -> None:
        self._list_packs()

    @work(thread=True, exit_on_error=False, group="handover")
    def _list_packs(self) -> None:
        packs = self.desk.handover_packs()
        self.app.call_from_thread(self._choose_pack, packs)

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
            self.app.call_from_thread(
                self._say, f"Export failed: {error.strerror or error}", "error"
            )
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
