"""Fictional demo data: calls at the source's volume with a daytime peak, and what happened next.

Pure: a seeded random generator and `now` in, plain data out. Every NHS number is in the 999
range (never issued to a real person) and passes the check digit; every record is marked demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from spr_desk.facts import TriageFacts
from spr_desk.matrix import ALL_AVAILABLE, recommend
from spr_desk.nhs_number import check_digit
from spr_desk.reference_data import CALL_HANDLERS_TEAM, LOCALITIES, TEAMS
from spr_desk.referral import NewReferral, PatientDetails, ReferrerDetails
from spr_desk.roles import Role
from spr_desk.rules import Rules
from spr_desk.uktime import LONDON, as_utc
from spr_desk.vocabulary import (
    CloseOutcome,
    Need,
    Pathway,
    RedFlag,
    ReferrerRole,
    Response,
    Setting,
    StaffRole,
    Status,
    UcrCondition,
    Urgency,
)

REFERRALS_PER_YEAR = 13_000
"""The source's estimate (reference 001:482): about 35.6 a day."""

HOURLY_WEIGHTS: tuple[float, ...] = (
    0.3,
    0.2,
    0.2,
    0.2,
    0.2,
    0.3,
    0.5,
    0.8,  # 00-07: the night team's quiet hours
    1.4,
    2.2,
    2.4,
    2.3,
    2.0,
    2.0,
    2.1,
    2.0,  # 08-15: GPs' and wards' working day
    1.8,
    1.5,
    1.1,
    0.9,
    0.7,
    0.6,
    0.5,
    0.4,  # 16-23: discharges late, then out-of-hours
)
"""Relative calls per hour of the day: a daytime peak."""

GIVEN_NAMES = (
    "Ethel",
    "Reg",
    "Mary",
    "Albert",
    "Joan",
    "Harold",
    "Doris",
    "Stanley",
    "Irene",
    "Walter",
    "Vera",
    "Arthur",
    "Edna",
    "Frank",
    "Gladys",
    "Leonard",
    "Hilda",
    "Norman",
    "Olive",
    "Ronald",
    "Peggy",
    "Dennis",
    "Winifred",
    "Cyril",
    "Marjorie",
    "Kenneth",
    "Beryl",
    "Eric",
    "Phyllis",
)
FAMILY_NAMES = (
    "Abbott",
    "Barker",
    "Chandler",
    "Dawson",
    "Ellis",
    "Fletcher",
    "Gardner",
    "Harding",
    "Ingram",
    "Jarvis",
    "Kemp",
    "Lambert",
    "Marsh",
    "Newman",
    "Osborne",
    "Parsons",
    "Quinn",
    "Rowe",
    "Sutton",
    "Turner",
    "Underwood",
    "Vaughan",
    "Webb",
    "Yates",
    "Archer",
    "Bishop",
    "Cross",
)
STREETS = (
    "Orchard Close",
    "Mill Lane",
    "Church Street",
    "Victoria Road",
    "The Green",
    "Station Road",
    "Chiltern Way",
    "Beech Avenue",
    "Meadow View",
    "Kings Road",
    "Manor Drive",
    "Brook End",
)
POSTCODE_AREAS = ("HP19", "HP20", "HP21", "MK18", "OX9", "HP6", "HP7", "HP11", "HP13", "SL7")
PRACTICES = (
    "Meadowbank Surgery",
    "Riverside Medical Centre",
    "Hillview Practice",
    "Old Forge Surgery",
    "Market Square Health Centre",
    "Beacon Medical Group",
)
REFERRER_ROLE_WEIGHTS: dict[ReferrerRole, float] = {
    ReferrerRole.WARD_TEAM: 34,
    ReferrerRole.GP_OR_PRACTICE_NURSE: 22,
    ReferrerRole.GP_OUT_OF_HOURS: 6,
    ReferrerRole.HOSPITAL_OR_AE: 12,
    ReferrerRole.COMMUNITY_HEALTH_OR_SOCIAL_CARE: 10,
    ReferrerRole.AMBULANCE_CREW: 9,
    ReferrerRole.CARE_HOME: 6,
    ReferrerRole.OTHER: 1,
}
ORGANISATION_OF_ROLE: dict[ReferrerRole, tuple[str, ...]] = {
    ReferrerRole.WARD_TEAM: ("Stoke Mandeville Hospital, Ward 8", "Wycombe Hospital, Ward 3"),
    ReferrerRole.GP_OR_PRACTICE_NURSE: PRACTICES,
    ReferrerRole.GP_OUT_OF_HOURS: ("GP out-of-hours service",),
    ReferrerRole.HOSPITAL_OR_AE: ("Stoke Mandeville Hospital A&E", "Wycombe Hospital MIU"),
    ReferrerRole.COMMUNITY_HEALTH_OR_SOCIAL_CARE: ("District nursing", "Adult social care"),
    ReferrerRole.AMBULANCE_CREW: ("Ambulance service",),
    ReferrerRole.CARE_HOME: ("Elm Lodge Care Home", "Ashdown Residential Home"),
    ReferrerRole.OTHER: ("Community pharmacy",),
}


