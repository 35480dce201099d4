"""The rota and handover commands: `spr-desk rota import FILE`, `spr-desk handover`."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from spr_desk.entrypoints import rota_check
from spr_desk.entrypoints.output import (
    CommandRefused,
    cannot_write,
    fail,
    named,
    printable,
    printable_lines,
    read_limited,
)
from spr_desk.entrypoints.registry import OpenDesk, register

if TYPE_CHECKING:
    from db.desk import DeskService

HANDOVER_DESCRIPTION = (
    "Print the handover pack as it would be built at TIME (now by default) for the next "
    "boundary: every open referral with its due time, time left, status, who holds it, what is "
    "outstanding, its risks and a first SBAR note. Nothing is stored or acknowledged. The pack "
    "holds patient data: with -o it is written owner-only (mode 0600), whole or not at all."
)
ROTA_DESCRIPTION = (
    "Import shifts from a CSV file with the columns team, name, role, date, start, end (and "
    "optionally capacity, band); dates DD/MM/YYYY or YYYY-MM-DD, times HH:MM UK time, an end "
    "before the start meaning the next day. All or nothing: any bad row and nothing changes, "
    "each problem printed with its line and column, exit 2. The file must be UTF-8 (save it as "
    "CSV UTF-8) and at most 32 MB."
)
ROTA_LIMIT = 32 * 1024 * 1024
"""A year's rota for 80 people (29,200 rows) is about 1.5 MB; a larger file than 32 MB is refused
before it is read whole."""


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
    open_desk: OpenDesk,
) -> None:
    handover = commands.add_parser(
        "handover",
        help="print the handover pack as it would be built",
        description=HANDOVER_DESCRIPTION,
    )
    handover.add_argument(
        "--at", metavar="TIME", help="ISO time, UK local unless an offset is given (default now)"
    )
    handover.add_argument("--format", choices=("md", "csv"), default="md", help="default md")
    handover.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=None,
        help="write to FILE, owner-only (mode 0600) (default: standard output)",
    )
    add_db(handover)
    register(
        handover,
        lambda url, args: run_handover(
            lambda: open_desk(url, purpose="read"), args.at, args.format, args.output
        ),
    )

    rota = commands.add_parser("rota", help="the rota", description="The rota.")
    rota_commands = rota.add_subparsers(dest="rota_command", metavar="ACTION", required=True)
    importing = rota_commands.add_parser(
        "import", help="import shifts from a CSV file, all or nothing", description=ROTA_DESCRIPTION
    )
    importing.add_argument("file", metavar="FILE", help="the rota CSV ('-' reads stdin)")
    add_db(importing)
    register(importing, lambda url, args: run_rota_import(lambda: open_desk(url), args.file))
    rota_check.add_check_command(rota_commands, add_db, open_desk)
    add_db(rota)


def run_handover(
    open_desk: Callable[[], DeskService], at: str | None, form: str, output: str | None = None
) -> int:
    """The database is opened (and made, if new) only once `--at` has been checked."""
    from spr_desk.handover import pack_csv, pack_markdown
    from spr_desk.uktime import parse_local
    from spr_desk.validation import FIRST_YEAR, LAST_YEAR

    when = None
    if at is not None:
        try:
            when = parse_local(at)
        except ValueError:
            return fail(f"--at: not an ISO time: {at!r}", 2)
        if not FIRST_YEAR <= when.year <= LAST_YEAR:  # the boundaries around it must exist too
            return fail(f"--at: the year must be {FIRST_YEAR} to {LAST_YEAR}", 2)
    pack = open_desk().preview_handover(when)
    text = pack_csv(pack) if form == "csv" else pack_markdown(pack) + "\n"
    if output is None or output == "-":
        # A name received or typed with a terminal escape in it must not reach the terminal raw.
        sys.stdout.write(printable_lines(text))
        return 0
    from spr_desk.private_files import written_whole

    try:
        with written_whole(output) as handle:
            handle.write(text)
    except OSError as error:
        return fail(cannot_write(output, error))
    sys.stderr.write(f"Wrote the handover pack to {printable(output)}\n")
    return 0


def run_rota_import(open_desk: Callable[[], DeskService], path: str) -> int:
    """The database is opened (and made, if new) only once the file has been read."""
    text = rota_text(path, read_limited(path, ROTA_LIMIT))
    result = open_desk().import_rota(text, by=getpass.getuser())
    if result.parsed.errors:
        for problem in result.parsed.errors:
            sys.stderr.write(f"{printable(named(path))}: {printable(str(problem))}\n")
        return fail("nothing was imported", 2)
    sys.stdout.write(
        f"Imported {len(result.parsed.rows)} shifts: {result.staff_added} people added, "
        f"{result.staff_updated} updated; {result.shifts_added} shifts added, "
        f"{result.shifts_replaced} replaced.\n"
    )
    return 0


def rota_text(path: str, data: bytes) -> str:
    """The rota file as text, or a refusal that says how to save it: a spreadsheet's plain "CSV"
    is Windows-1252 and its "Unicode text" UTF-16, where CSV UTF-8 is wanted.

    Raises:
        CommandRefused: the file is not UTF-8.
    """
    # ASCII in UTF-16 is valid UTF-8 with a NUL after each letter, so NULs are looked for first.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise CommandRefused(
            f"{named(path)} is not UTF-8 (it looks like UTF-16): save it as CSV UTF-8"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandRefused(
            f"{named(path)} is not UTF-8 (it looks like Windows-1252): save it as CSV UTF-8"
        ) from None
