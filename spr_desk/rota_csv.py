"""A rota CSV read and checked all-or-nothing: every bad cell reported, nothing half-loaded.

One row is one shift for one person in one team:

    team,name,role,date,start,end,capacity,band
    ACHT Aylesbury,Jo Bloggs,nurse,23/11/2026,08:00,16:00,6,Band 6
    ACHT Night Team,Sam Smith,HCA,23/11/2026,21:00,07:30,,

Times are UK wall-clock times on the row's date. An end at or before the start is the next
morning (a night shift). A time the clocks skip in spring is refused; a time the clocks repeat
in autumn is read as its first occurrence (BST, fold 0), the usual reading of a rota written
the day before. Pure: text in, checked rows or line-and-column errors out; `db.rota` stores them.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeAlias

from spr_desk.uktime import LONDON, as_utc
from spr_desk.validation import InputError, parse_day
from spr_desk.vocabulary import StaffRole, label

ROTA_COLUMNS: tuple[str, ...] = ("team", "name", "role", "date", "start", "end")
"""The columns every rota file must have, in any order."""
OPTIONAL_COLUMNS: tuple[str, ...] = ("capacity", "band")
"""Columns a rota file may add; a blank cell takes the default."""

DEFAULT_CAPACITY = 6
"""Open allocations a person can hold when the file does not say (the table's default)."""
MAX_CAPACITY = 99
"""A guard against typos such as 66 for 6; well inside the database's integer."""
MAX_NAME = 120
MAX_BAND = 20
"""Lengths the staff table holds (`db.models.StaffMember`)."""
MAX_SHIFT = timedelta(hours=16)

_TIME_FORMS = (
    re.compile(r"(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})"),
    re.compile(r"(?P<h>[0-9]{2})(?P<m>[0-9]{2})"),
)
_CAPACITY = re.compile(r"[0-9]{1,4}")
_ROLE_WORDS: dict[str, StaffRole] = {
    **{label(role).casefold(): role for role in StaffRole},
    **{role.value.replace("_", " "): role for role in StaffRole},
    **{role.value: role for role in StaffRole},
}
_ROLE_LIST = ", ".join(role.value.replace("_", " ") for role in StaffRole)
_COLUMN_LIST = f"{', '.join(ROTA_COLUMNS)}, and if wanted {' and '.join(OPTIONAL_COLUMNS)}"

_Problem: TypeAlias = Callable[[str, str], None]
"""How the row checks report: `problem(column, message)`."""


@dataclass(frozen=True, slots=True)
class RotaRow:
    """One checked shift. `line` is where it sits in the file; times are aware UTC."""

    line: int
    team: str
    """The team's name as the desk spells it, whatever case the file used."""
    name: str
    role: StaffRole
    starts_at: datetime
    ends_at: datetime
    capacity: int
    band: str


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem, where the supervisor will find it: the file's line (header is line 1) and
    the column's heading, or an empty column for a problem with the whole line."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RotaParse:
    """What a rota file holds. `rows` is empty unless the whole file is good, so a caller cannot
    load part of a file by mistake."""

    rows: list[RotaRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_rota(text: str, teams: Collection[str]) -> RotaParse:
    """Read a rota CSV and check every row against the desk's `teams` (their stored names).

    Never raises on bad input: every problem becomes a `RowError`, in line order.
    """
    records = _records(text.removeprefix("\ufeff"))  # Excel saves "CSV UTF-8" with a BOM
    errors: list[RowError] = []
    header: tuple[int, list[str]] | None = None
    for line, cells in records:
        if cells is None:
            return RotaParse(errors=[RowError(line, "", _UNREADABLE)])
        if any(cells):
            header = (line, cells)
            break
    if header is None:
        message = f"The file is empty: its first line should name the columns {_COLUMN_LIST}."
        return RotaParse(errors=[RowError(1, "", message)])
    header_line, headings = header
    columns = _read_header(header_line, headings, errors)
    if columns is None:
        return RotaParse(errors=errors)

    canonical = {_folded(team): team for team in teams}
    team_list = ", ".join(teams)
    unnamed = {index for index, heading in enumerate(headings) if not heading}
    rows: list[RotaRow] = []
    by_person: dict[tuple[str, str], _Person] = {}
    for line, cells in records:
        if cells is None:
            errors.append(RowError(line, "", _UNREADABLE))
            break
        if not any(cells):
            continue
        row = _read_row(line, cells, columns, len(headings), unnamed, canonical, team_list, errors)
        if row is not None:
            person = by_person.get((row.team, row.name))
            if person is None:
                by_person[(row.team, row.name)] = _Person(row)
            else:
                person.check_and_add(row, errors)
            rows.append(row)
    if not rows and not errors:
        message = "The file has a header but no shifts: check you chose the right file."
        errors.append(RowError(header_line, "", message))
    return RotaParse(rows=[] if errors else rows, errors=errors)


_UNREADABLE = "This line cannot be read as CSV: check its quotation marks."


def _records(text: str) -> Iterator[tuple[int, list[str] | None]]:
    """(first physical line, stripped cells) per CSV record; a blank line gives no cells.

    A record the csv module cannot read gives None for its cells and ends the file.
    """
    # newline="" lets the csv module see \r\n and quoted line breaks as they are.
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield start, None
            return
        yield start, [cell.strip() for cell in cells]
        start = reader.line_num + 1


def _read_header(line: int, headings: list[str], errors: list[RowError]) -> dict[str, int] | None:
    """Column name to cell index; None when a required column is missing."""
    columns: dict[str, int] = {}
    known = (*ROTA_COLUMNS, *OPTIONAL_COLUMNS)
    for index, heading in enumerate(headings):
        name = heading.casefold()
        if not name:
            continue  # an unnamed column is allowed while it stays empty (see `_read_row`)
        if name not in known:
            message = f"Not a rota column: the columns are {_COLUMN_LIST}."
            shown = heading if len(heading) <= 40 and heading.isprintable() else ""
            errors.append(RowError(line, shown or f"column {index + 1}", message))
        elif name in columns:
            errors.append(RowError(line, name, "This column is named twice in the header."))
        else:
            columns[name] = index
    missing = [name for name in ROTA_COLUMNS if name not in columns]
    for name in missing:
        message = f"The header has no {name} column: the first line must name {_COLUMN_LIST}."
        errors.append(RowError(line, name, message))
    return None if missing else columns


def _read_row(
    line: int,
    cells: list[str],
    columns: dict[str, int],
    width: int,
    unnamed: set[int],
    canonical: dict[str, str],
    team_list: str,
    errors: list[RowError],
) -> RotaRow | None:
    """The row checked cell by cell, every problem added to `errors`; None if any."""
    found: list[RowError] = []

    def problem(column: str, message: str) -> None:
        found.append(RowError(line, column, message))

    if any(cells[width:]):  # empty trailing cells are a spreadsheet's habit, not a mistake
        problem(
            "",
            f"This line has {len(cells)} cells but the header has {width}: "
            "check for a stray comma, and put a name holding a comma in double quotes.",
        )
    if any("\n" in cell or "\r" in cell for cell in cells):
        problem(
            "",
            "A cell on this line runs over several lines: check for a quotation mark that is "
            "not closed.",
        )
    for index in sorted(unnamed):
        if index < len(cells) and cells[index]:
            problem(f"column {index + 1}", "This cell has no heading: name its column or empty it.")

    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    team = canonical.get(_folded(cell("team")))
    if not cell("team"):
        problem("team", "Fill in the team.")
    elif team is None:
        problem("team", f"No team by that name: use one of {team_list}.")

    name = " ".join(cell("name").split())  # "Jo  Bloggs" is the same person as "Jo Bloggs"
    if not name:
        problem("name", "Fill in the person's name.")
    elif len(name) > MAX_NAME:
        problem("name", f"A name has at most {MAX_NAME} characters.")
    elif not name.isprintable():
        problem("name", "This name holds hidden characters: retype it.")

    role = _ROLE_WORDS.get(_folded(cell("role")))
    if not cell("role"):
        problem("role", f"Fill in the role: one of {_ROLE_LIST}.")
    elif role is None:
        problem("role", f"Not a rota role: use one of {_ROLE_LIST}.")

    day: date | None = None
    if not cell("date"):
        problem("date", "Fill in the date of the shift, as DD/MM/YYYY.")
    else:
        try:
            day = parse_day(cell("date"))
        except InputError as refused:
            problem("date", str(refused))

    start = _clock_time(cell("start"), "start", problem)
    end = _clock_time(cell("end"), "end", problem)
    starts_at = ends_at = None
    if day is not None and start is not None and end is not None:
        end_day = day if end > start else day + timedelta(days=1)
        starts_at = _uk_instant(day, start, "start", problem)
        ends_at = _uk_instant(end_day, end, "end", problem)
        if starts_at is not None and ends_at is not None and ends_at - starts_at > MAX_SHIFT:
            problem(
                "end",
                f"This shift would last {_duration(ends_at - starts_at)}; a shift is at most "
                f"{_duration(MAX_SHIFT)}. An end at or before the start means the next day.",
            )

    capacity = DEFAULT_CAPACITY
    if cell("capacity"):
        typed = cell("capacity")
        if _CAPACITY.fullmatch(typed) and 1 <= int(typed) <= MAX_CAPACITY:
            capacity = int(typed)
        else:
            problem("capacity", f"Capacity is a whole number from 1 to {MAX_CAPACITY}.")

    band = cell("band")
    if len(band) > MAX_BAND:
        problem("band", f"A band has at most {MAX_BAND} characters.")
    elif not band.isprintable():
        problem("band", "This band holds hidden characters: retype it.")

    errors.extend(found)
    if found or team is None or role is None or starts_at is None or ends_at is None:
        return None
    return RotaRow(
        line=line,
        team=team,
        name=name,
        role=role,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        band=band,
    )


def _clock_time(typed: str, column: str, problem: _Problem) -> time | None:
    """A 24-hour time typed as 07:30, 7:30 or 0730."""
    if not typed:
        problem(column, f"Fill in the {column} time, as HH:MM on the 24-hour clock.")
        return None
    for form in _TIME_FORMS:
        match = form.fullmatch(typed)
        if match is None:
            continue
        hour, minute = int(match["h"]), int(match["m"])
        if hour > 23 or minute > 59:
            problem(column, "No such time: hours run 00 to 23 and minutes 00 to 59.")
            return None
        return time(hour, minute)
    problem(column, "Type the time as HH:MM on the 24-hour clock, like 07:30 or 21:00.")
    return None


def _uk_instant(day: date, clock: time, column: str, problem: _Problem) -> datetime | None:
    """The UTC instant of a UK wall-clock time; None (and a problem) if the clocks skip it.

    An autumn time that happens twice is taken at its first occurrence (fold=0, still BST).
    """
    local = datetime.combine(day, clock, tzinfo=LONDON)
    instant = as_utc(local)
    # A skipped time does not come back from UTC as the same wall-clock time.
    if instant.astimezone(LONDON).replace(tzinfo=None) != datetime.combine(day, clock):
        problem(
            column,
            f"The clocks go forward that night, so {clock:%H:%M} on {day:%d/%m/%Y} does not "
            "happen in the UK: use a time an hour later.",
        )
        return None
    return instant


class _Person:
    """One person's good rows so far, kept so that each new row is checked in logarithmic time:
    a year's rota for one person must not cost a scan of every earlier row per row.

    Details are checked against the person's first row. Shifts are held sorted by start and
    never overlap one another (a row that overlaps is refused and not kept), so only the shift
    before a new one and those starting before it ends can overlap it.
    """

    __slots__ = ("details", "ends", "first", "lines", "starts")

    def __init__(self, first: RotaRow) -> None:
        self.first = first
        self.details = _details(first)
        self.starts: list[datetime] = [first.starts_at]
        self.ends: list[datetime] = [first.ends_at]
        self.lines: list[int] = [first.line]

    def check_and_add(self, row: RotaRow, errors: list[RowError]) -> None:
        """A person has one role, band and capacity in a team, and cannot work two shifts at
        once: each problem with `row` added to `errors`; `row` kept if it overlaps nothing."""
        for column, value in _details(row).items():
            if self.details[column] != value:
                message = (
                    f"Line {self.first.line} gives the same person in the same team the {column} "
                    f"{self.details[column]}: a person has one {column} in a team, so make the "
                    "lines agree."
                )
                errors.append(RowError(row.line, column, message))
        at = bisect_left(self.starts, row.starts_at)
        overlapping = self._overlapping(at, row)
        if overlapping:
            message = f"This shift overlaps the same person's shift on line {min(overlapping)}."
            errors.append(RowError(row.line, "start", message))
            return
        if at == len(self.starts):  # a rota is usually in date order: appending is the rule
            self.starts.append(row.starts_at)
            self.ends.append(row.ends_at)
            self.lines.append(row.line)
        else:
            self.starts.insert(at, row.starts_at)
            self.ends.insert(at, row.ends_at)
            self.lines.insert(at, row.line)

    def _overlapping(self, at: int, row: RotaRow) -> list[int]:
        """Lines of the kept shifts `row` overlaps; `at` is where its start sorts among them."""
        found = []
        if at > 0 and self.ends[at - 1] > row.starts_at:
            found.append(self.lines[at - 1])
        after = at
        while after < len(self.starts) and self.starts[after] < row.ends_at:
            found.append(self.lines[after])
            after += 1
        return found


def _details(row: RotaRow) -> dict[str, str]:
    """What must agree across one person's rows, as the message shows it."""
    return {
        "role": label(row.role).casefold(),
        "band": row.band or "none",
        "capacity": str(row.capacity),
    }


def _folded(text: str) -> str:
    """Text compared as a person reads it: any case, any run of spaces."""
    return " ".join(text.casefold().split())


def _duration(length: timedelta) -> str:
    """`11 hours 30 minutes`, `16 hours`."""
    minutes = int(length.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    words = f"{hours} hour{'s' if hours != 1 else ''}"
    if minutes:
        words += f" {minutes} minute{'s' if minutes != 1 else ''}"
    return words