@dataclass(frozen=True, slots=True)
class LifeStep:
    """A later step in a demo referral's life: the status, when, and what it needs."""

    status: Status
    at: datetime
    reason: str = ""
    outcome: CloseOutcome | None = None
    gp_updated: bool = False


@dataclass(frozen=True, slots=True)
class DemoCall:
    call: NewReferral
    steps: tuple[LifeStep, ...] = field(default=())


def demo_nhs_number(rng: random.Random) -> str:
    """A ten-digit number in the 999 test range with a valid check digit."""
    while True:
        first_nine = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        digit = check_digit(first_nine)
        if digit is not None:
            return first_nine + str(digit)


def arrival_times(days: int, now: datetime, rng: random.Random) -> list[datetime]:
    """Call times over the `days` before `now`, at the source's volume, peaking in the day."""
    per_hour = REFERRALS_PER_YEAR / 365 / sum(HOURLY_WEIGHTS)
    end = as_utc(now)
    first_day: date = end.astimezone(LONDON).date() - timedelta(days=days)
    times: list[datetime] = []
    for day_offset in range(days + 1):
        day = first_day + timedelta(days=day_offset)
        for hour, weight in enumerate(HOURLY_WEIGHTS):
            start = datetime.combine(day, time(hour), tzinfo=LONDON)
            for _ in range(_poisson(rng, per_hour * weight)):
                moment = as_utc(start + timedelta(seconds=rng.randrange(3600)))
                if end - timedelta(days=days) <= moment < end:
                    times.append(moment)
    return sorted(times)


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: the means here are small (under 4 an hour).
    limit, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _facts(rng: random.Random, role: ReferrerRole) -> TriageFacts:
    step_down = role in (ReferrerRole.WARD_TEAM,) or (
        role is ReferrerRole.HOSPITAL_OR_AE and rng.random() < 0.5
    )
    if step_down:
        pathway = Pathway.STEP_DOWN
        setting = Setting.HOSPITAL_WARD
    else:
        pathway = Pathway.STEP_UP
        setting = {
            ReferrerRole.CARE_HOME: Setting.CARE_HOME,
            ReferrerRole.HOSPITAL_OR_AE: Setting.EMERGENCY_DEPARTMENT,
        }.get(role, Setting.HOME)
    red_flags: frozenset[RedFlag] = frozenset()
    if rng.random() < 0.03:
        red_flags = frozenset({rng.choice(list(RedFlag))})
    needs = frozenset(rng.sample(list(Need), rng.choice((1, 1, 2, 2, 3))))
    urgency: set[Urgency] = set()
    roll = rng.random()
    if roll < 0.3:
        urgency.add(
            rng.choice(
                [Urgency.DISCHARGE_TODAY]
                if step_down
                else [
                    Urgency.ADMISSION_RISK_WITHIN_HOURS,
                    Urgency.UNSAFE_ALONE_TONIGHT,
                    Urgency.CARER_BREAKDOWN_NOW,
                    Urgency.CREW_ON_SCENE,
                ]
            )
        )
    elif roll < 0.65:
        urgency.add(
            Urgency.DISCHARGE_TOMORROW
            if step_down
            else rng.choice([Urgency.DETERIORATING, Urgency.NEW_NEED_WITHIN_DAY])
        )
    return TriageFacts(
        pathway=pathway,
        setting=setting,
        age=rng.randint(66, 99),
        red_flags=red_flags,
        needs=needs,
        urgency=frozenset(urgency),
        primary_need=rng.choice(sorted(needs)) if rng.random() < 0.2 else None,
        bed_needed=rng.random() < 0.04,
    )


