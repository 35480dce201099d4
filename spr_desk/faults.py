"""What a failure means to the person at the desk: one plain sentence and what to do.

Every screen and command words a database failure through `fault_of`, never by the exception's
class name. Pure: the errors are read by their attributes (SQLite's error names, PostgreSQL's
SQLSTATE, `errno`), so nothing here imports a driver or SQLAlchemy.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    BUSY = "busy"
    DISK_FULL = "disk full"
    READ_ONLY = "read-only"
    UNREACHABLE = "unreachable"
    SCHEMA_TOO_NEW = "schema too new"
    NOT_A_DESK_DATABASE = "not a desk database"
    AUDIT_UNPROTECTED = "audit unprotected"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Fault:
    kind: FaultKind
    sentence: str
    """What happened, in the desk's words."""
    what_to_do: str

    def __str__(self) -> str:
        return f"{self.sentence} {self.what_to_do}"


class DeskFault(Exception):
    """A state of the database the desk refuses to work on, raised where it is found (opening,
    restoring); `fault_of` words it. `detail` names what was found (a revision, a trigger)."""

    def __init__(self, kind: FaultKind, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else str(kind))
        self.kind = kind
        self.detail = detail


_WORDS: dict[FaultKind, tuple[str, str]] = {
    FaultKind.BUSY: (
        "The database is busy (an import or another desk is writing).",
        "Nothing typed is lost: the desk tries again by itself.",
    ),
    FaultKind.DISK_FULL: (
        "The disk holding the database is full.",
        "What you typed is kept; free some space (or call IT) and it is saved.",
    ),
    FaultKind.READ_ONLY: (
        "The database can only be read here, not written.",
        "Ask IT to make it writable; nothing can be recorded until then.",
    ),
    FaultKind.UNREACHABLE: (
        "The desk cannot reach the database.",
        "Check the network or the database server; if it lasts, use the paper forms.",
    ),
    FaultKind.SCHEMA_TOO_NEW: (
        "The database was upgraded by a newer SPR Desk than this one.",
        "Use the newer SPR Desk; nothing was changed.",
    ),
    FaultKind.NOT_A_DESK_DATABASE: (
        "That is not an SPR Desk database; nothing changed.",
        "Check the --db path (or $SPR_DESK_DATABASE_URL).",
    ),
    FaultKind.AUDIT_UNPROTECTED: (
        "The database's audit trail is unprotected: its triggers are missing.",
        "Run 'spr-desk db upgrade' to put them back, and tell a supervisor.",
    ),
}

_SQLITE: dict[str, FaultKind] = {
    "SQLITE_BUSY": FaultKind.BUSY,
    "SQLITE_LOCKED": FaultKind.BUSY,
    "SQLITE_FULL": FaultKind.DISK_FULL,
    "SQLITE_READONLY": FaultKind.READ_ONLY,
    "SQLITE_NOTADB": FaultKind.NOT_A_DESK_DATABASE,
    "SQLITE_CANTOPEN": FaultKind.UNREACHABLE,
}
_ERRNO: dict[int, FaultKind] = {
    errno.ENOSPC: FaultKind.DISK_FULL,
    errno.EDQUOT: FaultKind.DISK_FULL,
    errno.EROFS: FaultKind.READ_ONLY,
    errno.ECONNREFUSED: FaultKind.UNREACHABLE,
    errno.EHOSTUNREACH: FaultKind.UNREACHABLE,
    errno.ENETUNREACH: FaultKind.UNREACHABLE,
    errno.ETIMEDOUT: FaultKind.UNREACHABLE,
}
_SQLSTATE: dict[str, FaultKind] = {
    "53100": FaultKind.DISK_FULL,  # disk_full
    "25006": FaultKind.READ_ONLY,  # read_only_sql_transaction
    "55P03": FaultKind.BUSY,  # lock_not_available
    "57P01": FaultKind.UNREACHABLE,  # admin_shutdown
    "57P03": FaultKind.UNREACHABLE,  # cannot_connect_now
}
_SQLITE_TEXT: tuple[tuple[str, FaultKind], ...] = (
    ("database is locked", FaultKind.BUSY),
    ("database or disk is full", FaultKind.DISK_FULL),
    ("attempt to write a readonly database", FaultKind.READ_ONLY),
    ("file is not a database", FaultKind.NOT_A_DESK_DATABASE),
    ("unable to open database file", FaultKind.UNREACHABLE),
)


def _chain(error: BaseException) -> list[BaseException]:
    """The error, the driver's error SQLAlchemy wraps (`.orig`), and their causes."""
    found: list[BaseException] = []
    waiting: list[BaseException] = [error]
    while waiting and len(found) < 20:
        current = waiting.pop(0)
        if any(current is seen for seen in found):
            continue
        found.append(current)
        for linked in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(linked, BaseException):
                waiting.append(linked)
    return found


def _kind_of_one(error: BaseException) -> FaultKind | None:
    if isinstance(error, DeskFault):
        return error.kind
    name = getattr(error, "sqlite_errorname", None)
    if isinstance(name, str):
        for prefix, kind in _SQLITE.items():
            if name == prefix or name.startswith(prefix + "_"):
                return kind
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str):
        if sqlstate in _SQLSTATE:
            return _SQLSTATE[sqlstate]
        if sqlstate.startswith("08"):  # connection_exception
            return FaultKind.UNREACHABLE
    if isinstance(error, OSError) and error.errno in _ERRNO:
        return _ERRNO[error.errno]
    module = type(error).__module__
    if module.startswith("psycopg") and type(error).__name__ == "OperationalError":
        # psycopg's failure to connect (refused, timed out, server gone) carries no SQLSTATE.
        return FaultKind.UNREACHABLE if sqlstate is None else None
    if getattr(error, "connection_invalidated", False):
        return FaultKind.UNREACHABLE
    if module.startswith("sqlite3") or type(error).__name__ == "OperationalError":
        text = str(error).lower()
        for words, kind in _SQLITE_TEXT:
            if words in text:
                return kind
    return None


def fault_kind(error: BaseException) -> FaultKind:
    for linked in _chain(error):
        kind = _kind_of_one(linked)
        if kind is not None:
            return kind
    return FaultKind.OTHER


def fault_of(error: BaseException) -> Fault:
    """`error` in the desk's words: a known fault's sentence, else a general one that names the
    kind of failure (never its text, which may quote what was typed)."""
    kind = fault_kind(error)
    if kind is FaultKind.OTHER and isinstance(error, OSError) and error.strerror:
        # The system's reason ("Permission denied") names no file and nothing typed.
        return Fault(
            kind,
            f"The desk could not do that: {error.strerror.lower()}.",
            "Try again; if it goes on, call IT.",
        )
    if kind is FaultKind.OTHER:
        return Fault(
            kind,
            f"The desk could not do that (a {type(error).__name__}).",
            "Try again; if it goes on, call IT.",
        )
    sentence, what_to_do = _WORDS[kind]
    return Fault(kind, sentence, what_to_do)
