"""The `spr-desk` command: help everywhere, `recommend` as DESIGN.md says, db upgrade, demo."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tests_support import mode_of

from db.migrate import HEAD_REVISION
from spr_desk import __version__
from spr_desk.entrypoints.cli import main
from spr_desk.matrix import recommend
from spr_desk.rules import default_rules
from spr_desk.sample_calls import ETHEL_SCENARIO
from spr_desk.scenario import load_scenario

ETHEL = ETHEL_SCENARIO


def spr_desk(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Run the installed command as a person would, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "spr_desk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["recommend"],
        ["db"],
        ["db", "upgrade"],
        ["demo"],
        ["handover"],
        ["rota", "import"],
        ["user", "add"],
        ["user", "list"],
        ["user", "password"],
        ["user", "disable"],
        ["user", "enable"],
        ["serve"],
        ["backup"],
        ["restore"],
        ["downtime"],
        ["downtime", "pack"],
        ["downtime", "copy"],
        ["downtime", "enter"],
        ["downtime", "reserved"],
        ["downtime", "release"],
        ["downtime", "export"],
        ["downtime", "import"],
        ["downtime", "drill"],
    ],
    ids=" ".join,
)
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: spr-desk")
    assert "--db URL" in out or command == ["db"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"spr-desk {__version__}"


def test_recommend_prints_the_domain_functions_answer_as_json(tmp_path: Path) -> None:
    path = tmp_path / "ethel.json"
    path.write_text(json.dumps(ETHEL))
    result = spr_desk("recommend", str(path))
    assert result.returncode == 0, result.stderr
    scenario = load_scenario(json.dumps(ETHEL))
    expected = recommend(scenario.facts, scenario.availability, scenario.at, default_rules())
    printed = json.loads(result.stdout)
    assert printed == expected.to_dict()
    assert printed["outcome"] == "matrix" and printed["due_at"] == "2026-03-02T17:05:00+00:00"
    assert list(printed) == [
        "outcome",
        "response",
        "lead",
        "due_at",
        "fallback_from",
        "bed_needed",
        "reasons",
    ]


def test_recommend_reads_standard_input() -> None:
    result = spr_desk("recommend", "-", stdin=json.dumps(ETHEL))
    assert result.returncode == 0 and json.loads(result.stdout)["lead"] == "nurse"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"facts": {**ETHEL["facts"], "mood": "low"}}, "facts.mood"),
        ({"facts": {**ETHEL["facts"], "needs": ["dehydration", "sadness"]}}, "facts.needs[1]"),
        ({"facts": {**ETHEL["facts"], "primary_need": "meals"}}, "facts.primary_need"),
        ({"facts": {"setting": "home", "needs": ["meals"]}}, "facts.pathway"),
        ({"at": "yesterday"}, "at"),
        ({"availability": {"rapid": {"doctor": True}}}, "availability.rapid.doctor"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(
    tmp_path: Path, change: dict[str, object], field: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**ETHEL, **change}))
    result = spr_desk("recommend", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"spr-desk: {field}: ")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "scenario: not valid JSON"), ('["a list"]', "scenario: expected a JSON object")],
)
def test_a_file_that_is_not_a_scenario_exits_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = spr_desk("recommend", str(path))
    assert result.returncode == 2 and result.stderr.startswith(f"spr-desk: {message}")


def test_a_missing_file_exits_2_with_a_message(tmp_path: Path) -> None:
    result = spr_desk("recommend", str(tmp_path / "nowhere.json"))
    assert result.returncode == 2 and "cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_upgrade_then_demo_twice_fills_once_in_an_owner_only_file(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    url = f"sqlite:///{db}"
    upgraded = spr_desk("db", "upgrade", "--db", url)
    assert upgraded.returncode == 0
    assert upgraded.stdout == f"sqlite:///{db}: Upgraded to schema {HEAD_REVISION}.\n"
    again = spr_desk("--db", url, "db", "upgrade")
    assert again.stdout == f"sqlite:///{db}: Already at schema {HEAD_REVISION}.\n"
    first = spr_desk("demo", "--days", "2", "--db", url)
    assert first.returncode == 0 and first.stdout.startswith("Added ")
    assert "Sign in as handler, night, supervisor, admin (one per role); password: " in first.stdout
    second = spr_desk("demo", "--days", "2", env={"SPR_DESK_DATABASE_URL": url})
    assert second.returncode == 0
    assert "already in" in second.stdout and "added 0 staff and 0 shifts" in second.stdout
    assert mode_of(db) == 0o600


def test_demo_refuses_a_silly_number_of_days(tmp_path: Path) -> None:
    result = spr_desk("demo", "--days", "0", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 2 and "--days" in result.stderr


def test_an_unreachable_database_is_one_clear_line_not_a_traceback() -> None:
    url = "postgresql+psycopg://nobody:hunter2@127.0.0.1:1/none"
    result = spr_desk("db", "upgrade", "--db", url)
    assert result.returncode == 1
    assert result.stderr == (
        "spr-desk: postgresql+psycopg://nobody:***@127.0.0.1:1/none: The desk cannot reach the "
        "database. Check the network or the database server; if it lasts, use the paper forms.\n"
    )  # in the desk's words (spr_desk.faults), not "OperationalError", and no password


def test_export_referrals_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["export"], ["export", "referrals"]):
        with pytest.raises(SystemExit) as exited:
            main([*command, "--help"])
        assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: spr-desk export")
    assert "--from DATE" in out and "--to DATE" in out and "-o FILE" in out and "--db URL" in out
    assert "single quote" in out and "0600" in out


@pytest.mark.parametrize(
    ("dates", "option"),
    [
        (["--from", "2026-13-01", "--to", "2026-11-07"], "--from"),
        (["--from", "2026-11-01", "--to", "next tuesday"], "--to"),
        (["--from", "2026-11-08", "--to", "2026-11-07"], "--from"),
    ],
)
def test_export_refuses_bad_dates_with_one_line_naming_the_option(
    tmp_path: Path, dates: list[str], option: str
) -> None:
    db = tmp_path / "desk.db"
    result = spr_desk("export", "referrals", *dates, "--db", f"sqlite:///{db}")
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"spr-desk: {option}")
    assert not db.exists(), "dates are checked before the database is opened"


def test_export_writes_an_owner_only_csv_file_and_says_so_on_stderr(tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from db.export import EXPORT_COLUMNS
    from spr_desk.uktime import LONDON

    url = f"sqlite:///{tmp_path / 'desk.db'}"
    assert spr_desk("demo", "--days", "1", "--db", url).returncode == 0
    today = datetime.now(LONDON).date()
    out = tmp_path / "referrals.csv"
    dates = ["--from", str(today - timedelta(days=2)), "--to", str(today)]
    result = spr_desk("export", "referrals", *dates, "-o", str(out), "--db", url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert mode_of(out) == 0o600
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(EXPORT_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows and result.stderr == f"Wrote {len(rows)} referrals to {out}\n"


def test_handover_prints_the_pack_as_it_would_be_built_and_stores_nothing(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    assert spr_desk("--db", url, "demo", "--days", "2").returncode == 0
    evening = spr_desk("--db", url, "handover", "--at", "2026-11-23T21:00")
    assert evening.returncode == 0, evening.stderr
    assert evening.stdout.startswith("# Evening handover to the night team, Mon 23 Nov 21:00")
    assert "Not yet acknowledged." in evening.stdout and "\n## SPR-" in evening.stdout
    morning = spr_desk(
        "--db", url, "handover", "--at", "2026-11-24T02:00:00+00:00", "--format", "csv"
    )
    assert morning.returncode == 0, morning.stderr
    rows = list(csv.DictReader(io.StringIO(morning.stdout)))
    assert rows and all(row["reference"].startswith("SPR-") for row in rows)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM handover")).scalar_one() == 0
    engine.dispose()


def test_the_handover_on_standard_output_shows_a_received_escape_escaped(tmp_path: Path) -> None:
    # A name that arrived with a terminal escape in it (a received referral, a pasted name) must
    # not clear or recolour the terminal of whoever prints the pack.
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    assert spr_desk("--db", url, "demo", "--days", "2").returncode == 0
    with sqlite3.connect(tmp_path / "desk.db") as connection:
        connection.execute("UPDATE patient SET family_name = 'EVIL' || char(27) || '[2J'")
    for form in ("md", "csv"):
        shown = spr_desk("--db", url, "handover", "--at", "2026-11-23T21:00", "--format", form)
        assert shown.returncode == 0, shown.stderr
        assert "\x1b" not in shown.stdout and "EVIL\\x1b[2J" in shown.stdout


def test_printable_lines_keeps_line_breaks_and_tabs_and_escapes_the_rest() -> None:
    from spr_desk.entrypoints.output import printable_lines

    text = "a\x1b[2J\tb\r\nc\u202ed\n"
    assert printable_lines(text) == "a\\x1b[2J\tb\r\nc\\u202ed\n"


def test_handover_refuses_a_bad_time_and_bad_desk_hours(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    bad_time = spr_desk("--db", url, "handover", "--at", "tomorrow")
    assert (
        bad_time.returncode == 2
        and bad_time.stderr == "spr-desk: --at: not an ISO time: 'tomorrow'\n"
    )
    assert not (tmp_path / "desk.db").exists()  # a typo makes no database
    for far in ("9999-12-31T20:00", "0001-01-01T08:00"):  # once a traceback (OverflowError)
        out_of_range = spr_desk("--db", url, "handover", "--at", far)
        assert (out_of_range.returncode, out_of_range.stderr) == (
            2,
            "spr-desk: --at: the year must be 2000 to 2999\n",
        )
    bad_hours = spr_desk("--db", url, "handover", env={"SPR_DESK_NIGHT_STARTS": "25:00"})
    assert bad_hours.returncode == 1
    assert bad_hours.stderr.strip() == (
        "spr-desk: ValueError: SPR_DESK_NIGHT_STARTS: not a 24-hour time (HH:MM): '25:00'"
    )


def test_rota_import_applies_a_good_file_and_nothing_of_a_bad_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    good = tmp_path / "good.csv"
    good.write_text(
        "team,name,role,date,start,end\n"
        "ACHT Thame,Jo Bloggs,nurse,24/11/2026,08:00,16:00\n"
        "ACHT Night Team,Sam Smith,nurse,24/11/2026,21:00,07:30\n"
    )
    done = spr_desk("--db", url, "rota", "import", str(good))
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout == "Imported 2 shifts: 2 people added, 0 updated; 2 shifts added, 0 replaced.\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text().replace("Sam Smith,nurse", "Sam Other,surgeon"))
    refused = spr_desk("--db", url, "rota", "import", str(bad))
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"{bad}: line 3, role: Not a rota role: use one of nurse, occupational therapist, "
        "physiotherapist, hca, reablement worker, reablement assessor, social worker, "
        "social work assistant, coordinator, manager.",
        "spr-desk: nothing was imported",
    ]
    again = spr_desk("--db", url, "rota", "import", str(good))
    assert (
        again.stdout
        == "Imported 2 shifts: 0 people added, 0 updated; 0 shifts added, 2 replaced.\n"
    )


def test_user_add_reads_the_password_from_stdin_and_list_shows_the_role(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    added = spr_desk(
        "user", "add", "jsmith", "--role", "night", "--display-name", "Jo Smith",
        "--password-stdin", "--db", url, stdin="amber lantern 7\n",
    )  # fmt: skip
    assert (added.returncode, added.stdout) == (0, "Added jsmith as night staff.\n")
    listed = spr_desk("user", "list", "--db", url)
    assert listed.returncode == 0
    assert listed.stdout.split() == [
        "jsmith",
        "night",
        "staff",
        "never",
        "signed",
        "in",
        "Jo",
        "Smith",
    ]
    assert "amber" not in listed.stdout + added.stdout + added.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "said"),
    [
        (["jsmith", "--role", "boss"], "amber lantern 7", "not a role: choose one of call_handler"),
        (["J Smith", "--role", "handler"], "amber lantern 7", "lower-case letters"),
        (["jsmith", "--role", "handler"], "short", "at least 10 characters"),
    ],
)
def test_user_add_refuses_in_one_line_and_adds_nobody(
    tmp_path: Path, args: list[str], stdin: str, said: str
) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    result = spr_desk("user", "add", *args, "--password-stdin", "--db", url, stdin=stdin + "\n")
    assert result.returncode == 2 and said in result.stderr
    assert not (tmp_path / "desk.db").exists()  # refused before the database is opened
    assert stdin not in result.stderr
    assert spr_desk("user", "list", "--db", url).stdout == ""


def test_a_bad_idle_time_stops_the_desk_in_one_line(tmp_path: Path) -> None:
    result = spr_desk(
        "--db", f"sqlite:///{tmp_path / 'desk.db'}", env={"SPR_DESK_IDLE_MINUTES": "never"}
    )
    assert result.returncode == 1
    assert result.stderr == (
        "spr-desk: ValueError: SPR_DESK_IDLE_MINUTES must be whole minutes from 1 to 240, "
        "not 'never'\n"
    )


def test_a_bad_gp_update_due_hour_stops_the_desk_before_any_close_needs_it(
    tmp_path: Path,
) -> None:
    result = spr_desk(
        "--db", f"sqlite:///{tmp_path / 'desk.db'}", env={"SPR_DESK_GP_UPDATE_DUE_HOUR": "8am"}
    )
    assert result.returncode == 1
    [said] = result.stderr.splitlines()
    assert (
        said.startswith("spr-desk: ") and "SPR_DESK_GP_UPDATE_DUE_HOUR must be a whole hour" in said
    )


def test_a_bad_theme_or_screen_reader_switch_stops_the_desk_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    result = spr_desk("--db", url, "--theme", "nord")
    assert (result.returncode, result.stderr) == (
        1,
        "spr-desk: ValueError: --theme must be one of spr-dark, spr-light, not 'nord'\n",
    )
    result = spr_desk("--db", url, env={"SPR_DESK_SCREEN_READER": "maybe"})
    assert (result.returncode, result.stderr) == (
        1,
        "spr-desk: ValueError: SPR_DESK_SCREEN_READER must be 1 or 0, not 'maybe'\n",
    )
    assert not (tmp_path / "desk.db").exists()  # refused before the database is opened


def test_user_password_disable_and_enable_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    add = ("user", "add", "jsmith", "--role", "handler", "--password-stdin", "--db", url)
    assert spr_desk(*add, stdin="amber lantern 7\n").returncode == 0
    changed = spr_desk(
        "user", "password", "jsmith", "--password-stdin", "--db", url, stdin="violet harbour 9\n"
    )
    assert (changed.returncode, changed.stdout) == (0, "jsmith has a new password.\n")
    disabled = spr_desk("user", "disable", "jsmith", "--db", url)
    assert (disabled.returncode, disabled.stdout) == (0, "jsmith is disabled.\n")
    assert "(disabled)" in spr_desk("user", "list", "--db", url).stdout
    assert spr_desk("user", "enable", "jsmith", "--db", url).stdout == "jsmith is enabled.\n"
    missing = spr_desk("user", "disable", "ghost", "--db", url)
    assert (missing.returncode, missing.stderr) == (2, "spr-desk: There is no user called ghost.\n")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("bell\x07 and\nnew line\r", "bell\\x07 and\\x0anew line\\x0d"),
        ("\x9b2J", "\\x9b2J"),  # the one-byte CSI
        ("abc\u202edcba", "abc\\u202edcba"),  # reads backwards from here
        ("Zoë Brontë (RN)\tdesk", "Zoë Brontë (RN)\\x09desk"),
    ],
)
def test_every_message_shows_control_characters_escaped(
    text: str, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from spr_desk.entrypoints.output import fail, printable

    assert printable(text) == shown
    assert fail(text, 2) == 2
    assert capsys.readouterr().err == f"spr-desk: {shown}\n"


def test_input_is_read_up_to_its_limit_and_refused_past_it(tmp_path: Path) -> None:
    from spr_desk.entrypoints.output import CommandRefused, read_limited

    path = tmp_path / "input"
    path.write_bytes(b"x" * 2048)
    assert read_limited(str(path), 2048) == b"x" * 2048
    with pytest.raises(CommandRefused, match=r"input: larger than 1024 bytes; nothing was read"):
        read_limited(str(path), 1024)
    with pytest.raises(CommandRefused, match=r"cannot read .*nowhere: No such file or directory"):
        read_limited(str(tmp_path / "nowhere"), 1024)


def test_a_file_written_whole_appears_only_when_complete(tmp_path: Path) -> None:
    from spr_desk.private_files import written_whole

    target = tmp_path / "pack.md"
    target.write_text("the old pack\n")
    with pytest.raises(RuntimeError), written_whole(target) as handle:
        handle.write("half a pack")
        assert target.read_text() == "the old pack\n"  # the text goes elsewhere meanwhile
        raise RuntimeError("stopped half way")
    assert target.read_text() == "the old pack\n"
    assert [path.name for path in tmp_path.iterdir()] == ["pack.md"]
    with written_whole(target) as handle:
        handle.write("the new pack\n")
    assert target.read_text() == "the new pack\n" and mode_of(target) == 0o600


def test_a_usage_error_shows_what_was_typed_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["recommend", "a.json", "\x1b[2J"], ["user", "list", "\x1b]0;owned\x07"]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert "unrecognized arguments: \\x1b" in err and "\x1b" not in err
