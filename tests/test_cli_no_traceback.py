"""No command shows a traceback, on any input (issue 14, point 7).

Every case runs the real entry point (`python -m spr_desk`) in a fresh interpreter, as a person
or a script would, and must exit 2 with exactly one line on standard error that names the field,
the file or the database. The few that succeed (user list, handover -o, a read-only export) print
nothing on standard error but their one line; the two that meet a full disk exit 1 (the machine
failed, not what was typed). The 30-odd subprocesses run four at a time, once per module (each
database command takes about 1 s on a busy 2-core machine); each case is its own test id.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from tests_support import fill_demo, mode_of

from spr_desk.entrypoints.bootstrap import open_desk
from spr_desk.entrypoints.cli import main
from spr_desk.roles import Role
from spr_desk.sample_calls import ETHEL_SCENARIO
from spr_desk.uktime import LONDON

ESCAPES = "\x1b[2J\x1b]0;owned\x07"
"""Clear the screen and retitle the terminal: what a raw escape sequence could do."""
SHOWN_ESCAPED = "\\x1b[2J\\x1b]0;owned\\x07"
WORDS_NOT_A_DESK = "That is not an SPR Desk database; nothing changed."
WORDS_TOO_NEW = "The database was upgraded by a newer SPR Desk than this one."
DRIVERS = "SPR Desk works with sqlite:////path/desk.db and postgresql+psycopg://user@host/db"


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    code: int
    said: str
    """Words the one line on stderr (or stdout, for code 0) must hold."""
    stdin: bytes | None = None
    stdout_to_a_full_disk: bool = False
    """Standard output is /dev/full (a device that is always full)."""
    check: Callable[[subprocess.CompletedProcess[str]], None] | None = field(
        default=None, compare=False
    )


@dataclass
class Files:
    folder: Path
    good_url: str
    """A desk database at head, with a user whose display name holds escape sequences."""
    too_new: Path
    foreign: Path
    hashes: dict[Path, str]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _make_files(folder: Path) -> Files:
    scenario = ETHEL_SCENARIO
    (folder / "nested.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "far.json").write_text(json.dumps({**scenario, "at": "9999-12-31T23:00"}))
    age = json.dumps(scenario).replace('"age": 81', '"age": ' + "9" * 5000)
    assert "9" * 5000 in age
    (folder / "age.json").write_text(age)
    (folder / "escape.json").write_text(json.dumps({**scenario, f"{ESCAPES}colour": "red"}))
    rota = "team,name,role,date,start,end\nACHT Thame,Zoë Brontë,nurse,24/11/2026,08:00,16:00\n"
    (folder / "rota-utf16.csv").write_bytes(rota.encode("utf-16"))
    (folder / "rota-cp1252.csv").write_bytes(rota.encode("cp1252"))
    with (folder / "rota-huge.csv").open("wb") as huge:
        huge.truncate(33 * 1024 * 1024)  # sparse: costs no disk

    good = folder / "desk.db"
    desk = open_desk(f"sqlite:///{good}")
    desk.add_user(
        "mallory", Role.CALL_HANDLER, "amber lantern 7", display_name=ESCAPES + "Mal", by="test"
    )
    desk.engine.dispose()

    too_new = folder / "too-new.db"
    shutil.copyfile(good, too_new)
    with closing(sqlite3.connect(too_new)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    unprotected = folder / "unprotected.db"
    shutil.copyfile(good, unprotected)
    with closing(sqlite3.connect(unprotected)) as connection, connection:
        triggers = connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        for (name,) in triggers.fetchall():
            connection.execute(f'DROP TRIGGER "{name}"')
    read_only = folder / "read-only.db"
    shutil.copyfile(good, read_only)
    read_only.chmod(0o400)
    foreign = folder / "foreign.db"
    with closing(sqlite3.connect(foreign)) as connection, connection:
        connection.execute("CREATE TABLE recipe (name TEXT, minutes INTEGER)")
        connection.execute("INSERT INTO recipe VALUES ('soup', 20)")
    hashes = {path: _digest(path) for path in (too_new, foreign, unprotected, read_only)}
    return Files(folder, f"sqlite:///{good}", too_new, foreign, hashes)


def _cases(files: Files) -> dict[str, Case]:
    folder = files.folder
    new = f"sqlite:///{files.too_new}"
    foreign = f"sqlite:///{files.foreign}"
    never = f"sqlite:///{folder / 'never-made.db'}"
    export = ("export", "referrals", "--from", "2026-11-01", "--to", "2026-11-07")
    pack = folder / "pack.md"
    pack.write_text("an old pack\n")
    pack.chmod(0o644)

    def owner_only_pack(result: subprocess.CompletedProcess[str]) -> None:
        assert mode_of(pack) == 0o600
        assert pack.read_text().startswith("# ")
        assert not list(folder.glob(".pack.md.*")), "no temporary file left"

    def nothing_on_stderr(result: subprocess.CompletedProcess[str]) -> None:
        assert result.stderr == ""

    good_rota = folder / "rota.csv"
    good_rota.write_text(
        "team,name,role,date,start,end\nACHT Thame,Jo Bloggs,nurse,24/11/2026,08:00,16:00\n"
    )

    def escaped_names(result: subprocess.CompletedProcess[str]) -> None:
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout

    return {
        "recommend-nested-json": Case(
            ("recommend", str(folder / "nested.json")), 2, "spr-desk: scenario: nested too deeply"
        ),
        "recommend-at-year-9999": Case(
            ("recommend", str(folder / "far.json")), 2, "spr-desk: at: the year must be 2000"
        ),
        "recommend-dev-zero": Case(
            ("recommend", "/dev/zero"), 2, "spr-desk: /dev/zero: larger than 1 MB"
        ),
        "recommend-stdin-too-large": Case(
            ("recommend", "-"),
            2,
            "spr-desk: standard input: larger than 1 MB",
            stdin=b" " * (1024 * 1024 + 1),
        ),
        "recommend-5000-digit-age": Case(
            ("recommend", str(folder / "age.json")), 2, "spr-desk: facts.age: expected whole"
        ),
        "recommend-escape-in-key": Case(
            ("recommend", str(folder / "escape.json")), 2, f"spr-desk: {SHOWN_ESCAPED}colour:"
        ),
        "driver-pg8000-not-installed": Case(
            ("user", "list", "--db", "postgresql+pg8000://desk:hunter2@db.example/desk"),
            2,
            f"--db postgresql+pg8000://desk:***@db.example/desk: its driver (pg8000) is not "
            f"installed; {DRIVERS}",
        ),
        "driver-mysql-not-installed": Case(
            ("handover", "--db", "mysql://desk@db.example/desk"), 2, "its driver (MySQLdb)"
        ),
        "driver-unknown-kind": Case(
            ("export", "referrals", "--from", "2026-11-01", "--to", "2026-11-02", "--db", "x://y"),
            2,
            "--db x://y: not a kind of database SPR Desk knows",
        ),
        "db-not-a-url": Case(("db", "upgrade", "--db", "no url:hunter2"), 2, "not a database URL"),
        "too-new-db-upgrade": Case(("db", "upgrade", "--db", new), 2, f"{new}: {WORDS_TOO_NEW}"),
        "too-new-user-list": Case(("user", "list", "--db", new), 2, WORDS_TOO_NEW),
        "too-new-handover": Case(("handover", "--db", new), 2, WORDS_TOO_NEW),
        "too-new-export": Case((*export, "--db", new), 2, WORDS_TOO_NEW),
        "foreign-db-upgrade": Case(("db", "upgrade", "--db", foreign), 2, WORDS_NOT_A_DESK),
        "foreign-handover": Case(
            ("handover", "--db", foreign), 2, f"{foreign}: {WORDS_NOT_A_DESK}"
        ),
        "foreign-export": Case((*export, "--db", foreign), 2, WORDS_NOT_A_DESK),
        "foreign-user-list": Case(("user", "list", "--db", foreign), 2, WORDS_NOT_A_DESK),
        "foreign-rota-import": Case(
            ("rota", "import", str(good_rota), "--db", foreign), 2, WORDS_NOT_A_DESK
        ),
        "audit-triggers-gone-handover": Case(
            ("handover", "--db", f"sqlite:///{folder / 'unprotected.db'}"),
            2,
            "The database's audit trail is unprotected: its triggers are missing.",
        ),
        "read-only-file-export": Case(
            (*export, "--db", f"sqlite:///{folder / 'read-only.db'}"),
            0,
            "reference,received_at,",
            check=nothing_on_stderr,
        ),
        "user-add-without-a-terminal": Case(
            ("user", "add", "jsmith", "--role", "handler", "--db", never),
            2,
            "spr-desk: needs a terminal to type the password, or pipe it with --password-stdin",
        ),
        "user-password-without-a-terminal": Case(
            ("user", "password", "jsmith", "--db", never), 2, "needs a terminal to type"
        ),
        "user-add-endless-password-on-stdin": Case(
            ("user", "add", "jsmith", "--role", "handler", "--password-stdin", "--db", never),
            2,
            "spr-desk: --password-stdin: longer than 1024 characters; nothing was changed",
            stdin=b"x" * (2 * 1024 * 1024),
        ),
        "user-password-not-utf8-on-stdin": Case(
            ("user", "password", "jsmith", "--password-stdin", "--db", never),
            2,
            "spr-desk: --password-stdin: not UTF-8 text",
            stdin=b"caf\xe9 au lait 7\n",
        ),
        "rota-utf16": Case(
            ("rota", "import", str(folder / "rota-utf16.csv"), "--db", never),
            2,
            f"{folder / 'rota-utf16.csv'} is not UTF-8 (it looks like UTF-16): save it as CSV "
            "UTF-8",
        ),
        "rota-windows-1252": Case(
            ("rota", "import", str(folder / "rota-cp1252.csv"), "--db", never),
            2,
            "is not UTF-8 (it looks like Windows-1252): save it as CSV UTF-8",
        ),
        "rota-too-large": Case(
            ("rota", "import", str(folder / "rota-huge.csv"), "--db", never),
            2,
            "rota-huge.csv: larger than 32 MB",
        ),
        "handover-to-a-full-disk": Case(
            ("handover", "--db", files.good_url),
            1,  # a failure of the machine, not of what was typed
            "spr-desk: standard output: the disk is full; what was printed is incomplete",
            stdout_to_a_full_disk=True,
        ),
        "export-to-a-full-disk": Case(
            (*export, "--db", files.good_url),
            1,
            "spr-desk: standard output: the disk is full; what was printed is incomplete",
            stdout_to_a_full_disk=True,
        ),
        "user-list-escapes-display-names": Case(
            ("user", "list", "--db", files.good_url), 0, SHOWN_ESCAPED + "Mal", check=escaped_names
        ),
        "handover-to-an-owner-only-file": Case(
            ("handover", "-o", str(pack), "--db", files.good_url),
            0,
            f"Wrote the handover pack to {pack}",
            check=owner_only_pack,
        ),
    }


def _run(case: Case, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    with open(os.devnull if not case.stdout_to_a_full_disk else "/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "spr_desk", *case.args],
            input=case.stdin,
            stdin=None if case.stdin is not None else subprocess.DEVNULL,
            stdout=full if case.stdout_to_a_full_disk else subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=120,
            env=env,
            start_new_session=True,  # no controlling terminal, as under cron or a pipeline
        )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        (result.stdout or b"").decode("utf-8", "replace"),
        result.stderr.decode("utf-8", "replace"),
    )


@dataclass
class Answers:
    files: Files
    cases: dict[str, Case]
    results: dict[str, subprocess.CompletedProcess[str]]


CASE_IDS = [
    "recommend-nested-json",
    "recommend-at-year-9999",
    "recommend-dev-zero",
    "recommend-stdin-too-large",
    "recommend-5000-digit-age",
    "recommend-escape-in-key",
    "driver-pg8000-not-installed",
    "driver-mysql-not-installed",
    "driver-unknown-kind",
    "db-not-a-url",
    "too-new-db-upgrade",
    "too-new-user-list",
    "too-new-handover",
    "too-new-export",
    "foreign-db-upgrade",
    "foreign-handover",
    "foreign-export",
    "foreign-user-list",
    "foreign-rota-import",
    "audit-triggers-gone-handover",
    "read-only-file-export",
    "user-add-without-a-terminal",
    "user-password-without-a-terminal",
    "user-add-endless-password-on-stdin",
    "user-password-not-utf8-on-stdin",
    "rota-utf16",
    "rota-windows-1252",
    "rota-too-large",
    "handover-to-a-full-disk",
    "export-to-a-full-disk",
    "user-list-escapes-display-names",
    "handover-to-an-owner-only-file",
]


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Answers:
    folder = tmp_path_factory.mktemp("no-traceback")
    files = _make_files(folder)
    cases = _cases(files)
    assert sorted(cases) == sorted(CASE_IDS)
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("SPR_DESK_DATABASE")
    }
    env |= {"HOME": str(folder / "home"), "XDG_DATA_HOME": str(folder / "xdg")}
    with ThreadPoolExecutor(max_workers=4) as pool:
        running = {name: pool.submit(_run, case, env) for name, case in cases.items()}
        results = {name: future.result() for name, future in running.items()}
    return Answers(files, cases, results)


@pytest.mark.parametrize("name", CASE_IDS)
def test_no_traceback_and_one_line(answers: Answers, name: str) -> None:
    case = answers.cases[name]
    result = answers.results[name]
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == case.code, result.stderr
    if case.code == 0:
        assert case.said in result.stdout or case.said in result.stderr
        assert len(result.stderr.splitlines()) <= 1, result.stderr
    else:
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert case.said in result.stderr, result.stderr
        assert "hunter2" not in result.stderr
        assert "\x1b" not in result.stderr
    if case.check is not None:
        case.check(result)


def test_refused_databases_are_left_as_they_were(answers: Answers) -> None:
    for path, digest in answers.files.hashes.items():
        assert _digest(path) == digest, path
        assert not Path(f"{path}-wal").exists() and not Path(f"{path}-journal").exists()
    assert not (answers.files.folder / "never-made.db").exists(), "refused before it is opened"


# A full disk: the export goes to a temporary file renamed only when complete ---------------


def _demo_database(folder: Path) -> str:
    url = f"sqlite:///{folder / 'demo.db'}"
    desk = open_desk(url)
    fill_demo(desk, days=3)
    desk.engine.dispose()
    return url


def _recent_days() -> list[str]:
    today = datetime.now(LONDON).date()
    return ["--from", str(today - timedelta(days=4)), "--to", str(today)]


def test_an_export_that_fills_the_disk_leaves_the_old_file_and_no_partial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import db.export

    url = _demo_database(tmp_path)
    target = tmp_path / "referrals.csv"
    target.write_text("last week's export\n")
    real_write_csv = db.export.write_csv

    def full_after_some_rows(rows, handle, on_progress=None):  # type: ignore[no-untyped-def]
        def some_then_full():  # type: ignore[no-untyped-def]
            for count, row in enumerate(rows):
                if count == 5:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                yield row

        return real_write_csv(some_then_full(), handle, on_progress)

    monkeypatch.setattr(db.export, "write_csv", full_after_some_rows)
    code = main(["export", "referrals", *_recent_days(), "-o", str(target), "--db", url])
    err = capsys.readouterr().err
    assert (code, err) == (
        1,
        f"spr-desk: {target}: the disk is full; nothing was written. Free some space and run it "
        "again.\n",
    )
    assert target.read_text() == "last week's export\n"
    assert sorted(path.name for path in tmp_path.iterdir() if "referrals" in path.name) == [
        "referrals.csv"
    ]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, where the system allows mounting one (root on Linux)."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): the simulated ENOSPC covers it")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_an_export_onto_a_really_full_disk_leaves_no_partial_file(
    tmp_path: Path, small_disk: Path
) -> None:
    url = _demo_database(tmp_path)
    target = small_disk / "referrals.csv"
    target.write_text("last week's export\n")
    # Leave about 8 KiB: less than three days of demo referrals take as CSV.
    (small_disk / "filler").write_bytes(b"x" * (52 * 1024))
    result = subprocess.run(
        [sys.executable, "-m", "spr_desk", "export", "referrals", *_recent_days()]
        + ["-o", str(target), "--db", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    assert (result.returncode, result.stderr) == (
        1,
        f"spr-desk: {target}: the disk is full; nothing was written. Free some space and run it "
        "again.\n",
    )
    assert target.read_text() == "last week's export\n"
    assert sorted(path.name for path in small_disk.iterdir()) == ["filler", "referrals.csv"]


def test_a_complete_export_replaces_the_old_file_owner_only(tmp_path: Path) -> None:
    url = _demo_database(tmp_path)
    target = tmp_path / "referrals.csv"
    target.write_text("last week's export\n")
    target.chmod(0o644)
    assert main(["export", "referrals", *_recent_days(), "-o", str(target), "--db", url]) == 0
    assert target.read_text().startswith("reference,received_at,")
    assert mode_of(target) == 0o600


def test_a_command_that_only_reads_writes_no_reference_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    open_desk(url).engine.dispose()
    with closing(sqlite3.connect(tmp_path / "desk.db")) as connection, connection:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("DELETE FROM team")
        connection.execute("DELETE FROM locality")

    def localities() -> int:
        with closing(sqlite3.connect(tmp_path / "desk.db")) as connection:
            return connection.execute("SELECT count(*) FROM locality").fetchone()[0]

    open_desk(url, purpose="read").engine.dispose()
    assert localities() == 0
    open_desk(url).engine.dispose()
    assert localities() > 0


@pytest.mark.parametrize("command", [["user", "list"], ["handover"], ["db", "upgrade"]])
def test_another_programs_database_is_refused_by_name_on_each_backend(
    db_url: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.engine import make_url

    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE recipe (name VARCHAR(40), minutes INTEGER)"))
    engine.dispose()
    given, shown = db_url, db_url
    url = make_url(db_url)
    if url.get_backend_name() == "postgresql" and url.password is None:
        # The test server trusts loopback, so a password is accepted: it must never be shown.
        with_password = url.set(password="hunter2")
        given = with_password.render_as_string(hide_password=False)
        shown = with_password.render_as_string(hide_password=True)
        assert "hunter2" not in shown
    assert main([*command, "--db", given]) == 2
    assert capsys.readouterr().err == (
        f"spr-desk: {shown}: {WORDS_NOT_A_DESK} Check the --db path (or $SPR_DESK_DATABASE_URL).\n"
    )
    engine = create_engine(db_url)
    with engine.connect() as connection:
        assert inspect(connection).get_table_names() == ["recipe"], "nothing was added"
    engine.dispose()
