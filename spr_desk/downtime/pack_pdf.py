"""The downtime pack as a printable A4 PDF: cover, open queue, rota, rules card, triage sheets.

Drawn with fpdf2 as plain text (never markdown or markup), with DejaVu Sans (or Arial) so any
name prints; stored strings go through `printable` first, so a control character shows as
`\\x1b` instead of reaching the file. The queue table is laid out here rather than with fpdf's
`table()`: that measures every cell several times and takes seconds for a long queue.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from itertools import groupby
from pathlib import Path

import fpdf
from fpdf.fonts import TTFFont

from spr_desk.downtime.pack import DowntimePack, OnNowLine, PackReferral, PackShift
from spr_desk.downtime.rules_card import RulesCard, card_lines
from spr_desk.due import DueState, due_state, format_time_left, time_left
from spr_desk.nhs_number import format_nhs_number, is_valid_nhs_number
from spr_desk.printable import printable
from spr_desk.uktime import as_local, dated_local, long_local
from spr_desk.vocabulary import Lead, Pathway, Response, Setting, word_for

UNICODE_FONTS: tuple[tuple[Path, Path], ...] = (
    # Debian and Ubuntu (fonts-dejavu-core), Fedora, Arch
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
    (
        Path("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf"),
        Path("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf"),
    ),
    (Path("/usr/share/fonts/TTF/DejaVuSans.ttf"), Path("/usr/share/fonts/TTF/DejaVuSans-Bold.ttf")),
    # macOS
    (Path("/Library/Fonts/DejaVuSans.ttf"), Path("/Library/Fonts/DejaVuSans-Bold.ttf")),
    (
        Path("/System/Library/Fonts/Supplemental/Arial.ttf"),
        Path("/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ),
    (Path("/Library/Fonts/Arial.ttf"), Path("/Library/Fonts/Arial Bold.ttf")),
    # Windows
    (Path("C:/Windows/Fonts/DejaVuSans.ttf"), Path("C:/Windows/Fonts/DejaVuSans-Bold.ttf")),
    (Path("C:/Windows/Fonts/arial.ttf"), Path("C:/Windows/Fonts/arialbd.ttf")),
)
"""Where a Unicode TTF font usually is, first found wins: (regular, bold)."""

TOTAL_PAGES = "\x01pages\x01"
"""fpdf's placeholder for the page count. Stored text cannot hold it: `printable` turns \\x01
into the four characters `\\x01`, so a note reading "{nb}" (fpdf's default) prints as typed."""

FAMILY = "PackSans"
PT = 25.4 / 72
"""Millimetres in a point."""
MAX_CELL_LINES = 12
"""A cell longer than this is cut with a marker, so one row can never outgrow a page."""
CUT_MARK = "[cut short]"
WHAT_TO_DO = (
    "Work from this pack while the desk is down; write every call on a numbered sheet; enter "
    "each sheet with its written received time when the desk is back."
)
LOSSY_NOTE = (
    "Note: some characters could not be printed with the fonts on this machine; they are "
    "shown as {how}. Check those names against the caller or the record."
)


class _Glyphs:
    """What the chosen font can draw, and what to print for a character it cannot."""

    def __init__(self, covered: frozenset[str] | None) -> None:
        self.covered = covered
        """The font's characters; None for fpdf's core Helvetica (Latin-1 only)."""

    def can(self, char: str) -> bool:
        if self.covered is None:
            return ord(char) <= 0xFF
        return char in self.covered

    def shown(self, text: str) -> str:
        """`text` as it can be drawn: control characters escaped (whatever the text's source,
        so none reaches the file or fpdf's page-count placeholder), then the characters the font
        lacks replaced."""
        text = printable(text)
        if all(self.can(char) for char in text):
            return text
        return "".join(char if self.can(char) else self._instead(char) for char in text)

    def _instead(self, char: str) -> str:
        if self.covered is not None:  # shown like `printable` shows a control character
            return f"\\u{ord(char):04x}"
        # Helvetica: the letter without its accent (NFKD), else "?"
        parts = [
            part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)
        ]
        return "".join(parts) if parts and all(self.can(p) for p in parts) else "?"

    @property
    def lossy_how(self) -> str:
        return "? (or without accents)" if self.covered is None else "\\u codes"


