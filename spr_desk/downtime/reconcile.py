"""Reconciling after downtime: every reserved sheet used or released, every paper call due
from the time written on its sheet, and the due times that passed on paper named."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from spr_desk.downtime.paper import ReservedSheet, SheetState
from spr_desk.due import due_at
from spr_desk.uktime import as_utc
from spr_desk.vocabulary import Response


class EnteredCall(Protocol):
    """A call entered from paper, as the desk reads it back (`desk_api.PaperCall`)."""

    @property
    def reference(self) -> str: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def response(self) -> str | None: ...
    @property
    def breached_on_paper(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Reconciliation:
    reserved: tuple[str, ...]
    """Sheets still reserved: neither entered nor released (the outage is not reconciled)."""
    used: int
    released: int
    due_wrong: tuple[str, ...]
    """Paper calls whose due time is not their written received time plus the response's hours."""
    breached_on_paper: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.reserved and not self.due_wrong


def reconcile(
    sheets: Sequence[ReservedSheet],
    calls: Sequence[EnteredCall],
    due_hours: dict[Response, int],
) -> Reconciliation:
    due_wrong = tuple(
        call.reference
        for call in calls
        if call.response is not None
        and (
            call.due_at is None
            or as_utc(call.due_at)
            != as_utc(due_at(call.received_at, Response(call.response), due_hours))
        )
    )
    return Reconciliation(
        reserved=tuple(s.reference for s in sheets if s.state is SheetState.RESERVED),
        used=sum(s.state is SheetState.USED for s in sheets),
        released=sum(s.state is SheetState.RELEASED for s in sheets),
        due_wrong=due_wrong,
        breached_on_paper=tuple(call.reference for call in calls if call.breached_on_paper),
    )
