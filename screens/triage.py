"""The triage call: one sectioned form in the order of the conversation, red flags first, with
the live recommendation beside it. Every change is saved as a draft.

Keys land where the focus was when they were pressed (the app reads them one at a time,
`screens/key_order.py`), so nothing here moves the focus except a key: a look-up that comes
back from the database fills nothing and moves nothing until enter asks it to. What follows
from a key (the checks, the matrix, the draft) runs after the frame that shows the key.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, overload

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.geometry import Size
from textual.reactive import Reactive
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea
from textual.worker import get_current_worker

from screens.announcer import announce, banner_shown, screen_reader_on, tick_seconds
from screens.confirm_call_modal import ConfirmCallModal
from screens.context import DeskContext
from screens.desk_screen import DeskScreen
from screens.draft_saver import DraftSaver
from screens.emergency_modal import EmergencyModal
from screens.focus_order import focus_chain_as_composed
from screens.leave_call_modal import DISCARD, KEEP, LeaveCallModal
from screens.messages import CallFinished, CallRecorded
from screens.paper_sheet_modal import PaperSheet, PaperSheetModal
from screens.reference_modal import ReferenceModal
from screens.triage_form import (
    ASK_PREFIX,
    CHOICES,
    EXTRAS,
    INPUTS,
    TICK_LISTS,
    UcrChoice,
    paper_line,
    readback,
    urgency_lines,
)
from screens.widgets.call_form_view import CallFormView
from screens.widgets.call_timer import CallTimer
from screens.widgets.choice import Choice
from screens.widgets.desk_header import DeskHeader
from screens.widgets.field import Field
from screens.widgets.matrix_grid import MatrixGrid
from screens.widgets.recommendation_panel import RecommendationPanel
from screens.widgets.ticks import TickList
from spr_desk.announcements import recorded_words
from spr_desk.availability import AvailabilityBoard
from spr_desk.call import (
    MOVES_MATRIX,
    blocking,
    chosen_cell,
    due_for,
    open_referral_banner,
    open_referral_warning,
    recommendation_for,
)
from spr_desk.call_form import (
    CallForm,
    FormErrors,
    missing_for_record,
    nhs_number_notice,
    redirected_from,
    referral_from,
    response_of,
    typed_errors,
    ucr_errors,
)
from spr_desk.caller_questions import caller_questions
from spr_desk.desk_api import DeskError
from spr_desk.downtime.paper import PaperEntry, breached_on_paper
from spr_desk.fact_names import fact_name
from spr_desk.faults import Fault, FaultKind, fault_kind, fault_of
from spr_desk.matrix import Availability, Recommendation
from spr_desk.milestones import given_time_text
from spr_desk.nhs_number import is_valid_nhs_number, parse_nhs_number
from spr_desk.reference_data import locality_for_postcode
from spr_desk.uktime import as_local, short_local
from spr_desk.validation import InputError, age_on, parse_date_of_birth
from spr_desk.vocabulary import RedFlag, Response, Status, label

if TYPE_CHECKING:
    from spr_desk.desk_api import PatientHistory, RecordedReferral

W = TypeVar("W", bound=Widget)

RECORD_PAUSES = (1.0, 2.0, 4.0)
"""The back-off between tries of a call that met a busy database (a rota import holding SQLite's
lock past its 5 s busy timeout): four tries, about 27 s in all, before the handler is asked."""
BUSY_WORDS = "The database is busy (an import is running): your call is kept, retrying."


SECTION_KEYS: dict[str, tuple[str | None, str]] = {
    "f2": ("heading-caller", "referrer_name"),
    "f3": ("heading-patient", "nhs_number"),
    "f4": ("heading-facts", "pathway"),
    "f5": (None, "matrix"),
    "f6": ("heading-flags", "red_flags"),
    "f7": ("heading-notes", "notes"),
}
"""Function key -> (the section's heading, kept on screen; its first field, focused)."""
NEEDED = frozenset(
    {
        "referrer_name",
        "referrer_role",
        "referrer_phone",
        "nhs_number",
        "given_name",
        "family_name",
        "date_of_birth",
        "address",
        "postcode",
        "gp_practice",
        "lives_alone",
        "pathway",
        "setting",
        "locality",
    }
)
"""Where enter after a known caller or patient goes: the first of these still empty."""
KNOWN_PATIENT_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "address",
    "postcode",
    "gp_practice",
    "access_notes",
    "next_of_kin",
)


BARS_RED_FLAG_WORDS = (
    "A red flag on a referral sent by 999: the ambulance service keeps the patient. Leave this "
    "call (its draft is kept) and send the referral back: b on its referral, reason Other."
)


