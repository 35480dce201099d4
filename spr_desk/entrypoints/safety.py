"""The clinical safety commands: `spr-desk safety check` and `spr-desk safety report`.

Both read the hazard log (`safety/hazards.toml`) and the last test run's JUnit XML, which
`python -m pytest` writes to `build/test-results.xml` (pyproject's addopts); paths are the
repository's, from `--root` (the working directory by default). Neither opens a database.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from spr_desk.entrypoints.output import (
    CommandRefused,
    cannot_write,
    fail,
    printable,
    read_limited,
)
from spr_desk.entrypoints.registry import register

if TYPE_CHECKING:
    from spr_desk.safety.evidence import TestRun
    from spr_desk.safety.hazard_log import HazardLog

LOG = "safety/hazards.toml"
RESULTS = "build/test-results.xml"
REPORT_DIR = "build/safety"
LOG_LIMIT = 4 * 1024 * 1024
RESULTS_LIMIT = 256 * 1024 * 1024
CHECK_DESCRIPTION = (
    "Check the hazard log: every field present and in range, every open or closed hazard with "
    "a design or test control naming a test, every test named existing and passed in the last "
    f"test run ({RESULTS}, written by python -m pytest), no residual risk of 4 or 5, and none "
    "of 3 without a written justification. Each problem is printed on one line; exit 1 if any."
)
REPORT_DESCRIPTION = (
    "Write the clinical safety case report (DCB0129) from the hazard log and the last test run: "
    f"safety-case.md and safety-case.html in DIR (default {REPORT_DIR}). Scope, roles, the system "
    "and its interfaces, the executive table of hazards by initial and residual risk, each "
    "hazard with its controls and their tests' results, the outstanding test issues, and a "
    "place for the Clinical Safety Officer's statement."
)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    safety = commands.add_parser(
        "safety",
        help="the hazard log (DCB0129): check it, write the safety case report",
        description="The clinical safety case: the hazard log and its report.",
    )
    actions = safety.add_subparsers(dest="safety_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="check the hazard log against the tests", description=CHECK_DESCRIPTION
    )
    _add_paths(check)
    register(check, lambda _url, args: run_check(args))
    report = actions.add_parser(
        "report", help="write the clinical safety case report", description=REPORT_DESCRIPTION
    )
    _add_paths(report)
    report.add_argument(
        "-o", "--output", metavar="DIR", default=None, help=f"default ROOT/{REPORT_DIR}"
    )
    register(report, lambda _url, args: run_report(args))


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", metavar="DIR", default=".", help="the repository (default: here)")
    parser.add_argument("--log", metavar="FILE", default=None, help=f"default ROOT/{LOG}")
    parser.add_argument(
        "--results", metavar="FILE", default=None, help=f"JUnit XML (default ROOT/{RESULTS})"
    )
    parser.add_argument(
        "--no-results",
        action="store_true",
        help="without a test run's results (check: the log and that its tests exist; report:"
        " every test shown as not run)",
    )


def run_check(args: argparse.Namespace) -> int:
    from spr_desk.safety.check import problems

    root = Path(args.root)
    log, found = _read_log(root, args.log)
    run = None if args.no_results else _read_run(root, args.results)
    found += problems(log, lambda path: _source(root, path), run)
    for problem in found:
        sys.stderr.write(f"spr-desk safety: {printable(problem)}\n")
    if found:
        return 1
    tests = {test for hazard in log.hazards for test in hazard.tests}
    statuses = ", ".join(
        f"{sum(h.status == status for h in log.hazards)} {status}"
        for status in ("open", "transferred", "closed")
    )
    proved = "exist" if run is None else "passed in the last run"
    sys.stdout.write(
        f"{len(log.hazards)} hazards ({statuses}); the {len(tests)} tests named {proved}\n"
    )
    return 0


def run_report(args: argparse.Namespace) -> int:
    from spr_desk.safety.check import gather
    from spr_desk.safety.report import blocks, html_page, markdown

    root = Path(args.root)
    log, found = _read_log(root, args.log)
    if found:
        for problem in found:
            sys.stderr.write(f"spr-desk safety: {printable(problem)}\n")
        return fail("the hazard log has problems (spr-desk safety check); no report written")
    run = None if args.no_results else _read_run(root, args.results)
    document = blocks(log, gather(log, run), written=_now())
    folder = Path(args.output) if args.output else root / REPORT_DIR
    title = f"Clinical safety case report: {log.case.system}"
    written = []
    for name, text in (
        ("safety-case.md", markdown(document)),
        ("safety-case.html", html_page(document, title)),
    ):
        path = folder / name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            return fail(cannot_write(str(path), error))
        written.append(str(path))
    sys.stdout.write(printable("wrote " + " and ".join(written)) + "\n")
    return 0


def _read_log(root: Path, given: str | None) -> tuple[HazardLog, list[str]]:
    from spr_desk.safety.hazard_log import read_log

    path = given or str(root / LOG)
    try:
        text = read_limited(path, LOG_LIMIT).decode("utf-8")
    except UnicodeDecodeError:
        raise CommandRefused(f"{path}: not UTF-8 text") from None
    log, found = read_log(text)
    return log, [f"{path}: {problem}" for problem in found]


def _read_run(root: Path, given: str | None) -> TestRun:
    from spr_desk.safety.evidence import read_junit

    path = given or str(root / RESULTS)
    if given is None and not (root / RESULTS).exists():
        raise CommandRefused(
            f"no test results at {path}: run the tests first (python -m pytest writes them),"
            " or check without them (--no-results)"
        )
    try:
        return read_junit(read_limited(path, RESULTS_LIMIT).decode("utf-8", "replace"))
    except ValueError as error:
        raise CommandRefused(f"{path}: {error}") from None


def _source(root: Path, path: str) -> str | None:
    """A test file's source, or None if the path is not a file inside the repository (a
    relative path that stays inside it: no `..` out, nothing absolute)."""
    inside = os.path.normpath(path)
    if os.path.isabs(inside) or inside.split(os.sep)[0] == os.pardir:
        return None
    file = root / inside
    return file.read_text(encoding="utf-8") if file.is_file() else None


def _now() -> datetime:
    return datetime.now(UTC)
