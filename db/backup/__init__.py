"""Back up a SQLite desk while desks work, and restore a backup: SQLite's online backup API.

A backup is one consistent snapshot. The copy holds a read transaction on the live database from
before its first page to after its last: in WAL mode (every desk database is in WAL mode, see
`db.engine`) a reader never blocks a writer, and because the snapshot cannot move the copy never
restarts. Copying page by page without that snapshot restarts on every commit, and under a busy
desk never finishes. The copy is written to a hidden owner-only file beside FILE, checked with
`PRAGMA integrity_check`, flushed to disk, and only then renamed to FILE.

The backup records when it was taken and at which schema revision as one audit event in the
copy (`entity="database"`, `action="backed up"`): a row of a table every revision has, so taking a
backup never needs a schema change, and after a restore the audit trail itself says where the
data came from.

A restore refuses a backup older than the work in the current database. "Newer" compares the last
work recorded in each database (the newest audit event, referral change or call draft, leaving out
the backup and restore events themselves): data against data, both stamped by the desks' own
clocks, so a backup taken on another machine or with its clock wrong cannot hide a referral. (A
change in flight at the instant the backup began may carry a time a moment older than the
backup's newest: that is the limit of comparing times.)

A restore also refuses a backup whose schema is not exactly the one its revision defines: its
tables, columns, foreign keys, indexes, triggers and views are compared with a new database
migrated by Alembic to that same revision (older revisions restore, and are then upgraded). A file
can be edited as well as copied: a trigger that quietly rewrites Rapid referrals as Normal, or an
audit trail whose triggers were dropped, must never become the desk's database. Users are data,
not schema: the restored database's users and roles are listed in the output and the audit event
instead (an account with no "user added" event is marked; the demo's users have none, so it cannot
be refused on that alone).

The backup is validated and migrated to the current schema in a private copy beside the database,
then copied into the live database by the backup API in the other direction: one write
transaction, so a desk sees either all of the old database or all of the new one, and SQLite
itself takes care of the live database's write-ahead log. Renaming a file over a live SQLite
database instead would let its old `-wal` file be replayed onto the new one. A current database
that cannot be read at all is moved aside with its -wal and -shm (`--force`), never deleted.
"""

from __future__ import annotations

from db.backup.desk_file import POSTGRES_ADVICE, shown, sqlite_file
from db.backup.errors import BackupError
from db.backup.reading import BACKED_UP, DATABASE, RESTORED
from db.backup.restoring import RestoredUser, RestoreReport, restore_database
from db.backup.schema_check import Schema, schema_at, schema_differences, schema_of
from db.backup.writing import STEP_PAGES, BackupReport, backup_database

__all__ = [
    "BACKED_UP",
    "BackupError",
    "BackupReport",
    "DATABASE",
    "POSTGRES_ADVICE",
    "RESTORED",
    "RestoreReport",
    "RestoredUser",
    "STEP_PAGES",
    "Schema",
    "backup_database",
    "restore_database",
    "schema_at",
    "schema_differences",
    "schema_of",
    "shown",
    "sqlite_file",
]
