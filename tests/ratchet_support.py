"""Overrides for the urgency ratchet's tests: one set lower than the facts asked for (held for a
supervisor's sign-off), one set higher (needs only its reason), and the people who sign."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tests_support import crew_call

from spr_desk.facts import parse_facts
from spr_desk.referral import Decision
from spr_desk.roles import Role
from spr_desk.vocabulary import Lead, Response

if TYPE_CHECKING:
    from db.desk import DeskService

PASSWORD = "a long enough password"
DOWN_REASON = "Daughter [b]staying[/b] tonight; crew left her comfortable"
UP_REASON = "Carer crisis"


def record_downward(desk: DeskService, minutes_ago: int = 10, by: str = "handler") -> str:
    """A crew on scene (the facts ask for Rapid) agreed as Normal: held for sign-off."""
    call = replace(
        crew_call(desk, "Down", "Ward", minutes_ago=minutes_ago),
        decision=Decision(Response.NORMAL, Lead.THERAPIST, DOWN_REASON),
    )
    return desk.record_referral(call, by=by).reference


def record_upward(desk: DeskService, by: str = "handler") -> str:
    """A fall without injury and no crew (the facts ask for Normal) agreed as Rapid."""
    call = crew_call(desk, "Up", "Ward", minutes_ago=5)
    call = replace(
        call,
        patient=replace(call.patient, nhs_number="9434765870"),
        facts=parse_facts(
            {"pathway": "step_up", "setting": "home", "needs": ["fall_no_injury"], "urgency": []}
        ),
        decision=Decision(Response.RAPID, Lead.THERAPIST, UP_REASON),
    )
    return desk.record_referral(call, by=by).reference


def add_people(desk: DeskService) -> None:
    """`sue` a supervisor, `hal` a call handler, `ann` an administrator."""
    for username, role in (
        ("sue", Role.SUPERVISOR),
        ("hal", Role.CALL_HANDLER),
        ("ann", Role.ADMINISTRATOR),
    ):
        desk.add_user(username, role, PASSWORD, by="setup")
