"""The desk service's people: adding users and signing in (mixed into `DeskService`).

The slow password check runs outside any transaction, so a sign-in never holds SQLite's write
lock for the tenth of a second scrypt takes: a short write before it counts the attempt (so that
parallel guesses cannot race the count), a short write after it records the outcome with its
audit event.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db import audit, users
from spr_desk.audit_actions import AuditAction
from spr_desk.desk_api import DeskError, UserRow
from spr_desk.faults import Fault, FaultKind, fault_kind, fault_of
from spr_desk.passwords import dummy_hash, hash_password, password_problem, verify_password
from spr_desk.roles import Role
from spr_desk.sign_in import (
    WRONG,
    AttemptsInMemory,
    SignedIn,
    SignInRefused,
    still_waiting,
    too_many,
    username_problem,
    wait_after,
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
                audit.record(
                    session,
                    AuditAction.USER_ADDED,
                    by=by,
                    at=at,
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
        hashed = hash_password(password)
        self._change(
            username,
            AuditAction.PASSWORD_CHANGED,
            by,
            forgive=self._name_key(username),
            password_hash=hashed,
            failed_sign_ins=0,
        )

    def set_active(self, username: str, active: bool, *, by: str) -> None:
        """A disabled user cannot sign in (nor unlock a desk); their actions stay on record."""
        self._change(
            username,
            AuditAction.USER_ENABLED if active else AuditAction.USER_DISABLED,
            by,
            active=active,
        )

    def _change(
        self, username: str, action: AuditAction, by: str, *, forgive: str = "", **values: object
    ) -> None:
        with self._write() as session:
            if not users.change_user(session=session, username=username, **values):
                raise DeskError(f"There is no user called {username}.")
            if forgive:
                users.forgive_failures(session=session, key=forgive)
            audit.record(
                session,
                action,
                by=by,
                at=self.now(),
                entity="user",
                entity_id=username,
            )

    def users(self) -> list[UserRow]:
        with self._read() as session:
            return users.all_users(session=session)

    def has_users(self) -> bool:
        with self._read() as session:
            return users.count_users(session=session) > 0

    def sign_in(self, username: str, password: str) -> SignedIn | SignInRefused:
        """Check a password. Failures in a row under the typed name, known or not, are counted
        and slow the next attempt: the same answer, waits included, for a name no one has.

        The attempt is counted as a failure before the password is checked, in one short write
        that also reads the count (the row locked), so parallel guesses each see the ones before
        them: once a wait is owed they are all refused unchecked (one owed already is seen in
        the read before, without the write). The check itself (scrypt, a tenth of a second)
        runs outside any transaction; a success forgives the count after.
        On a full disk the count is kept in this process instead, the password is still checked,
        and the audit event waits in memory until writes work again (`write_queued_sign_ins`).
        """
        username = username.strip().lower()
        self.write_queued_sign_ins()
        now = self.now()
        key = self._name_key(username)
        with self._read() as session:
            user = users.find_user(session=session, username=username)
            stored = users.attempts(session=session, key=key)
        fault: Fault | None = None
        # A wait already owed is refused from the read alone: a burst of guesses at a waiting
        # name then never queues for the write lock a desk recording a call needs.
        wait = still_waiting(stored.failures, stored.last_failed_at, now)
        failures = stored.failures
        try:
            if not wait:
                wait, failures = self._take_attempt(key, now)
        except Exception as error:
            if fault_kind(error) is not FaultKind.DISK_FULL:
                raise
            fault = fault_of(error)  # reads still work: the count in memory starts from them
            wait, failures = self._sign_ins().in_memory.take(
                key, (stored.failures, stored.last_failed_at), now
            )
        if wait:
            # Not checked and not counted: the wait is what slows guessing down.
            return SignInRefused(too_many(wait), wait, fault)
        matches = verify_password(password, user.password_hash if user else dummy_hash())
        signed_in = user is not None and user.active and matches
        if signed_in:
            self._sign_ins().in_memory.forgive(key)
        fault = self._record_outcome(
            functools.partial(
                _write_outcome,
                username=username,
                user=user,
                key=key,
                signed_in=signed_in,
                failures=None if fault else failures,
                at=now,
            ),
            fault,
        )
        if user is None or not signed_in:
            return SignInRefused(WRONG, wait_after(failures), fault)
        return SignedIn(username, user.display_name, user.role, fault)

    def _take_attempt(self, key: str, now: datetime) -> tuple[timedelta, int]:
        """(the wait still owed, failures so far), this attempt counted when none is owed."""
        with self._write() as session:
            taken = users.lock_attempts(session=session, key=key)
            wait = still_waiting(taken.failures, taken.last_failed_at, now)
            if wait:
                return wait, taken.failures
            return timedelta(0), users.count_failure(session=session, key=key, at=now)

    def _name_key(self, username: str) -> str:
        """The typed name's key in `sign_in_attempt`, under this database's salt (read each time:
        a restore may have replaced the database beneath a running desk)."""
        with self._read() as session:
            salt = users.name_salt(session=session)
        if salt is None:  # a database not built by the migrations, which make it
            with self._write() as session:
                salt = users.name_salt(session=session) or users.make_name_salt(session=session)
        return users.name_key(salt, username)

    def _sign_ins(self) -> _SignInsHeld:
        # setdefault: two sign-in threads of one desk share one, made by whichever came first.
        return cast(_SignInsHeld, self.__dict__.setdefault("_held_sign_ins", _SignInsHeld()))

    def _record_outcome(
        self, write: Callable[[Session], None], fault: Fault | None
    ) -> Fault | None:
        """Write a sign-in's outcome and audit event, or on a full disk keep it to write later;
        returns the fault that kept it (or the one given)."""
        held = self._sign_ins()
        if fault is None:
            try:
                with self._write() as session:
                    write(session)
                return None
            except Exception as error:
                if fault_kind(error) is not FaultKind.DISK_FULL:
                    raise
                fault = fault_of(error)
        with held.lock:
            held.queued.append(write)
        return fault

    def write_queued_sign_ins(self) -> bool:
        """Write what a full disk held back (sign-ins, sign-outs, their audit events), oldest
        first in one transaction. True when nothing is left waiting; a write that still fails
        keeps them all for the next try (each sign-in and sign-out, and the desk's status
        read every few seconds, tries again)."""
        held = self._sign_ins()
        with held.lock:
            if not held.queued:
                return True
            waiting = list(held.queued)
            try:
                with self._write() as session:
                    for write in waiting:
                        write(session)
            except Exception:  # noqa: BLE001 - kept, and tried again later
                return False
            del held.queued[: len(waiting)]
            return not held.queued

    def sign_out(self, username: str) -> Fault | None:
        """Record that this person signed out (the next person signs in at the same desk). On a
        full disk the event waits in memory and its fault is returned."""
        self.write_queued_sign_ins()
        return self._record_outcome(
            functools.partial(_write_sign_out, username=username, at=self.now()), None
        )


@dataclass
class _SignInsHeld:
    """What a desk keeps in memory while its disk is full: the attempts counted, and the
    outcomes and audit events still to write."""

    in_memory: AttemptsInMemory = field(default_factory=AttemptsInMemory)
    queued: list[Callable[[Session], None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _write_outcome(
    session: Session,
    *,
    username: str,
    user: UserRow | None,
    key: str,
    signed_in: bool,
    failures: int | None,
    at: datetime,
) -> None:
    """A sign-in's outcome and its audit event. `failures` is None when the attempt was counted
    in memory only (a full disk): it is counted here, when written."""
    if signed_in:
        assert user is not None
        users.forgive_failures(session=session, key=key)
        users.record_success(session=session, username=user.username, at=at)
        audit.record(
            session,
            AuditAction.SIGNED_IN,
            by=user.username,
            at=at,
            entity="user",
            entity_id=user.username,
        )
        return
    if failures is None:
        failures = users.count_failure(session=session, key=key, at=at)
    # For every name, a user or not (then no row changes): the same writes, the same time.
    users.copy_failures(session=session, username=username, key=key)
    audit.record(
        session,
        AuditAction.SIGN_IN_FAILED,
        by=user.username if user else UNKNOWN_USER,
        at=at,
        entity="user",
        entity_id=user.username if user else "",
        detail=f"{failures} in a row" if user else "",
    )


def _write_sign_out(session: Session, *, username: str, at: datetime) -> None:
    audit.record(
        session,
        AuditAction.SIGNED_OUT,
        by=username,
        at=at,
        entity="user",
        entity_id=username,
    )
