"""The downtime commands: `spr-desk downtime pack|copy|enter|reserved|release|export|import|drill`.

The pack is printed before or as the desk goes down; the copy is the read-only HTML a browser
opens without the desk; `enter` brings the paper sheets back with their written times;
`export`/`import` hand the open queue to a neighbouring desk; `drill` rehearses the lot.
Everything written holds patient data: owner-only (0600), whole or not at all.
"""

from __future__ import annotations

import argparse
import getpass
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from spr_desk.entrypoints.output import (
    CommandRefused,
    cannot_write,
    fail,
    named,
    printable,
    read_limited,
)
from spr_desk.entrypoints.registry import OpenDesk, register

if TYPE_CHECKING:
    from db.desk import DeskService
    from spr_desk.downtime.sheets_file import TypedSheet

SHEETS_LIMIT = 64 * 1024 * 1024
PACK_DESCRIPTION = (
    "Build the downtime pack and write it as a PDF: the open queue in due order (due times, "
    "status, who holds each, the numbers to call), today's and tomorrow's rota and who is on "
    "by locality, the red-flag and matrix card from the rules the desk decides with (stamped "
    "with their version), and N blank triage sheets, each with a reference reserved for it "
    "(never issued to a live call). Default FILE: downtime/downtime-pack-DATE-TIME.pdf in the "
    "desk's data folder."
)
ENTER_DESCRIPTION = (
    'Enter paper sheets typed into a JSON file ({"sheets": [...]}; see '
    "spr_desk/downtime/sheets_file.py): each under the reference printed on it, with the "
    "received time written on it, from which its due time runs. Every sheet is checked before "
    "any is entered; a reference entered before, released, or never reserved is refused."
)


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
    open_desk: OpenDesk,
) -> None:
    downtime = commands.add_parser(
        "downtime",
        help="the desk on paper: the pack, the read-only copy, paper calls back in, mutual aid",
        description="Downtime: keep working when the desk is down, and bring every call back.",
    )
    actions = downtime.add_subparsers(dest="downtime_command", metavar="ACTION", required=True)
    add_db(downtime)

    pack = actions.add_parser(
        "pack", help="write the downtime pack (PDF)", description=PACK_DESCRIPTION
    )
    pack.add_argument("-o", "--output", metavar="FILE", default=None, help="the PDF to write")
    pack.add_argument(
        "--sheets", type=int, default=20, metavar="N", help="blank sheets (default 20)"
    )
    add_db(pack)
    register(pack, lambda url, args: run_pack(open_desk(url), args.output, args.sheets))

    copy = actions.add_parser(
        "copy",
        help="write the read-only HTML copy of the open queue and the rota now",
        description=(
            "Write the read-only copy once (the running desk writes it every "
            "SPR_DESK_COPY_MINUTES, default 5): one self-contained HTML file any browser opens "
            "without the desk or the network. Default FILE: in the desk's data folder."
        ),
    )
    copy.add_argument("-o", "--output", metavar="FILE", default=None)
    add_db(copy)
    register(copy, lambda url, args: run_copy(open_desk(url), args.output))

    enter = actions.add_parser(
        "enter",
        help="enter paper sheets from a file, with their written times",
        description=ENTER_DESCRIPTION,
    )
    enter.add_argument("file", metavar="FILE", help="the sheets, as JSON ('-' reads stdin)")
    add_db(enter)
    register(enter, lambda url, args: run_enter(open_desk(url), args.file))

    reserved = actions.add_parser(
        "reserved",
        help="list the references reserved for paper sheets",
        description="List the reserved references still unused (--all: used and released too).",
    )
    reserved.add_argument("--all", action="store_true", help="used and released ones too")
    add_db(reserved)
    register(reserved, lambda url, args: run_reserved(open_desk(url, purpose="read"), args.all))

    release = actions.add_parser(
        "release",
        help="release reserved references never used",
        description=(
            "Release unused reserved references (their sheets were never written on): they are "
            "then never entered. Name them, or give --all for every one still unused."
        ),
    )
    release.add_argument("references", nargs="*", metavar="REFERENCE")
    release.add_argument("--all", action="store_true", help="every reference still unused")
    add_db(release)
    register(release, lambda url, args: run_release(open_desk(url), args.references, args.all))

    export = actions.add_parser(
        "export",
        help="write the open queue for a neighbouring desk (signed file)",
        description=(
            "Write every open referral to one file another desk can import: references, "
            "received and due times kept, a SHA-256 of the whole (an altered file is refused), "
            "signed with HMAC-SHA256 when SPR_DESK_MUTUAL_AID_KEY is set. Owner-only."
        ),
    )
    export.add_argument("-o", "--output", metavar="FILE", default=None)
    add_db(export)
    register(export, lambda url, args: run_export(open_desk(url), args.output))

    take = actions.add_parser(
        "import",
        help="take a neighbouring desk's open queue from its file",
        description=(
            "Add every referral of a file written by `downtime export`, keeping references, "
            "received and due times; a referral already here is not added twice; an altered "
            "file, or one whose reference is another referral here, changes nothing."
        ),
    )
    take.add_argument("file", metavar="FILE")
    add_db(take)
    register(take, lambda url, args: run_import(open_desk(url), args.file))

    drill = actions.add_parser(
        "drill",
        help="rehearse downtime: time the pack, re-entering sheets, reconciling",
        description=(
            "Time building the pack for the open queue (its sheets then released), then enter "
            "a set of sheets from FILE (default: the packaged drill sheets) in a scratch desk "
            "six hours after their written times, and reconcile: every reserved number used or "
            "released, every paper call due from its paper time. The live queue gains nothing; "
            "the drill and its figures are recorded (the supervisor view shows the last)."
        ),
    )
    drill.add_argument("--sheets", metavar="FILE", default=None, help="the sheets to enter")
    add_db(drill)
    register(drill, lambda url, args: run_drill(open_desk(url), args.sheets))


