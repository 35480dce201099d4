"""A rota CSV: UK wall-clock shifts become UTC instants, and every bad cell is named by line and
column, with nothing loaded unless the whole file is good."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spr_desk.reference_data import TEAMS
from spr_desk.rota_csv import (
    DEFAULT_CAPACITY,
    OPTIONAL_COLUMNS,
    ROTA_COLUMNS,
    RotaParse,
    RotaRow,
    RowError,
    parse_rota,
)
from spr_desk.uktime import as_local
from spr_desk.vocabulary import StaffRole

EXAMPLES = settings(max_examples=500, deadline=None)
TEAM_NAMES = [spec.name for spec in TEAMS]
HEADER = "team,name,role,date,start,end,capacity,band"
GOOD = "ACHT Aylesbury,Jo Bloggs,nurse,23/11/2026,08:00,16:00,6,Band 6"


def rota(*lines: str, header: str = HEADER) -> str:
    return "\n".join((header, *lines)) + "\n"


def parse(*lines: str, header: str = HEADER) -> RotaParse:
    return parse_rota(rota(*lines, header=header), TEAM_NAMES)


def only_row(*lines: str) -> RotaRow:
    result = parse(*lines)
    assert result.errors == []
    assert len(result.rows) == 1
    return result.rows[0]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def where(result: RotaParse) -> list[tuple[int, str]]:
    return [(error.line, error.column) for error in result.errors]


# Good files


def test_a_good_file_gives_a_day_shift_and_a_night_shift_across_midnight() -> None:
    result = parse(
        "ACHT Aylesbury,Jo Bloggs,nurse,23/11/2026,08:00,16:00,5,Band 6",
        "ACHT Night Team,Sam Smith,hca,23/11/2026,21:00,07:30,,",
        "ACHT Wycombe,Alex Green,physiotherapist,15/06/2026,08:30,17:00,,",
    )
    assert result.ok
    assert result.errors == []
    assert result.rows == [
        RotaRow(
            line=2,
            team="ACHT Aylesbury",
            name="Jo Bloggs",
            role=StaffRole.NURSE,
            starts_at=utc(2026, 11, 23, 8, 0),
            ends_at=utc(2026, 11, 23, 16, 0),
            capacity=5,
            band="Band 6",
        ),
        RotaRow(
            line=3,
            team="ACHT Night Team",
            name="Sam Smith",
            role=StaffRole.HCA,
            starts_at=utc(2026, 11, 23, 21, 0),
            ends_at=utc(2026, 11, 24, 7, 30),
            capacity=DEFAULT_CAPACITY,
            band="",
        ),
        RotaRow(  # summer: 08:30 BST is 07:30 UTC
            line=4,
            team="ACHT Wycombe",
            name="Alex Green",
            role=StaffRole.PHYSIOTHERAPIST,
            starts_at=utc(2026, 6, 15, 7, 30),
            ends_at=utc(2026, 6, 15, 16, 0),
            capacity=DEFAULT_CAPACITY,
            band="",
        ),
    ]


def test_the_optional_columns_may_be_left_out() -> None:
    result = parse(
        "ACHT Thame,Jo Bloggs,nurse,23/11/2026,08:00,16:00", header=",".join(ROTA_COLUMNS)
    )
    assert result.errors == []
    assert (result.rows[0].capacity, result.rows[0].band) == (DEFAULT_CAPACITY, "")


def test_a_night_over_the_october_clock_change_lasts_eleven_and_a_half_hours() -> None:
    # 21:00 BST on Saturday 24 October 2026; the clocks go back at 02:00; 07:30 GMT on Sunday.
    row = only_row("ACHT Night Team,Sam Smith,nurse,24/10/2026,21:00,07:30,,")
    assert row.starts_at == utc(2026, 10, 24, 20, 0)
    assert row.ends_at == utc(2026, 10, 25, 7, 30)
    assert row.ends_at - row.starts_at == timedelta(hours=11, minutes=30)


def test_a_night_over_the_march_clock_change_lasts_nine_and_a_half_hours() -> None:
    # 21:00 GMT on Saturday 28 March 2026; the clocks go forward at 01:00; 07:30 BST on Sunday.
    row = only_row("ACHT Night Team,Sam Smith,nurse,28/03/2026,21:00,07:30,,")
    assert row.starts_at == utc(2026, 3, 28, 21, 0)
    assert row.ends_at == utc(2026, 3, 29, 6, 30)
    assert row.ends_at - row.starts_at == timedelta(hours=9, minutes=30)


@pytest.mark.parametrize(
    ("day", "start", "end", "column", "skipped"),
    [
        ("29/03/2026", "01:30", "09:00", "start", "01:30 on 29/03/2026"),
        ("28/03/2026", "22:00", "01:15", "end", "01:15 on 29/03/2026"),
    ],
)
def test_a_time_in_the_spring_gap_is_refused_naming_its_column(
    day: str, start: str, end: str, column: str, skipped: str
) -> None:
    result = parse(f"ACHT Night Team,Sam Smith,nurse,{day},{start},{end},,")
    assert result.rows == []
    assert result.errors == [
        RowError(
            2,
            column,
            f"The clocks go forward that night, so {skipped} does not happen in the UK: use a "
            "time an hour later.",
        )
    ]


def test_a_time_the_autumn_clocks_repeat_is_its_first_occurrence_in_bst() -> None:
    row = only_row("ACHT Night Team,Sam Smith,nurse,25/10/2026,01:30,06:00,,")
    assert row.starts_at == utc(2026, 10, 25, 0, 30)  # 01:30 BST, not 01:30 GMT
    assert row.ends_at == utc(2026, 10, 25, 6, 0)


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("nurse", StaffRole.NURSE),
        ("Nurse", StaffRole.NURSE),
        ("occupational_therapist", StaffRole.OCCUPATIONAL_THERAPIST),
        ("Occupational Therapist", StaffRole.OCCUPATIONAL_THERAPIST),
        ("OCCUPATIONAL   THERAPIST", StaffRole.OCCUPATIONAL_THERAPIST),
        ("HCA", StaffRole.HCA),
        ("social work assistant", StaffRole.SOCIAL_WORK_ASSISTANT),
        ("Reablement_Worker", StaffRole.REABLEMENT_WORKER),
    ],
)
def test_a_role_is_its_value_or_its_label_in_any_case(typed: str, role: StaffRole) -> None:
    assert only_row(f"ACHT Thame,Jo Bloggs,{typed},23/11/2026,08:00,16:00,,").role == role


@pytest.mark.parametrize(
    ("start", "end", "starts_at", "ends_at"),
    [
        ("8:00", "16:00", utc(2026, 11, 23, 8), utc(2026, 11, 23, 16)),
        ("0800", "1600", utc(2026, 11, 23, 8), utc(2026, 11, 23, 16)),
        ("00:00", "16:00", utc(2026, 11, 23, 0), utc(2026, 11, 23, 16)),
        ("16:00", "00:00", utc(2026, 11, 23, 16), utc(2026, 11, 24, 0)),
        ("23:59", "0:00", utc(2026, 11, 23, 23, 59), utc(2026, 11, 24, 0)),
        ("08:00", "00:00", utc(2026, 11, 23, 8), utc(2026, 11, 24, 0)),  # exactly 16 hours
    ],
)
def test_times_are_24_hour_and_an_end_at_or_before_the_start_is_the_next_day(
    start: str, end: str, starts_at: datetime, ends_at: datetime
) -> None:
    row = only_row(f"ACHT Thame,Jo Bloggs,nurse,23/11/2026,{start},{end},,")
    assert (row.starts_at, row.ends_at) == (starts_at, ends_at)


@pytest.mark.parametrize("typed", ["23/11/2026", "2026-11-23", "23112026", "23-11-2026"])
def test_a_date_is_typed_as_a_date_of_birth_is(typed: str) -> None:
    assert only_row(f"ACHT Thame,Jo Bloggs,nurse,{typed},08:00,16:00,,").starts_at == utc(
        2026, 11, 23, 8
    )


def test_a_team_is_matched_in_any_case_and_stored_as_the_desk_spells_it() -> None:
    row = only_row("  acht   NIGHT team ,  Sam   Smith ,hca,23/11/2026,21:00,07:30,,")
    assert (row.team, row.name) == ("ACHT Night Team", "Sam Smith")


def test_headings_are_read_in_any_case_order_and_spacing() -> None:
    result = parse(
        "Band 6,6,16:00,08:00,23/11/2026,nurse,Jo Bloggs,ACHT Thame",
        header=" BAND , Capacity,End,START ,Date,Role,Name,TEAM",
    )
    assert result.errors == []
    assert result.rows[0].band == "Band 6"
    assert result.rows[0].starts_at == utc(2026, 11, 23, 8)


def test_blank_lines_are_skipped_and_errors_give_the_physical_line() -> None:
    bad = "ACHT Thame,Jo,nurse,32/11/2026,08:00,16:00,,"
    text = f"\r\n{HEADER}\r\n\r\n{GOOD}\r\n  ,  , \r\n\r\n{bad}\r\n\r\n"
    result = parse_rota(text, TEAM_NAMES)
    assert result.errors == [RowError(7, "date", "No such date: check the day and month.")]


def test_a_quoted_cell_over_two_lines_is_refused_and_later_lines_keep_their_numbers() -> None:
    result = parse('ACHT Thame,"Jo\nBloggs",nurse,23/11/2026,08:00,16:00,,', "ACHT Thame,Jo,x,,,,,")
    assert where(result) == [(2, ""), (4, "role"), (4, "date"), (4, "start"), (4, "end")]
    assert "runs over several lines" in result.errors[0].message


def test_a_byte_order_mark_from_excel_is_ignored() -> None:
    result = parse_rota("\ufeff" + rota(GOOD), TEAM_NAMES)
    assert result.errors == []
    assert len(result.rows) == 1


# Bad cells

BAD_CELLS = [
    ("team", "", "Fill in the team."),
    ("team", "ACHT Nowhere", "No team by that name: use one of ACHT Aylesbury, ACHT Southern"),
    ("name", "", "Fill in the person's name."),
    ("name", "x" * 121, "A name has at most 120 characters."),
    ("name", "Jo\u200bBloggs", "This name holds hidden characters: retype it."),
    ("role", "", "Fill in the role: one of nurse, occupational therapist, physiotherapist"),
    ("role", "doctor", "Not a rota role: use one of nurse, occupational therapist"),
    ("date", "", "Fill in the date of the shift, as DD/MM/YYYY."),
    ("date", "31/02/2026", "No such date: check the day and month."),
    ("date", "next Tuesday", "Type the date as DD/MM/YYYY."),
    ("date", "23/11/1999", "Check the year: 2000 to 2999."),
    ("start", "", "Fill in the start time, as HH:MM on the 24-hour clock."),
    ("start", "25:00", "No such time: hours run 00 to 23 and minutes 00 to 59."),
    ("start", "12:60", "No such time: hours run 00 to 23 and minutes 00 to 59."),
    ("start", "7.30", "Type the time as HH:MM on the 24-hour clock, like 07:30 or 21:00."),
    ("start", "730", "Type the time as HH:MM on the 24-hour clock, like 07:30 or 21:00."),
    ("start", "8am", "Type the time as HH:MM on the 24-hour clock, like 07:30 or 21:00."),
    ("end", "", "Fill in the end time, as HH:MM on the 24-hour clock."),
    ("end", "24:00", "No such time: hours run 00 to 23 and minutes 00 to 59."),
    ("end", "08:00", "This shift would last 24 hours; a shift is at most 16 hours."),
    ("end", "00:30", "This shift would last 16 hours 30 minutes; a shift is at most 16 hours."),
    ("capacity", "0", "Capacity is a whole number from 1 to 99."),
    ("capacity", "-1", "Capacity is a whole number from 1 to 99."),
    ("capacity", "six", "Capacity is a whole number from 1 to 99."),
    ("capacity", "1.5", "Capacity is a whole number from 1 to 99."),
    ("capacity", "100", "Capacity is a whole number from 1 to 99."),
    ("capacity", "9" * 5000, "Capacity is a whole number from 1 to 99."),
    ("band", "b" * 21, "A band has at most 20 characters."),
]


@pytest.mark.parametrize(("column", "typed", "message"), BAD_CELLS)
def test_a_bad_cell_is_refused_naming_its_line_and_column(
    column: str, typed: str, message: str
) -> None:
    cells = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))
    cells[column] = typed
    line = io.StringIO()
    csv.writer(line, lineterminator="").writerow(cells.values())
    result = parse(GOOD.replace("Jo Bloggs", "Sam Smith"), line.getvalue())
    assert result.rows == []
    assert not result.ok
    assert where(result) == [(3, column)]
    assert result.errors[0].message.startswith(message)
    assert str(result.errors[0]) == f"line 3, {column}: {result.errors[0].message}"


def test_every_problem_in_a_row_is_reported_in_column_order() -> None:
    result = parse("Nowhere,,doctor,31/02/2026,25:00,7,0,")
    assert where(result) == [
        (2, "team"),
        (2, "name"),
        (2, "role"),
        (2, "date"),
        (2, "start"),
        (2, "end"),
        (2, "capacity"),
    ]


def test_a_file_with_one_bad_row_reports_exactly_that_row_and_loads_nothing() -> None:
    result = parse(
        GOOD,
        "ACHT Night Team,Sam Smith,hca,23/11/2026,21:00,07:30,,",
        "ACHT Thame,Alex Green,nurse,30/11/2026,08:00,16:00,,",
        "ACHT Thame,Alex Green,nurse,31/11/2026,08:00,16:00,,",
        "ACHT Thame,Alex Green,nurse,01/12/2026,08:00,16:00,,",
    )
    assert result.errors == [RowError(5, "date", "No such date: check the day and month.")]
    assert str(result.errors[0]) == "line 5, date: No such date: check the day and month."
    assert result.rows == []
    assert not result.ok


def test_messages_are_plain_sentences_without_markup() -> None:
    result = parse(*(",".join(["x"] * 8) for _ in range(2)), "[b]x[/b],y,z,1,2,3,4,5")
    assert result.errors
    for error in result.errors:
        assert error.message[0].isupper()
        assert error.message.endswith(".")
        assert not re.search(r"[\[\]<>*_`]", error.message)


# The file's shape


def test_a_missing_required_column_is_named_at_line_1() -> None:
    result = parse(GOOD, header="team,name,role,start,capacity,band")
    assert where(result) == [(1, "date"), (1, "end")]
    assert result.errors[0].message.startswith("The header has no date column")
    assert result.rows == []


def test_an_unknown_column_is_refused_at_line_1() -> None:
    result = parse(f"{GOOD},call me", header=f"{HEADER},Notes")
    assert result.errors == [
        RowError(
            1,
            "Notes",
            "Not a rota column: the columns are team, name, role, date, start, end, and if "
            "wanted capacity and band.",
        )
    ]


def test_a_column_named_twice_is_refused() -> None:
    assert where(parse(f"{GOOD},Jo", header=f"{HEADER},name")) == [(1, "name")]


def test_an_empty_file_or_a_header_alone_is_refused() -> None:
    assert where(parse_rota("", TEAM_NAMES)) == [(1, "")]
    assert where(parse_rota("\n \n", TEAM_NAMES)) == [(1, "")]
    assert where(parse_rota(HEADER + "\n\n", TEAM_NAMES)) == [(1, "")]


def test_trailing_empty_cells_are_allowed_but_a_value_past_the_header_is_not() -> None:
    assert parse(f"{GOOD},,").ok
    assert parse(f"{GOOD},", header=f"{HEADER},").ok
    result = parse(f"{GOOD},extra")
    assert where(result) == [(2, "")]
    assert result.errors[0].message.startswith("This line has 9 cells but the header has 8")
    assert where(parse(f"{GOOD},extra", header=f"{HEADER},")) == [(2, "column 9")]


def test_a_line_the_csv_reader_cannot_read_is_reported() -> None:
    result = parse(GOOD, "ACHT Thame," + "x" * 200_000)
    assert result.errors == [
        RowError(3, "", "This line cannot be read as CSV: check its quotation marks.")
    ]


# One person across rows


def test_overlapping_shifts_for_one_person_are_refused_on_the_later_line() -> None:
    result = parse(
        "ACHT Night Team,Sam Smith,hca,23/11/2026,21:00,07:30,,",
        "ACHT Thame,Sam Smith,hca,24/11/2026,07:00,15:00,,",  # another team: not the same person
        "ACHT Night Team,Sam Smith,hca,24/11/2026,07:30,12:00,,",  # starts as the night ends
        "ACHT Night Team,Sam Smith,hca,24/11/2026,07:00,09:00,,",
    )
    assert result.errors == [
        RowError(5, "start", "This shift overlaps the same person's shift on line 2.")
    ]


def test_the_same_start_twice_is_an_overlap() -> None:
    assert parse(GOOD, GOOD).errors == [
        RowError(3, "start", "This shift overlaps the same person's shift on line 2.")
    ]


def test_one_person_has_one_role_band_and_capacity_in_a_team() -> None:
    result = parse(
        GOOD,
        "ACHT Aylesbury,Jo Bloggs,HCA,24/11/2026,08:00,16:00,8,Band 6",
        "ACHT Wycombe,Jo Bloggs,hca,24/11/2026,08:00,16:00,,",  # another team: fine
    )
    assert result.errors == [
        RowError(
            3,
            "role",
            "Line 2 gives the same person in the same team the role nurse: a person has one role "
            "in a team, so make the lines agree.",
        ),
        RowError(
            3,
            "capacity",
            "Line 2 gives the same person in the same team the capacity 6: a person has one "
            "capacity in a team, so make the lines agree.",
        ),
    ]


def test_rows_out_of_date_order_are_checked_against_the_shifts_either_side() -> None:
    result = parse(
        "ACHT Thame,Jo Bloggs,nurse,25/11/2026,08:00,16:00,,",
        "ACHT Thame,Jo Bloggs,nurse,23/11/2026,08:00,16:00,,",
        "ACHT Thame,Jo Bloggs,nurse,24/11/2026,08:00,16:00,,",  # between two kept shifts: fine
        "ACHT Thame,Jo Bloggs,nurse,24/11/2026,15:00,18:00,,",  # overlaps line 4, before it
        "ACHT Thame,Jo Bloggs,nurse,24/11/2026,22:00,09:00,,",  # overlaps the 25th's, after it
    )
    assert result.errors == [
        RowError(5, "start", "This shift overlaps the same person's shift on line 4."),
        RowError(6, "start", "This shift overlaps the same person's shift on line 2."),
    ]


def test_a_long_shift_over_several_short_ones_names_the_first_line_it_overlaps() -> None:
    result = parse(
        "ACHT Thame,Jo Bloggs,nurse,23/11/2026,12:00,13:00,,",
        "ACHT Thame,Jo Bloggs,nurse,23/11/2026,09:00,10:00,,",
        "ACHT Thame,Jo Bloggs,nurse,23/11/2026,08:00,16:00,,",
    )
    assert result.errors == [
        RowError(4, "start", "This shift overlaps the same person's shift on line 2.")
    ]


def test_20000_shifts_for_one_person_are_checked_in_linear_time() -> None:
    # Checked against every earlier row, this file took 5 minutes (issue 14); linear, well
    # under a second. The bound leaves room for a loaded machine, not for a quadratic check.
    lines = []
    for number in range(20_000):  # 48 ten-minute shifts a day from 08:00, clear of clock changes
        day = date(2027, 1, 4) + timedelta(days=number // 48)
        at = datetime(2027, 1, 1, 8) + timedelta(minutes=10 * (number % 48))
        ends = at + timedelta(minutes=10)
        lines.append(f"ACHT Thame,Jo Bloggs,nurse,{day:%d/%m/%Y},{at:%H:%M},{ends:%H:%M},,")
    started = datetime.now(UTC)
    result = parse(*lines)
    assert datetime.now(UTC) - started < timedelta(seconds=10)
    assert result.errors == [] and len(result.rows) == 20_000


# Properties

CELL = st.one_of(
    st.text(),
    st.text(alphabet="0123456789:/-. ", max_size=12),
    st.sampled_from(
        ["", "ACHT Thame", "acht night team", "nurse", "HCA", "23/11/2026", "29/03/2026"]
        + ["01:30", "21:00", "07:30", "0800", "6", "Band 6"]
    ),
)


def _physical_lines(text: str) -> int:
    return len(re.split(r"\r\n|\r|\n", text))


def _check(result: RotaParse, text: str) -> None:
    assert result.ok == (not result.errors)
    if not result.ok:
        assert result.rows == []
    for error in result.errors:
        assert 1 <= error.line <= _physical_lines(text)
        assert error.message
        assert isinstance(str(error), str)
    for row in result.rows:
        assert row.starts_at.tzinfo == UTC
        assert timedelta(0) < row.ends_at - row.starts_at <= timedelta(hours=16)


@EXAMPLES
@given(st.lists(st.lists(CELL, min_size=0, max_size=10), max_size=6))
def test_any_text_in_any_cell_gives_rows_or_row_errors_never_an_exception(
    table: list[list[str]],
) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([list(ROTA_COLUMNS + OPTIONAL_COLUMNS), *table])
    text = out.getvalue()
    result = parse_rota(text, TEAM_NAMES)
    _check(result, text)
    for error in result.errors:
        assert error.column in {*ROTA_COLUMNS, *OPTIONAL_COLUMNS, ""} or error.column.startswith(
            "column "
        )


@EXAMPLES
@given(st.text())
def test_any_text_at_all_gives_rows_or_row_errors_never_an_exception(text: str) -> None:
    _check(parse_rota(text, TEAM_NAMES), text)


@EXAMPLES
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2999, 12, 31)),
    st.integers(0, 23 * 60 + 59),
    st.integers(0, 23 * 60 + 59),
)
def test_a_shift_reads_back_as_the_wall_clock_times_typed_or_is_refused_at_a_clock_change(
    day: date, start: int, end: int
) -> None:
    starts, ends = f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"
    result = parse(f"ACHT Thame,Jo Bloggs,nurse,{day:%d/%m/%Y},{starts},{ends},,")
    if not result.ok:
        assert {error.column for error in result.errors} <= {"start", "end"}
        return
    row = result.rows[0]
    assert as_local(row.starts_at).strftime("%Y-%m-%d %H:%M") == f"{day:%Y-%m-%d} {starts}"
    end_day = day if end > start else day + timedelta(days=1)
    assert as_local(row.ends_at).strftime("%Y-%m-%d %H:%M") == f"{end_day:%Y-%m-%d} {ends}"


@EXAMPLES
@given(st.lists(st.tuples(st.integers(0, 96), st.integers(1, 64)), min_size=1, max_size=12))
def test_one_persons_shifts_are_refused_exactly_when_a_later_one_overlaps_an_earlier_one(
    shifts: list[tuple[int, int]],
) -> None:
    """Against the check done the slow way: every pair of shifts, in file order."""
    first = datetime(2026, 11, 2, 0, tzinfo=UTC)  # GMT: no clock change in these days
    spans = [(first + timedelta(minutes=15 * a), timedelta(minutes=15 * b)) for a, b in shifts]
    lines = [
        f"ACHT Thame,Jo Bloggs,nurse,{at:%d/%m/%Y},{at:%H:%M},{at + length:%H:%M},,"
        for at, length in spans
    ]
    result = parse(*lines)
    clashing = {
        later + 2
        for later, (start, length) in enumerate(spans)
        if any(
            start < other + other_length and other < start + length
            for other, other_length in spans[:later]
        )
    }
    assert result.ok == (not clashing)
    assert {error.line for error in result.errors} <= clashing
    assert min(clashing, default=None) == min((e.line for e in result.errors), default=None)