def _patient(rng: random.Random, received: datetime) -> PatientDetails:
    age_days = rng.randint(66 * 365, 99 * 365)
    return PatientDetails(
        nhs_number=demo_nhs_number(rng),
        given_name=rng.choice(GIVEN_NAMES),
        family_name=rng.choice(FAMILY_NAMES),
        date_of_birth=received.date() - timedelta(days=age_days),
        address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        postcode=f"{rng.choice(POSTCODE_AREAS)} {rng.randint(1, 9)}{''.join(rng.sample(_UNIT, 2))}",
        gp_practice=rng.choice(PRACTICES),
        lives_alone=rng.random() < 0.55,
        access_notes="Key safe by the front door" if rng.random() < 0.4 else "",
        next_of_kin=f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)} (child)",
        is_test_data=True,
    )


RECENT = timedelta(minutes=90)
"""Calls this recent are left recorded, so the queue always has some awaiting allocation."""

_UNIT = "ABDEFGHJLNPQRSTUWXYZ"
"""The letters a postcode's inward unit may use."""

RESPONSE_DELAY_HOURS: dict[Response, tuple[float, float]] = {
    Response.RAPID: (0.5, 3.4),
    Response.FAST: (2.0, 26.0),
    Response.NORMAL: (6.0, 76.0),
}
"""How long the first response took in the demo: a few land after the due time (breaches)."""


def _steps(
    rng: random.Random, received: datetime, response: Response | None, now: datetime
) -> tuple[LifeStep, ...]:
    """The demo referral's later life, cut off at `now` so every state appears."""
    if response is None or now - received < RECENT:
        # Emergencies are finished when recorded; the latest calls are still awaiting allocation.
        return ()
    if rng.random() < 0.03:
        cancel_at = received + timedelta(minutes=rng.randint(10, 120))
        return (
            LifeStep(Status.CANCELLED, cancel_at, reason="Caller withdrew: family now staying"),
        )
    allocated = received + timedelta(minutes=rng.randint(10, 100))
    low, high = RESPONSE_DELAY_HOURS[response]
    if rng.random() < 0.08:
        # A few are late, so the board and the supervisor have breaches to see.
        low, high = high * 1.1, high * 1.8
    responded = received + timedelta(hours=rng.uniform(low, high))
    responded = max(responded, allocated + timedelta(minutes=10))
    plan = [LifeStep(Status.ALLOCATED, allocated)]
    plan.append(LifeStep(Status.RESPONDED, responded))
    if rng.random() < 0.25:
        plan.append(
            LifeStep(
                Status.CLOSED,
                responded + timedelta(hours=rng.uniform(1, 8)),
                outcome=CloseOutcome.NO_FURTHER_SERVICES,
                gp_updated=True,
            )
        )
    else:
        in_service = responded + timedelta(hours=rng.uniform(0.5, 4))
        plan.append(LifeStep(Status.IN_SERVICE, in_service))
        outcome = rng.choices(list(CloseOutcome), weights=(40, 30, 10, 8, 5, 2, 5), k=1)[0]
        plan.append(
            LifeStep(
                Status.CLOSED,
                in_service + timedelta(days=rng.uniform(1, 21)),
                outcome=outcome,
                gp_updated=rng.random() < 0.9,
            )
        )
    return tuple(step for step in plan if step.at <= now)