def _default_path(folder: str, stem: str, suffix: str, desk: DeskService) -> Path:
    from spr_desk.private_files import data_folder
    from spr_desk.uktime import as_local

    place = data_folder() / folder
    place.mkdir(mode=0o700, parents=True, exist_ok=True)
    return place / f"{stem}-{as_local(desk.now()):%Y%m%d-%H%M%S}{suffix}"


def _write_bytes(path: Path, data: bytes) -> None:
    from spr_desk.private_files import write_bytes_whole

    try:
        write_bytes_whole(path, data)
    except OSError as error:
        raise CommandRefused(cannot_write(str(path), error)) from None


def run_pack(desk: DeskService, output: str | None, sheets: int) -> int:
    from spr_desk.desk_api import DeskError
    from spr_desk.downtime.pack_pdf import render_pack

    try:
        pack = desk.build_downtime_pack(by=getpass.getuser(), sheets=sheets)
    except DeskError as refused:
        return fail(f"--sheets: {refused}", 2)
    path = Path(output) if output else _default_path("downtime", "downtime-pack", ".pdf", desk)
    _write_bytes(path, render_pack(pack))
    sheets_said = f"{pack.sheets[0]} to {pack.sheets[-1]}" if pack.sheets else "none"
    sys.stderr.write(
        f"Wrote the downtime pack to {printable(str(path))}: {len(pack.referrals)} open "
        f"referrals, {len(pack.sheets)} sheets reserved ({sheets_said}), rules version "
        f"{pack.rules_version}\n"
    )
    return 0


def run_copy(desk: DeskService, output: str | None) -> int:
    from spr_desk.downtime.html_copy import (
        COPY_NAME,
        copy_minutes_from_env,
        render_copy,
        write_copy,
    )
    from spr_desk.private_files import data_folder

    path = Path(output) if output else data_folder() / COPY_NAME
    if not output:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pack = desk.read_only_copy(exported_by=getpass.getuser())
    try:
        write_copy(
            path,
            render_copy(
                pack, written_at=desk.now(), every_minutes=copy_minutes_from_env(os.environ)
            ),
        )
    except OSError as error:
        raise CommandRefused(cannot_write(str(path), error)) from None
    sys.stderr.write(
        f"Wrote the read-only copy to {printable(str(path))}: "
        f"{len(pack.referrals)} open referrals\n"
    )
    return 0


def _sheets(desk: DeskService, path: str) -> list[TypedSheet]:
    from spr_desk.downtime.sheets_file import parse_sheets
    from spr_desk.facts import FieldError

    data = read_limited(path, SHEETS_LIMIT)
    try:
        return parse_sheets(data.decode("utf-8-sig"), now=desk.now())
    except UnicodeDecodeError as error:
        raise CommandRefused(f"{named(path)}: not UTF-8 text (byte {error.start + 1})") from None
    except FieldError as error:
        raise CommandRefused(f"{named(path)}: {error}") from None


