"""Who may take a handover pack: a person whose role receives that watch, never its builder.

The evening handover goes to the night team, so night staff take it; the morning hand-back
goes to the day desk, so a call handler or a supervisor takes it. Whoever built the pack by
hand is the one handing over and may not also receive it (trial problem 21: the day handler
acknowledged their own pack under a typed name). A pack a desk built itself at the boundary
names that desk's user with "(at the boundary)", so it is nobody's own pack: the role decides.
Pure: the desk service and the screen both ask, the desk with the role read from its users.
"""

from __future__ import annotations

from spr_desk.desk_hours import DIRECTION_WORDS, Direction
from spr_desk.roles import ROLE_LABELS, Role

RECEIVERS: dict[Direction, tuple[Role, ...]] = {
    Direction.TO_NIGHT: (Role.NIGHT_STAFF,),
    Direction.TO_DAY: (Role.CALL_HANDLER, Role.SUPERVISOR),
}
"""The roles that take each handover, in the order the desk names them."""


def receiver_words(direction: Direction) -> str:
    """`night staff`, `a call handler or a supervisor`: who takes this handover."""
    roles = RECEIVERS[direction]
    if roles == (Role.NIGHT_STAFF,):
        return ROLE_LABELS[Role.NIGHT_STAFF]
    return " or ".join(f"a {ROLE_LABELS[role]}" for role in roles)


def receives(direction: Direction, role: Role) -> bool:
    return role in RECEIVERS[direction]


def _as_a(role: Role) -> str:
    # "night staff" is a group of people: "signed in as night staff", not "as a night staff".
    words = ROLE_LABELS[role]
    if role is Role.NIGHT_STAFF:
        return words
    return f"an {words}" if words[0] in "aeiou" else f"a {words}"


def receive_refusal(
    direction: Direction, *, username: str, role: Role, built_by: str
) -> str | None:
    """Why `username` may not take this pack, in a sentence for the handler; None when they may.

    Args:
        direction: which handover the pack is.
        username: who is signed in (what the audit trail records).
        role: their role, as the desk's users hold it.
        built_by: the user name that built the pack (`Handover.built_by`).
    """
    words = DIRECTION_WORDS[direction]
    if not receives(direction, role):
        return (
            f"The {words} is taken by {receiver_words(direction)}; "
            f"you are signed in as {_as_a(role)}."
        )
    if username == built_by:
        return (
            f"You built this pack, so you are handing over: the {words} is taken by "
            f"someone else ({receiver_words(direction)})."
        )
    return None