class TriageScreen(DeskScreen):
    """A call from "new call" to a recorded referral, keyboard first."""

    CSS_PATH = "triage.tcss"
    AUTO_FOCUS = "#red_flags"
    # Textual repaints the whole screen when the focus moves; here every control that shows
    # its focus repaints itself (its :focus and :focus-within styles, its own focus handlers),
    # so the rest of a 300-widget form is not drawn again on each Tab.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f2",
            "jump('f2')",
            "Caller",
            show=False,
            tooltip="Who is calling",
            id="triage.jump-caller",
        ),
        Binding(
            "f3",
            "jump('f3')",
            "Patient",
            show=False,
            tooltip="The patient",
            id="triage.jump-patient",
        ),
        Binding(
            "f4",
            "jump('f4')",
            "Facts",
            show=False,
            tooltip="Pathway, setting, needs",
            id="triage.jump-facts",
        ),
        Binding(
            "f5",
            "jump('f5')",
            "Decide",
            show=False,
            tooltip="The matrix: agree or choose",
            id="triage.jump-decide",
        ),
        Binding(
            "f6",
            "jump('f6')",
            "Flags",
            show=False,
            tooltip="The red-flag questions",
            id="triage.jump-flags",
        ),
        Binding(
            "f7",
            "jump('f7')",
            "Notes",
            show=False,
            tooltip="What else the caller said",
            id="triage.jump-notes",
        ),
        Binding(
            "enter",
            "enter",
            "Next",
            show=False,
            priority=True,
            tooltip="Next field; after a known caller or NHS number, fill from the record",
            id="triage.enter",
        ),
        # Tab at once, as the app reads the key: not after the key has gone down to the field
        # and bubbled back up through the form (1 ms of every Tab).
        Binding(
            "tab", "next_field", "Next field", show=False, priority=True, id="triage.next-field"
        ),
        Binding(
            "shift+tab",
            "previous_field",
            "Previous field",
            show=False,
            priority=True,
            id="triage.previous-field",
        ),
        Binding(
            "f9",
            "from_paper",
            "From paper",
            show=False,
            tooltip="A call taken on a paper sheet in downtime: its reference and written time",
            id="triage.from-paper",
        ),
        Binding(
            "ctrl+s",
            "review",
            "Record",
            tooltip="Read back, then record",
            priority=True,
            id="triage.review",
        ),
        Binding(
            "escape", "leave", "Leave", tooltip="Leave the call (asks first)", id="triage.leave"
        ),
    ]

    def __init__(self, ctx: DeskContext, *, draft: tuple[str, CallForm, int] | None = None) -> None:
        """`draft`: a call resumed, as (its key, its form, the revision stored). Without one the
        screen is a new call, which may be built ahead of time: it starts at `begin`."""
        super().__init__(ctx)
        self.by = ctx.by
        if draft is None:
            self.draft_key = uuid.uuid4().hex
            self.form = CallForm()
            self.revision = 0
        else:
            # Saves go on from the stored revision: counting from 0 again, every change would
            # be refused as older than the draft until as many had been made.
            self.draft_key, self.form, self.revision = draft
        # Read once, in a worker when the call starts (`_load_board`): recomputing the matrix on
        # a key must not query, and neither must ctrl+n. Until it arrives nothing is ruled out.
        self.board = AvailabilityBoard.unknown(ctx.clock())
        self.history: PatientHistory | None = None
        self.recommendation: Recommendation | None = None
        self.problems: dict[str, str] | None = None
        """What stopped the last try to record, kept up to date as it is fixed."""
        self._pending: set[str] = set()
        self._referrers: dict[str, Any] = {}
        self._saver = DraftSaver(self._write_draft, self._draft_failed, self._draft_saved)
        self.drafts_fault: Fault | None = None
        """Why drafts are not being saved (shown in the banner), or None while they are."""
        self.recording = False
        """A try to record this call is under way (it may be waiting on a busy database)."""
        self.stop_recording = False
        """The handler left the call while it was being tried: no further try."""
        self._styled_for: tuple[int, str] | None = None
        self._laid_out_for: Size | None = None
        """The window size the screen was built and laid out for, until it is first shown."""

    # layout ---------------------------------------------------------------------------------

    def make_header(self) -> DeskHeader:
        return DeskHeader(id="header")

    def compose_body(self) -> ComposeResult:
        # Shown (first, above the clock) only on a paper call: no room taken on a live one.
        paper = Static("", id="paper-line")
        paper.display = False
        yield paper
        yield CallTimer(id="call-timer")
        yield Static("", id="problems")
        yield Static("", id="drafts-failing")
        with Horizontal(id="call-body"):
            self.form_view = CallFormView(self.ctx.rules, id="call-form", can_focus=False)
            yield self.form_view
            yield RecommendationPanel(id="panel")

    @property
    def started(self) -> bool:
        return bool(self.form.started_at)

    @property
    def opened_at(self) -> datetime:
        """When the handler opened the call: its clock runs from here."""
        return datetime.fromisoformat(self.form.started_at) if self.started else self.ctx.clock()

    @property
    def received_at(self) -> datetime:
        """When the call came in: for a paper call the time written on the sheet, which the
        recommendation, the due time shown and the referral recorded all run from."""
        return self.form.paper_received() or self.form.bars_received() or self.opened_at

    @overload
    def _w(self, name: str) -> Widget: ...
    @overload
    def _w(self, name: str, kind: type[W]) -> W: ...
    def _w(self, name: str, kind: type[Widget] = Widget) -> Widget:
        """The control (or heading, or line) with this id, on the form or beside it."""
        found = self._find(name)
        assert isinstance(found, kind), (name, kind)
        return found

    def _find(self, name: str) -> Widget | None:
        """The widget with this id (the form finds its own), or None: looked up once, not on
        every key (a query walks the whole screen)."""
        found = self._ids.get(name)
        return found if found is not None else self.form_view.find(name)

    def on_mount(self) -> None:
        if not self.app.is_running:
            return  # the desk closed as this call was built ahead: its form was never composed
        on_form = self.form_view.ids
        self._ids: dict[str, Widget] = {
            w.id: w for w in self.walk_children(Widget) if w.id and w.id not in on_form
        }
        self.query_one(DeskHeader).title = "Call"
        self.form_view.fill(self.form)
        self._show_paper()
        self._show_caller_variant()
        self._refresh_recommendation()
        # a resumed call says again what its typed values suggest (a new one has none yet)
        if self.form.postcode:
            self._suggest_locality()
        if self.form.date_of_birth:
            self._show_age()
        self.set_focus(self._w("red_flags"), scroll_visible=False)
        if self.started:  # begun while mounting, or resumed (it runs from when it was taken)
            self._run()

    def begin(self, now: datetime | None = None) -> None:
        """The call starts (ctrl+n): its received time now; its clock and what it reads from
        the desk as soon as it is on screen (a call not built ahead may still be mounting)."""
        if not self.started:
            self.form.started_at = (now or self.ctx.clock()).isoformat()
        if self.is_mounted:
            self._run()

    def _run(self) -> None:
        self._tick()
        self.set_interval(tick_seconds(self.app, 1), self._tick)
        self._load_referrers()
        self._load_board()

    def on_unmount(self) -> None:
        self._saver.close()

    # Shown at once: a call built ahead of time (`screens/call_desk.py`) was styled and laid
    # out when it was built, out of sight. Textual styles a screen again each time it comes to
    # the front, and lays it out again when the app switches to it: 300-400 ms on this form,
    # for nothing, as long as neither the app's styles nor the window have changed since.

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        styled = (self.app._css_update_count, self.app.theme)
        if self._styled_for == styled:
            event.refresh_styles = False  # Screen._on_screen_resume runs after this, and reads it
        self._styled_for = styled

    def _screen_resized(self, size: Size) -> None:
        if size == self._laid_out_for:
            if self.is_current:
                self._laid_out_for = None  # shown: from now on as Textual does
            return
        super()._screen_resized(size)

    def _tick(self) -> None:
        now = self.ctx.clock()
        self._w("header", DeskHeader).now = now
        timer = self._w("call-timer", CallTimer)
        timer.started = self.opened_at  # a paper call's clock is the typing's, not the sheet's
        timer.in_words = screen_reader_on(self.app)
        timer.now = now

    @property
    def focus_chain(self) -> list[Widget]:
        """The form's controls in the order composed, which is the order they are laid out in
        (screens/focus_order.py): Textual's own order costs a layout of the form on each Tab."""
        return focus_chain_as_composed(self)

    def set_focus(
        self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False
    ) -> None:
        # Keep the field's label on screen with its control: Textual scrolls only the control.
        super().set_focus(widget, scroll_visible=False, from_app_focus=from_app_focus)
        if widget is not None and scroll_visible:
            field = widget.parent if isinstance(widget.parent, Field) else widget
            # After the next layout: what moved the focus may also have changed the form (the
            # list of problems above it, a field shown). Then at once: Textual's own scroll
            # would wait for one more frame.
            self.call_after_refresh(field.scroll_visible, animate=False, immediate=True)

    # the form <-> the widgets ----------------------------------------------------------------

    def _set(self, name: str, value: Any) -> None:
        """A control now holds `value` for the form field `name` (or a caller's answer,
        `ask-<key>`). The same value again is no change: the events a resumed call's filling
        sets off, say, must not clear the cell the handler had chosen."""
        if name.startswith(ASK_PREFIX):
            answers, key = self.form.caller_answers, name.removeprefix(ASK_PREFIX)
            if answers.get(key, "") == value:
                return
            answers[key] = value
        else:
            if getattr(self.form, name) == value:
                return
            setattr(self.form, name, value)
        self._changed(name)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        name = event.input.id or ""
        if name.startswith(ASK_PREFIX) or name in INPUTS or name == "override_reason":
            self._set(name, event.value)

    @on(Choice.Changed)
    def _choice_changed(self, event: Choice.Changed) -> None:
        name = event.choice.id or ""
        if name.startswith(ASK_PREFIX) or name in CHOICES:
            self._set(name, event.value)
            if name == "referrer_role":
                self._show_caller_variant()

    @on(TickList.Changed)
    def _ticks_changed(self, event: TickList.Changed) -> None:
        name = event.ticks.id or ""
        if name == "extras":
            for extra in EXTRAS:
                self._set(extra, extra in event.selected)
        elif name == "red_flags_cleared":
            self._set(name, "yes" in event.selected)
        elif name in TICK_LISTS:
            before = list(self.form.red_flags)
            self._set(name, list(event.selected))
            if name == "needs":
                self.form_view.show_primary_need_options(self.form)
            if name == "red_flags" and self.form.red_flags and self.form.red_flags != before:
                self._w("red_flags_cleared", TickList).set_selected([])
                self._ask_emergency()

    @on(TextArea.Changed, "#notes")
    def _notes_changed(self, event: TextArea.Changed) -> None:
        self._set("notes", event.text_area.text)

    def _changed(self, name: str) -> None:
        """One field changed: the form holds it now; its checks, the matrix and the draft
        follow once the key's own frame is drawn (several keys between two frames, once)."""
        if name in MOVES_MATRIX:
            self.form.chosen_response = self.form.chosen_lead = ""
            self.form.agreed = False
        if not self._pending:
            self.call_after_refresh(self._after_changes)
        self._pending.add(name)

    def _after_changes(self) -> None:
        names, self._pending = self._pending, set()
        if not self.is_mounted:
            return
        today = as_local(self.ctx.clock()).date()
        errors = typed_errors(self.form, today)
        for name in names:
            self._show_error(name, errors.get(self._error_key(name)))
        if "date_of_birth" in names:
            self._show_age()
        if "nhs_number" in names or "nhs_number_status" in names:
            self._show_nhs_number(errors)
        if "referrer_name" in names:
            self._fill_hint()
        if "postcode" in names or "locality" in names:
            self._suggest_locality()
        if "pathway" in names:
            self.form_view.show_pathway_options(self.form)
        if names & MOVES_MATRIX:
            self._refresh_recommendation()
        if self.problems is not None:
            self._show_problems(missing_for_record(self.form, today) | self._ucr_errors())
        self._save()

    @staticmethod
    def _error_key(name: str) -> str:
        """The key `typed_errors` names a field's message by."""
        if name.startswith(ASK_PREFIX):
            return f"caller_answers.{name.removeprefix(ASK_PREFIX)}"
        return name

    def _control_for(self, error_key: str) -> str:
        if error_key.startswith("caller_answers."):
            return ASK_PREFIX + error_key.removeprefix("caller_answers.")
        return {"chosen_response": "matrix", "chosen_lead": "matrix"}.get(error_key, error_key)

    def _show_error(self, name: str, message: str | None) -> None:
        control_id = self._control_for(name)
        if control_id == "override_reason":  # beside the form, in the panel
            self._w("override-field", Field).show_error(message)
        else:
            self.form_view.show_error(control_id, message)

    def _hint(self, name: str, text: str | None) -> None:
        self.form_view.show_hint(name, text)

    def _show_age(self) -> None:
        today = as_local(self.ctx.clock()).date()
        try:
            age = age_on(parse_date_of_birth(self.form.date_of_birth, today), today)
        except InputError:
            self._hint("date_of_birth", None)
            return
        self._hint("date_of_birth", f"Age {age}")

    def _show_nhs_number(self, errors: dict[str, str]) -> None:
        self._show_error("nhs_number", errors.get("nhs_number"))
        self._show_error("nhs_number_status", errors.get("nhs_number_status"))
        notice = nhs_number_notice(self.form)
        self._hint("nhs_number", f"⚠ {notice}" if notice else None)
        if is_valid_nhs_number(self.form.nhs_number):
            self._look_up_patient(parse_nhs_number(self.form.nhs_number))
        else:
            self.history = None
            self._w("patient-known", Static).update("")

    def _suggest_locality(self) -> None:
        suggested = locality_for_postcode(self.form.postcode)
        choice = self._w("locality", Choice)
        choice.suggestion = suggested or ""
        self._hint(
            "postcode",
            f"Suggests the {suggested} locality (below)" if suggested else None,
        )
        district = self.form.postcode.strip().upper()
        self._hint(
            "locality",
            f"Suggested from the postcode {district}: check with the caller"
            if suggested and not self.form.locality
            else None,
        )

    def _show_caller_variant(self) -> None:
        variant = caller_questions().for_role(self.form.referrer_role)
        asked = {question.key for question in variant.questions}
        for field in self.query(".caller-question"):
            assert isinstance(field, Field)
            field.display = (field.control.id or "").removeprefix(ASK_PREFIX) in asked
        # A 999 referral's crew is not on the line: no "Crew waiting" clock for its triage.
        waiting = "" if self.form.is_bars else variant.timer or ""
        self._w("call-timer", CallTimer).waiting = waiting
        self._w("urgency", TickList).set_lines(
            *urgency_lines(self.ctx.rules, variant.urgency_first)
        )

    # the recommendation -----------------------------------------------------------------------

    @property
    def availability(self) -> Availability:
        """What can be mobilised in the call's locality (countywide until one is chosen)."""
        return self.board.for_locality(self.form.locality or None)

    def _refresh_recommendation(self) -> None:
        today = as_local(self.ctx.clock()).date()
        self.recommendation = recommendation_for(
            self.form, self.availability, self.ctx.rules, self.received_at, today
        )
        self._show_panel()

    def _show_panel(self) -> None:
        self._w("panel", RecommendationPanel).show(
            self.recommendation,
            self.availability,
            chosen_cell(self.form),
            self._due(),
            agreed=self.form.agreed,
        )
        self._show_ucr()

    def _response(self) -> Response | None:
        """The response the call would be recorded with: the cell chosen, else the matrix's."""
        recommended = self.recommendation.response if self.recommendation else None
        return response_of(self.form, recommended)

    def _ucr_errors(self) -> dict[str, str]:
        return ucr_errors(self.form, self._response())

    def _show_ucr(self) -> None:
        """The UCR condition is asked only when the response is Rapid; what was chosen stays on
        the form either way (recording keeps it only on a Rapid response)."""
        self._w("ucr_condition", UcrChoice).ask(self._response() is Response.RAPID)

    def _due(self) -> datetime | None:
        """The due time of the cell chosen, else of the recommendation (the rules' arithmetic)."""
        return due_for(self.form, self.recommendation, self.received_at, self.ctx.rules)

    @on(MatrixGrid.CellChosen)
    def _cell_chosen(self, event: MatrixGrid.CellChosen) -> None:
        response, lead = event.cell
        if self.recommendation is not None and event.cell == self.recommendation.cell:
            self.form.chosen_response = self.form.chosen_lead = ""
            self.form.agreed = True  # the grid's status line says AGREED
        else:
            self.form.chosen_response, self.form.chosen_lead = response.value, lead.value
            self.form.agreed = False
        self._show_panel()
        if chosen_cell(self.form) is not None:  # a different cell: its reason next
            self.set_focus(self._w("override_reason"))
        self._save()

    # looking things up ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="lookup")
    def _look_up_patient(self, nhs_number: str) -> None:
        history = self.desk.patient_history(nhs_number)
        self.app.call_from_thread(self._show_history, nhs_number, history)

    def _show_history(self, nhs_number: str, history: PatientHistory | None) -> None:
        if (
            not is_valid_nhs_number(self.form.nhs_number)
            or parse_nhs_number(self.form.nhs_number) != nhs_number
        ):
            return  # the number changed while we looked
        self.history = history
        banner = self._w("patient-known", Static)
        if history is None:
            banner.update(Text("New patient: not known to the desk."))
            banner.set_class(False, "-warning")
            return
        details = history.details
        lines = [
            f"Known patient: {details.display_name}"
            + (f", born {details.date_of_birth:%d/%m/%Y}" if details.date_of_birth else "")
            + f"; {len(history.referrals)} earlier referral(s).",
            "enter (in the NHS number) fills the empty fields from the record.",
        ]
        lines += [
            f"  {r.reference}  {short_local(r.received_at)}  {label(Status(r.status))}"
            for r in history.referrals[:3]
        ]
        open_line = open_referral_banner(history)
        if open_line is not None:
            lines.insert(0, open_line)
        banner.update(Text("\n".join(lines)))
        banner.set_class(bool(history.open_referrals), "-warning")
        if history.open_referrals:
            banner_shown(banner, lines[0])
        else:
            announce(self.app, lines[0])

    def _fill_from_record(self, history: PatientHistory) -> list[str]:
        """Fill the empty fields from what is on record; never overwrite what was typed."""
        details = history.details
        values = {
            "given_name": details.given_name,
            "family_name": details.family_name,
            "date_of_birth": details.date_of_birth.strftime("%d/%m/%Y")
            if details.date_of_birth
            else "",
            "address": details.address,
            "postcode": details.postcode,
            "gp_practice": details.gp_practice,
            "access_notes": details.access_notes,
            "next_of_kin": details.next_of_kin,
        }
        filled = []
        for name in KNOWN_PATIENT_FIELDS:
            control = self._w(name, Input)
            if values[name] and not control.value.strip():
                control.value = values[name]
                filled.append(fact_name(name))
        lives_alone = self._w("lives_alone", Choice)
        if details.lives_alone is not None and not lives_alone.value:
            lives_alone.choose("yes" if details.lives_alone else "no")
            filled.append(fact_name("lives_alone"))
        return filled

    @work(thread=True, exclusive=True, exit_on_error=False, group="availability")
    def _load_board(self) -> None:
        board = self.desk.availability_board()
        self.app.call_from_thread(self._use_board, board)

    def _use_board(self, board: AvailabilityBoard) -> None:
        self.board = board
        if self.is_mounted:  # the call may already be over
            self._refresh_recommendation()

    @work(thread=True, exclusive=True, exit_on_error=False, group="referrers")
    def _load_referrers(self) -> None:
        known = self.desk.known_referrers()
        self.app.call_from_thread(self._use_referrers, known)

    def _use_referrers(self, known: list[Any]) -> None:
        self._referrers = {referrer.name.casefold(): referrer for referrer in known}
        self._w("referrer_name", Input).suggester = SuggestFromList(
            [referrer.name for referrer in known], case_sensitive=False
        )

    def _fill_hint(self) -> None:
        known = self._referrers.get(self.form.referrer_name.strip().casefold())
        self._hint(
            "referrer_name",
            f"Known caller: {known.organisation or label(known.role)}; enter fills the rest"
            if known
            else None,
        )

    def _fill_known_referrer(self, name: str) -> list[str]:
        known = self._referrers.get(name.strip().casefold())
        if known is None:
            return []
        filled = []
        for field, value in (
            ("referrer_organisation", known.organisation),
            ("referrer_phone", known.phone),
        ):
            control = self._w(field, Input)
            if value and not control.value.strip():
                control.value = value
                filled.append(fact_name(field))
        role = self._w("referrer_role", Choice)
        if not role.value:
            role.choose(known.role.value)
            self.form.referrer_role = role.value
            self._show_caller_variant()
            filled.append(fact_name("referrer_role"))
        return filled

    # keys -------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002 - Textual's signature
        if action == "enter":
            # Enter is the screen's only in one-line text fields; lists and notes have their own.
            return isinstance(self.focused, Input)
        return True

    def action_next_field(self) -> None:
        self._leave_open_list()
        self.focus_next()

    def action_previous_field(self) -> None:
        self._leave_open_list()
        self.focus_previous()

    def _leave_open_list(self) -> None:
        # The Tab comes here before the list it was pressed in (a priority key): it is the list's
        # first, so what was typed into it is chosen, as a Tab the list took itself would.
        focused = self.focused
        if isinstance(focused, Choice) and focused.expanded:
            focused.leave()

    def action_enter(self) -> None:
        """Enter in a text field: on to the next field. In the caller's name or the NHS number
        of someone on record, fill what is known first, then on to the first thing needed."""
        focused = self.focused
        assert isinstance(focused, Input)
        filled: list[str] = []
        if focused.id == "referrer_name":
            suggestion = getattr(focused, "_suggestion", "")
            if suggestion and suggestion.casefold().startswith(focused.value.casefold()):
                focused.value = suggestion  # enter takes the name suggested, as right would
            filled = self._fill_known_referrer(focused.value)
        elif focused.id == "nhs_number" and self.history is not None:
            filled = self._fill_from_record(self.history)
        if filled:
            self.notify("Filled from the record: " + ", ".join(filled) + ".", timeout=5)
            self._focus_first_needed(after=focused)
        else:
            self.focus_next()

    def _focus_first_needed(self, after: Widget) -> None:
        chain = self.focus_chain
        start = chain.index(after) + 1 if after in chain else 0
        for widget in chain[start:]:
            name = widget.id or ""
            value = widget.value if isinstance(widget, Input | Choice) else None
            if name in NEEDED and isinstance(value, str) and not value.strip():
                self.set_focus(widget)
                return
        self.focus_next()

    def action_none_applies(self) -> None:
        """`n` on the red flags: asked all seven, none applies; on to the caller."""
        if self.form.red_flags:
            self.notify("A red flag is ticked: untick it first if it was a mistake.")
            return
        self._w("red_flags_cleared", TickList).set_selected(["yes"])
        self.set_focus(self._w("referrer_name"))

    def action_jump(self, key: str) -> None:
        heading, first = SECTION_KEYS[key]
        target = self._w(first)
        self.set_focus(target, scroll_visible=heading is None)
        if heading is not None:
            self._w(heading).scroll_visible(top=True, animate=False)

    def action_from_paper(self) -> None:
        """F9: this call was taken on a paper sheet in downtime; ask for the sheet's reference
        and the time written on it (again, to correct them, on a paper call)."""
        if self.form.is_bars:
            self.notify("This is the triage of a referral sent by 999, not a paper call.")
            return
        if self.recording:
            self.notify("This call is being recorded: wait for its reference.", markup=False)
            return
        written = self.form.paper_received()
        self.app.push_screen(
            PaperSheetModal(
                self.ctx,
                reference=self.form.paper_reference,
                written=given_time_text(written) if written else "",
                taken_by=self.form.paper_taken_by,
            ),
            self._paper_given,
        )

    def _paper_given(self, sheet: PaperSheet | None) -> None:
        if sheet is None:
            return  # escape: the call is as it was
        self.form.paper_reference = sheet.reference
        self.form.paper_received_at = sheet.received_at.isoformat()
        self.form.paper_taken_by = sheet.taken_by
        self._show_paper()
        self._refresh_recommendation()  # received earlier: the matrix and the due time follow
        if self.problems is not None:
            self._show_problems(missing_for_record(self.form, as_local(self.ctx.clock()).date()))
        self._save()

    def _show_paper(self) -> None:
        line = self._w("paper-line", Static)
        words = paper_line(self.form)
        # Text, never markup: the reference and the taker's name were typed.
        line.update(Text(words, style="bold reverse"))
        line.display = bool(words)

    def _ask_emergency(self) -> None:
        flags = [RedFlag(value) for value in self.form.red_flags]
        self.app.push_screen(EmergencyModal(flags), self._emergency_answered)

    def _paper_time_missing(self) -> bool:
        """A paper call whose written time is not known (an unreadable draft): said, and it is
        not recorded, as it would run from the wrong time."""
        if not self.form.is_paper or self.form.paper_received() is not None:
            return False
        self.notify(
            "The time written on the sheet is missing: F9 to give it.",
            severity="warning",
            markup=False,
        )
        return True

    def _emergency_answered(self, record: bool | None) -> None:
        if record and self._paper_time_missing():
            return
        if record and self.form.is_bars:
            # The 999 service holds the patient: the case goes back to it, not to a new call.
            self.notify(BARS_RED_FLAG_WORDS, severity="warning", timeout=30, markup=False)
            return
        if record:
            self.recording = True  # here, not in the worker: a second ctrl+s is refused at once
            self.stop_recording = False
            self._record_redirect()
            return
        # Answered by mistake: take the yes back, so the call cannot go on with a red flag ticked.
        self._w("red_flags", TickList).set_selected([])
        self.notify("Red-flag answer taken back. Ask the questions again if unsure.")

    # drafts -----------------------------------------------------------------------------------

    def _save(self) -> None:
        if not self.started:
            return  # a call built ahead of time is saved once it has begun
        self.revision += 1
        self._saver.save(self.revision, self.form.to_dict())

    def save_now(self) -> None:
        """Hand the last keys' changes to the draft now, not after the next frame: the handler
        is signing out (`flush_draft` then waits for them to be written)."""
        if self._pending:
            self._after_changes()

    def flush_draft(self) -> bool:
        """Wait until the draft holds every change; False if that took too long. Blocks: call
        it from a worker thread."""
        return self._saver.flush()

    def _write_draft(self, revision: int, payload: dict[str, Any]) -> None:
        self.desk.save_draft(self.draft_key, by=self.by, payload=payload, revision=revision)

    def _draft_failed(self, error: Exception) -> None:
        """From the saver's thread, on every failed save: the banner says it once."""
        self.app.call_from_thread(self._show_drafts_fault, fault_of(error))

    def _draft_saved(self) -> None:
        """From the saver's thread: a save worked again after failing."""
        self.app.call_from_thread(self._show_drafts_fault, None)

    def _show_drafts_fault(self, fault: Fault | None) -> None:
        if fault == self.drafts_fault:
            return
        self.drafts_fault = fault
        banner = self._w("drafts-failing", Static)
        banner.update(Text(f"Drafts are not being saved: {fault}") if fault else "")
        banner.set_class(fault is not None, "-shown")
        if fault is not None:
            banner_shown(banner, f"Drafts are not being saved: {fault}")
        else:
            announce(self.app, "Drafts are being saved again.")

    # recording --------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="record")
    def _record_redirect(self) -> None:
        call = redirected_from(self.form, self.received_at, as_local(self.ctx.clock()).date())
        paper = self.form.paper_entry()
        self._record_with_retries(
            lambda: self.desk.record_redirect(
                call, by=self.by, draft_key=self.draft_key, paper=paper
            )
        )

    def _record_with_retries(self, record: Callable[[], RecordedReferral]) -> None:
        """Record (in the worker), trying again by itself while the database is busy.

        Once only: each try records in one transaction that marks the call's draft key recorded
        (`Desk._record`, which makes the draft row when no save of it landed). A busy
        database refuses the whole transaction (SQLite takes its lock at BEGIN), so a retry can
        never record twice, and a try after one that did is refused with the reference it got.
        """
        worker = get_current_worker()
        pauses = iter(RECORD_PAUSES)
        told = False  # the handler hears of the busy database once, not per try
        try:
            while True:
                try:
                    recorded = record()
                except Exception as error:  # noqa: BLE001 - said on screen; the call stays
                    pause = next(pauses, None)
                    gone = worker.is_cancelled or self.stop_recording
                    if pause is None or gone or fault_kind(error) is not FaultKind.BUSY:
                        if not gone:
                            self.app.call_from_thread(self._save_failed, error)
                        return
                    if not told:
                        told = True
                        self.app.call_from_thread(self._say_busy)
                    time.sleep(pause)
                    if worker.is_cancelled or self.stop_recording:
                        return  # left during the pause: no further try
                    continue
                break
        finally:
            self.recording = False
        if worker.is_cancelled or self.stop_recording:
            # Left while its last try was under way, and that try took: say so, and never
            # offer the call again as a draft.
            self.app.call_from_thread(self._recorded_after_leaving, recorded)
            return
        self.app.call_from_thread(self._recorded, recorded)

    def _recorded_after_leaving(self, recorded: RecordedReferral) -> None:
        offered = getattr(self.app, "my_drafts", {})
        offered.pop(self.draft_key, None)
        self.app.notify(
            f"The call you left was recorded after all, as {recorded.reference}.",
            severity="warning",
            timeout=30,
            markup=False,
        )

    def _say_busy(self) -> None:
        self.notify(BUSY_WORDS, severity="warning", timeout=30, markup=False)

    def action_review(self) -> None:
        if self.recording:
            self.notify("This call is being recorded: wait for its reference.", markup=False)
            return
        if self._paper_time_missing():
            return
        if self.form.is_emergency:
            self._ask_emergency()
            return
        today = as_local(self.ctx.clock()).date()
        errors = blocking(self.form, self.recommendation, today) | self._ucr_errors()
        if errors:
            self._show_problems(errors)
            for name, message in errors.items():
                self._show_error(name, message)
            first = next(iter(errors))
            target = self._find(self._control_for(first))
            if target is not None:
                self.set_focus(target)
            return
        self._show_problems({})
        try:
            call = referral_from(self.form, self.received_at, today, response=self._response())
        except FormErrors as problem:  # the checks above are the same
            self.notify(str(problem), severity="error", markup=False)
            return
        warning = open_referral_warning(self.history)
        self.app.push_screen(
            ConfirmCallModal(readback(self.form, call, self.recommendation, self._due()), warning),
            lambda confirmed: (
                self._start_record(call, self.form.paper_entry()) if confirmed else None
            ),
        )

    def _show_problems(self, errors: dict[str, str]) -> None:
        """Every problem at once, by the names on the form, counted down as they are fixed."""
        self.problems = errors
        self._w("call-timer", CallTimer).left = len(errors)
        line = self._w("problems", Static)
        if not errors:
            line.update("")
            line.set_class(False, "-shown")
            return
        names = []
        for key in errors:
            name = fact_name(self._control_for(key).removeprefix(ASK_PREFIX))
            if name not in names:
                names.append(name)
        line.update(Text(f"To complete ({len(errors)}): " + " · ".join(names)))
        line.set_class(True, "-shown")

    def _start_record(self, call: Any, paper: PaperEntry | None = None) -> None:
        self.recording = True  # here, not in the worker: a second ctrl+s is refused at once
        self.stop_recording = False
        self._record(call, paper)

    @work(thread=True, exit_on_error=False, group="record")
    def _record(self, call: Any, paper: PaperEntry | None = None) -> None:
        self._record_with_retries(
            lambda: self.desk.record_referral(
                call,
                by=self.by,
                availability=self.availability,
                draft_key=self.draft_key,
                paper=paper,
                completing=self.form.bars_reference or None,
            )
        )

    def _save_failed(self, error: Exception) -> None:

        if isinstance(error, DeskError):  # the desk's own words, for the handler
            self.notify(str(error), severity="warning", timeout=30, markup=False)
            return
        self.notify(
            f"NOT RECORDED: {fault_of(error)} Everything typed is kept: ctrl+s tries again.",
            severity="error",
            timeout=30,
            markup=False,
        )

    def _recorded(self, recorded: RecordedReferral) -> None:
        outcome = label(recorded.status)
        if recorded.due_at is not None and recorded.decision.response and recorded.decision.lead:
            outcome = (
                f"{label(recorded.decision.response)} / {label(recorded.decision.lead)}, "
                f"due {short_local(recorded.due_at)}"
            )
        passed = self._passed_on_paper(recorded)
        if passed:
            outcome = f"{outcome}. {passed}"
            # and in a notice that outlasts the reference's dialog
            self.notify(passed, severity="warning", timeout=30, markup=False)

        def finished(_: None) -> None:
            self.post_message(CallFinished(recorded.reference, self.draft_key))

        modal = ReferenceModal(
            recorded.reference, outcome, from_paper=self.form.is_paper, from_999=self.form.is_bars
        )
        self.app.push_screen(modal, finished)
        self.post_message(CallRecorded(recorded.reference))
        decision = recorded.decision
        due = as_local(recorded.due_at).strftime("%H:%M") if recorded.due_at else ""
        announce(
            self.app, recorded_words(recorded.reference, decision.response, decision.lead, due)
        )

    def _passed_on_paper(self, recorded: RecordedReferral) -> str:
        """Words for a paper call whose due time passed before it was entered; else empty. The
        breach happened on paper: said as such, never as the typist's."""
        if not self.form.is_paper or recorded.due_at is None:
            return ""
        if not breached_on_paper(recorded.due_at, self.ctx.clock(), None):
            return ""
        return f"Its due time ({given_time_text(recorded.due_at)}) passed while it was on paper."

    # leaving ----------------------------------------------------------------------------------

    @property
    def is_blank(self) -> bool:
        """Nothing typed or ticked yet: leaving loses nothing."""
        return CallForm(started_at=self.form.started_at) == self.form

    def action_leave(self) -> None:
        if self.is_blank:
            self._discard()  # a call opened by mistake goes with one key
            return

        def answered(choice: str | None) -> None:
            if choice in (KEEP, DISCARD):
                self.stop_recording = True  # a try under way is the last
            if choice == KEEP:
                self._saver.flush()
                self.post_message(CallFinished(None, self.draft_key, kept=self.form))
            elif choice == DISCARD:
                self._discard()

        self.app.push_screen(LeaveCallModal(), answered)

    @work(thread=True, exit_on_error=False, group="record")
    def _discard(self) -> None:
        self._saver.flush()
        if self.revision:
            try:
                self.desk.finish_draft(self.draft_key, state="discarded")
            except Exception as error:  # noqa: BLE001 - said; the call stays on screen
                self.app.call_from_thread(
                    self.notify,
                    f"Not discarded: {fault_of(error)}",
                    severity="error",
                    markup=False,
                )
                return
        self.app.call_from_thread(self.post_message, CallFinished(None, self.draft_key))