def run_enter(desk: DeskService, path: str) -> int:
    from spr_desk.entrypoints.sheet_entry import enter_sheet
    from spr_desk.refusal import Refused

    sheets = _sheets(desk, path)
    seen: set[str] = set()
    for place, sheet in enumerate(sheets, start=1):
        if sheet.reference is None:
            return fail(f"sheets[{place}].reference: give the reference printed on the sheet", 2)
        try:
            found = desk.check_sheet(sheet.reference)
        except Refused as refused:
            return fail(f"sheets[{place}].reference: {refused}; nothing was entered", 2)
        if found.reference in seen:
            return fail(
                f"sheets[{place}].reference: {found.reference} is in the file twice; nothing "
                "was entered",
                2,
            )
        seen.add(found.reference)
    by = getpass.getuser()
    entered = 0
    for place, sheet in enumerate(sheets, start=1):
        assert sheet.reference is not None
        try:
            line = enter_sheet(desk, sheet, sheet.reference, by=by)
        except Refused as refused:
            sys.stdout.write(f"Entered {entered} of {len(sheets)} sheets.\n")
            return fail(f"sheets[{place}]: {refused}", 2)
        entered += 1
        sys.stdout.write(printable(line) + "\n")
    sys.stdout.write(f"Entered {entered} sheets.\n")
    return 0


def run_reserved(desk: DeskService, everything: bool) -> int:
    from spr_desk.downtime.paper import SheetState
    from spr_desk.milestones import given_time_text

    states = tuple(SheetState) if everything else (SheetState.RESERVED,)
    found = desk.reserved_sheets(states)
    for sheet in found:
        reserved = given_time_text(sheet.reserved_at)
        line = (
            f"{sheet.reference}  {sheet.state.value:<8}  reserved {reserved} by {sheet.reserved_by}"
        )
        if sheet.used_at:
            line += f"; entered {given_time_text(sheet.used_at)} by {sheet.used_by}"
        if sheet.released_at:
            line += f"; released {given_time_text(sheet.released_at)} by {sheet.released_by}"
        sys.stdout.write(printable(line) + "\n")
    noun = "reference" if len(found) == 1 else "references"
    which = "" if everything else " unused"
    sys.stderr.write(f"{len(found)}{which} reserved {noun}\n")
    return 0


def run_release(desk: DeskService, references: list[str], everything: bool) -> int:
    from spr_desk.desk_api import DeskError

    if bool(references) == everything:
        return fail("name the references to release, or give --all (not both)", 2)
    try:
        released = desk.release_sheets(references, by=getpass.getuser())
    except DeskError as refused:
        return fail(str(refused), 2)
    sys.stdout.write(f"Released {len(released)} unused reserved references.\n")
    return 0


def _key() -> bytes | None:
    from spr_desk.downtime.mutual_aid import KEY_VARIABLE

    value = os.environ.get(KEY_VARIABLE, "")
    return value.encode("utf-8") if value else None


def run_export(desk: DeskService, output: str | None) -> int:
    data = desk.export_open_queue(by=getpass.getuser(), source=socket.gethostname(), key=_key())
    path = Path(output) if output else _default_path("downtime", "open-queue", ".json", desk)
    _write_bytes(path, data)
    sys.stderr.write(f"Wrote the open queue for a neighbouring desk to {printable(str(path))}\n")
    return 0


def run_import(desk: DeskService, path: str) -> int:
    from spr_desk.desk_api import DeskError
    from spr_desk.downtime.mutual_aid import FILE_LIMIT

    data = read_limited(path, FILE_LIMIT)
    try:
        taken = desk.import_open_queue(data, by=getpass.getuser(), key=_key())
    except DeskError as refused:
        return fail(f"{named(path)}: {refused}", 2)
    sys.stdout.write(
        printable(
            f"Added {len(taken.added)} open referrals from {taken.source}; "
            f"{len(taken.already_here)} were already here.\n"
        )
    )
    return 0


def run_drill(desk: DeskService, sheets_path: str | None) -> int:
    from spr_desk.entrypoints.drill import DRILL_SHEETS, run_drill_on

    path = sheets_path or str(DRILL_SHEETS)
    sheets = _sheets(desk, path)
    figures = run_drill_on(desk, sheets, by=getpass.getuser())
    for name, value in figures.items():
        sys.stdout.write(f"{name}: {value}\n")
    return 0 if figures["reconciled"] else 1
