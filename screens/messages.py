"""Messages more than one screen (or the app) listens for."""

from __future__ import annotations

from textual.message import Message

from spr_desk.call_form import CallForm


class CallFinished(Message):
    """The call was recorded, kept as a draft or discarded: the app returns to the queue."""

    def __init__(
        self, reference: str | None, draft_key: str = "", *, kept: CallForm | None = None
    ) -> None:
        super().__init__()
        self.reference = reference
        """The referral recorded, or None."""
        self.draft_key = draft_key
        self.kept = kept
        """The call as it was kept as a draft (offered at the next ctrl+n), or None."""


class CallRecorded(Message):
    """A call's referral is stored and its reference is on screen to read out: while the
    handler reads it, the desk builds the next call (`CallDesk.prepare_next_call`)."""

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
