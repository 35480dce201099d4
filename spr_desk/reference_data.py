"""Reference data from the source documents (shared/domain.md section 2): localities and teams.

Loaded into the database on first start. Names are the source's own; no person is named here.
"""

from __future__ import annotations

from dataclasses import dataclass

from spr_desk.vocabulary import StaffRole

COUNTYWIDE = "Countywide"

LOCALITIES: tuple[str, ...] = (
    "Aylesbury",
    "Southern",
    "Buckingham",
    "Thame",
    "Amersham",
    "Wycombe",
    "Marlow",
)
"""The seven ACHT localities, as the Appendix 3 columns name them (reference 001:988)."""


@dataclass(frozen=True, slots=True)
class TeamSpec:
    name: str
    organisation: str
    kind: str
    roles: tuple[StaffRole, ...]
    locality: str = COUNTYWIDE
    base: str = ""
    covers_night: bool = False


_ACHT_ROLES = (
    StaffRole.NURSE,
    StaffRole.OCCUPATIONAL_THERAPIST,
    StaffRole.PHYSIOTHERAPIST,
    StaffRole.HCA,
)

TEAMS: tuple[TeamSpec, ...] = (
    *(
        TeamSpec(
            name=f"ACHT {locality}",
            organisation="Buckinghamshire Healthcare NHS Trust",
            kind="acht_locality",
            roles=_ACHT_ROLES,
            locality=locality,
            base=f"{locality} ACHT base",
        )
        for locality in LOCALITIES
    ),
    TeamSpec(
        name="ACHT Night Team",
        organisation="Buckinghamshire Healthcare NHS Trust",
        kind="night_team",
        roles=(StaffRole.NURSE, StaffRole.HCA),
        covers_night=True,
    ),
    TeamSpec(
        name="Bucks Care Reablement",
        organisation="Buckinghamshire Care",
        kind="reablement",
        roles=(
            StaffRole.REABLEMENT_ASSESSOR,
            StaffRole.REABLEMENT_WORKER,
            StaffRole.COORDINATOR,
        ),
        base="Field based",
    ),
    TeamSpec(
        name="Stoke Mandeville Hospital Social Work",
        organisation="Buckinghamshire County Council",
        kind="hospital_social_work",
        roles=(StaffRole.SOCIAL_WORKER, StaffRole.SOCIAL_WORK_ASSISTANT),
        locality="Aylesbury",
        base="Stoke Mandeville Hospital",
    ),
    TeamSpec(
        name="Wycombe Hospital Social Work",
        organisation="Buckinghamshire County Council",
        kind="hospital_social_work",
        roles=(StaffRole.SOCIAL_WORKER, StaffRole.SOCIAL_WORK_ASSISTANT),
        locality="Wycombe",
        base="Wycombe Hospital",
    ),
    TeamSpec(
        name="CR&R",
        organisation="Buckinghamshire County Council",
        kind="care_review",
        roles=(
            StaffRole.SOCIAL_WORKER,
            StaffRole.SOCIAL_WORK_ASSISTANT,
            StaffRole.OCCUPATIONAL_THERAPIST,
        ),
        base="County Hall, Aylesbury",
    ),
)
"""The ACHT localities, the night team, Bucks Care reablement, the hospital social work teams and
CR&R, with the roles each has (reference 001:975-1039)."""
