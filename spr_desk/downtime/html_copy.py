"""The read-only HTML copy: the open queue and the rota in one file any browser opens offline.

While the desk runs it writes this copy every few minutes, so that when the desk, its server or
the network is down the open queue and who is on can still be read. The page is self-contained
(inline style only, no script, nothing fetched: its Content-Security-Policy forbids all of it) and
every stored string is escaped and its control characters shown, so a name can be neither markup
nor a hidden instruction. Pure: `write_copy` is the only function that touches a file.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from itertools import groupby
from pathlib import Path

from spr_desk.downtime.pack import DowntimePack, OnNowLine, PackReferral, PackShift
from spr_desk.due import STATE_WORDS, due_state, format_time_left, time_left
from spr_desk.printable import printable
from spr_desk.private_files import written_whole
from spr_desk.uktime import as_local, dated_local, long_local

COPY_NAME = "spr-desk-read-only-copy.html"
"""The copy's file name in the data folder."""
COPY_MINUTES_ENV = "SPR_DESK_COPY_MINUTES"
COPY_MINUTES = 5
"""How often a running desk writes the copy unless told otherwise (0 turns it off)."""

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
"""Nothing may load or run: no script, font, image, frame or connection; only the inline style."""

WRITTEN_AT_META = "spr-desk-written-at"
"""The `<meta name=...>` whose content is the ISO time the copy was written."""

NO_REFERRALS = "No open referrals"

QUEUE_COLUMNS = (
    "Reference",
    "Due (UK time)",
    "State",
    "Time left",
    "Response",
    "Lead",
    "Status",
    "Held by",
    "Patient",
    "NHS number",
    "Date of birth",
    "Address",
    "Locality",
    "Caller",
    "Call-back phone",
    "Next of kin",
    "Paper",
)

SHIFT_COLUMNS = ("Locality", "Team", "Name", "Role", "From", "To")

