"""Users on the desk service, on SQLite and PostgreSQL: adding, signing in, failures slowed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from conftest import opened_desk

from db.actions import DeskError
from db.desk import DeskService
from db.user_desk import UNKNOWN_USER
from spr_desk.roles import Role
from spr_desk.sign_in import WRONG, Refused, SignedIn

PASSWORD = "amber lantern 7"


class Clock:
    """A clock the test moves on by hand."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def events(desk: DeskService) -> list[tuple[str, str, str, str]]:
    """(actor, action, subject, detail) of every audit event, oldest first."""
    rows, _ = desk.audit_events()
    return [(r.actor, r.action, r.subject, r.detail) for r in reversed(rows)]


@pytest.fixture
def clocked(db_url: str, now: datetime) -> Iterator[tuple[DeskService, Clock]]:
    clock = Clock(now)
    with opened_desk(db_url, now) as desk:
        desk.clock = clock
        yield desk, clock


def test_a_user_signs_in_with_their_password_as_their_role(desk: DeskService) -> None:
    desk.add_user("jsmith", Role.NIGHT_STAFF, PASSWORD, display_name=" Jo Smith ", by="admin")
    assert desk.sign_in(" JSmith ", PASSWORD) == SignedIn("jsmith", "Jo Smith", Role.NIGHT_STAFF)
    [user] = desk.users()
    assert user.role is Role.NIGHT_STAFF and user.last_signed_in_at == desk.now()
    assert PASSWORD not in (user.password_hash or "")
    assert events(desk) == [
        ("admin", "user added", "user jsmith", ""),
        ("jsmith", "signed in", "user jsmith", ""),
    ]


@pytest.mark.parametrize(
    ("name", "password", "problem"),
    [
        ("J Smith", PASSWORD, "lower-case letters"),
        ("x", PASSWORD, "2 to 40 characters"),
        ("jsmith", "short", "at least 10"),
        ("jsmith", "jsmith is my password", "user name"),
    ],
)
def test_a_bad_name_or_weak_password_is_refused_and_nothing_is_added(
    desk: DeskService, name: str, password: str, problem: str
) -> None:
    with pytest.raises(DeskError, match=problem):
        desk.add_user(name, Role.CALL_HANDLER, password, by="admin")
    assert desk.users() == [] and not desk.has_users()


def test_a_taken_name_is_refused_and_the_first_user_is_unchanged(desk: DeskService) -> None:
    desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
    with pytest.raises(DeskError, match="already a user called jsmith"):
        desk.add_user("jsmith", Role.ADMINISTRATOR, "another long one", by="admin")
    [user] = desk.users()
    assert user.role is Role.CALL_HANDLER
    assert isinstance(desk.sign_in("jsmith", PASSWORD), SignedIn)


def test_failures_are_counted_and_each_after_the_third_must_wait(
    clocked: tuple[DeskService, Clock],
) -> None:
    desk, clock = clocked
    desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
    outcomes = [desk.sign_in("jsmith", f"guess {n}") for n in range(3)]
    assert outcomes == [Refused(WRONG), Refused(WRONG), Refused(WRONG, timedelta(seconds=2))]
    assert desk.users()[0].failed_sign_ins == 3

    # Within the wait even the right password is not heard, and the attempt is not counted.
    clock.move(seconds=1)
    early = desk.sign_in("jsmith", PASSWORD)
    assert isinstance(early, Refused) and early.wait == timedelta(seconds=1)
    assert "Too many failed sign-ins: try again in 1 s" in early.message
    assert desk.users()[0].failed_sign_ins == 3

    clock.move(seconds=1)
    assert desk.sign_in("jsmith", "guess 4") == Refused(WRONG, timedelta(seconds=4))
    clock.move(seconds=3)
    assert isinstance(desk.sign_in("jsmith", PASSWORD), Refused)  # 1 s still to wait
    clock.move(seconds=1)
    assert isinstance(desk.sign_in("jsmith", PASSWORD), SignedIn)
    assert desk.users()[0].failed_sign_ins == 0  # a success starts the count again

    failed = [detail for _, action, _, detail in events(desk) if action == "sign-in failed"]
    assert failed == ["1 in a row", "2 in a row", "3 in a row", "4 in a row"]


def test_an_unknown_name_is_refused_like_a_wrong_password_and_not_recorded(
    desk: DeskService,
) -> None:
    desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
    assert desk.sign_in("Mrs Ethel Brown 943 476 5919", PASSWORD) == Refused(WRONG)
    [event] = [e for e in events(desk) if e[1] == "sign-in failed"]
    assert event == (UNKNOWN_USER, "sign-in failed", "user", "")


def test_the_audit_trail_of_sign_ins_survives_another_desk(db_url: str, now: datetime) -> None:
    with opened_desk(db_url, now) as first, opened_desk(db_url, now) as second:
        first.add_user("jsmith", Role.SUPERVISOR, PASSWORD, by="admin")
        assert second.sign_in("jsmith", PASSWORD) == SignedIn("jsmith", "", Role.SUPERVISOR)
        assert ("jsmith", "signed in", "user jsmith", "") in events(first)


def test_a_new_password_replaces_the_old_and_forgives_the_failures(
    clocked: tuple[DeskService, Clock],
) -> None:
    desk, _clock = clocked
    desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
    for n in range(5):
        desk.sign_in("jsmith", f"guess {n}")
    with pytest.raises(DeskError, match="at least 10"):
        desk.set_password("jsmith", "short", by="admin")
    desk.set_password("jsmith", "violet harbour 9", by="admin")
    assert desk.users()[0].failed_sign_ins == 0
    assert desk.sign_in("jsmith", PASSWORD) == Refused(WRONG)
    assert isinstance(desk.sign_in("jsmith", "violet harbour 9"), SignedIn)
    with pytest.raises(DeskError, match="no user called nobody"):
        desk.set_password("nobody", "violet harbour 9", by="admin")
    assert ("admin", "password changed", "user jsmith", "") in events(desk)


def test_a_disabled_user_cannot_sign_in_until_enabled(desk: DeskService) -> None:
    desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
    desk.set_active("jsmith", False, by="admin")
    assert desk.sign_in("jsmith", PASSWORD) == Refused(WRONG)
    assert desk.users()[0].active is False
    desk.set_active("jsmith", True, by="admin")
    assert isinstance(desk.sign_in("jsmith", PASSWORD), SignedIn)
    with pytest.raises(DeskError, match="no user called ghost"):
        desk.set_active("ghost", False, by="admin")
    actions = [action for _, action, subject, _ in events(desk) if subject == "user jsmith"]
    assert actions == ["user added", "user disabled", "sign-in failed", "user enabled", "signed in"]
