"""`spr-desk rota check` on demo data, run as the command runs (in-process, `cli.main`): the hourly
table of calls, handling time, handlers needed and on the rota; bad numbers refused in one line."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from desk_databases import Templates, opened_desk
from sqlmodel import Session, col, func, select
from tests_support import fill_demo

from db.models import Referral
from spr_desk.entrypoints.cli import main
from spr_desk.uktime import as_local, as_utc, utc_now

DEMO_DAYS = 4
"""The demo's rota runs from this many days back to 2 days ahead; the 4 days after it take the
shape of the week before, so 4 covers the whole week checked."""
ROW = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d\d \w\w\w)  (\d\d):00 +([\d.]+) +([\d.]+) +(\d+) +(\d+)"
    r" +([\d.]+)%(  SHORT)?$"
)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory, templates: Templates) -> str:
    """A desk with demo calls and rota around the real time now (the command reads the real
    clock), built once for the module; the checks only read it."""
    url = templates.sqlite_copy("migrated", tmp_path_factory.mktemp("rota") / "desk.db")
    with opened_desk(url, utc_now()) as desk:
        fill_demo(desk, days=DEMO_DAYS)
    return url


def _rows(out: str) -> list[re.Match[str]]:
    return [match for line in out.splitlines() if (match := ROW.match(line))]


def test_rota_check_prints_the_hourly_table_of_the_demo_week(
    demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rota", "check", "--db", demo_url]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    rows = _rows(out)
    assert len(rows) in (167, 168, 169)  # a clock change in the week adds or drops an hour
    with opened_desk(demo_url, utc_now()) as desk:
        assert len(rows) == len(desk.staffing_check().rows)  # one line for each hour, no more
    # The window and the data it came from: every live demo call (not the two 999 referrals)
    # received before the hour the command ran in.
    said = " ".join(" ".join(lines[:8]).split())
    window = re.search(r" to (\w+ \d+ \w+ \d{4} \d\d:\d\d) \(UK time", said)
    assert window is not None
    end = as_utc(datetime.strptime(window[1], "%a %d %b %Y %H:%M"))
    with opened_desk(demo_url, utc_now()) as desk, Session(desk.engine) as session:
        live = session.exec(
            select(func.count())
            .select_from(Referral)
            .where(col(Referral.source).is_(None), col(Referral.received_at) < end)
        ).one()
    assert live > 30 * (DEMO_DAYS - 1)
    assert f"From {live} live calls received " in said
    assert f"handling time from the {live} with a start and an end" in said
    assert "On the rota: SPR Desk Call Handlers" in said
    for match in rows:
        calls, minutes, needed, on_rota = (float(match[n]) for n in (4, 5, 6, 7))
        assert 6 <= minutes <= 15  # the demo's calls take 6 to 15 minutes
        # One handler answers too few in a minute once a call an hour of 6+ minutes comes.
        assert needed >= (2 if calls >= 1 else 1)
        assert 1 <= on_rota <= 3  # the demo's handlers: 24/7, more by day
        assert (match[9] is not None) == (on_rota < needed)
        if match[3] == "03":
            assert on_rota == 1  # one through the night
        if match[3] == "15":
            assert on_rota == (2 if match[1] in ("Sat", "Sun") else 3)
    short = sum(1 for match in rows if match[9])
    assert lines[-1] == (
        f"SHORT in {short} of {len(rows)} hours." if short else "No hour is short."
    )


def test_rota_check_prints_one_day_with_the_service_level_asked(
    demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["rota", "check", "--db", demo_url, "--day", "Wednesday"]
    assert main([*argv, "--target", "0.8", "--within", "30", "--floor", "2"]) == 0
    out = capsys.readouterr().out
    rows = _rows(out)
    assert len(rows) == 24 and {match[1] for match in rows} == {"Wed"}
    said = " ".join(out.split())
    assert "for 80% of calls answered within 30 s (Erlang C), never fewer than 2." in said
    assert "In 30 s" in out
    assert all(int(match[6]) >= 2 for match in rows)


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--target", "1.5", "--target: a share between 0 and 1, such as 0.95 (not '1.5')"),
        ("--target", "nan", "--target: a share between 0 and 1"),
        ("--target", "95%", "--target: a share between 0 and 1"),
        ("--within", "-5", "--within: a whole number from 0 to 3600 (not '-5')"),
        ("--within", "1e9", "--within: a whole number from 0 to 3600"),
        ("--floor", "two", "--floor: a whole number from 0 to 50 (not 'two')"),
        ("--day", "someday", "--day: a day of the week, such as mon or monday (not 'someday')"),
        ("--day", "t", "--day: a day of the week"),
    ],
)
def test_bad_numbers_exit_2_in_one_line_before_the_database_is_opened(
    option: str, value: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    never_made = tmp_path / "never.db"
    assert main(["rota", "check", "--db", f"sqlite:///{never_made}", option, value]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"spr-desk: {said}")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not never_made.exists()


def test_the_supervisor_panel_shows_todays_hours_as_the_command_prints_them(demo_url: str) -> None:
    from screens.staffing_panel import staffing_text

    with opened_desk(demo_url, utc_now()) as desk:
        table = desk.staffing_check()
    today = as_local(table.rota_start).weekday()
    panel = staffing_text(table)
    rows = _rows(panel.plain)
    assert len(rows) == len(table.for_weekday(today)) and rows[0][3] == "00"
    assert {match[1] for match in rows} == {as_local(table.rota_start).strftime("%a")}
    shorts = [span for span in panel.spans if panel.plain[span.start : span.end] == "SHORT"]
    assert len(shorts) == sum(1 for row in table.for_weekday(today) if row.short)
    assert "SPR Desk Call Handlers" in panel.plain
    sunday = staffing_text(table, weekday=6)
    assert {match[1] for match in _rows(sunday.plain)} == {"Sun"}
