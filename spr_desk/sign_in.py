"""Signing in: failed attempts slow the next one, and an idle desk locks.

Pure rules with the clock passed in, so both are tested without waiting.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from spr_desk.faults import Fault
from spr_desk.roles import Role

FREE_ATTEMPTS = 3
"""Failed sign-ins in a row before each further attempt must wait."""
LONGEST_WAIT = timedelta(minutes=5)
LONGEST_WAIT_DOUBLINGS = 9
"""2 ** 9 s is past `LONGEST_WAIT`: more doublings change nothing."""
IDLE_LOCK = timedelta(minutes=10)
IDLE_ENV = "SPR_DESK_IDLE_MINUTES"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who is at the desk: every action is recorded under `username`."""

    username: str
    display_name: str
    role: Role
    fault: Fault | None = None
    """Why the sign-in could not be written (a full disk): it holds, and is written later."""

    @property
    def shown_as(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True, slots=True)
class SignInRefused:
    """A sign-in that did not succeed: `wait` is how long before the next attempt is heard."""

    message: str
    wait: timedelta = timedelta(0)
    fault: Fault | None = None
    """Why the attempt could not be written (a full disk): the answer is the same."""


WRONG = "Wrong user name or password."
USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,39}")
"""Lower case, from 2 to 40 characters: what the audit trail records for each action."""


def username_problem(username: str) -> str | None:
    if USERNAME.fullmatch(username) is None:
        return (
            "A user name is 2 to 40 characters: lower-case letters, digits, '.', '_' or '-', "
            "beginning with a letter."
        )
    return None


def wait_after(failures: int) -> timedelta:
    """How long after the last failure the next attempt must wait: none for the first
    `FREE_ATTEMPTS` failures in a row, then 2 s, 4 s, 8 s ... up to `LONGEST_WAIT`."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    # The power is capped before it is taken: after about 60 failures in a row (a name guessed
    # at for hours) 2 ** n seconds no longer fits in a timedelta.
    doublings = min(failures - FREE_ATTEMPTS + 1, LONGEST_WAIT_DOUBLINGS)
    return min(timedelta(seconds=2**doublings), LONGEST_WAIT)


def still_waiting(failures: int, last_failed_at: datetime | None, now: datetime) -> timedelta:
    """What is left of the wait owed by earlier failures (zero when an attempt may be made)."""
    if last_failed_at is None:
        return timedelta(0)
    return max(timedelta(0), last_failed_at + wait_after(failures) - now)


def too_many(wait: timedelta) -> str:
    """The answer while a wait is owed: the same words for every name, known or not."""
    return f"Too many failed sign-ins: try again in {wait_words(wait)}."


class AttemptsInMemory:
    """Failures in a row per typed name, counted in this process while the database cannot be
    written (a full disk): the same rules as the database's count, which it starts from."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, datetime | None]] = {}
        self._lock = threading.Lock()

    def take(
        self, key: str, stored: tuple[int, datetime | None], now: datetime
    ) -> tuple[timedelta, int]:
        """(the wait still owed, failures so far): with no wait, this attempt is counted as a
        failure before its password is checked, as the database would count it."""
        with self._lock:
            failures, last = max(self._counts.get(key, (0, None)), stored, key=lambda c: c[0])
            wait = still_waiting(failures, last, now)
            if not wait:
                failures, last = failures + 1, now
                self._counts[key] = (failures, last)
            return wait, failures

    def forgive(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


def wait_words(wait: timedelta) -> str:
    seconds = max(1, round(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def idle_from_env(environ: Mapping[str, str]) -> timedelta:
    """`SPR_DESK_IDLE_MINUTES` (1 to 240; default 10). A bad value is refused in one line."""
    text = environ.get(IDLE_ENV, "").strip()
    if not text:
        return IDLE_LOCK
    if not re.fullmatch(r"[0-9]{1,3}", text) or not 1 <= int(text) <= 240:
        raise ValueError(f"{IDLE_ENV} must be whole minutes from 1 to 240, not {text!r}")
    return timedelta(minutes=int(text))


def is_idle(last_activity: datetime, now: datetime, limit: timedelta) -> bool:
    return now - last_activity >= limit
