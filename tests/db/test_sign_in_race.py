"""Parallel guesses, each from its own desk on the same database (a SQLite file, PostgreSQL): the
count is taken and checked before any password is, so a race gains no extra guesses."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from desk_databases import opened_desk

import db.user_desk
from db.desk import DeskService
from db.engine import make_engine
from spr_desk.roles import Role
from spr_desk.sign_in import FREE_ATTEMPTS, WRONG, SignInRefused, too_many

PASSWORD = "amber lantern 7"
GUESSES = 20


class Spy:
    """Counts the password checks the desk makes; each still runs the real scrypt."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self._lock = threading.Lock()
        self._real = db.user_desk.verify_password
        monkeypatch.setattr(db.user_desk, "verify_password", self)

    def __call__(self, password: str, hashed: str) -> bool:
        with self._lock:
            self.calls += 1
        return self._real(password, hashed)


@pytest.fixture
def desks(db_url: str, now: datetime) -> Iterator[list[DeskService]]:
    """One desk that set the database up, then `GUESSES` more, each with its own engine."""
    with opened_desk(db_url, now) as first:
        first.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
        engines = [make_engine(db_url) for _ in range(GUESSES)]
        try:
            yield [first] + [DeskService(engine, clock=lambda: now) for engine in engines]
        finally:
            for engine in engines:
                engine.dispose()


def guess_at_once(desks: list[DeskService], username: str) -> list[SignInRefused]:
    """Every desk guesses a wrong password at the same moment (a barrier lets them go)."""
    start = threading.Barrier(len(desks))

    def guess(desk: DeskService) -> SignInRefused:
        start.wait(timeout=30)
        outcome = desk.sign_in(username, "not the password")
        assert isinstance(outcome, SignInRefused)
        return outcome

    with ThreadPoolExecutor(max_workers=len(desks)) as pool:
        return list(pool.map(guess, desks))


def failed_events(desk: DeskService) -> list[str]:
    rows, _ = desk.audit_events()
    return [row.detail for row in rows if row.action == "sign-in failed"]


@pytest.mark.parametrize("username", ["jsmith", "nobody"])
def test_parallel_guesses_against_a_waiting_name_are_all_refused_unchecked(
    desks: list[DeskService], monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    first, guessers = desks[0], desks[1:]
    for n in range(FREE_ATTEMPTS):
        first.sign_in(username, f"guess {n}")
    spy = Spy(monkeypatch)

    outcomes = guess_at_once(guessers, username)

    wait = timedelta(seconds=2)  # the frozen clock never lets it pass
    assert outcomes == [SignInRefused(too_many(wait), wait)] * GUESSES
    assert spy.calls == 0
    assert len(failed_events(first)) == FREE_ATTEMPTS


@pytest.mark.parametrize("username", ["jsmith", "nobody"])
def test_parallel_guesses_against_a_fresh_name_check_only_the_free_attempts(
    desks: list[DeskService], monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    spy = Spy(monkeypatch)

    outcomes = guess_at_once(desks[1:], username)

    wait = timedelta(seconds=2)
    checked = [o for o in outcomes if o.message == WRONG]
    assert sorted(checked, key=lambda o: o.wait) == [
        SignInRefused(WRONG),
        SignInRefused(WRONG),
        SignInRefused(WRONG, wait),
    ]
    assert [o for o in outcomes if o not in checked] == [SignInRefused(too_many(wait), wait)] * (
        GUESSES - FREE_ATTEMPTS
    )
    assert spy.calls == FREE_ATTEMPTS
    assert len(failed_events(desks[0])) == FREE_ATTEMPTS
    if username == "jsmith":
        assert sorted(failed_events(desks[0])) == ["1 in a row", "2 in a row", "3 in a row"]
        assert desks[0].users()[0].failed_sign_ins == FREE_ATTEMPTS
