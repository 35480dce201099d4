"""`spr-desk rota check`: is the desk staffed for its calls (Erlang C by hour, issue 19)."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from spr_desk.entrypoints.output import fail
from spr_desk.entrypoints.registry import OpenDesk, register

if TYPE_CHECKING:
    from db.desk import DeskService

DESCRIPTION = (
    "For each hour of the 7 days from today: the calls the desk can expect (the mean for that "
    "weekday and hour over its live calls of the last 8 weeks), their mean handling time, the "
    "call handlers Erlang C says the hour needs to answer --target of them within --within "
    "seconds (never fewer than --floor, the minimum cover), and the handlers on the rota for "
    "the whole hour. SHORT marks an hour with fewer on the rota than it needs."
)
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_WITHIN_SECONDS = 3600
MAX_FLOOR = 50


def add_check_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
    open_desk: OpenDesk,
) -> None:
    """Add `check` to the `rota` command's subcommands (`commands`)."""
    check = commands.add_parser(
        "check",
        help="are there call handlers enough for the calls, hour by hour (Erlang C)",
        description=DESCRIPTION,
    )
    # Read as text and checked here, so a bad number is one line, not argparse's usage.
    check.add_argument(
        "--target", default="0.95", metavar="SHARE", help="share answered in time (0.95)"
    )
    check.add_argument(
        "--within", default="60", metavar="SECONDS", help="answered within (60 seconds)"
    )
    check.add_argument(
        "--floor", default="1", metavar="N", help="minimum handlers on at any hour (1)"
    )
    check.add_argument("--day", default=None, metavar="WEEKDAY", help="one day only (e.g. mon)")
    add_db(check)
    register(
        check,
        lambda url, args: run_check(
            lambda: open_desk(url, purpose="read"), args.target, args.within, args.floor, args.day
        ),
    )


def run_check(
    open_desk: Callable[[], DeskService], target: str, within: str, floor: str, day: str | None
) -> int:
    """The database is opened only once every option has been checked."""
    from spr_desk.call_profile import staffing_lines

    try:
        share = _share(target)
        seconds = _whole("--within", within, MAX_WITHIN_SECONDS)
        cover = _whole("--floor", floor, MAX_FLOOR)
        weekday = None if day is None else _weekday(day)
    except ValueError as error:
        return fail(str(error), 2)
    table = open_desk().staffing_check(target=share, within_seconds=seconds, floor=cover)
    sys.stdout.write("".join(f"{line}\n" for line in staffing_lines(table, weekday=weekday)))
    return 0


def _share(text: str) -> float:
    try:
        share = float(text)
    except ValueError:
        share = math.nan
    if not 0 < share < 1:  # NaN fails this too
        raise ValueError(f"--target: a share between 0 and 1, such as 0.95 (not {text!r})")
    return share


def _whole(option: str, text: str, most: int) -> int:
    if not (text.strip().isascii() and text.strip().isdigit()) or not 0 <= int(text) <= most:
        raise ValueError(f"{option}: a whole number from 0 to {most} (not {text!r})")
    return int(text)


def _weekday(text: str) -> int:
    word = text.strip().casefold()
    for number, name in enumerate(DAY_NAMES):
        if len(word) >= 3 and name.startswith(word):
            return number
    raise ValueError(f"--day: a day of the week, such as mon or monday (not {text!r})")
