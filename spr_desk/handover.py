"""The handover pack: every open referral as the next watch must see it, with an SBAR note.

Built at the evening boundary (day desk to night team) and the morning one (the hand-back),
or on demand. Each item says when it is due and how long is left, its status, who holds it,
what is outstanding and its risks, with an SBAR note (situation, background, assessment,
recommendation) written from the record for the handler to edit. Pure: the database hands in
the open referrals; the pack's items are stored as they were built, so a pack read later says
what was handed over, not what is true now; only the clock moves it on (`live_time_left`,
`live_state`: the countdown runs from the stored due time, trial problem 22). What the receiver
has read, and the notes added to each referral, are read with the pack (`PackItem.read_by`,
`PackItem.notes`), never stored in it. The pack opens with what needs action this watch
(`needs_action`). Markdown and CSV are the pack's two exports.
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
from spr_desk.vocabulary import Lead, NoteKind, Response, Status, cell_words, label, word_for


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
    home_from_hospital: bool = False
    """A Home from Hospital service was asked for."""
    community_bed: bool = False
    """A community (step-up or step-down) bed was asked for."""
    crew_waiting: bool = False
    """An ambulance crew referred, or is on scene waiting for the response."""
    nhs_to_trace: bool = False
    """The patient has no NHS number yet (`queue_view.is_to_trace`)."""


@dataclass(frozen=True, slots=True)
class PackNote:
    """A note or a follow-up call added to a referral since it was recorded (read live)."""

    at: datetime
    by: str
    kind: NoteKind
    text: str
    caller: str = ""

    @property
    def words(self) -> str:
        """`Tue 01 Dec 19:05 follow-up call from daughter (handler): rang again`."""
        what = "follow-up call" if self.kind is NoteKind.FOLLOW_UP_CALL else "note"
        if self.caller:
            what += f" from {self.caller}"
        return f"{short_local(self.at)} {what} ({self.by}): {_one_line(self.text)}"


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
    received_at: datetime | None = None
    """None in packs stored before it was kept: the stored words are shown instead."""
    home_from_hospital: bool = False
    community_bed: bool = False
    crew_waiting: bool = False
    nhs_to_trace: bool = False
    # Read with the pack, not stored in its snapshot:
    read_by: str | None = None
    """Who ticked it as read (a user name), if anyone has."""
    read_at: datetime | None = None
    notes: tuple[PackNote, ...] = ()
    """Notes and follow-up calls on the referral, oldest first, as they stand now."""

    @property
    def awaits_response(self) -> bool:
        """It was awaiting a first response when the pack was built: its countdown runs."""
        return self.due_at is not None and self.state not in NOT_COUNTING

    def snapshot(self) -> dict[str, Any]:
        """The item as JSON-ready values (the SBAR is stored in its own columns; what was read
        and the notes live in their own tables)."""
        values = asdict(self)
        for live in ("sbar", *LIVE_FIELDS):
            del values[live]
        for name in ("due_at", "received_at"):
            moment = getattr(self, name)
            values[name] = moment.isoformat() if moment else None
        values["risks"] = list(self.risks)
        return values

    @classmethod
    def from_snapshot(cls, values: dict[str, Any], sbar: Sbar) -> PackItem:
        """The item as stored; a pack stored by an older desk lacks the later fields, and a
        field this desk does not know is passed over."""
        known = {name: values[name] for name in SNAPSHOT_FIELDS if name in values}
        for name in ("due_at", "received_at"):
            moment = known.get(name)
            known[name] = datetime.fromisoformat(moment) if moment else None
        known["risks"] = tuple(known.get("risks", ()))
        return cls(**known, sbar=sbar)


NOT_COUNTING = ("seen", "-")
"""The states of an item that was not awaiting a first response when the pack was built."""
LIVE_FIELDS = ("read_by", "read_at", "notes")
SNAPSHOT_FIELDS = tuple(
    name for name in PackItem.__dataclass_fields__ if name not in ("sbar", *LIVE_FIELDS)
)


@dataclass(frozen=True, slots=True)
class Pack:
    direction: Direction
    boundary_at: datetime
    built_at: datetime
    items: tuple[PackItem, ...]
    built_by: str = ""
    acknowledged_by: str | None = None
    """The user name of who took it (in packs acknowledged before sign-in, a typed name)."""
    acknowledged_at: datetime | None = None
    acknowledged_name: str = ""
    """How the person who took it is shown (their display name); empty when unknown."""

    @property
    def title(self) -> str:
        words = DIRECTION_WORDS[self.direction]
        return f"{words[0].upper()}{words[1:]}, {short_local(self.boundary_at)}"

    @property
    def breached(self) -> int:
        return sum(item.state == STATE_WORDS[DueState.BREACHED] for item in self.items)

    @property
    def awaiting(self) -> int:
        return sum(item.state not in NOT_COUNTING for item in self.items)

    @property
    def unread(self) -> int:
        """Items the receiver has not yet ticked as read."""
        return sum(item.read_at is None for item in self.items)

    @property
    def acknowledged_words(self) -> str:
        """`Demo night nurse (night)`: the person's name and the user name it was under."""
        who = self.acknowledged_by or ""
        if self.acknowledged_name and self.acknowledged_name != who:
            return f"{self.acknowledged_name} ({who})"
        return who


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


