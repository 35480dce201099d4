"""Messages more than one screen (or the app) listens for."""

from __future__ import annotations

from textual.message import Message


class CallFinished(Message):
    """The call was recorded, kept as a draft or discarded: the app returns to the queue."""

    def __init__(self, reference: str | None) -> None:
        super().__init__()
        self.reference = reference
