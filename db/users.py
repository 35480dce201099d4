"""Repository for the people who sign in to the desk. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from db.models import DeskUser
from spr_desk.roles import Role


@dataclass(frozen=True, slots=True)
class UserRow:
    username: str
    display_name: str
    role: Role
    active: bool
    failed_sign_ins: int
    last_failed_at: datetime | None
    last_signed_in_at: datetime | None
    password_hash: str | None


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


def record_failure(*, session: Session, username: str, at: datetime) -> int:
    """One more failure in a row, counted in SQL so two desks trying at once both count."""
    session.exec(
        update(DeskUser)
        .where(col(DeskUser.username) == username)
        .values(failed_sign_ins=DeskUser.failed_sign_ins + 1, last_failed_at=at)
    )
    return session.exec(select(DeskUser.failed_sign_ins).where(DeskUser.username == username)).one()


def record_success(*, session: Session, username: str, at: datetime) -> None:
    session.exec(
        update(DeskUser)
        .where(col(DeskUser.username) == username)
        .values(failed_sign_ins=0, last_signed_in_at=at)
    )


def change_user(*, session: Session, username: str, **values: object) -> bool:
    """Set columns of one user (a new password hash, active or not); False when no such user."""
    result = session.exec(  # type: ignore[call-overload]
        update(DeskUser).where(col(DeskUser.username) == username).values(**values)
    )
    return result.rowcount == 1