OVERDUE, DUE_WITHIN = "First response overdue by ", "First response due within "
"""How the countdown's risk begins: `live_risks` puts the sentence as it is now in its place."""


def _due_risk(due_at: datetime, at: datetime) -> str | None:
    left = time_left(at, due_at)
    state = due_state(at, due_at)
    if state is DueState.BREACHED:
        return f"{OVERDUE}{format_time_left(-left)}."
    if state is DueState.DUE_SOON:
        return f"{DUE_WITHIN}{format_time_left(left)}."
    return None


HOME_FROM_HOSPITAL = "Home from Hospital requested."
COMMUNITY_BED = "Community bed requested."
CREW_WAITING = "An ambulance crew is waiting for the response."
NHS_TO_TRACE = "No NHS number yet: trace it."


def risks(referral: OpenReferral, at: datetime) -> tuple[str, ...]:
    found: list[str] = []
    awaiting = _awaiting(referral)
    if awaiting:
        assert referral.due_at is not None
        due = _due_risk(referral.due_at, at)
        if due is not None:
            found.append(due)
    if referral.crew_waiting and awaiting:
        found.append(CREW_WAITING)
    if referral.lives_alone:
        found.append("Lives alone.")
    if referral.bed_needed:
        found.append("May need a bed: not safe at home even with a response.")
    if referral.community_bed:
        found.append(COMMUNITY_BED)
    if referral.home_from_hospital:
        found.append(HOME_FROM_HOSPITAL)
    if referral.nhs_to_trace:
        found.append(NHS_TO_TRACE)
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
        received_at=referral.received_at,
        home_from_hospital=referral.home_from_hospital,
        community_bed=referral.community_bed,
        crew_waiting=referral.crew_waiting,
        nhs_to_trace=referral.nhs_to_trace,
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


def with_read(pack: Pack, reference: str, by: str | None, at: datetime | None) -> Pack:
    """The pack with one item ticked as read (or the tick taken off: `by` None)."""
    items = tuple(
        replace(i, read_by=by, read_at=at) if i.reference == reference else i for i in pack.items
    )
    return replace(pack, items=items)


# the clock moves on -------------------------------------------------------------------------


def live_time_left(item: PackItem, now: datetime) -> str:
    """`Left` as it is at `now`, from the stored due time; the stored words for an item that
    was not counting down (or stored without its due time)."""
    if not item.awaits_response:
        return item.time_left
    assert item.due_at is not None
    return format_time_left(time_left(now, item.due_at))


def live_state(item: PackItem, now: datetime) -> str:
    if not item.awaits_response:
        return item.state
    assert item.due_at is not None
    return STATE_WORDS[due_state(now, item.due_at)]


