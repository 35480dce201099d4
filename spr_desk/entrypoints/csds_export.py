"""`spr-desk export csds --month YYYY-MM [-o DIR]`: the national return (issue 19).

Three CSV files in DIR (default the current folder), each owner-only and written whole:
`CYP101.csv` (the referrals received in the month), `CYP102.csv` (the team each went to) and
`CYP201.csv` (each one's first care contact), in the CSDS's column names (`spr_desk.csds_codes`).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from spr_desk.entrypoints.output import cannot_write, fail
from spr_desk.entrypoints.registry import OpenDesk, register
from spr_desk.printable import printable

if TYPE_CHECKING:
    from spr_desk.csds import CsdsReturn, Row

CSDS_DESCRIPTION = (
    "Write the month's Community Services Data Set return as three CSV files: CYP101.csv "
    "(referrals received in the month, UK local days), CYP102.csv (the team referred to) and "
    "CYP201.csv (the first care contact). Times are UK local to the minute; the files hold "
    "patient-level data and are created owner-only (mode 0600). The export is audited."
)


def add_csds_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
    open_desk: OpenDesk,
) -> None:
    """Add `csds` to the `export` command's subcommands (`commands`)."""
    from spr_desk.csds_codes import DEFAULT_PROVIDER

    csds = commands.add_parser(
        "csds",
        help="write a month's CSDS return (CYP101, CYP102, CYP201) as CSV files",
        description=CSDS_DESCRIPTION,
    )
    csds.add_argument("--month", required=True, metavar="YYYY-MM", help="the month, UK local")
    csds.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        default=".",
        help="the folder to write the three files in (default: the current folder)",
    )
    csds.add_argument(
        "--provider",
        metavar="ODS",
        default=DEFAULT_PROVIDER,
        help=f"the provider's ODS code (default {DEFAULT_PROVIDER})",
    )
    add_db(csds)
    register(
        csds,
        lambda url, args: run_csds(open_desk, url, args.month, Path(args.output), args.provider),
    )


def run_csds(open_desk: OpenDesk, url: str | None, month: str, folder: Path, provider: str) -> int:
    """Exit 0 with one line on stderr naming the files; 2 with one line for a bad month or a
    folder that is not one; 1 when a file cannot be written."""
    from spr_desk.csds import MonthError, parse_month

    try:
        parse_month(month)
    except MonthError as error:
        return fail(str(error), 2)
    if not folder.is_dir():
        return fail(f"-o: not a folder: {folder}", 2)
    desk = open_desk(url)
    try:
        rows = desk.export_csds(
            month, lambda found: write_csds(found, folder), by=getpass.getuser(), provider=provider
        )
    except OSError as error:
        return fail(cannot_write(str(folder), error))
    where = printable(str(folder))
    sys.stderr.write(
        f"Wrote the CSDS return for {rows.month} to {where}: CYP101.csv {len(rows.cyp101)} "
        f"referrals, CYP102.csv {len(rows.cyp102)}, CYP201.csv {len(rows.cyp201)} contacts\n"
    )
    return 0


def write_csds(rows: CsdsReturn, folder: Path) -> None:
    """The three files, each owner-only and whole (a temporary file renamed over it). All
    three are written before any is renamed: a full disk leaves the folder as it was."""
    from spr_desk.csds_codes import CYP101_COLUMNS, CYP102_COLUMNS, CYP201_COLUMNS
    from spr_desk.private_files import written_whole

    with contextlib.ExitStack() as files:
        for name, columns, table in (
            ("CYP101.csv", CYP101_COLUMNS, rows.cyp101),
            ("CYP102.csv", CYP102_COLUMNS, rows.cyp102),
            ("CYP201.csv", CYP201_COLUMNS, rows.cyp201),
        ):
            handle = files.enter_context(written_whole(folder / name))
            _write_table(handle, columns, table)
            # On disk now, so only the renames are left for the exit (which runs in reverse:
            # a full disk at a later file's last flush must not follow a rename).
            handle.flush()
            os.fsync(handle.fileno())


def _write_table(handle: TextIO, columns: tuple[str, ...], table: list[Row]) -> None:
    writer = csv.DictWriter(handle, fieldnames=columns)
    writer.writeheader()
    writer.writerows(table)
