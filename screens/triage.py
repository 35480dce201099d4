"""The triage call: one sectioned form in the order of the conversation, red flags first, with
the live recommendation beside it. Every change is saved as a draft."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Checkbox, Footer, Input, Select, SelectionList, Static

from screens.confirm_call_modal import ConfirmCallModal
from screens.emergency_modal import EmergencyModal
from screens.leave_call_modal import DISCARD, KEEP, LeaveCallModal
from screens.messages import CallFinished
from screens.reference_modal import ReferenceModal
from screens.triage_form import (
    CHECKBOXES,
    NEED_LISTS,
    SELECTION_LISTS,
    SELECTS,
    URGENCY_LISTS,
    call_sections,
    readback,
)
from screens.widgets.desk_header import DeskHeader
from screens.widgets.field import Field
from screens.widgets.matrix_grid import MatrixGrid
from screens.widgets.recommendation_panel import RecommendationPanel
from spr_desk.availability import AvailabilityBoard
from spr_desk.call_form import (
    CallForm,
    FormErrors,
    facts_so_far,
    missing_for_record,
    redirected_from,
    referral_from,
    typed_errors,
    with_age,
)
from spr_desk.due import due_at
from spr_desk.matrix import Availability, Recommendation, emergency_advice, recommend
from spr_desk.nhs_number import is_valid_nhs_number, parse_nhs_number
from spr_desk.uktime import as_local, short_local
from spr_desk.validation import InputError, age_on, parse_date_of_birth
from spr_desk.vocabulary import Lead, Need, Pathway, RedFlag, Response, Status, label

if TYPE_CHECKING:
    from db.desk import DeskService, RecordedReferral
    from db.referrals import PatientHistory

SECTION_KEYS: dict[str, str] = {
    "f1": "red_flags",
    "f2": "referrer_name",
    "f3": "nhs_number",
    "f4": "pathway",
    "f5": "matrix",
}
"""Function keys jump to the first field of each section."""


class CallTimer(Widget):
    """How long the call has run, and the section keys. Repaints without a re-layout."""

    DEFAULT_CSS = "CallTimer { height: 1; }"
    started: reactive[datetime | None] = reactive(None)
    now: reactive[datetime | None] = reactive(None)

    def render(self) -> Text:
        if self.started is None or self.now is None:
            return Text("")
        seconds = max(0, int((self.now - self.started).total_seconds()))
        started = as_local(self.started).strftime("%H:%M")
        return Text(
            f"Call {seconds // 60:02d}:{seconds % 60:02d} (from {started}) · "
            "F1 flags F2 caller F3 patient F4 facts F5 decide"
        )


class TriageScreen(Screen[None]):
    """A call from "new call" to a recorded referral, keyboard first."""

    CSS_PATH = "triage.tcss"
    BINDINGS = [
        Binding(
            "f1", "jump('f1')", "Flags", show=False, tooltip="Red-flag questions (asked first)"
        ),
        Binding("f2", "jump('f2')", "Caller", show=False, tooltip="Who is calling"),
        Binding("f3", "jump('f3')", "Patient", show=False, tooltip="The patient"),
        Binding(
            "f4", "jump('f4')", "Facts", show=False, tooltip="Pathway, setting, needs, urgency"
        ),
        Binding(
            "f5", "jump('f5')", "Decide", show=False, tooltip="The matrix: agree or choose a cell"
        ),
        Binding("ctrl+s", "review", "Record", tooltip="Read back, then record", priority=True),
        Binding("escape", "leave", "Leave", tooltip="Leave the call (asks first)"),
    ]

    def __init__(
        self, desk: DeskService, *, by: str, draft: tuple[str, CallForm, int] | None = None
    ):
        """`draft`: a call resumed, as (its key, its form, the revision stored)."""
        super().__init__()
        self.desk = desk
        self.by = by
        if draft is None:
            self.draft_key = uuid.uuid4().hex
            self.form = CallForm(started_at=desk.now().isoformat())
            self.revision = 0
        else:
            # Saves go on from the stored revision: counting from 0 again, every change would
            # be refused as older than the draft until as many had been made.
            self.draft_key, self.form, self.revision = draft
        # Read once, in a worker when the call opens (`_load_board`): recomputing the matrix on
        # a key must not query, and neither must ctrl+n. Until it arrives nothing is ruled out.
        self.board = AvailabilityBoard.unknown(desk.now())
        self.history: PatientHistory | None = None
        self.recommendation: Recommendation | None = None
        self._filling = False
        self._referrers: dict[str, Any] = {}

    # layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="header")
        yield CallTimer(id="call-timer")
        with Horizontal(id="call-body"):
            with VerticalScroll(id="call-form"):
                yield from call_sections()
            yield RecommendationPanel(id="panel")
        yield Footer()

    @property
    def received_at(self) -> datetime:
        return datetime.fromisoformat(self.form.started_at)

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Call"
        self._fill_widgets()
        self._refresh_recommendation()
        self._tick()
        self.set_interval(1, self._tick)
        self._load_referrers()
        self._load_board()
        self.set_focus(self.query_one("#red_flags"))

    def _tick(self) -> None:
        now = self.desk.now()
        self.query_one(DeskHeader).now = now
        timer = self.query_one(CallTimer)
        timer.started = self.received_at
        timer.now = now

    # the form <-> the widgets ----------------------------------------------------------------

    def _fill_widgets(self) -> None:
        """Put a resumed draft's values into the widgets (change events are ignored meanwhile)."""
        self._filling = True
        form = self.form
        for widget in self.query(Input):
            if widget.id and hasattr(form, widget.id):
                widget.value = getattr(form, widget.id)
        for name in CHECKBOXES:
            self.query_one(f"#{name}", Checkbox).value = getattr(form, name)
        for name in SELECTS:
            value = getattr(form, name)
            if value:
                self._set_select(name, value)
        for list_id, attribute in SELECTION_LISTS.items():
            selection = self.query_one(f"#{list_id}", SelectionList)
            chosen = set(getattr(form, attribute))
            for option in selection._options:
                if option.value in chosen:
                    selection.select(option.value)
        self._update_primary_need_options()
        self._filling = False

    def _set_select(self, name: str, value: str) -> None:
        select = self.query_one(f"#{name}", Select)
        try:
            select.value = value
        except Exception:  # noqa: BLE001 - an option that no longer exists stays unset
            select.clear()

    def _changed(self, name: str) -> None:
        """One field changed: check it, recompute the recommendation, save the draft."""
        if self._filling:
            return
        errors = typed_errors(self.form, as_local(self.desk.now()).date())
        self._show_error(name, errors.get(name))
        if name == "date_of_birth":
            self._show_age()
        if name == "nhs_number" and is_valid_nhs_number(self.form.nhs_number):
            self._look_up_patient(parse_nhs_number(self.form.nhs_number))
        if name == "referrer_name":
            self._fill_known_referrer()
        if name == "pathway":
            self._update_pathway_options()
        if name in (
            "pathway",
            "setting",
            "needs",
            "urgency",
            "primary_need",
            "bed_needed",
            "date_of_birth",
            "red_flags",
        ):
            self.form.chosen_response = self.form.chosen_lead = ""
            self._refresh_recommendation()
        self._save()

    def _show_error(self, name: str, message: str | None) -> None:
        # Answers gathered from several lists are reported at the first of them.
        name = {"needs": "needs_clinical", "urgency": "urgency_hours"}.get(name, name)
        controls = self.query(f"#{name}")
        field = controls.first().parent if controls else None
        if isinstance(field, Field):
            field.show_error(message)

    def _show_age(self) -> None:
        field = self.query_one("#date_of_birth").parent
        assert isinstance(field, Field)
        today = as_local(self.desk.now()).date()
        try:
            age = age_on(parse_date_of_birth(self.form.date_of_birth, today), today)
        except InputError:
            field.show_hint(None)
            return
        field.show_hint(f"Age {age}")

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        name = event.input.id or ""
        if hasattr(self.form, name):
            setattr(self.form, name, event.value)
            self._changed(name)

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        name = event.checkbox.id or ""
        if name in CHECKBOXES:
            setattr(self.form, name, event.value)
            self._changed(name)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        name = event.select.id or ""
        if name in SELECTS:
            value = event.value
            setattr(self.form, name, value if isinstance(value, str) else "")
            self._changed(name)

    @on(SelectionList.SelectedChanged)
    def _selection_changed(self, event: SelectionList.SelectedChanged) -> None:
        list_id = event.selection_list.id or ""
        attribute = SELECTION_LISTS.get(list_id)
        if attribute is None:
            return
        if attribute in ("needs", "urgency"):
            # Several lists fill one answer: gather them all.
            lists = NEED_LISTS if attribute == "needs" else URGENCY_LISTS
            setattr(
                self.form,
                attribute,
                [
                    str(value)
                    for other in lists
                    for value in self.query_one(f"#{other}", SelectionList).selected
                ],
            )
            if attribute == "needs":
                self._update_primary_need_options()
        else:
            setattr(self.form, attribute, [str(value) for value in event.selection_list.selected])
        if attribute == "red_flags" and self.form.red_flags and not self._filling:
            self.query_one("#red_flags_cleared", Checkbox).value = False
            self._changed(attribute)
            self._ask_emergency()
            return
        self._changed(attribute)

    def _update_primary_need_options(self) -> None:
        select = self.query_one("#primary_need", Select)
        keep = self.form.primary_need
        select.set_options((label(Need(value)), value) for value in self.form.needs)
        if keep in self.form.needs:
            select.value = keep
        else:
            self.form.primary_need = ""

    def _update_pathway_options(self) -> None:
        step_down = self.form.pathway == Pathway.STEP_DOWN.value
        step_up = self.form.pathway == Pathway.STEP_UP.value
        self.query_one("#home_from_hospital", Checkbox).disabled = not step_down
        self.query_one("#community_bed_request", Checkbox).disabled = not step_up

    # the recommendation -----------------------------------------------------------------------

    @property
    def availability(self) -> Availability:
        """What can be mobilised in the call's locality (countywide until one is chosen)."""
        return self.board.for_locality(self.form.locality or None)

    def _refresh_recommendation(self) -> None:
        availability = self.availability
        facts = facts_so_far(self.form)
        today = as_local(self.desk.now()).date()
        self.recommendation = (
            emergency_advice(
                frozenset(RedFlag(f) for f in self.form.red_flags), False, self.desk.rules
            )
            if self.form.is_emergency
            else None
            if facts is None
            else recommend(
                with_age(facts, self.form, today), availability, self.received_at, self.desk.rules
            )
        )
        self._show_panel()

    def _show_panel(self) -> None:
        chosen = self._chosen()
        chosen_due = (
            due_at(self.received_at, chosen[0], self.desk.rules.due_hours) if chosen else None
        )
        self.query_one(RecommendationPanel).show(
            self.recommendation, self.availability, chosen, chosen_due
        )

    def _chosen(self) -> tuple[Response, Lead] | None:
        try:
            return (Response(self.form.chosen_response), Lead(self.form.chosen_lead))
        except ValueError:  # nothing chosen yet (or a draft from an older version)
            return None

    @on(MatrixGrid.CellChosen)
    def _cell_chosen(self, event: MatrixGrid.CellChosen) -> None:
        response, lead = event.cell
        if self.recommendation is not None and event.cell == self.recommendation.cell:
            self.form.chosen_response = self.form.chosen_lead = ""
        else:
            self.form.chosen_response, self.form.chosen_lead = response.value, lead.value
        self._show_panel()
        if self._chosen() is not None:
            self.query_one("#override_reason").focus()
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
        banner = self.query_one("#patient-known", Static)
        if history is None:
            banner.update(Text("New patient: not known to the desk."))
            return
        filled = self._fill_from_record(history)
        lines = [f"Known patient: {len(history.referrals)} earlier referral(s)."]
        lines += [
            f"  {r.reference}  {short_local(r.received_at)}  {label(Status(r.status))}"
            for r in history.referrals[:4]
        ]
        if history.open_referrals:
            refs = ", ".join(r.reference for r in history.open_referrals)
            lines.insert(
                0, f"⚠ OPEN REFERRAL {refs}: may be known to a service. Check before a second one."
            )
        if filled:
            lines.append(f"Filled from the record: {', '.join(filled)}.")
        banner.update(Text("\n".join(lines)))
        banner.set_class(bool(history.open_referrals), "-warning")

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
        for name, value in values.items():
            if value and not getattr(self.form, name).strip():
                self.query_one(f"#{name}", Input).value = value
                filled.append(name.replace("_", " "))
        if details.lives_alone is not None and not self.form.lives_alone:
            self._set_select("lives_alone", "yes" if details.lives_alone else "no")
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

    def _use_referrers(self, known: list) -> None:
        self._referrers = {referrer.name: referrer for referrer in known}
        self.query_one("#referrer_name", Input).suggester = SuggestFromList(
            list(self._referrers), case_sensitive=False
        )

    def _fill_known_referrer(self) -> None:
        known = self._referrers.get(self.form.referrer_name.strip())
        if known is None:
            return
        for name, value in (
            ("referrer_organisation", known.organisation),
            ("referrer_phone", known.phone),
        ):
            if value and not getattr(self.form, name):
                self.query_one(f"#{name}", Input).value = value
        if not self.form.referrer_role:
            self._set_select("referrer_role", known.role.value)

    # drafts -----------------------------------------------------------------------------------

    def _save(self) -> None:
        self.revision += 1
        self._save_draft(self.revision, self.form.to_dict())

    @work(thread=True, exit_on_error=False, group="draft")
    def _save_draft(self, revision: int, payload: dict[str, Any]) -> None:
        try:
            self.desk.save_draft(self.draft_key, by=self.by, payload=payload, revision=revision)
        except Exception:  # noqa: BLE001 - the handler must know the draft is not safe
            self.app.call_from_thread(
                self.notify, "Could not save the draft: keep the call on screen.", severity="error"
            )

    # ending the call --------------------------------------------------------------------------

    def action_jump(self, key: str) -> None:
        target = self.query_one(f"#{SECTION_KEYS[key]}")
        target.focus()
        target.scroll_visible(top=True)

    def _ask_emergency(self) -> None:
        flags = [RedFlag(value) for value in self.form.red_flags]
        self.app.push_screen(EmergencyModal(flags), self._emergency_answered)

    def _emergency_answered(self, record: bool | None) -> None:
        if record:
            self._record_redirect()
            return
        # Answered by mistake: take the yes back, so the call cannot go on with a red flag ticked.
        self.query_one("#red_flags", SelectionList).deselect_all()
        self.notify("Red-flag answer taken back. Ask the questions again if unsure.")

    @work(thread=True, exit_on_error=False, group="record")
    def _record_redirect(self) -> None:
        call = redirected_from(self.form, self.received_at, as_local(self.desk.now()).date())
        try:
            recorded = self.desk.record_redirect(call, by=self.by, draft_key=self.draft_key)
        except Exception as error:  # noqa: BLE001 - said on screen; the call stays
            self.app.call_from_thread(self._save_failed, error)
            return
        self.app.call_from_thread(self._recorded, recorded)

    def action_review(self) -> None:
        today = as_local(self.desk.now()).date()
        errors = missing_for_record(self.form, today)
        if self._chosen() is not None and self.recommendation is not None:
            if self._chosen() != self.recommendation.cell and not self.form.override_reason.strip():
                errors["override_reason"] = "A different cell needs a reason."
        if self.form.is_emergency:
            self._ask_emergency()
            return
        if errors:
            for name, message in errors.items():
                self._show_error(name, message)
            first = next(iter(errors))
            self.notify(
                f"{len(errors)} thing(s) to complete before recording: {errors[first]}",
                severity="warning",
                markup=False,  # a message may quote what was typed
            )
            self._focus_field(first)
            return
        try:
            call = referral_from(self.form, self.received_at, today)
        except FormErrors as problem:  # pragma: no cover - the checks above are the same
            self.notify(str(problem), severity="error", markup=False)
            return
        warning = None
        if self.history is not None and self.history.open_referrals:
            refs = ", ".join(r.reference for r in self.history.open_referrals)
            warning = (
                f"⚠ This patient has an open referral ({refs}): they may be known to a service. "
                "Record a second referral only if the team agrees."
            )
        chosen = self._chosen()
        due = (
            due_at(self.received_at, chosen[0], self.desk.rules.due_hours)
            if chosen
            else self.recommendation.due_at
            if self.recommendation
            else None
        )
        self.app.push_screen(
            ConfirmCallModal(readback(self.form, call, self.recommendation, due), warning),
            lambda confirmed: self._record(call) if confirmed else None,
        )

    def _focus_field(self, name: str) -> None:
        matches = self.query(f"#{name}")
        if matches:
            matches.first().focus()
            matches.first().scroll_visible()

    @work(thread=True, exit_on_error=False, group="record")
    def _record(self, call: Any) -> None:
        try:
            recorded = self.desk.record_referral(
                call, by=self.by, availability=self.availability, draft_key=self.draft_key
            )
        except Exception as error:  # noqa: BLE001 - said on screen; the call stays
            self.app.call_from_thread(self._save_failed, error)
            return
        self.app.call_from_thread(self._recorded, recorded)

    def _save_failed(self, error: Exception) -> None:
        from db.actions import DeskError  # loaded by now: the desk raised it

        if isinstance(error, DeskError):  # the desk's own words, for the handler
            self.notify(str(error), severity="warning", timeout=30, markup=False)
            return
        self.notify(
            f"NOT RECORDED: {type(error).__name__}. Everything typed is kept; try again.",
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
        self.app.push_screen(
            ReferenceModal(recorded.reference, outcome),
            lambda _: self.post_message(CallFinished(recorded.reference)),
        )

    def action_leave(self) -> None:
        def answered(choice: str | None) -> None:
            if choice == KEEP:
                self.post_message(CallFinished(None))
            elif choice == DISCARD:
                self._discard()

        self.app.push_screen(LeaveCallModal(), answered)

    @work(thread=True, exit_on_error=False, group="record")
    def _discard(self) -> None:
        self.desk.finish_draft(self.draft_key, state="discarded")
        self.app.call_from_thread(self.post_message, CallFinished(None))