def live_risks(item: PackItem, now: datetime) -> tuple[str, ...]:
    """The stored risks with the countdown's sentence said as it is at `now`."""
    kept = tuple(r for r in item.risks if not r.startswith((OVERDUE, DUE_WITHIN)))
    if not item.awaits_response:
        return item.risks
    assert item.due_at is not None
    due = _due_risk(item.due_at, now)
    return (due, *kept) if due is not None else kept


def waited(item: PackItem, now: datetime) -> str:
    """How long since the referral was received (`3h 05m`), or "" when the pack did not keep
    its received time."""
    if item.received_at is None:
        return ""
    return format_time_left(max(timedelta(0), now - as_utc(item.received_at)))


# what needs action this watch ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedsAction:
    """The pack's first lines: the references that need something this watch, by reason."""

    watch_ends: datetime
    """The next boundary after the pack's own: the end of the watch it hands over to."""
    breached: tuple[str, ...] = ()
    """Awaiting a first response, past its due time."""
    due_in_watch: tuple[str, ...] = ()
    """Awaiting a first response, due before the watch ends."""
    crew_waiting: tuple[str, ...] = ()
    """Awaiting a first response with an ambulance crew waiting for it."""
    nhs_to_trace: tuple[str, ...] = ()
    """No NHS number yet."""
    gp_update_owed: tuple[str, ...] = ()
    """Closed without the GP told (`gp_updated` false), read from the record now."""

    @property
    def lines(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(what, references) for each reason with any, in the order the watch acts on them."""
        return tuple(
            (what, references)
            for what, references in (
                ("breached", self.breached),
                (f"due by {short_local(self.watch_ends)}", self.due_in_watch),
                ("crew waiting", self.crew_waiting),
                ("NHS number to trace", self.nhs_to_trace),
                ("GP update owed", self.gp_update_owed),
            )
            if references
        )

    @property
    def nothing(self) -> bool:
        return not self.lines


def needs_action(
    pack: Pack, now: datetime, watch_ends: datetime, gp_update_owed: Sequence[str] = ()
) -> NeedsAction:
    """What the receiving watch must act on, from the pack's items as the clock stands at `now`.

    Args:
        pack: the pack (its items in pack order; each reason keeps that order).
        now: the desk's time: breached and due are counted from it, not from the build.
        watch_ends: the end of the watch the pack hands over to.
        gp_update_owed: references closed without the GP told (not in the pack: it holds
            open referrals only).
    """
    breached: list[str] = []
    due: list[str] = []
    crew: list[str] = []
    trace: list[str] = []
    for item in pack.items:
        if item.awaits_response:
            assert item.due_at is not None
            if due_state(now, item.due_at) is DueState.BREACHED:
                breached.append(item.reference)
            elif as_utc(item.due_at) <= as_utc(watch_ends):
                due.append(item.reference)
            if item.crew_waiting:
                crew.append(item.reference)
        if item.nhs_to_trace:
            trace.append(item.reference)
    return NeedsAction(
        as_utc(watch_ends),
        tuple(breached),
        tuple(due),
        tuple(crew),
        tuple(trace),
        tuple(gp_update_owed),
    )


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
    "received_at",
    "read_by",
    "read_at",
    "notes",
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
            item.received_at.isoformat() if item.received_at else "",
            item.read_by or "",
            item.read_at.isoformat() if item.read_at else "",
            " | ".join(note.words for note in item.notes),
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
        ack = f"Acknowledged by {pack.acknowledged_words} {short_local(pack.acknowledged_at)}."
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
        ]
        lines += [f"- Note: {note.words}" for note in item.notes]
        if item.read_by and item.read_at:
            lines.append(f"- Read by {item.read_by} {short_local(item.read_at)}")
        lines.append("")
    return "\n".join(lines)


def new_since(pack: Pack, open_now: Iterable[str]) -> list[str]:
    """References open now that the pack does not hold: recorded after it was built."""
    held = {item.reference for item in pack.items}
    return [reference for reference in open_now if reference not in held]
