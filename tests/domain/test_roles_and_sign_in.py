"""Roles, passwords, the slowing of failed sign-ins and the idle lock: pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spr_desk.passwords import (
    MIN_LENGTH,
    hash_password,
    password_problem,
    verify_password,
)
from spr_desk.roles import PERMISSIONS, Permission, Role, allows, parse_role, refusal
from spr_desk.sign_in import (
    FREE_ATTEMPTS,
    IDLE_LOCK,
    LONGEST_WAIT,
    AttemptsInMemory,
    idle_from_env,
    is_idle,
    still_waiting,
    too_many,
    wait_after,
    wait_words,
)

T0 = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)

# roles -----------------------------------------------------------------------------------------

EXPECTED = {
    Role.CALL_HANDLER: {Permission.TAKE_CALLS},
    Role.NIGHT_STAFF: {Permission.TAKE_CALLS},
    Role.SUPERVISOR: {
        Permission.TAKE_CALLS,
        Permission.REVIEW,
        Permission.EDIT_ROTA,
        Permission.EDIT_RULES,
    },
    Role.ADMINISTRATOR: set(Permission),
}


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("permission", list(Permission), ids=str)
def test_each_role_holds_exactly_its_permissions(role: Role, permission: Permission) -> None:
    assert allows(role, permission) is (permission in EXPECTED[role])


def test_only_supervisors_and_administrators_edit_the_rota_and_the_rules() -> None:
    for permission in (Permission.EDIT_ROTA, Permission.EDIT_RULES):
        assert {r for r in Role if allows(r, permission)} == {Role.SUPERVISOR, Role.ADMINISTRATOR}


def test_no_permission_deletes_a_referral_or_changes_the_audit_trail() -> None:
    every = set().union(*PERMISSIONS.values())
    assert not any("delete" in p or "audit" in p for p in every)


def test_a_refusal_says_what_and_who_may() -> None:
    said = refusal(Role.CALL_HANDLER, Permission.EDIT_ROTA)
    assert said == (
        "Changing the rota is for supervisors and administrators; "
        "you are signed in as a call handler."
    )


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("call_handler", Role.CALL_HANDLER),
        ("Call-Handler", Role.CALL_HANDLER),
        ("handler", Role.CALL_HANDLER),
        (" night  staff ", Role.NIGHT_STAFF),
        ("night", Role.NIGHT_STAFF),
        ("SUPERVISOR", Role.SUPERVISOR),
        ("admin", Role.ADMINISTRATOR),
        ("administrator", Role.ADMINISTRATOR),
    ],
)
def test_role_words(text: str, role: Role) -> None:
    assert parse_role(text) is role


@pytest.mark.parametrize("text", ["", "boss", "root", "call"])
def test_an_unknown_role_names_the_choices(text: str) -> None:
    with pytest.raises(ValueError, match="call_handler, night_staff, supervisor, administrator"):
        parse_role(text)


# passwords -------------------------------------------------------------------------------------


def test_a_password_hash_verifies_only_its_own_password_and_is_salted() -> None:
    first, second = hash_password("amber lantern 7"), hash_password("amber lantern 7")
    assert first != second and first.startswith("scrypt$")
    assert "amber" not in first
    assert verify_password("amber lantern 7", first) and verify_password("amber lantern 7", second)
    assert not verify_password("amber lantern 8", first)
    assert not verify_password("", first)


@pytest.mark.parametrize(
    "stored", [None, "", "plain", "bcrypt$1$2$3$4$5", "scrypt$x$8$1$AA==$AA==", "scrypt$$$$$"]
)
def test_a_malformed_hash_never_verifies_and_never_raises(stored: str | None) -> None:
    assert verify_password("anything", stored) is False


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", f"at least {MIN_LENGTH} characters"),
        (" amber lantern", "begin or end with a space"),
        ("my name is JO the great", "user name"),
    ],
)
def test_a_weak_password_is_refused_in_words(password: str, problem: str) -> None:
    assert problem in (password_problem("jo", password) or "")


def test_a_long_password_is_accepted() -> None:
    assert password_problem("jo", "amber lantern 7") is None


# slowing failed sign-ins -----------------------------------------------------------------------


def test_failed_sign_ins_wait_longer_and_longer_after_the_free_attempts() -> None:
    waits = [wait_after(n).total_seconds() for n in range(0, FREE_ATTEMPTS + 6)]
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 64]
    assert wait_after(40) == LONGEST_WAIT
    assert wait_after(10**6) == LONGEST_WAIT  # a name guessed at for days: no overflow


def test_the_wait_runs_from_the_last_failure() -> None:
    assert still_waiting(0, None, T0) == timedelta(0)
    assert still_waiting(2, T0, T0) == timedelta(0)
    assert still_waiting(4, T0, T0 + timedelta(seconds=1)) == timedelta(seconds=3)
    assert still_waiting(4, T0, T0 + timedelta(seconds=4)) == timedelta(0)


@pytest.mark.parametrize(
    ("seconds", "words"), [(0.2, "1 s"), (8, "8 s"), (60, "1 min"), (150, "2 min 30 s")]
)
def test_wait_words(seconds: float, words: str) -> None:
    assert wait_words(timedelta(seconds=seconds)) == words


def test_the_answer_while_waiting_names_the_wait_and_nothing_else() -> None:
    assert too_many(timedelta(seconds=2)) == "Too many failed sign-ins: try again in 2 s."


def test_attempts_counted_in_memory_follow_the_same_rules_per_name() -> None:
    counted = AttemptsInMemory()
    taken = [counted.take("a", (0, None), T0) for _ in range(FREE_ATTEMPTS + 1)]
    assert taken == [
        (timedelta(0), 1),
        (timedelta(0), 2),
        (timedelta(0), 3),
        (timedelta(seconds=2), 3),  # owed a wait: not counted
    ]
    assert counted.take("b", (0, None), T0) == (timedelta(0), 1)  # each name its own count
    later = T0 + timedelta(seconds=2)
    assert counted.take("a", (0, None), later) == (timedelta(0), 4)
    counted.forgive("a")
    assert counted.take("a", (0, None), later) == (timedelta(0), 1)


def test_attempts_in_memory_start_from_the_count_the_database_holds() -> None:
    counted = AttemptsInMemory()
    assert counted.take("a", (5, T0), T0 + timedelta(seconds=1)) == (timedelta(seconds=7), 5)
    assert counted.take("a", (5, T0), T0 + timedelta(seconds=8)) == (timedelta(0), 6)
    # A lower stored count (another desk's success) does not undo what this one counted.
    assert counted.take("a", (1, T0), T0 + timedelta(seconds=9)) == (timedelta(seconds=15), 6)


# the idle lock ---------------------------------------------------------------------------------


def test_the_idle_lock_defaults_to_ten_minutes_and_reads_the_environment() -> None:
    assert idle_from_env({}) == IDLE_LOCK == timedelta(minutes=10)
    assert idle_from_env({"SPR_DESK_IDLE_MINUTES": " 3 "}) == timedelta(minutes=3)


@pytest.mark.parametrize("value", ["0", "241", "ten", "-5", "2.5"])
def test_a_bad_idle_time_is_one_clear_line(value: str) -> None:
    with pytest.raises(ValueError, match="SPR_DESK_IDLE_MINUTES must be whole minutes"):
        idle_from_env({"SPR_DESK_IDLE_MINUTES": value})


def test_idle_from_the_limit_on() -> None:
    limit = timedelta(minutes=10)
    assert not is_idle(T0, T0 + limit - timedelta(seconds=1), limit)
    assert is_idle(T0, T0 + limit, limit)
