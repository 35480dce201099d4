"""A 999 referral's part of the referral view, first of all: what the scene and the flags
warn of, the sender's breach time and the answer owed, the call-back contacts in rank order,
the chief concern, and the replies with their delivery state (BaRS rendering principles)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from spr_desk.bars.outbox import REPLY_WORDS, ReplyKind, ReplyState
from spr_desk.due import format_time_left, time_left
from spr_desk.uktime import short_local
from spr_desk.validation import format_phone

if TYPE_CHECKING:
    from spr_desk.desk_api import BarsDetail, ReplyRow

Rows = list[tuple[str, str]]


def bars_rows(bars: BarsDetail, now: datetime) -> Rows:
    sent = bars.sent
    rows: Rows = [("WARNING", words) for words in sent.warnings]
    version = f" · version {bars.version}" if bars.version > 1 else ""
    rows.append(("Sent by 999", f"{sent.sender or '-'} (BaRS) · {sent.triaged_with}{version}"))
    rows.append(("Reply", _answer_words(bars, now)))
    rows.append(("Chief concern", sent.chief_concern))
    for contact in sent.contacts:
        who = f" {contact.name}" if contact.name else ""
        rows.append((f"Call back {contact.rank}", f"{format_phone(contact.phone)}{who}"))
    rows.append(("Incident at", sent.incident_location))
    if sent.requester:
        rows.append(("Requester", sent.requester))
    if sent.cancel_reason:
        rows.append(("Cancelled", sent.cancel_reason))
    rows.extend(("Replied", reply_words(reply)) for reply in bars.replies)
    return rows


def _answer_words(bars: BarsDetail, now: datetime) -> str:
    if bars.reply_owed_by is not None:
        left = format_time_left(time_left(now, bars.reply_owed_by))
        late = left.startswith("-")
        when = f"{left[1:]} late" if late else f"{left} left"
        return f"OWED by {short_local(bars.reply_owed_by)} ({when}): A accept · b send back"
    if bars.answer is None:
        return "none owed (cancelled by the sender)"
    return REPLY_WORDS[ReplyKind(bars.answer)]


def reply_words(reply: ReplyRow) -> str:
    """`accepted: sent 11:02`, `final outcome: queued 11:40, tried 3 times (HTTP 503)`."""
    what = REPLY_WORDS[reply.kind]
    if reply.state == ReplyState.SENT and reply.sent_at is not None:
        return f"{what}: delivered {short_local(reply.sent_at)}"
    words = f"{what}: {reply.state} {short_local(reply.queued_at)} by {reply.queued_by}"
    if reply.attempts:
        words += f", tried {reply.attempts} time{'s' if reply.attempts != 1 else ''}"
    if reply.last_error:
        words += f" ({reply.last_error})"
    if reply.state == ReplyState.FAILED:
        words += ": REFUSED by the receiver; tell the 999 service by phone"
    return words
