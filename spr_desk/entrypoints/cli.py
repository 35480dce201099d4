"""The `spr-desk` command: the composition root that wires engine, desk service and app.

Heavy imports (Textual, SQLAlchemy) happen inside the commands that need them, so
`spr-desk recommend` and `--help` answer quickly.
"""

from __future__ import annotations

import argparse
import errno
import io
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from spr_desk import __version__
from spr_desk.entrypoints import (
    backup,
    bars,
    csds_export,
    downtime,
    gp_updates,
    safety,
    serve,
    users,
    watch,
)
from spr_desk.entrypoints.bootstrap import build_app, open_desk
from spr_desk.entrypoints.output import (
    CommandRefused,
    cannot_write,
    fail,
    named,
    printable,
    read_limited,
)
from spr_desk.entrypoints.registry import register, run_of

if TYPE_CHECKING:
    from datetime import datetime

    from db.desk import DeskService

DESCRIPTION = (
    "SPR Desk: the Single Point of Referral triage desk for rapid response and reablement. "
    "With no command it starts the desk."
)
DB_HELP = (
    "database URL, e.g. sqlite:////path/desk.db or postgresql+psycopg://user@host/db "
    "(default: $SPR_DESK_DATABASE_URL, else spr-desk.db in your data directory)"
)
SCENARIO_LIMIT = 1024 * 1024
"""A scenario is a few hundred bytes: `recommend` reads at most 1 MB of it."""

EXPORT_DESCRIPTION = (
    "Write one CSV row per referral received from --from to --to, UK local days inclusive, "
    "oldest first, with a header row. Times are ISO 8601 in UTC with the offset, booleans "
    "true/false, an empty cell means none. To guard against spreadsheet formula injection, a "
    "text cell beginning with =, +, -, @, a tab or a carriage return is written with a single "
    "quote (') in front. The file holds patient data: with -o it is written owner-only (mode "
    "0600) to a temporary file, renamed to FILE only when complete; without, the CSV goes to "
    "standard output and nothing else does. Bad dates exit 2."
)


def _add_db_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # The option works before or after the command: the sub-parser must not reset a value given
    # at the top, so only the top level holds a default.
    parser.add_argument(
        "--db", metavar="URL", help=DB_HELP, default=None if top else argparse.SUPPRESS
    )