UCR_OF_NEED: dict[Need, UcrCondition] = {
    Need.FALL_NO_INJURY: UcrCondition.FALL_NO_SERIOUS_INJURY,
    Need.END_OF_LIFE: UcrCondition.PALLIATIVE_CRISIS,
    Need.CATHETER_CONTINENCE: UcrCondition.URGENT_CATHETER_CARE,
    Need.CARER_BREAKDOWN: UcrCondition.UNPAID_CARER_BREAKDOWN,
    Need.EQUIPMENT: UcrCondition.URGENT_EQUIPMENT,
    Need.REDUCED_MOBILITY: UcrCondition.REDUCED_FUNCTION,
    Need.TRANSFERS: UcrCondition.REDUCED_FUNCTION,
    Need.LONG_TERM_CONDITION_EXACERBATION: UcrCondition.DECOMPENSATION_OF_FRAILTY,
}
"""The UCR condition a demo Rapid call is given from its needs (the handler's usual answer)."""
NOT_UCR_REASONS = (
    "Needs a package of care today, no clinical crisis",
    "Planned discharge support, not an urgent response",
)


def demo_ucr(rng: random.Random, facts: TriageFacts) -> tuple[UcrCondition, str]:
    """A demo Rapid call's answer to the UCR question: mostly a condition, a few not UCR."""
    if rng.random() < 0.08:
        return UcrCondition.NOT_UCR, rng.choice(NOT_UCR_REASONS)
    from_needs = [UCR_OF_NEED[need] for need in sorted(facts.needs) if need in UCR_OF_NEED]
    conditions = [c for c in UcrCondition if c is not UcrCondition.NOT_UCR]
    return (from_needs[0] if from_needs else rng.choice(conditions)), ""


def demo_calls(days: int, now: datetime, rules: Rules, seed: int = 2026) -> list[DemoCall]:
    """`days` of fictional calls before `now`, each with the steps it has taken by `now`."""
    rng = random.Random(seed)
    # Its own generator: the UCR answers leave every other demo value as it was before them.
    ucr_rng = random.Random(seed + 19)
    calls: list[DemoCall] = []
    patients: list[PatientDetails] = []
    roles = list(REFERRER_ROLE_WEIGHTS)
    weights = list(REFERRER_ROLE_WEIGHTS.values())
    for index, received in enumerate(arrival_times(days, now, rng)):
        role = rng.choices(roles, weights=weights, k=1)[0]
        facts = _facts(rng, role)
        # About one in ten is a person the desk has seen before.
        patient = (
            rng.choice(patients) if patients and rng.random() < 0.1 else _patient(rng, received)
        )
        patients.append(patient)
        referrer = ReferrerDetails(
            name=f"{rng.choice(('Dr', 'Nurse', 'Sister', ''))} {rng.choice(FAMILY_NAMES)}".strip(),
            role=role,
            organisation=rng.choice(ORGANISATION_OF_ROLE[role]),
            phone=f"01296 {rng.randint(100000, 999999)}",
        )
        locality = rng.choice(LOCALITIES)
        response = recommend(facts, ALL_AVAILABLE, received, rules).response
        rapid = response is Response.RAPID
        ucr, not_ucr_reason = demo_ucr(ucr_rng, facts) if rapid else (None, "")
        call = NewReferral(
            received_at=received,
            referrer=referrer,
            patient=patient,
            facts=facts,
            locality=locality,
            is_demo=True,
            notes=f"Demo call {index + 1}.",
            ucr_condition=ucr,
            ucr_not_reason=not_ucr_reason,
        )
        calls.append(DemoCall(call, _steps(rng, received, response, now)))
    return calls


@dataclass(frozen=True, slots=True)
class DemoStaff:
    team: str
    name: str
    role: StaffRole
    band: str


@dataclass(frozen=True, slots=True)
class DemoShift:
    team: str
    name: str
    starts_at: datetime
    ends_at: datetime