# Plain and printable: black on white, the state in words; colour only adds to the words.
_STYLE = """
@page { size: A4 landscape; margin: 10mm; }
html { font-family: system-ui, sans-serif; font-size: 11pt; color: #000; background: #fff; }
body { margin: 1rem; }
h1 { font-size: 1.4rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; margin: 1.2rem 0 0.4rem; border-bottom: 2px solid #000; }
h3 { font-size: 1.05rem; margin: 0.8rem 0 0.3rem; }
.banner { border: 3px solid #000; padding: 0.5rem 0.8rem; font-weight: bold; font-size: 1.1rem; }
.banner time { white-space: nowrap; }
.source { margin: 0.4rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { border: 1px solid #555; padding: 0.2rem 0.3rem; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.state-breached { font-weight: bold; background: #f4c7c3; outline: 2px solid #000; }
.state-due_soon { font-weight: bold; background: #fbe5b6; }
.nowrap { white-space: nowrap; }
.empty { font-weight: bold; }
@media print {
  html { font-size: 9pt; }
  body { margin: 0; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


def render_copy(pack: DowntimePack, *, written_at: datetime, every_minutes: int) -> str:
    """The read-only copy of `pack`'s open queue and rota, as one HTML5 document.

    Args:
        pack: the open queue and rota as the desk read them.
        written_at: when the copy is written; the banner shows it and each due state is worked
            out at it (a reader of an old copy sees how old it is, not a clock that moved on).
        every_minutes: how often the desk writes the copy, said in the banner.

    Returns:
        The whole document: inline style only, no script, nothing to fetch.
    """
    iso = _iso(written_at)
    written = long_local(written_at)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en-GB">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="{WRITTEN_AT_META}" content="{_text(iso)}">',
            f"<title>SPR Desk read-only copy - written {_text(written)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            _banner(written_at, every_minutes),
            "<h1>SPR Desk: open queue and rota</h1>",
            f'<p class="source">Read from the desk at {_time(pack.built_at, long_local)} by '
            f"{_text(pack.built_by)}; rules version {_text(pack.rules_version)}.</p>",
            *_queue(pack.referrals, written_at),
            *_on_now(pack.on_now),
            *_shifts(pack.shifts),
            _banner(written_at, every_minutes),
            "</body>",
            "</html>",
            "",
        ]
    )


def write_copy(path: Path, html: str) -> None:
    """Write the copy to `path` owner-only (it holds patient details), whole or not at all, so a
    reader never opens half a queue."""
    with written_whole(path) as handle:
        handle.write(html)


def _banner(written_at: datetime, every_minutes: int) -> str:
    every = "minute" if every_minutes == 1 else f"{every_minutes} minutes"
    return (
        f'<p class="banner" role="note">READ-ONLY COPY - written {_time(written_at, long_local)}'
        f" - the desk writes it every {every}; if this time is old, the copy is old</p>"
    )


def _queue(referrals: Iterable[PackReferral], written_at: datetime) -> list[str]:
    rows = [_referral_row(referral, written_at) for referral in referrals]
    heading = f"<h2>Open queue ({len(rows)}), soonest due first</h2>"
    if not rows:
        return [heading, f'<p class="empty">{NO_REFERRALS}.</p>']
    return [heading, "<table>", _head(QUEUE_COLUMNS), "<tbody>", *rows, "</tbody>", "</table>"]


def _referral_row(referral: PackReferral, written_at: datetime) -> str:
    if referral.due_at is None:
        due, state, left, state_class = "no due time", "no due time", "", ""
    elif referral.responded_at is not None:  # its clock stopped: met or late, no countdown
        due = _time(referral.due_at, dated_local)
        met = time_left(referral.responded_at, referral.due_at) >= timedelta(0)
        state, state_class = ("responded, met", "") if met else ("responded LATE", "state-breached")
        left = _text(f"responded {as_local(referral.responded_at):%a %d %b %H:%M}")
    else:
        due = _time(referral.due_at, dated_local)
        word = due_state(written_at, referral.due_at)
        state, state_class = _text(STATE_WORDS[word]), f"state-{word.value}"
        left = _text(format_time_left(time_left(written_at, referral.due_at)))
    cells = [
        f'<td class="nowrap">{_text(referral.reference)}</td>',
        f'<td class="nowrap">{due}</td>',
        f'<td class="{state_class}">{state}</td>' if state_class else f"<td>{state}</td>",
        f'<td class="nowrap">{left}</td>',
        _cell(referral.response, "none (escalated)"),
        _cell(referral.lead, "none"),
        _cell(referral.status),
        _cell(referral.holder, "not yet held"),
        _cell(referral.patient_name),
        _cell(referral.nhs_number, "to trace"),
        _cell(referral.date_of_birth),
        _cell(referral.address),
        _cell(referral.locality),
        _cell(referral.caller),
        _cell(referral.caller_phone),
        _cell(referral.next_of_kin),
        _cell("entered from paper" if referral.entered_from_paper else "", ""),
    ]
    return f"<tr>{''.join(cells)}</tr>"


def _on_now(lines: Iterable[OnNowLine]) -> list[str]:
    rows = [
        f"<tr>{_cell(line.locality)}<td>{_roles(line.by_role)}</td></tr>"
        for line in sorted(lines, key=lambda line: line.locality)
    ]
    heading = "<h2>On now, by locality</h2>"
    if not rows:
        return [heading, '<p class="empty">Nobody is on the rota now.</p>']
    head = _head(("Locality", "Who is on"))
    return [heading, "<table>", head, "<tbody>", *rows, "</tbody>", "</table>"]


def _roles(by_role: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    if not by_role:
        return "nobody"
    return "<br>".join(
        f"{_text(role)}: {', '.join(_text(name) for name in names) or 'nobody'}"
        for role, names in by_role
    )


def _shifts(shifts: Iterable[PackShift]) -> list[str]:
    parts = ["<h2>Today's and tomorrow's shifts, by locality</h2>"]
    ordered = sorted(shifts, key=lambda shift: (_uk_date(shift.starts_at), shift.locality))
    if not ordered:
        return [*parts, '<p class="empty">No shifts on the rota today or tomorrow.</p>']
    for day, on_day in groupby(ordered, key=lambda shift: _uk_date(shift.starts_at)):
        rows = [_shift_row(shift) for shift in on_day]  # by start within a locality (stable)
        parts += [f"<h3>Starting {day:%a} {day.day} {day:%b %Y}</h3>", "<table>"]
        parts += [_head(SHIFT_COLUMNS), "<tbody>", *rows, "</tbody>", "</table>"]
    return parts


def _shift_row(shift: PackShift) -> str:
    same_day = _uk_date(shift.ends_at) == _uk_date(shift.starts_at)
    cells = [
        _cell(shift.locality),
        _cell(shift.team),
        _cell(shift.name),
        _cell(shift.role),
        f'<td class="nowrap">{_time(shift.starts_at, dated_local)}</td>',
        f'<td class="nowrap">{_time(shift.ends_at, _hour if same_day else dated_local)}</td>',
    ]
    return f"<tr>{''.join(cells)}</tr>"


def _hour(moment: datetime) -> str:
    return f"{as_local(moment):%H:%M}"


def _uk_date(moment: datetime) -> date:
    return as_local(moment).date()


def _head(columns: Iterable[str]) -> str:
    return "<thead><tr>" + "".join(f"<th>{_text(name)}</th>" for name in columns) + "</tr></thead>"


def _cell(value: str | None, if_empty: str = "not recorded") -> str:
    return f"<td>{_text(value) if value else _text(if_empty)}</td>"


def _time(moment: datetime, words: Callable[[datetime], str]) -> str:
    """A `<time>` element: the UK local words for a reader, the ISO time for a machine."""
    return f'<time datetime="{_text(_iso(moment))}">{_text(words(moment))}</time>'


def _iso(moment: datetime) -> str:
    return as_local(moment).isoformat(timespec="seconds")


def _text(value: str) -> str:
    """Stored text as text: control characters shown (`\\x1b`), then HTML-escaped."""
    return html.escape(printable(value), quote=True)


def copy_minutes_from_env(environ: Mapping[str, str]) -> int:
    """`SPR_DESK_COPY_MINUTES` (0 to 1440; default 5; 0: the desk writes no copy).

    Raises:
        ValueError: not whole minutes in range (the message names the setting).
    """
    text = environ.get(COPY_MINUTES_ENV, "").strip()
    if not text:
        return COPY_MINUTES
    if not re.fullmatch(r"[0-9]{1,4}", text) or int(text) > 1440:
        raise ValueError(f"{COPY_MINUTES_ENV} must be whole minutes from 0 to 1440, not {text!r}")
    return int(text)
