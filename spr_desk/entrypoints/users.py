"""`spr-desk user add | list | password | disable | enable`: who may sign in, and as what.

Whoever can run these holds the database itself, so they act as an administrator; the audit
trail records them under their operating-system name.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from spr_desk.entrypoints.output import CommandRefused, fail, printable
from spr_desk.entrypoints.registry import OpenDesk, register
from spr_desk.roles import ROLE_LABELS, Role, parse_role

if TYPE_CHECKING:
    from db.desk import DeskService

ADD_DESCRIPTION = (
    "Add a person who may sign in to the desk. The password is asked for twice without echo "
    "(or read from the first line of standard input with --password-stdin) and stored only as "
    "a slow scrypt hash. Roles: call_handler and night_staff take calls and work the queue; "
    "supervisor also reviews, exports, reads the audit trail and edits the rota; administrator "
    "also manages users. Exit 2 when the name, role or password is refused."
)


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
    open_desk: OpenDesk,
) -> None:
    # Each action opens the database (and makes it, if new) only once what was typed is checked.
    user = commands.add_parser("user", help="people who sign in", description="Desk users.")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user", description=ADD_DESCRIPTION)
    add.add_argument("name", metavar="NAME", help="the user name typed at sign-in, e.g. jsmith")
    add.add_argument(
        "--role", required=True, type=_role, help=f"one of {', '.join(Role)}", metavar="ROLE"
    )
    add.add_argument("--display-name", default="", metavar="TEXT", help="e.g. 'Jo Smith (RN)'")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add_db(add)
    register(
        add,
        lambda url, args: _add(
            lambda: open_desk(url), args.name, args.role, args.display_name, args.password_stdin
        ),
    )
    listing = actions.add_parser(
        "list", help="list users", description="Each user's role and last sign-in."
    )
    add_db(listing)
    register(listing, lambda url, _args: _list(open_desk(url, purpose="read")))
    password = actions.add_parser(
        "password",
        help="set a user's password",
        description="Set a new password (asked twice without echo, or --password-stdin); the "
        "failed sign-ins so far are forgiven. Exit 2 when refused.",
    )
    password.add_argument("name", metavar="NAME")
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add_db(password)
    register(password, lambda url, args: _change(lambda: open_desk(url), args))
    for verb, what in (("disable", "can no longer sign in"), ("enable", "can sign in again")):
        switch = actions.add_parser(
            verb,
            help=f"{verb} a user",
            description=f"The user {what}; everything they did stays on the audit trail.",
        )
        switch.add_argument("name", metavar="NAME")
        add_db(switch)
        register(switch, lambda url, args: _change(lambda: open_desk(url), args))
    add_db(user)


def _role(text: str) -> Role:
    try:
        return parse_role(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _change(open_desk: Callable[[], DeskService], args: argparse.Namespace) -> int:
    from spr_desk.desk_api import DeskError

    by = getpass.getuser()
    try:
        if args.user_command == "password":
            password = _read_password(args.password_stdin)
            if password is None:
                return 2
            open_desk().set_password(args.name, password, by=by)
            done = "has a new password"
        else:
            open_desk().set_active(args.name, args.user_command == "enable", by=by)
            done = f"is {args.user_command}d"
    except DeskError as error:
        return fail(str(error), 2)
    sys.stdout.write(f"{args.name} {done}.\n")
    return 0


NEEDS_A_TERMINAL = (
    "needs a terminal to type the password, or pipe it with --password-stdin; nothing was changed"
)
PASSWORD_LIMIT = 1024
"""--password-stdin reads one line of at most this many characters (never a whole /dev/zero)."""


def _read_password(from_stdin: bool) -> str | None:
    """The password typed twice without echo, or the first line of standard input.

    Raises:
        CommandRefused: no terminal to type it at (getpass would read standard input with a warning,
            or meet its end), or standard input's line is not UTF-8 or too long.
    """
    if from_stdin:
        try:
            line = sys.stdin.readline(PASSWORD_LIMIT + 1).rstrip("\r\n")
            line.encode("utf-8")  # under the C locale a bad byte arrives as a lone surrogate
        except UnicodeError:
            raise CommandRefused("--password-stdin: not UTF-8 text; nothing was changed") from None
        if len(line) > PASSWORD_LIMIT:
            raise CommandRefused(
                f"--password-stdin: longer than {PASSWORD_LIMIT} characters; nothing was changed"
            )
        return line
    if not sys.stdin.isatty():
        raise CommandRefused(NEEDS_A_TERMINAL)
    try:
        first = getpass.getpass("Password: ")
        again = getpass.getpass("Same password again: ")
    except EOFError:
        raise CommandRefused(NEEDS_A_TERMINAL) from None
    if again != first:
        sys.stderr.write("spr-desk: the two passwords differ; nothing was added\n")
        return None
    return first


def _add(
    open_desk: Callable[[], DeskService],
    name: str,
    role: Role,
    display_name: str,
    from_stdin: bool,
) -> int:
    from spr_desk.desk_api import DeskError
    from spr_desk.passwords import password_problem
    from spr_desk.sign_in import username_problem

    problem = username_problem(name)  # before asking for a password that would be wasted
    if problem:
        return fail(problem, 2)
    password = _read_password(from_stdin)
    if password is None:
        return 2
    problem = password_problem(name, password)
    if problem:
        return fail(problem, 2)
    try:
        open_desk().add_user(name, role, password, display_name=display_name, by=getpass.getuser())
    except DeskError as error:
        return fail(str(error), 2)
    sys.stdout.write(f"Added {name} as {ROLE_LABELS[role]}.\n")
    return 0


def _list(desk: DeskService) -> int:
    from spr_desk.uktime import as_local

    for user in desk.users():
        seen = "never signed in"
        if user.last_signed_in_at is not None:
            seen = as_local(user.last_signed_in_at).strftime("%d/%m/%Y %H:%M")
        state = "" if user.active else "  (disabled)"
        failed = f"  {user.failed_sign_ins} failed sign-ins" if user.failed_sign_ins else ""
        # A display name is typed by an administrator but may hold escape sequences: shown
        # escaped, never sent to the terminal.
        sys.stdout.write(
            f"{printable(user.username):<20} {ROLE_LABELS[user.role]:<14} {seen:<16} "
            f"{printable(user.display_name)}{state}{failed}\n"
        )
    return 0