DAY_SHIFTS: tuple[tuple[time, time], ...] = ((time(8), time(16)), (time(12), time(20)))
NIGHT_SHIFT = (time(21), time(7, 30))
OFFICE_HOURS = (time(9), time(17))
BAND_OF_ROLE: dict[StaffRole, str] = {
    StaffRole.NURSE: "6",
    StaffRole.OCCUPATIONAL_THERAPIST: "6",
    StaffRole.PHYSIOTHERAPIST: "6",
    StaffRole.HCA: "3",
    StaffRole.SOCIAL_WORKER: "6",
    StaffRole.SOCIAL_WORK_ASSISTANT: "4",
}
CALL_HANDLER_SHIFTS: tuple[tuple[time, time, bool], ...] = (
    (time(22), time(8), True),
    (time(8), time(16), True),
    (time(14), time(22), True),
    (time(10), time(18), False),
    (time(16), time(22), True),
)
"""The demo call handlers' shifts, one person each (UK local start, end, and whether at weekends
too): one handler through the night and until 10:00 (weekends 14:00), then two, and three from
14:00 to 18:00 on weekdays; two until 22:00."""


def demo_staff(seed: int = 2026) -> list[DemoStaff]:
    """Two of each role in every team (a call handler for each of `CALL_HANDLER_SHIFTS`), with
    fictional names that are stable for a seed."""
    rng = random.Random(seed)
    staff: list[DemoStaff] = []
    for team in TEAMS:
        each = len(CALL_HANDLER_SHIFTS) if team.name == CALL_HANDLERS_TEAM else 2
        for role in team.roles:
            for _ in range(each):
                name = f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}"
                while any(s.team == team.name and s.name == name for s in staff):
                    name = f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}"
                staff.append(DemoStaff(team.name, name, role, BAND_OF_ROLE.get(role, "")))
    return staff


def demo_shifts(staff: list[DemoStaff], first_day: date, last_day: date) -> list[DemoShift]:
    """Shifts in UK local time: days for the localities, nights for the night team, office
    hours on weekdays for social work; the first of each pair early, the second late; the call
    handlers round the clock (`CALL_HANDLER_SHIFTS`)."""
    handlers = [person for person in staff if person.team == CALL_HANDLERS_TEAM]
    night_teams = {team.name for team in TEAMS if team.covers_night}
    office_teams = {
        team.name for team in TEAMS if team.kind in ("hospital_social_work", "care_review")
    }
    shifts: list[DemoShift] = []
    day = first_day
    while day <= last_day:
        for index, person in enumerate(staff):
            if person.team == CALL_HANDLERS_TEAM:
                shift = _call_handler_shift(person, day, handlers.index(person))
                if shift is not None:
                    shifts.append(shift)
                continue
            if person.team in night_teams:
                start, end = NIGHT_SHIFT
                end_day = day + timedelta(days=1)
            elif person.team in office_teams:
                if day.weekday() >= 5:
                    continue
                start, end = OFFICE_HOURS
                end_day = day
            else:
                start, end = DAY_SHIFTS[index % 2]
                end_day = day
            shifts.append(
                DemoShift(
                    person.team,
                    person.name,
                    as_utc(datetime.combine(day, start, tzinfo=LONDON)),
                    as_utc(datetime.combine(end_day, end, tzinfo=LONDON)),
                )
            )
        day += timedelta(days=1)
    return shifts


def _call_handler_shift(person: DemoStaff, day: date, ordinal: int) -> DemoShift | None:
    """The `ordinal`th call handler's shift starting on `day`, if they work that day."""
    start, end, weekends = CALL_HANDLER_SHIFTS[ordinal % len(CALL_HANDLER_SHIFTS)]
    if not weekends and day.weekday() >= 5:
        return None
    end_day = day + timedelta(days=1) if end <= start else day
    return DemoShift(
        person.team,
        person.name,
        as_utc(datetime.combine(day, start, tzinfo=LONDON)),
        as_utc(datetime.combine(end_day, end, tzinfo=LONDON)),
    )


DEMO_PASSWORD = "demo-password"
"""Every demo user's password. Published in the README: demo databases only, never a live one."""
DEMO_USERS: tuple[tuple[str, str, Role], ...] = (
    ("handler", "Demo call handler", Role.CALL_HANDLER),
    ("night", "Demo night nurse", Role.NIGHT_STAFF),
    ("supervisor", "Demo supervisor", Role.SUPERVISOR),
    ("admin", "Demo administrator", Role.ADMINISTRATOR),
)
"""One user per role, so each role's screens can be tried."""
