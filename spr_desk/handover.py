"""The handover pack: every open referral as the next watch must see it, with an SBAR note.

Built at the evening boundary (day desk to night team) and the morning one (the hand-back),
or on demand. Each item says when it is due and how long is left, its status, who holds it,
what is outstanding and its risks, with an SBAR note (situation, background, assessment,
recommendation) written from the record for the handler to edit. Pure: the database hands in
the open referrals; the pack's items are stored as they were built, so a pack read later says
what was handed over, not what is true now. Markdown and CSV are the pack's two exports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from spr_desk.csv_text import safe_text
from spr_desk.desk_hours import DIRECTION_WORDS, Direction
from spr_desk.due import STATE_WORDS, DueState, due_state, format_time_left, time_left
from spr_desk.lifecycle import AWAITING_RESPONSE
from spr_desk.queue_view import queue_band
from spr_desk.uktime import as_utc, short_local
from spr_desk.vocabulary import Lead, Response, Status, cell_words, label, word_for


@dataclass(frozen=True, slots=True)
class OpenReferral:
    """What the pack needs of one open referral, read from the record."""

    reference: str
    patient_name: str
    locality: str
    status: Status
    response: Response | None
    lead: Lead | None
    due_at: datetime | None
    received_at: datetime
    holder: str = ""
    """The team or named professional it is allocated to; empty until allocated."""
    pathway: str = ""
    setting: str = ""
    needs: tuple[str, ...] = ()
    referrer: str = ""
    reasons: tuple[str, ...] = ()
    fallback_from: Lead | None = None
    override_reason: str = ""
    lives_alone: bool | None = None
    bed_needed: bool = False


@dataclass(frozen=True, slots=True)
class Sbar:
    situation: str = ""
    background: str = ""
    assessment: str = ""
    recommendation: str = ""


@dataclass(frozen=True, slots=True)
class PackItem:
    """One referral as handed over: the words are fixed when the pack is built."""

    reference: str
    patient_name: str
    locality: str
    status: str
    cell: str
    due_at: datetime | None
    time_left: str
    state: str
    holder: str
    outstanding: str
    risks: tuple[str, ...]
    sbar: Sbar = field(default_factory=Sbar)

    def snapshot(self) -> dict[str, Any]:
        """The item as JSON-ready values (the SBAR is stored in its own columns)."""
        values = asdict(self)
        del values["sbar"]
        values["due_at"] = self.due_at.isoformat() if self.due_at else None
        values["risks"] = list(self.risks)
        return values

    @classmethod
    def from_snapshot(cls, values: dict[str, Any], sbar: Sbar) -> PackItem:
        due = values.get("due_at")
        return cls(
            **{
                **values,
                "due_at": datetime.fromisoformat(due) if due else None,
                "risks": tuple(values.get("risks", ())),
            },
            sbar=sbar,
        )


@dataclass(frozen=True, slots=True)
class Pack:
    direction: Direction
    boundary_at: datetime
    built_at: datetime
    items: tuple[PackItem, ...]
    built_by: str = ""
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None

    @property
    def title(self) -> str:
        words = DIRECTION_WORDS[self.direction]
        return f"{words[0].upper()}{words[1:]}, {short_local(self.boundary_at)}"

    @property
    def breached(self) -> int:
        return sum(item.state == STATE_WORDS[DueState.BREACHED] for item in self.items)

    @property
    def awaiting(self) -> int:
        return sum(item.state not in ("seen", "-") for item in self.items)


def _awaiting(referral: OpenReferral) -> bool:
    return referral.status in AWAITING_RESPONSE and referral.due_at is not None


def outstanding(referral: OpenReferral) -> str:
    """What the next watch must do for it, in one sentence."""
    due = short_local(referral.due_at) if referral.due_at else "no due time"
    if referral.status is Status.RECORDED:
        return f"Allocate to a team or a named professional; first response due {due}."
    if referral.status is Status.ALLOCATED:
        return f"First response due {due} ({referral.holder or 'allocated'})."
    if referral.status is Status.RESPONDED:
        return "Start the service, or close with an outcome and tell the GP."
    return "In service: close with an outcome when the episode ends, and tell the GP."


def risks(referral: OpenReferral, at: datetime) -> tuple[str, ...]:
    found: list[str] = []
    if _awaiting(referral):
        assert referral.due_at is not None
        left = time_left(at, referral.due_at)
        state = due_state(at, referral.due_at)
        if state is DueState.BREACHED:
            found.append(f"First response overdue by {format_time_left(-left)}.")
        elif state is DueState.DUE_SOON:
            found.append(f"First response due within {format_time_left(left)}.")
    if referral.lives_alone:
        found.append("Lives alone.")
    if referral.bed_needed:
        found.append("May need a bed: not safe at home even with a response.")
    if referral.fallback_from is not None:
        lead = label(referral.fallback_from)
        found.append(f"{lead} could not be mobilised when it was recorded: follow up with {lead}.")
    if referral.override_reason:
        found.append(f"The recommendation was overridden: {referral.override_reason}")
    return tuple(found)


def default_sbar(referral: OpenReferral, item_risks: Sequence[str], todo: str) -> Sbar:
    """A first SBAR note from the record, for the handler to edit."""
    cell = cell_words(referral.response, referral.lead)
    status = word_for(referral.status, Status)
    who = referral.patient_name or "Unnamed patient"
    situation = f"{who}, {referral.locality or 'no locality'}: {cell} referral, {status}."
    background = ", ".join(part for part in (referral.pathway, referral.setting) if part)
    background = (background + ". " if background else "") + (
        f"Referred by {referral.referrer} {short_local(referral.received_at)}."
        if referral.referrer
        else f"Received {short_local(referral.received_at)}."
    )
    if referral.needs:
        background += f" Needs: {', '.join(referral.needs)}."
    assessment = " ".join((*referral.reasons[:2], *item_risks)).strip()
    return Sbar(situation, background, assessment, todo)


def pack_item(referral: OpenReferral, at: datetime) -> PackItem:
    todo = outstanding(referral)
    item_risks = risks(referral, at)
    if _awaiting(referral):
        assert referral.due_at is not None
        left = format_time_left(time_left(at, referral.due_at))
        state = STATE_WORDS[due_state(at, referral.due_at)]
    else:
        left, state = "-", "seen" if referral.due_at else "-"
    return PackItem(
        reference=referral.reference,
        patient_name=referral.patient_name,
        locality=referral.locality,
        status=word_for(referral.status, Status),
        cell=cell_words(referral.response, referral.lead),
        due_at=referral.due_at,
        time_left=left,
        state=state,
        holder=referral.holder,
        outstanding=todo,
        risks=item_risks,
        sbar=default_sbar(referral, item_risks, todo),
    )


def _order(referral: OpenReferral) -> tuple[int, datetime, str]:
    far = as_utc(referral.received_at) + timedelta(days=36500)
    band = queue_band(referral.status)
    return (band if band is not None else 2, referral.due_at or far, referral.reference)


def build_pack(
    referrals: Iterable[OpenReferral],
    at: datetime,
    direction: Direction,
    boundary_at: datetime,
    built_by: str = "",
) -> Pack:
    """Every open referral, in queue order (awaiting a first response first, soonest due)."""
    ordered = sorted(referrals, key=_order)
    items = tuple(pack_item(referral, at) for referral in ordered)
    return Pack(direction, as_utc(boundary_at), as_utc(at), items, built_by)


def with_sbar(pack: Pack, reference: str, sbar: Sbar) -> Pack:
    items = tuple(replace(i, sbar=sbar) if i.reference == reference else i for i in pack.items)
    return replace(pack, items=items)


# exports ------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "reference",
    "patient",
    "locality",
    "status",
    "response_lead",
    "due_at",
    "time_left",
    "state",
    "holder",
    "outstanding",
    "risks",
    "situation",
    "background",
    "assessment",
    "recommendation",
)


def pack_csv(pack: Pack) -> str:
    """One row per referral, a header row, ISO times; formula-safe text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in pack.items:
        cells = (
            item.reference,
            item.patient_name,
            item.locality,
            item.status,
            item.cell,
            item.due_at.isoformat() if item.due_at else "",
            item.time_left,
            item.state,
            item.holder,
            item.outstanding,
            " ".join(item.risks),
            item.sbar.situation,
            item.sbar.background,
            item.sbar.assessment,
            item.sbar.recommendation,
        )
        writer.writerow([safe_text(cell) for cell in cells])
    return out.getvalue()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def pack_markdown(pack: Pack) -> str:
    """The pack as a Markdown document, one section per referral."""
    lines = [f"# {pack.title}", ""]
    built = f"Built {short_local(pack.built_at)}"
    if pack.built_by:
        built += f" by {pack.built_by}"
    if pack.acknowledged_by and pack.acknowledged_at:
        ack = f"Acknowledged by {pack.acknowledged_by} {short_local(pack.acknowledged_at)}."
    else:
        ack = "Not yet acknowledged."
    lines += [f"{built}. {ack}", ""]
    lines += [
        f"{len(pack.items)} open referrals: {pack.awaiting} awaiting a first response, "
        f"{pack.breached} breached.",
        "",
    ]
    for item in pack.items:
        due = short_local(item.due_at) if item.due_at else "-"
        lines += [
            f"## {item.reference} · {_one_line(item.patient_name)} · {item.locality or '-'}",
            "",
            f"- Due: {due} ({item.time_left}, {item.state})",
            f"- Status: {item.status} · {item.cell} · held by {_one_line(item.holder) or 'nobody'}",
            f"- Outstanding: {item.outstanding}",
            f"- Risks: {_one_line(' '.join(item.risks)) or 'none recorded'}",
            f"- **S** {_one_line(item.sbar.situation)}",
            f"- **B** {_one_line(item.sbar.background)}",
            f"- **A** {_one_line(item.sbar.assessment)}",
            f"- **R** {_one_line(item.sbar.recommendation)}",
            "",
        ]
    return "\n".join(lines)


def new_since(pack: Pack, open_now: Iterable[str]) -> list[str]:
    """References open now that the pack does not hold: recorded after it was built."""
    held = {item.reference for item in pack.items}
    return [reference for reference in open_now if reference not in held]
