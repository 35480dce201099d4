"""The desk service's people: adding users and signing in (mixed into `DeskService`).

The slow password check runs outside any transaction, so a sign-in never holds SQLite's write
lock for the tenth of a second scrypt takes; only its outcome is written, with an audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db import audit, users
from db.actions import DeskError
from db.users import UserRow
from spr_desk.passwords import dummy_hash, hash_password, password_problem, verify_password
from spr_desk.roles import Role
from spr_desk.sign_in import (
    WRONG,
    Refused,
    SignedIn,
    still_waiting,
    username_problem,
    wait_after,
    wait_words,
)

UNKNOWN_USER = "(unknown user)"
"""The actor of a failed sign-in under a name no one has: what was typed is not recorded."""


class UserDesk:
    """Mixed into `DeskService`, which provides these."""

    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]

    def add_user(
        self, username: str, role: Role, password: str, *, display_name: str = "", by: str
    ) -> None:
        """Refused (DeskError, in words) for a bad or taken name or a weak password."""
        problem = username_problem(username) or password_problem(username, password)
        if problem:
            raise DeskError(problem)
        hashed = hash_password(password)
        try:
            with self._write() as session:
                at = self.now()
                users.add_user(
                    session=session,
                    username=username,
                    display_name=display_name.strip(),
                    role=role,
                    password_hash=hashed,
                    at=at,
                )
                audit.add_event(
                    session=session,
                    at=at,
                    actor=by,
                    action="user added",
                    entity="user",
                    entity_id=username,
                    after={"role": str(role)},
                )
        except IntegrityError:
            raise DeskError(f"There is already a user called {username}.") from None

    def set_password(self, username: str, password: str, *, by: str) -> None:
        """A new password (the same rules as a new user's); the failures so far are forgiven."""
        problem = password_problem(username, password)
        if problem:
            raise DeskError(problem)
        self._change(
            username,
            "password changed",
            by,
            password_hash=hash_password(password),
            failed_sign_ins=0,
        )

    def set_active(self, username: str, active: bool, *, by: str) -> None:
        """A disabled user cannot sign in (nor unlock a desk); their actions stay on record."""
        self._change(username, "user enabled" if active else "user disabled", by, active=active)

    def _change(self, username: str, action: str, by: str, **values: object) -> None:
        with self._write() as session:
            if not users.change_user(session=session, username=username, **values):
                raise DeskError(f"There is no user called {username}.")
            audit.add_event(
                session=session,
                at=self.now(),
                actor=by,
                action=action,
                entity="user",
                entity_id=username,
            )

    def users(self) -> list[UserRow]:
        with self._read() as session:
            return users.all_users(session=session)

    def has_users(self) -> bool:
        with self._read() as session:
            return users.count_users(session=session) > 0

    def sign_in(self, username: str, password: str) -> SignedIn | Refused:
        """Check a password. Failures in a row are counted and slow the next attempt."""
        username = username.strip().lower()
        with self._read() as session:
            user = users.find_user(session=session, username=username)
        now = self.now()
        if user is not None:
            wait = still_waiting(user.failed_sign_ins, user.last_failed_at, now)
            if wait:
                # Not checked and not counted: the wait is what slows guessing down.
                return Refused(f"Too many failed sign-ins: try again in {wait_words(wait)}.", wait)
        matches = verify_password(password, user.password_hash if user else dummy_hash())
        with self._write() as session:
            if user is None or not user.active or not matches:
                failures = 0
                if user is not None:
                    failures = users.record_failure(session=session, username=username, at=now)
                audit.add_event(
                    session=session,
                    at=now,
                    actor=user.username if user else UNKNOWN_USER,
                    action="sign-in failed",
                    entity="user",
                    entity_id=user.username if user else "",
                    detail=f"{failures} in a row" if user else "",
                )
                return Refused(WRONG, wait_after(failures))
            users.record_success(session=session, username=username, at=now)
            audit.add_event(
                session=session,
                at=now,
                actor=username,
                action="signed in",
                entity="user",
                entity_id=username,
            )
        return SignedIn(username, user.display_name, user.role)

    def sign_out(self, username: str) -> None:
        """Record that this person signed out (the next person signs in at the same desk)."""
        with self._write() as session:
            audit.add_event(
                session=session,
                at=self.now(),
                actor=username,
                action="signed out",
                entity="user",
                entity_id=username,
            )
