"""The dialog that adds the NHS number a call could not give: checked at the field as it is
confirmed, and what was typed stays when it is wrong (or when the desk refuses it)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from screens.one_line_modal import OneLineModal
from spr_desk.nhs_number import NhsNumberError, parse_nhs_number


class NhsNumberModal(OneLineModal):
    """Dismisses with the number as typed (it passed the check digit), or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Add", priority=True, id="nhs-number-modal.confirm"),
    ]
    field_id, error_id = "nhs-number", "nhs-number-error"
    keys = "enter  add     esc  cancel"
    when_empty = "Type the NHS number: 10 digits."

    def __init__(self, reference: str, *, value: str = "", error: str = "") -> None:
        super().__init__(
            f"Add the NHS number: {reference}",
            "The patient's NHS number, traced or read from their record (spaces are fine):",
            value=value,
            placeholder="943 476 5919",
        )
        self.error = error
        """Why the desk refused it last time (the dialog opens again with what was typed)."""

    def on_mount(self) -> None:
        super().on_mount()
        if self.error:
            self.say(self.error)

    def problem(self, text: str) -> str | None:
        if not text:
            return self.when_empty
        try:
            parse_nhs_number(text)
        except NhsNumberError as wrong:
            return str(wrong)
        return None