class _PackDocument(fpdf.FPDF):
    """An A4 document with the pack's header stamp and footer on every page."""

    def __init__(self, footer: tuple[str, str], glyphs: _Glyphs) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_parts = footer
        """The footer's words before and after the page number."""
        self.glyphs = glyphs
        self.stamp = ""
        """Printed at the top right of every page while set (the rules version on the card)."""
        self.family = "helvetica"

    def header(self) -> None:
        if self.stamp:
            self.style(8, bold=True)
            self.set_xy(self.l_margin, 5)
            self.cell(self.epw, 5, self.glyphs.shown(self.stamp), align="R")
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.style(7)
        self.set_xy(self.l_margin, self.h - 10)
        self.cell(
            self.epw,
            4,
            # the page count placeholder must reach fpdf as it is, so only the words are shown
            self.glyphs.shown(f"{self.footer_parts[0]}{self.page_no()} of ")
            + TOTAL_PAGES
            + self.glyphs.shown(self.footer_parts[1]),
            align="C",
        )

    def style(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def write_text(self, x: float, baseline: float, text: str) -> None:
        """One line of already-shown text at a baseline (fpdf's fastest way to draw text)."""
        self.text(x, baseline, text)

    def paragraph(self, text: str, size: float, bold: bool = False, gap: float = 0.8) -> None:
        self.style(size, bold)
        self.set_x(self.l_margin)
        self.multi_cell(
            self.epw,
            size * PT * 1.35,
            self.glyphs.shown(text),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_y(self.get_y() + gap)

    def room(self, height: float) -> None:
        """Start a new page (same orientation) unless `height` fits below the cursor."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page(same=True)


def _load_fonts(doc: _PackDocument, candidates: Iterable[tuple[Path, Path]]) -> _Glyphs:
    for regular, bold in candidates:
        if regular.is_file() and bold.is_file():
            doc.add_font(FAMILY, "", str(regular))
            doc.add_font(FAMILY, "B", str(bold))
            doc.family = FAMILY
            covered: set[str] | None = None
            for key in (FAMILY.lower(), FAMILY.lower() + "B"):
                font = doc.fonts[key]
                assert isinstance(font, TTFFont)
                chars = {chr(code) for code in font.cmap}
                covered = chars if covered is None else covered & chars
            return _Glyphs(frozenset(covered or ()))
    return _Glyphs(None)


def responded_words(due: datetime, responded: datetime) -> str:
    """A first response made: its clock stopped, met or late (no countdown to act on)."""
    met = "met" if time_left(responded, due) >= timedelta(0) else "LATE"
    return f"{met}, responded\n{as_local(responded):%a %H:%M}"


def due_words(referral: PackReferral, at: datetime) -> str:
    """When it is due and where its clock stood when the pack was built, in words."""
    if referral.due_at is None:
        return "no due time"
    if referral.responded_at is not None:
        responded = responded_words(referral.due_at, referral.responded_at)
        return f"{dated_local(referral.due_at)}\n{responded}"
    left = time_left(at, referral.due_at)
    state = due_state(at, referral.due_at)
    if state is DueState.BREACHED:
        return f"{dated_local(referral.due_at)}\nBREACHED {format_time_left(left)}"
    prefix = "DUE SOON" if state is DueState.DUE_SOON else "due"
    return f"{dated_local(referral.due_at)}\n{prefix}, {format_time_left(left)} left"


def _nhs_words(nhs_number: str) -> str:
    if not nhs_number.strip():
        return "NHS number: to trace"
    shown = format_nhs_number(nhs_number) if is_valid_nhs_number(nhs_number) else nhs_number
    return f"NHS {printable(shown)}"


def _referral_cells(referral: PackReferral, at: datetime) -> list[str]:
    p = printable
    patient = [p(referral.patient_name), _nhs_words(referral.nhs_number)]
    if referral.date_of_birth:
        patient.append(f"DOB {p(referral.date_of_birth)}")
    if referral.address:
        patient.append(p(referral.address))
    reference = p(referral.reference)
    if referral.entered_from_paper:
        reference += "\nFROM PAPER (entered after downtime)"
    return [
        reference,
        due_words(referral, at),
        f"{word_for(referral.response, Response)}/{word_for(referral.lead, Lead)}",
        p(referral.status),
        p(referral.holder) or "not held",
        "\n".join(patient),
        p(referral.locality) or "-",
        f"{p(referral.caller)}\ncall back {p(referral.caller_phone) or '-'}",
        p(referral.next_of_kin) or "-",
    ]


QUEUE_COLUMNS = (
    ("Reference", 26.0),
    ("Due (at build)", 29.0),
    ("Response / lead", 22.0),
    ("Status", 22.0),
    ("Held by", 30.0),
    ("Patient", 50.0),
    ("Locality", 20.0),
    ("Caller / call back", 38.0),
    ("Next of kin", 36.0),
)
"""Widths in mm across A4 landscape's 273 mm between margins."""
ROTA_COLUMNS = (("When", 52.0), ("Team", 46.0), ("Name", 52.0), ("Role", 36.0))


def _wrap(doc: _PackDocument, text: str, width: float) -> list[str]:
    """`text` broken into lines no wider than `width` at the current font; each "\\n" (put
    there by this module: stored text holds none after `printable`) starts a new line."""
    lines: list[str] = []
    measure = doc.get_string_width
    for paragraph in text.split("\n"):
        line = ""
        for word in doc.glyphs.shown(paragraph).split(" "):
            candidate = f"{line} {word}" if line else word
            if measure(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while measure(word) > width:  # a word wider than the column: break it anywhere
                cut = 1
                while cut < len(word) and measure(word[: cut + 1]) <= width:
                    cut += 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    if len(lines) > MAX_CELL_LINES:
        lines = [*lines[: MAX_CELL_LINES - 1], CUT_MARK]
    return lines


def _table(
    doc: _PackDocument,
    columns: Sequence[tuple[str, float]],
    rows: Iterable[Sequence[str]],
    size: float = 7.5,
) -> None:
    """A bordered table whose heading row is drawn again at the top of every page it runs to."""
    pad = 0.9
    line_height = size * PT * 1.25
    ascent = size * PT * 0.8

    def draw_row(cells: Sequence[Sequence[str]], bold: bool) -> None:
        height = max(len(lines) for lines in cells) * line_height + 2 * pad
        doc.room(height)
        doc.style(size, bold)
        y = doc.get_y()
        x = doc.l_margin
        for (_, width), lines in zip(columns, cells, strict=True):
            doc.rect(x, y, width, height, style="DF" if bold else "D")
            for number, line in enumerate(lines):
                doc.write_text(x + pad, y + pad + ascent + number * line_height, line)
            x += width
        doc.set_y(y + height)

    def heading() -> list[list[str]]:
        doc.style(size, bold=True)
        return [_wrap(doc, name, width - 2 * pad) for name, width in columns]

    doc.set_fill_color(225)
    head = heading()
    draw_row(head, bold=True)
    page = doc.page_no()
    for row in rows:
        doc.style(size)
        cells = [
            _wrap(doc, text, width - 2 * pad) for text, (_, width) in zip(row, columns, strict=True)
        ]
        height = max(len(lines) for lines in cells) * line_height + 2 * pad
        doc.room(height)
        if doc.page_no() != page:  # the row moved to a new page: the headings go first
            page = doc.page_no()
            draw_row(head, bold=True)
        draw_row(cells, bold=False)


def _cover(doc: _PackDocument, pack: DowntimePack, lossy: bool) -> None:
    doc.add_page()
    doc.set_y(30)
    doc.paragraph("SPR Desk downtime pack", 24, bold=True, gap=4)
    doc.paragraph(f"Built {long_local(pack.built_at)} (UK time)", 12)
    doc.paragraph(f"Built by {printable(pack.built_by)}", 12)
    doc.paragraph(f"Rules version {printable(pack.rules_version)}", 12, gap=5)
    breached = sum(
        1
        for referral in pack.referrals
        if referral.due_at is not None
        and referral.responded_at is None  # a response made stops the clock
        and due_state(pack.built_at, referral.due_at) is DueState.BREACHED
    )
    from_paper = sum(1 for referral in pack.referrals if referral.entered_from_paper)
    doc.paragraph("In this pack", 13, bold=True)
    for line in (
        f"Open referrals: {len(pack.referrals)} ({breached} breached when the pack was built, "
        f"{from_paper} entered from paper), in due order with the numbers to call.",
        f"The rota: who is on now, and {len(pack.shifts)} shifts today and tomorrow.",
        f"The red-flag and matrix card, rules version {printable(pack.rules_version)}.",
        f"Blank triage sheets: {len(pack.sheets)}, each with its own reserved reference.",
    ):
        doc.paragraph(f"- {line}", 11, gap=0.5)
    doc.set_y(doc.get_y() + 4)
    doc.paragraph("What to do", 13, bold=True)
    doc.paragraph(WHAT_TO_DO, 12, gap=3)
    doc.paragraph(
        "Ask the red flags first on every call. Decide with the card; write the received time "
        "on the sheet when the call starts, from a clock, not from memory.",
        11,
        gap=3,
    )
    if pack.sheets:
        doc.paragraph("Reserved references (one per sheet)", 11, bold=True)
        doc.paragraph(", ".join(printable(sheet) for sheet in pack.sheets), 10, gap=3)
    if lossy:
        doc.paragraph(LOSSY_NOTE.format(how=doc.glyphs.lossy_how), 11, bold=True, gap=3)
    doc.paragraph(
        "This pack holds patient details: keep it with you, never leave it where others can "
        "read it, and shred it once every sheet has been entered.",
        10,
    )


def _queue(doc: _PackDocument, pack: DowntimePack) -> None:
    doc.add_page(orientation="L")
    doc.paragraph(
        f"Open queue at {long_local(pack.built_at)}: {len(pack.referrals)} referrals, "
        "soonest due first",
        13,
        bold=True,
        gap=2,
    )
    if not pack.referrals:
        doc.paragraph("No open referrals when the pack was built.", 11)
        return
    _table(doc, QUEUE_COLUMNS, (_referral_cells(r, pack.built_at) for r in pack.referrals))


def _shift_when(shift: PackShift) -> str:
    start, end = as_local(shift.starts_at), as_local(shift.ends_at)
    if start.date() == end.date():
        return f"{dated_local(start)} - {end:%H:%M}"
    return f"{dated_local(start)} - {end:%a %H:%M}"


def _on_now_lines(line: OnNowLine) -> Iterator[str]:
    for role, names in line.by_role:
        yield f"{printable(role)}: {', '.join(printable(name) for name in names)}"


def _rota(doc: _PackDocument, pack: DowntimePack) -> None:
    doc.add_page(orientation="P")
    doc.paragraph(f"Who is on now ({long_local(pack.built_at)})", 13, bold=True, gap=2)
    if not pack.on_now:
        doc.paragraph("Nobody on the rota was on shift when the pack was built.", 10)
    for line in pack.on_now:
        doc.room(12)
        doc.paragraph(printable(line.locality), 10.5, bold=True, gap=0.3)
        for words in _on_now_lines(line):
            doc.paragraph(f"  {words}", 9.5, gap=0.3)
        doc.set_y(doc.get_y() + 1.5)
    doc.set_y(doc.get_y() + 3)
    doc.room(25)
    doc.paragraph("Today's and tomorrow's shifts, by locality", 13, bold=True, gap=2)
    if not pack.shifts:
        doc.paragraph("No shifts on the rota for today or tomorrow.", 10)
    by_locality = sorted(pack.shifts, key=lambda shift: shift.locality)  # stable: keeps start order
    for locality, shifts in groupby(by_locality, key=lambda shift: shift.locality):
        doc.room(20)
        doc.paragraph(printable(locality), 10.5, bold=True, gap=0.5)
        _table(
            doc,
            ROTA_COLUMNS,
            (
                [_shift_when(s), printable(s.team), printable(s.name), printable(s.role)]
                for s in shifts
            ),
            size=8.5,
        )
        doc.set_y(doc.get_y() + 3)


def _card(doc: _PackDocument, card: RulesCard) -> None:
    doc.stamp = f"Rules version {card.rules_version}"
    doc.add_page(orientation="P")
    for section in card_lines(card):
        doc.room(15)
        doc.paragraph(section.heading, 11.5, bold=True, gap=1)
        for line in section.lines:
            doc.paragraph(line, 9.5, gap=0.6)
        doc.set_y(doc.get_y() + 2.5)
    doc.stamp = ""


class _SheetPen:
    """Draws one triage sheet: labels, writing boxes and tick boxes, row by row."""

    SIZE = 7.5
    ROW = 6.6
    TICK_ROW = 5.0
    BOX = 3.0

    def __init__(self, doc: _PackDocument) -> None:
        self.doc = doc
        self.right = doc.w - doc.r_margin

    @property
    def y(self) -> float:
        return self.doc.get_y()

    def down(self, height: float) -> None:
        self.doc.set_y(self.y + height)

    def label(self, x: float, text: str, bold: bool = False, size: float = SIZE) -> float:
        """Text at `x` on the current row; returns where it ends."""
        self.doc.style(size, bold)
        shown = self.doc.glyphs.shown(text)
        self.doc.write_text(x, self.y + 4.2, shown)
        return x + self.doc.get_string_width(shown)

    def section(self, title: str) -> None:
        self.doc.room(5.2 + 2 * self.ROW)
        self.down(1.2)
        self.doc.set_fill_color(225)
        self.doc.rect(self.doc.l_margin, self.y, self.doc.epw, 5.2, style="F")
        self.label(self.doc.l_margin + 1, title, bold=True, size=8.5)
        self.down(5.6)

    def field(self, x: float, name: str, end: float | None = None) -> float:
        """`name [.........]` from x to `end` (the right margin by default)."""
        after = self.label(x, name) + 1.5
        stop = self.right if end is None else end
        self.doc.rect(after, self.y + 0.8, stop - after, self.ROW - 1.4)
        return stop

    def digits(self, x: float, groups: Sequence[int], between: str) -> float:
        """Boxes for digits, in groups (`dd/mm/yyyy`), each a little square to write in."""
        side = 4.4
        for index, count in enumerate(groups):
            if index:
                x = self.label(x + 0.6, between) + 0.6
            for _ in range(count):
                self.doc.rect(x, self.y + 0.9, side, side)
                x += side
        return x

    def tick(self, x: float, text: str) -> float:
        self.doc.rect(x, self.y + 1.6, self.BOX, self.BOX)
        return self.label(x + self.BOX + 1.2, text) + 3.5

    def ticks(self, x: float, items: Sequence[str], row: float = TICK_ROW) -> None:
        """Tick boxes laid left to right, wrapping onto new rows under the first."""
        start = x
        for item in items:
            self.doc.style(self.SIZE)
            width = self.BOX + 1.2 + self.doc.get_string_width(self.doc.glyphs.shown(item)) + 3.5
            if x + width > self.right and x > start:
                self.down(row)
                self.doc.room(row)
                x = start
            x = self.tick(x, item)
        self.down(row)


def _sheet(doc: _PackDocument, reference: str, card: RulesCard) -> None:
    shown_reference = printable(reference)
    doc.stamp = f"Triage sheet {shown_reference}"
    doc.add_page(orientation="P")
    pen = _SheetPen(doc)
    left = doc.l_margin
    middle = left + doc.epw / 2
    doc.style(24, bold=True)
    doc.write_text(left, doc.get_y() + 8, doc.glyphs.shown(shown_reference))
    doc.style(8)
    doc.write_text(
        left,
        doc.get_y() + 13,
        doc.glyphs.shown(
            f"SPR Desk triage sheet (downtime), rules version {card.rules_version}. "
            "One call per sheet, in the order of the call; enter it with this reference."
        ),
    )
    pen.down(15)
    x = pen.label(left, "Received (date and time, written now):", bold=True, size=9) + 3
    x = pen.digits(pen.label(x, "date") + 1.5, (2, 2, 4), "/")
    pen.digits(pen.label(x + 5, "time") + 1.5, (2, 2), ":")
    pen.down(pen.ROW + 0.5)

    pen.section("1. Red flags - ask first")
    half = (len(card.red_flags) + 1) // 2
    for row in range(half):
        for column, flag in enumerate(card.red_flags[row * 2 : row * 2 + 2]):
            x = left + column * doc.epw / 2
            pen.label(x, flag.question)
            pen.tick(pen.tick(x + doc.epw / 2 - 28, "yes"), "no")
        pen.down(pen.TICK_ROW + 0.3)
    pen.label(left, "Any yes: say the words, advise 999, stop.", bold=True)
    pen.down(pen.TICK_ROW)
    doc.style(pen.SIZE)
    doc.set_x(left)
    doc.multi_cell(
        doc.epw, 3.4, doc.glyphs.shown(f'"{card.emergency_words}"'), new_x="LMARGIN", new_y="NEXT"
    )
    x = pen.tick(left, "none applies: carry on")
    x = pen.tick(x + 4, "a yes: 999 advised at")
    pen.digits(x, (2, 2), ":")
    pen.down(pen.ROW)

    pen.section("2. Caller")
    pen.field(left, "Name", middle - 3)
    pen.field(middle, "Role")
    pen.down(pen.ROW)
    pen.field(left, "Organisation", middle - 3)
    pen.field(middle, "Call-back phone")
    pen.down(pen.ROW)

    pen.section("3. Patient")
    x = pen.label(left, "NHS number") + 1.5
    x = pen.digits(x, (3, 3, 4), " ")
    pen.tick(x + 4, "not known: to trace")
    pen.down(pen.ROW)
    pen.field(left, "Name", middle + 30)
    x = pen.label(middle + 33, "DOB") + 1.5
    pen.digits(x, (2, 2, 4), "/")
    pen.down(pen.ROW)
    pen.field(left, "Address")
    pen.down(pen.ROW)
    pen.field(left, "Postcode", left + 45)
    pen.field(left + 48, "GP practice")
    pen.down(pen.ROW)
    x = pen.label(left, "Lives alone") + 2
    pen.tick(pen.tick(x, "yes"), "no")
    pen.field(left + 48, "Access (key safe, code)")
    pen.down(pen.ROW)
    pen.field(left, "Next of kin (name, phone)")
    pen.down(pen.ROW)

    pen.section("4. Pathway and setting")
    pen.ticks(pen.label(left, "Pathway") + 3, [word_for(p.value, Pathway) for p in Pathway])
    pen.ticks(pen.label(left, "Setting") + 3, [word_for(s.value, Setting) for s in Setting])

    names = [name for name, _ in card.due_hours]
    hours = dict(card.due_hours)
    pen.section("5. Urgency factors (card step 3)")
    pen.ticks(pen.label(left, f"{names[0]} if any:") + 3, card.rapid_factors)
    pen.ticks(pen.label(left, f"{names[1]} if any:") + 3, card.fast_factors)
    pen.label(left, f"None of these: {names[2]}.")
    pen.down(pen.TICK_ROW)

    pen.section("6. Needs (card step 4)")
    for group in card.need_groups:
        doc.room(pen.TICK_ROW)
        pen.ticks(pen.label(left, f"{group.label} ({group.lead} leads):") + 3, group.needs)
    pen.field(left, "Primary need, if the caller names one")
    pen.down(pen.ROW)

    pen.section("7. Decision (card steps 5 and 6)")
    x = pen.label(left, "Response") + 3
    for name in names:
        x = pen.tick(x, f"{name} ({hours[name]} h)")
    x = pen.label(x + 6, "Lead") + 3
    for name in card.fallback_order:
        x = pen.tick(x, name)
    pen.down(pen.ROW)
    x = pen.label(left, "Due (received + hours)") + 2
    x = pen.digits(x, (2, 2, 4), "/")
    x = pen.digits(x + 4, (2, 2), ":")
    pen.field(x + 6, "Lead asked for, if another goes")
    pen.down(pen.ROW)
    x = pen.label(left, "Or") + 3
    x = pen.tick(x, "999 advised")
    x = pen.tick(x, f"redirected (under {card.minimum_age})")
    pen.tick(x, "escalated to the duty lead")
    pen.down(pen.ROW)
    pen.field(left, "Override reason (if not the card's answer)")
    pen.down(pen.ROW)

    pen.section("Notes")
    bottom = doc.page_break_trigger - pen.ROW - 1
    notes = max(14.0, bottom - pen.y)
    doc.room(notes + pen.ROW)
    doc.rect(left, pen.y, doc.epw, notes)
    pen.down(notes + 1)
    pen.field(left, "Taken by (name)", middle - 3)
    pen.field(middle, "Entered on the desk (by, when)")
    pen.down(pen.ROW)
    doc.stamp = ""


def _pack_strings(pack: DowntimePack) -> Iterator[str]:
    """Every stored string the pack prints, to find what the font cannot draw before drawing."""
    yield pack.built_by
    yield pack.rules_version
    yield from pack.sheets
    for r in pack.referrals:
        yield from (r.reference, r.status, r.holder, r.patient_name, r.nhs_number)
        yield from (r.date_of_birth, r.address, r.locality, r.caller, r.caller_phone)
        yield r.next_of_kin
    for shift in pack.shifts:
        yield from (shift.locality, shift.team, shift.name, shift.role)
    for line in pack.on_now:
        yield line.locality
        yield from _on_now_lines(line)
    for section in card_lines(pack.card):
        yield section.heading
        yield from section.lines


def render_pack(pack: DowntimePack, *, fonts: Iterable[tuple[Path, Path]] = UNICODE_FONTS) -> bytes:
    """The pack as a PDF: cover, queue (landscape), rota, rules card, one sheet per reference.

    Args:
        pack: what to print, from one snapshot of the desk.
        fonts: (regular, bold) TTF paths to try in order; with none found, fpdf's Helvetica
            prints Latin-1 only and the cover says some characters could not be printed.
    """
    footer = (
        f"SPR Desk downtime pack - built {long_local(pack.built_at)} - page ",
        f" - rules version {printable(pack.rules_version)}",
    )
    doc = _PackDocument(footer, _Glyphs(None))
    doc.glyphs = _load_fonts(doc, fonts)
    doc.alias_nb_pages(TOTAL_PAGES)
    doc.set_margins(12, 13, 12)
    doc.set_auto_page_break(True, margin=14)
    doc.set_creation_date(pack.built_at)
    doc.set_title("SPR Desk downtime pack")
    doc.set_author("SPR Desk")
    lossy = any(
        not all(doc.glyphs.can(char) for char in printable(text)) for text in _pack_strings(pack)
    )
    _cover(doc, pack, lossy)
    _queue(doc, pack)
    _rota(doc, pack)
    _card(doc, pack.card)
    for reference in pack.sheets:
        _sheet(doc, reference, pack.card)
    return bytes(doc.output())
