"""Repository for the people who sign in to the desk. Never commits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from db.models import DeskUser, SignInAttempt, SignInSalt
from spr_desk.desk_api import UserRow
from spr_desk.roles import Role


def _row(user: DeskUser) -> UserRow:
    return UserRow(
        user.username,
        user.display_name,
        Role(user.role),
        user.active,
        user.failed_sign_ins,
        user.last_failed_at,
        user.last_signed_in_at,
        user.password_hash,
    )


def find_user(*, session: Session, username: str) -> UserRow | None:
    user = session.exec(select(DeskUser).where(DeskUser.username == username)).first()
    return None if user is None else _row(user)


def all_users(*, session: Session) -> list[UserRow]:
    return [_row(u) for u in session.exec(select(DeskUser).order_by(col(DeskUser.username)))]


def count_users(*, session: Session) -> int:
    return session.exec(select(func.count()).select_from(DeskUser)).one()


def add_user(
    *,
    session: Session,
    username: str,
    display_name: str,
    role: Role,
    password_hash: str,
    at: datetime,
) -> None:
    session.add(
        DeskUser(
            username=username,
            display_name=display_name,
            role=str(role),
            password_hash=password_hash,
            created_at=at,
        )
    )
    session.flush()  # a taken name fails here, inside the caller's transaction


def copy_failures(*, session: Session, username: str, key: str) -> None:
    """The user's row shows the count kept under their name's key (`sign_in_attempt`), for
    `user list`: copied as it stands now, so outcomes written out of order still end in step."""
    counted = select(SignInAttempt).where(col(SignInAttempt.name_key) == key)
    session.exec(
        update(DeskUser)
        .where(col(DeskUser.username) == username)
        .values(
            failed_sign_ins=func.coalesce(
                counted.with_only_columns(col(SignInAttempt.failures)).scalar_subquery(), 0
            ),
            last_failed_at=counted.with_only_columns(
                col(SignInAttempt.last_failed_at)
            ).scalar_subquery(),
        )
    )


def record_success(*, session: Session, username: str, at: datetime) -> None:
    session.exec(
        update(DeskUser)
        .where(col(DeskUser.username) == username)
        .values(failed_sign_ins=0, last_signed_in_at=at)
    )


def change_user(*, session: Session, username: str, **values: object) -> bool:
    """Set columns of one user (a new password hash, active or not); False when no such user."""
    result = session.exec(
        update(DeskUser).where(col(DeskUser.username) == username).values(**values)
    )
    return result.rowcount == 1


# failed sign-ins per typed name ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attempts:
    """Failed sign-ins in a row under one typed name (none yet: 0 and None)."""

    failures: int = 0
    last_failed_at: datetime | None = None


def name_salt(*, session: Session) -> str | None:
    """This database's key for typed names (migration 0013 makes it)."""
    return session.exec(select(SignInSalt.salt).where(SignInSalt.id == 1)).first()


def make_name_salt(*, session: Session) -> str:
    """For a database built without the migrations: made once, in the caller's transaction."""
    salt = secrets.token_hex(32)
    session.add(SignInSalt(id=1, salt=salt))
    session.flush()
    return salt


def name_key(salt: str, username: str) -> str:
    """A typed name as the database keeps it: keyed BLAKE2b, so what was typed (a patient's name
    or a password put in the wrong field) is never stored in clear, and a table of hashed
    names made for one database does not work on another."""
    return hashlib.blake2b(username.encode(), key=bytes.fromhex(salt), digest_size=32).hexdigest()


def attempts(*, session: Session, key: str) -> Attempts:
    row = session.get(SignInAttempt, key)
    return Attempts() if row is None else Attempts(row.failures, row.last_failed_at)


def lock_attempts(*, session: Session, key: str) -> Attempts:
    """The name's count, its row locked until the caller's transaction ends: a second desk
    trying the same name waits here and then reads what this one wrote. SQLite's writers are
    already one at a time (`BEGIN IMMEDIATE`); PostgreSQL takes the row lock (FOR UPDATE), made
    first if the name is new (ON CONFLICT: two new ones at once make one row)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.exec(
        dialect.insert(SignInAttempt)
        .values(name_key=key, failures=0)
        .on_conflict_do_nothing(index_elements=["name_key"])
    )
    row = session.exec(
        select(SignInAttempt.failures, SignInAttempt.last_failed_at)
        .where(SignInAttempt.name_key == key)
        .with_for_update()
    ).one()
    return Attempts(row[0], row[1])


def count_failure(*, session: Session, key: str, at: datetime) -> int:
    """One more failure in a row, counted in SQL (a row may be new: made first); the new count."""
    lock_attempts(session=session, key=key)
    session.exec(
        update(SignInAttempt)
        .where(col(SignInAttempt.name_key) == key)
        .values(failures=SignInAttempt.failures + 1, last_failed_at=at)
    )
    return session.exec(select(SignInAttempt.failures).where(SignInAttempt.name_key == key)).one()


def forgive_failures(*, session: Session, key: str) -> None:
    """A success, or a new password: the name starts again with its free attempts."""
    session.exec(delete(SignInAttempt).where(col(SignInAttempt.name_key) == key))