class _Parser(argparse.ArgumentParser):
    """argparse's usage errors quote what was typed ("unrecognized arguments: ..."): shown with
    control characters escaped, like every other message. Sub-commands' parsers are this too."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {printable(message)}\n")


def _add_access_options(parser: argparse.ArgumentParser) -> None:
    """The desk's own options (not its commands'): how it is drawn for the person at it."""
    parser.add_argument(
        "--screen-reader",
        action="store_true",
        help=(
            "for a screen reader or braille display: the cursor shown on the focus, countdowns "
            "once a minute in words, each change said on one status line "
            "(also SPR_DESK_SCREEN_READER=1)"
        ),
    )
    parser.add_argument(
        "--bell",
        action="store_true",
        help=(
            "ring the terminal's bell, at most once a minute, for a new Rapid referral or one "
            "due within 15 minutes (also SPR_DESK_BELL=1)"
        ),
    )
    parser.add_argument(
        "--theme",
        metavar="NAME",
        default=None,
        help=(
            "spr-dark (the default) or spr-light: every colour at least 7:1 against what it is "
            "drawn on, WCAG AAA (also SPR_DESK_THEME)"
        ),
    )


def build_parser() -> argparse.ArgumentParser:
    # Typed as its base so the command modules take `_SubParsersAction[ArgumentParser]`;
    # argparse still makes every sub-command's parser a `_Parser` (the type of its parent).
    parser: argparse.ArgumentParser = _Parser(prog="spr-desk", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"spr-desk {__version__}")
    _add_db_option(parser, top=True)
    _add_access_options(parser)
    register(parser, lambda url, args: run_app(url, args))  # no command: the desk itself
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    recommend = commands.add_parser(
        "recommend",
        help="print the matrix recommendation for a scenario file, as JSON",
        description=(
            'Read a scenario file ({"at": ..., "facts": {...}, "availability": {...}}) and '
            "print one JSON object: outcome, response, lead, due_at, fallback_from, bed_needed, "
            "reasons. Bad input exits 2 with one line naming the field."
        ),
    )
    recommend.add_argument("file", metavar="FILE", help="the scenario file ('-' reads stdin)")
    _add_db_option(recommend, top=False)
    register(recommend, lambda _url, args: run_recommend(args.file))

    database = commands.add_parser(
        "db", help="database maintenance", description="Database maintenance."
    )
    db_commands = database.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser(
        "upgrade",
        help="bring the database to the current schema",
        description="Apply every migration the database lacks. Never drops data.",
    )
    _add_db_option(upgrade, top=False)
    register(upgrade, lambda url, _args: run_upgrade(url))
    _add_db_option(database, top=False)

    demo = commands.add_parser(
        "demo",
        help="fill the database with fictional demo data",
        description=(
            "Add staff and shifts for every team and N days of fictional referrals at the "
            "source's volume (about 13,000 a year), in every state. NHS numbers are in the 999 "
            "test range and marked as test data. Running it twice adds nothing."
        ),
    )
    demo.add_argument(
        "--days", type=int, default=7, metavar="N", help="days of referrals (default 7)"
    )
    _add_db_option(demo, top=False)
    register(demo, lambda url, args: run_demo(url, args.days))

    exporting = commands.add_parser(
        "export", help="export data as CSV", description="Export data as CSV."
    )
    export_commands = exporting.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    referrals = export_commands.add_parser(
        "referrals",
        help="write the referrals received in a date range as CSV",
        description=EXPORT_DESCRIPTION,
    )
    referrals.add_argument(
        "--from",
        dest="first",
        metavar="DATE",
        required=True,
        help="first UK local day, YYYY-MM-DD (from 00:00 UK time)",
    )
    referrals.add_argument(
        "--to",
        dest="last",
        metavar="DATE",
        required=True,
        help="last UK local day, YYYY-MM-DD, included (up to midnight UK time at its end)",
    )
    referrals.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=None,
        help="write to FILE, created owner-only (mode 0600) (default: standard output)",
    )
    _add_db_option(referrals, top=False)
    register(referrals, lambda url, args: run_export(url, args.first, args.last, args.output))
    csds_export.add_csds_command(
        export_commands, lambda sub: _add_db_option(sub, top=False), open_desk
    )
    _add_db_option(exporting, top=False)
    watch.add_commands(commands, lambda sub: _add_db_option(sub, top=False), open_desk)
    users.add_commands(commands, lambda sub: _add_db_option(sub, top=False), open_desk)
    safety.add_commands(commands)
    downtime.add_commands(commands, lambda sub: _add_db_option(sub, top=False), open_desk)
    serve.add_command(commands, lambda sub: _add_db_option(sub, top=False))
    bars.add_commands(commands, lambda sub: _add_db_option(sub, top=False), open_desk)
    gp_updates.add_commands(commands, lambda sub: _add_db_option(sub, top=False), open_desk)
    backup.add_commands(commands, lambda sub: _add_db_option(sub, top=False))
    return parser


def run_recommend(path: str) -> int:
    """Exit 0 with JSON on stdout, or 2 with one line naming the field on stderr."""
    from spr_desk.facts import FieldError
    from spr_desk.matrix import recommend
    from spr_desk.rules import default_rules
    from spr_desk.scenario import load_scenario

    data = read_limited(path, SCENARIO_LIMIT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return fail(f"{named(path)}: not UTF-8 text (byte {error.start + 1})", 2)
    try:
        scenario = load_scenario(text)
        result = recommend(scenario.facts, scenario.availability, scenario.at, default_rules())
    except FieldError as error:
        return fail(str(error), 2)
    except OverflowError:  # a due time past what a date can hold
        return fail("at: too near the end of time for a due time", 2)
    sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    return 0


def run_demo(url: str | None, days: int) -> int:
    if not 1 <= days <= 3660:
        return fail("--days must be from 1 to 3660", 2)
    from db.demo import load_demo_in_steps
    from db.engine import describe

    desk = open_desk(url)
    # Short transactions, so desks on the same database are never held up for long by it.
    report = load_demo_in_steps(engine=desk.engine, days=days, now=desk.now(), rules=desk.rules)
    where = describe(desk.engine)
    if report.already_present:
        sys.stdout.write(
            f"Demo referrals were already in {where}; added {report.staff_added} staff and "
            f"{report.shifts_added} shifts.\n"
        )
    else:
        sys.stdout.write(
            f"Added {report.referrals_added} demo referrals, {report.staff_added} staff and "
            f"{report.shifts_added} shifts to {where}.\n"
        )
    from spr_desk.demo import DEMO_PASSWORD, DEMO_USERS

    names = ", ".join(name for name, _, _ in DEMO_USERS)
    sys.stdout.write(f"Sign in as {names} (one per role); password: {DEMO_PASSWORD}\n")
    return 0


def run_upgrade(url: str | None) -> int:
    """Through the one door (a foreign file or a newer schema is refused unchanged); says what
    the opening did: migrated, audit triggers put back, or nothing."""
    from db.engine import describe
    from db.migrate import HEAD_REVISION
    from db.opening import open_engine

    done: list[str] = []
    engine = open_engine(url, purpose="upgrade", notes=done)
    said = " ".join(done) or f"Already at schema {HEAD_REVISION}."
    sys.stdout.write(f"{describe(engine)}: {said}\n")
    engine.dispose()
    return 0


def run_export(url: str | None, first: str, last: str, output: str | None) -> int:
    """CSV on stdout (nothing else), or in an owner-only FILE with one line on stderr."""
    from datetime import date

    days: list[date] = []
    for option, text in (("--from", first), ("--to", last)):
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            return fail(f"{option}: not a date (expected YYYY-MM-DD): {text!r}", 2)
    if days[0] > days[1]:
        return fail(f"--from {days[0]} is after --to {days[1]}", 2)

    from spr_desk.uktime import uk_days

    try:
        start, end = uk_days(days[0], days[1])
    except OverflowError:
        return fail(f"--to: out of range: {last!r}", 2)
    desk = open_desk(url, purpose="read")
    if output is None or output == "-":
        return _export_to_stdout(desk, start, end)
    from spr_desk.private_files import written_whole

    try:
        with written_whole(output) as handle:
            count = desk.export_referrals(start, end, handle)
    except OSError as error:
        return fail(cannot_write(output, error))
    noun = "referral" if count == 1 else "referrals"
    sys.stderr.write(f"Wrote {count} {noun} to {printable(output)}\n")
    return 0


def _export_to_stdout(desk: DeskService, start: datetime, end: datetime) -> int:
    sys.stdout.flush()
    # UTF-8 and the csv module's own line endings, whatever the locale or platform.
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        # A reader gone (`| head`) or a full disk is main's to say (`_output_failed`).
        desk.export_referrals(start, end, stream)
        stream.flush()
    finally:
        stream.detach()
    return 0


def _log_to_file() -> None:
    """The desk logs to a file in the user's log directory (owner-only); the screen is the app's."""
    from platformdirs import user_log_path

    folder = user_log_path("spr-desk", appauthor=False)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / "spr-desk.log"
    os.close(os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600))
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


def run_app(url: str | None, args: argparse.Namespace | None = None) -> int:
    _log_to_file()
    from datetime import timedelta

    from screens.themes import THEME_NAMES
    from spr_desk.access import access_from
    from spr_desk.downtime.html_copy import copy_minutes_from_env
    from spr_desk.gp_update.due import due_hour_from_env
    from spr_desk.sign_in import idle_from_env

    idle = idle_from_env(os.environ)  # a bad SPR_DESK_IDLE_MINUTES stops here, in one line
    minutes = copy_minutes_from_env(os.environ)  # and a bad SPR_DESK_COPY_MINUTES
    due_hour_from_env(os.environ)  # and SPR_DESK_GP_UPDATE_DUE_HOUR, before a close needs it
    access = access_from(  # and a bad theme or SPR_DESK_SCREEN_READER
        os.environ,
        THEME_NAMES,
        screen_reader=bool(args and args.screen_reader),
        bell=bool(args and args.bell),
        theme=args.theme if args else None,
    )
    copy_every = timedelta(minutes=minutes) if minutes else None
    app = build_app(lambda: open_desk(url), idle_lock=idle, copy_every=copy_every, access=access)
    app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    url: str | None = args.db
    try:
        code = run_of(args)(url, args)
        sys.stdout.flush()  # here, not at exit, so a full disk or a closed pipe is one line too
        return code
    except KeyboardInterrupt:
        return 130
    except CommandRefused as refusal:
        return fail(str(refusal), 2)
    except Exception as error:  # noqa: BLE001 - one clear line, never a traceback with patient data
        return _failed(error, url)


def _failed(error: Exception, url: str | None) -> int:
    """What went wrong in one line: the database's fault in the desk's words (exit 2 when the
    database is one the desk refuses or --db names no usable database, else 1)."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from spr_desk.faults import DeskFault, FaultKind, fault_kind, fault_of

    where = _database_named(url)
    if isinstance(error, DeskFault):
        return fail(f"{where}: {fault_of(error)}", 2)
    if isinstance(error, (ImportError, ArgumentError)):
        problem = _driver_problem(url)
        if problem is not None:
            return fail(f"--db {where}: {problem}", 2)
    if isinstance(error, SQLAlchemyError):
        return fail(f"{where}: {fault_of(error)}")
    if isinstance(error, OSError) and error.filename is None and error.errno in _OUTPUT_FAILURES:
        return _output_failed(error)
    if isinstance(error, OSError):
        if fault_kind(error) is not FaultKind.OTHER or not error.filename:
            return fail(f"{where}: {fault_of(error)}")
        return fail(f"{error.filename}: {error.strerror or fault_of(error).sentence}")
    if isinstance(error, ValueError):  # a setting such as SPR_DESK_IDLE_MINUTES, named in it
        return fail(f"{type(error).__name__}: {error}")
    return fail(str(fault_of(error)))


