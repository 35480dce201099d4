"""Reference data from the source documents (shared/domain.md section 2): localities and teams.

Loaded into the database on first start. Names are the source's own; no person is named here.
"""

from __future__ import annotations

from dataclasses import dataclass

from spr_desk.vocabulary import StaffRole

COUNTYWIDE = "Countywide"
CALL_HANDLERS_TEAM = "SPR Desk Call Handlers"
"""The team that answers the desk's calls, 24 hours a day (issue 19 point 5)."""
CALL_HANDLERS_KIND = "call_handlers"

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
    TeamSpec(
        name=CALL_HANDLERS_TEAM,
        organisation="Buckinghamshire Healthcare NHS Trust",
        kind=CALL_HANDLERS_KIND,
        # No rota role names a call handler; a coordinator leads no visit, so the matrix and
        # the allocation offers never count them.
        roles=(StaffRole.COORDINATOR,),
        base="SPR desk",
    ),
)
"""The ACHT localities, the night team, Bucks Care reablement, the hospital social work teams and
CR&R, with the roles each has (reference 001:975-1039); and the desk's own call handlers, whose
rota `spr-desk rota check` sets beside the calls (issue 19)."""

POSTCODE_DISTRICT_LOCALITY: dict[str, str] = {
    # Aylesbury and the Vale around it
    **dict.fromkeys(("HP17", "HP18", "HP19", "HP20", "HP21", "HP22", "HP23", "LU7"), "Aylesbury"),
    # Buckingham, Winslow and the north of the county
    **dict.fromkeys(("MK18", "MK17", "MK19"), "Buckingham"),
    # Thame (Oxfordshire) and the villages the Thame team reaches
    "OX9": "Thame",
    # Amersham, Chesham, the Chalfonts, Great Missenden
    **dict.fromkeys(("HP5", "HP6", "HP7", "HP8", "HP16", "WD3"), "Amersham"),
    # High Wycombe and Princes Risborough
    **dict.fromkeys(("HP10", "HP11", "HP12", "HP13", "HP14", "HP15", "HP27"), "Wycombe"),
    # Marlow and Bourne End
    **dict.fromkeys(("SL7", "SL8"), "Marlow"),
    # the south of the county: Beaconsfield, Gerrards Cross, Iver, Burnham, Denham
    **dict.fromkeys(("HP9", "SL9", "SL0", "SL1", "SL2", "SL3", "UB9"), "Southern"),
}
"""The ACHT locality each Buckinghamshire postcode district most often falls in. A district can
straddle two localities (HP18 reaches Thame; HP27 and HP14 meet Aylesbury Vale), so the desk only
ever *suggests* the locality from it, says so, and the handler chooses."""


def locality_for_postcode(postcode: str) -> str | None:
    """The locality a postcode's district suggests, or None outside the table.

    Args:
        postcode: as typed (any case or spacing); only its outward code is read, so a part
            typed so far (`HP20`) suggests as well as the whole.
    """
    compact = "".join(postcode.split()).upper()
    # The outward code is all but the last three characters of a whole postcode.
    outward = compact[:-3] if len(compact) >= 5 else compact
    return POSTCODE_DISTRICT_LOCALITY.get(outward)
