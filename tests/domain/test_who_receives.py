"""Who may take a handover pack: every role for each direction, and never its builder."""

from __future__ import annotations

import pytest

from spr_desk.desk_hours import Direction
from spr_desk.roles import Role
from spr_desk.who_receives import RECEIVERS, receive_refusal, receiver_words, receives

TAKES = {
    (Direction.TO_NIGHT, Role.NIGHT_STAFF): True,
    (Direction.TO_NIGHT, Role.CALL_HANDLER): False,
    (Direction.TO_NIGHT, Role.SUPERVISOR): False,
    (Direction.TO_NIGHT, Role.ADMINISTRATOR): False,
    (Direction.TO_DAY, Role.NIGHT_STAFF): False,
    (Direction.TO_DAY, Role.CALL_HANDLER): True,
    (Direction.TO_DAY, Role.SUPERVISOR): True,
    (Direction.TO_DAY, Role.ADMINISTRATOR): False,
}


def test_every_role_and_direction_is_decided() -> None:
    assert set(TAKES) == {(d, r) for d in Direction for r in Role}


@pytest.mark.parametrize(("direction", "role"), list(TAKES), ids=lambda v: str(v))
def test_a_role_takes_only_the_watch_it_receives(direction: Direction, role: Role) -> None:
    assert receives(direction, role) is TAKES[direction, role]
    refused = receive_refusal(direction, username="someone", role=role, built_by="builder")
    if TAKES[direction, role]:
        assert refused is None
    else:
        assert refused is not None
        assert f"is taken by {receiver_words(direction)}" in refused


def test_the_refusal_says_who_takes_it_and_who_you_are() -> None:
    assert receive_refusal(
        Direction.TO_NIGHT, username="handler", role=Role.CALL_HANDLER, built_by="x"
    ) == (
        "The evening handover to the night team is taken by night staff; "
        "you are signed in as a call handler."
    )
    assert receive_refusal(
        Direction.TO_DAY, username="night", role=Role.NIGHT_STAFF, built_by="x"
    ) == (
        "The morning hand-back to the day desk is taken by a call handler or a supervisor; "
        "you are signed in as night staff."
    )


@pytest.mark.parametrize("direction", list(Direction))
def test_the_builder_of_a_pack_may_not_take_it_even_in_a_receiving_role(
    direction: Direction,
) -> None:
    for role in RECEIVERS[direction]:
        refused = receive_refusal(direction, username="amy", role=role, built_by="amy")
        assert refused is not None and refused.startswith("You built this pack")


def test_a_pack_a_desk_built_at_the_boundary_is_nobodys_own() -> None:
    """The night nurse's own desk built it as the boundary passed: she did not hand over."""
    assert (
        receive_refusal(
            Direction.TO_NIGHT,
            username="night",
            role=Role.NIGHT_STAFF,
            built_by="night (at the boundary)",
        )
        is None
    )


def test_a_wrong_role_is_said_before_having_built_it() -> None:
    refused = receive_refusal(
        Direction.TO_NIGHT, username="handler", role=Role.CALL_HANDLER, built_by="handler"
    )
    assert refused is not None and "taken by night staff" in refused