_OUTPUT_FAILURES = (errno.ENOSPC, errno.EDQUOT, errno.EPIPE)
"""Standard output's failures: the database's own come wrapped by SQLAlchemy, a file's named."""


def _output_failed(error: OSError) -> int:
    """Standard output could not take what was printed (a full disk, a reader gone); it is
    pointed at /dev/null so the interpreter's last flush adds no second message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # io.UnsupportedOperation: not a real file (a test's capture)
        pass
    if error.errno == errno.EPIPE:
        return 141  # `| head` went away: quiet, as a shell pipeline expects
    return fail("standard output: the disk is full; what was printed is incomplete")


def _database_named(url: str | None) -> str:
    """The database a command was given (--db, $SPR_DESK_DATABASE_URL or the default file),
    password hidden."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from db.engine import resolve_url

    try:
        return make_url(resolve_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a URL)"  # never echoed: it may hold a password


def _driver_problem(url: str | None) -> str | None:
    """Why the URL names no database this installation can open, or None when it does."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from db.engine import resolve_url

    works = "SPR Desk works with sqlite:////path/desk.db and postgresql+psycopg://user@host/db"
    try:
        make_url(resolve_url(url)).get_dialect().import_dbapi()
    except NoSuchModuleError:
        return f"not a kind of database SPR Desk knows; {works}"
    except ImportError as missing:
        return f"its driver ({missing.name}) is not installed; {works}"
    except ArgumentError:
        return f"not a database URL; {works}"
    return None


if __name__ == "__main__":
    raise SystemExit(main())
