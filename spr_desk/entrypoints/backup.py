"""`spr-desk backup FILE` and `spr-desk restore FILE`: the SQLite desk's own copy and return."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from spr_desk.entrypoints.output import fail
from spr_desk.entrypoints.registry import register

if TYPE_CHECKING:
    from db.backup import RestoredUser

BACKUP_DESCRIPTION = (
    "Copy the SQLite database to FILE while desks keep working: SQLite's online backup takes "
    "one consistent snapshot and no desk waits for it. The copy holds every change committed "
    "before the backup began, passes SQLite's integrity check, records when it was taken and "
    "at which schema, and is created owner-only (mode 0600); FILE appears only once the copy is "
    "complete and on disk. An existing FILE is refused unless --force. A PostgreSQL database is "
    "backed up with pg_dump instead (README, 'Backup and restore'). Refusals exit 2."
)
RESTORE_DESCRIPTION = (
    "Replace the database with the backup in FILE. Close every desk first: a desk left open "
    "goes on showing what it read before. FILE must be an SPR Desk SQLite database that passes "
    "the integrity check; a damaged, truncated or foreign file is refused and nothing changes. "
    "So is a backup whose tables, columns, indexes, triggers or views are not exactly those its "
    "schema revision defines (an added trigger, a dropped audit trigger or column, an extra "
    "table or view): the refusal names what differs. "
    "If the current database holds work newer than the backup's newest, the restore is refused "
    "with both times, unless --force. The restored database is brought to the current schema, "
    "keeps its owner-only mode, and its audit trail records the restore with the users and roles "
    "it holds, which are also listed (an account not added through the desk is marked). The "
    "backup file is "
    "never changed. A PostgreSQL database is restored with pg_restore instead (README, 'Backup "
    "and restore'). Refusals exit 2."
)


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
) -> None:
    backup = commands.add_parser(
        "backup",
        help="copy the SQLite database to a file while desks work",
        description=BACKUP_DESCRIPTION,
    )
    backup.add_argument("file", metavar="FILE", help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    add_db(backup)
    register(backup, run_backup)

    restore = commands.add_parser(
        "restore",
        help="replace the SQLite database with a backup (close the desks first)",
        description=RESTORE_DESCRIPTION,
    )
    restore.add_argument("file", metavar="FILE", help="the backup file to restore")
    restore.add_argument(
        "--force",
        action="store_true",
        help="restore even though the current database holds newer work, or cannot be read",
    )
    add_db(restore)
    register(restore, run_restore)


def run_backup(url: str | None, args: argparse.Namespace) -> int:
    """Exit 0 with one line on stdout, or 2 with one line on stderr for a refusal."""
    import sqlite3

    from db.backup import BackupError, backup_database, shown
    from spr_desk.faults import fault_of

    try:
        report = backup_database(url, args.file, replace=args.force, by=getpass.getuser())
    except BackupError as refusal:
        return fail(str(refusal), 2)
    except sqlite3.Error as error:
        return fail(f"backup failed, nothing was written: {fault_of(error).sentence}", 1)
    noun = "referral" if report.referrals == 1 else "referrals"
    sys.stdout.write(
        f"Backed up {report.database} to {report.file} (owner-only): {report.referrals:,} "
        f"{noun}, schema {report.revision}, taken {shown(report.taken_at)}, "
        f"{report.size / 1e6:.1f} MB in {report.seconds:.1f} s.\n"
    )
    return 0


def run_restore(url: str | None, args: argparse.Namespace) -> int:
    """Exit 0 with one line on stdout, or 2 with one line on stderr for a refusal."""
    import sqlite3

    from db.backup import BackupError, restore_database, shown
    from spr_desk.faults import fault_of

    try:
        report = restore_database(url, args.file, force=args.force, by=getpass.getuser())
    except BackupError as refusal:
        return fail(str(refusal), 2)
    except sqlite3.Error as error:
        # The copy into the live database is one transaction: a failure leaves it as it was.
        return fail(f"restore failed, nothing changed: {fault_of(error).sentence}", 1)
    noun = "referral" if report.referrals == 1 else "referrals"
    taken = f"taken {shown(report.taken_at)}" if report.taken_at else "not made by spr-desk backup"
    migrated = (
        f"schema {report.revision}"
        if report.backup_revision == report.revision
        else f"schema {report.backup_revision} upgraded to {report.revision}"
    )
    replaced = ""
    if report.replaced_newer:
        replaced = f" Work up to {shown(report.replaced_newer)} was replaced (--force)."
    if report.set_aside:
        replaced = f" The unreadable database was kept as {report.set_aside} (--force)."
    sys.stdout.write(
        f"Restored {report.database} from {report.file} ({taken}): {report.referrals:,} {noun}, "
        f"{migrated}; its newest work is from {shown(report.last_work)}.{replaced}\n"
    )
    sys.stdout.write(f"Users in the restored database: {_users_in_words(report.users)}.\n")
    return 0


def _users_in_words(users: tuple[RestoredUser, ...]) -> str:
    """Each user with its role, so an account added by editing the file is seen at once."""
    if not users:
        return "none"
    shown_users = []
    for user in users:
        marks = [user.role]
        if not user.active:
            marks.append("disabled")
        if not user.audited:
            marks.append("no 'user added' event in its audit trail")
        shown_users.append(f"{_escaped(user.username)} ({', '.join(_escaped(m) for m in marks)})")
    return ", ".join(shown_users)


def _escaped(text: str) -> str:
    """A name read from the backup, with any control character shown as an escape, never raw."""
    return "".join(
        character if character.isprintable() else character.encode("unicode_escape").decode()
        for character in text
    )
