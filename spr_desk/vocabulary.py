"""The desk's vocabulary: every enum the facts, the matrix and the lifecycle speak in.

Member values are the words used in scenario files, the database and `spr-desk recommend`;
`LABELS` holds the plain-English words a handler reads on screen.
"""

from __future__ import annotations

from enum import StrEnum


class Pathway(StrEnum):
    STEP_UP = "step_up"
    STEP_DOWN = "step_down"


class Setting(StrEnum):
    HOME = "home"
    CARE_HOME = "care_home"
    HOSPITAL_WARD = "hospital_ward"
    EMERGENCY_DEPARTMENT = "emergency_department"
    OTHER = "other"


class RedFlag(StrEnum):
    STROKE_SIGNS = "stroke_signs"
    CHEST_PAIN = "chest_pain"
    SEVERE_BREATHLESSNESS = "severe_breathlessness"
    REDUCED_CONSCIOUSNESS = "reduced_consciousness"
    SUSPECTED_SEPSIS = "suspected_sepsis"
    MAJOR_BLEEDING = "major_bleeding"
    SUSPECTED_FRACTURE = "suspected_fracture"


class NeedGroup(StrEnum):
    CLINICAL = "clinical"
    FUNCTION = "function"
    DAILY_LIVING = "daily_living"


class Need(StrEnum):
    # clinical
    MEDICATION = "medication"
    WOUND_CARE = "wound_care"
    CATHETER_CONTINENCE = "catheter_continence"
    DEHYDRATION = "dehydration"
    INFECTION = "infection"
    LONG_TERM_CONDITION_EXACERBATION = "long_term_condition_exacerbation"
    END_OF_LIFE = "end_of_life"
    # function
    FALL_NO_INJURY = "fall_no_injury"
    REDUCED_MOBILITY = "reduced_mobility"
    TRANSFERS = "transfers"
    EQUIPMENT = "equipment"
    HOME_SAFETY = "home_safety"
    # daily living
    PERSONAL_CARE = "personal_care"
    MEALS = "meals"
    CARER_BREAKDOWN = "carer_breakdown"
    PACKAGE_OF_CARE = "package_of_care"


class Urgency(StrEnum):
    # within hours
    ADMISSION_RISK_WITHIN_HOURS = "admission_risk_within_hours"
    UNSAFE_ALONE_TONIGHT = "unsafe_alone_tonight"
    CARER_BREAKDOWN_NOW = "carer_breakdown_now"
    CREW_ON_SCENE = "crew_on_scene"
    DISCHARGE_TODAY = "discharge_today"
    # within a day
    DETERIORATING = "deteriorating"
    NEW_NEED_WITHIN_DAY = "new_need_within_day"
    DISCHARGE_TOMORROW = "discharge_tomorrow"


class Response(StrEnum):
    """The matrix rows, most urgent first."""

    RAPID = "rapid"
    FAST = "fast"
    NORMAL = "normal"


class Lead(StrEnum):
    """The matrix columns: the profession that leads the first response."""

    NURSE = "nurse"
    THERAPIST = "therapist"
    SOCIAL_CARE = "social_care"


class Outcome(StrEnum):
    """What `recommend` concludes."""

    MATRIX = "matrix"
    EMERGENCY = "emergency"
    REDIRECT = "redirect"
    ESCALATE = "escalate"


class Status(StrEnum):
    """Where a referral is in its life."""

    DRAFT = "draft"
    RECEIVED = "received"
    """Sent electronically (a 999 referral over BaRS), not yet triaged at the desk."""
    RECORDED = "recorded"
    ALLOCATED = "allocated"
    RESPONDED = "responded"
    IN_SERVICE = "in_service"
    CLOSED = "closed"
    REDIRECTED = "redirected"
    CANCELLED = "cancelled"


class Source(StrEnum):
    """How a referral reached the desk, when not by a call typed in as it was taken."""

    BARS_999 = "999_bars"
    """A 999 ambulance service's Validation Request over BaRS (use case a4t3)."""


class UcrCondition(StrEnum):
    """The nine conditions of the national 2-hour Urgent Community Response (NHS.md section 3),
    asked in the call when the response is Rapid; `NOT_UCR` carries a reason beside it."""

    FALL_NO_SERIOUS_INJURY = "fall"
    DECOMPENSATION_OF_FRAILTY = "frailty_decompensation"
    REDUCED_FUNCTION = "reduced_function"
    PALLIATIVE_CRISIS = "palliative_crisis"
    URGENT_EQUIPMENT = "urgent_equipment"
    CONFUSION_OR_DELIRIUM = "confusion_delirium"
    URGENT_CATHETER_CARE = "urgent_catheter"
    URGENT_DIABETES_SUPPORT = "urgent_diabetes"
    UNPAID_CARER_BREAKDOWN = "unpaid_carer_breakdown"
    NOT_UCR = "not_ucr"


class GpUpdateState(StrEnum):
    """Where the end-of-episode update to the patient's GP practice is (issue 19)."""

    DRAFTED = "drafted"
    """Written (and editable); not yet handed to the outbox."""
    QUEUED = "queued"
    """In the outbox, waiting for MESH (kept through a restart)."""
    SENT = "sent"
    """Accepted by MESH: it has a MESH message id; the practice has not collected it yet."""
    ACKNOWLEDGED = "acknowledged"
    """The practice downloaded and acknowledged it."""
    EXPIRED = "expired"
    """MESH gave up: not collected within its 5 days."""
    FAILED = "failed"
    """Refused for good (no mailbox for the practice, or MESH said no); needs a person."""


class ReferrerRole(StrEnum):
    """The professionals the SPR takes referrals from (reference 001:470-478)."""

    WARD_TEAM = "ward_team"
    GP_OR_PRACTICE_NURSE = "gp_or_practice_nurse"
    GP_OUT_OF_HOURS = "gp_out_of_hours"
    HOSPITAL_OR_AE = "hospital_or_ae"
    COMMUNITY_HEALTH_OR_SOCIAL_CARE = "community_health_or_social_care"
    AMBULANCE_CREW = "ambulance_crew"
    CARE_HOME = "care_home"
    OTHER = "other"


class NhsNumberStatus(StrEnum):
    """How far an NHS number is known to be right: UK Core's verification status for England
    (`UKCore-NHSNumberVerificationStatusEngland`, shared/NHS.md section 1), its own codes."""

    PRESENT_AND_VERIFIED = "01"
    PRESENT_NOT_TRACED = "02"
    TRACE_REQUIRED = "03"
    TRACE_ATTEMPTED = "04"
    TRACE_TO_BE_RESOLVED = "05"
    TRACE_IN_PROGRESS = "06"
    NOT_PRESENT_NO_TRACE = "07"
    TRACE_POSTPONED = "08"


class NhsNumberUnavailable(StrEnum):
    """Why a patient has no NHS number on the referral: UK Core's unavailable reasons."""

    NOT_KNOWN = "nhs-number-not-known"
    OVERSEAS = "overseas-patient"
    DEVOLVED_NATION = "devolved-nation"


class CloseOutcome(StrEnum):
    """How an episode ended."""

    NO_FURTHER_SERVICES = "no_further_services"
    ONGOING_CARE_ARRANGED = "ongoing_care_arranged"
    ADMITTED_TO_HOSPITAL = "admitted_to_hospital"
    BED_BASED_CARE = "bed_based_care"
    DECLINED = "declined"
    DIED = "died"
    OTHER = "other"


class NoteKind(StrEnum):
    """What was added to a referral after it was recorded."""

    NOTE = "note"
    FOLLOW_UP_CALL = "follow_up_call"


class StaffRole(StrEnum):
    """Roles on the rota; `LEAD_OF_ROLE` says which matrix column each can lead."""

    NURSE = "nurse"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"
    PHYSIOTHERAPIST = "physiotherapist"
    HCA = "hca"
    REABLEMENT_WORKER = "reablement_worker"
    REABLEMENT_ASSESSOR = "reablement_assessor"
    SOCIAL_WORKER = "social_worker"
    SOCIAL_WORK_ASSISTANT = "social_work_assistant"
    COORDINATOR = "coordinator"
    MANAGER = "manager"


LEAD_OF_ROLE: dict[StaffRole, Lead] = {
    StaffRole.NURSE: Lead.NURSE,
    StaffRole.OCCUPATIONAL_THERAPIST: Lead.THERAPIST,
    StaffRole.PHYSIOTHERAPIST: Lead.THERAPIST,
    StaffRole.REABLEMENT_ASSESSOR: Lead.SOCIAL_CARE,
    StaffRole.SOCIAL_WORKER: Lead.SOCIAL_CARE,
}
"""Roles that can lead a first response; HCAs, reablement workers and the rest support one."""

RESPONSE_WORDS: dict[Response, str] = {
    Response.RAPID: "Rapid (within 3 hours)",
    Response.FAST: "Fast (within 1 day)",
    Response.NORMAL: "Normal (within 3 days)",
}

LABELS: dict[StrEnum, str] = {
    NoteKind.NOTE: "note",
    NoteKind.FOLLOW_UP_CALL: "follow-up call",
    Pathway.STEP_UP: "step-up (avoid an admission)",
    Pathway.STEP_DOWN: "step-down (support a discharge)",
    Setting.HOME: "home",
    Setting.CARE_HOME: "care home",
    Setting.HOSPITAL_WARD: "hospital ward",
    Setting.EMERGENCY_DEPARTMENT: "A&E",
    Setting.OTHER: "other",
    RedFlag.STROKE_SIGNS: "signs of a stroke",
    RedFlag.CHEST_PAIN: "chest pain",
    RedFlag.SEVERE_BREATHLESSNESS: "severe breathlessness",
    RedFlag.REDUCED_CONSCIOUSNESS: "reduced consciousness",
    RedFlag.SUSPECTED_SEPSIS: "suspected sepsis",
    RedFlag.MAJOR_BLEEDING: "major bleeding",
    RedFlag.SUSPECTED_FRACTURE: "a suspected fracture after a fall",
    NeedGroup.CLINICAL: "clinical",
    NeedGroup.FUNCTION: "function",
    NeedGroup.DAILY_LIVING: "daily living",
    Need.MEDICATION: "medication",
    Need.WOUND_CARE: "wound care",
    Need.CATHETER_CONTINENCE: "catheter or continence care",
    Need.DEHYDRATION: "dehydration",
    Need.INFECTION: "infection",
    Need.LONG_TERM_CONDITION_EXACERBATION: "a long-term condition getting worse",
    Need.END_OF_LIFE: "end-of-life care",
    Need.FALL_NO_INJURY: "a fall without injury",
    Need.REDUCED_MOBILITY: "reduced mobility",
    Need.TRANSFERS: "transfers",
    Need.EQUIPMENT: "equipment",
    Need.HOME_SAFETY: "home safety",
    Need.PERSONAL_CARE: "personal care",
    Need.MEALS: "meals",
    Need.CARER_BREAKDOWN: "carer breakdown",
    Need.PACKAGE_OF_CARE: "a package of care",
    Urgency.ADMISSION_RISK_WITHIN_HOURS: "at risk of admission within hours",
    Urgency.UNSAFE_ALONE_TONIGHT: "alone and unable to manage tonight",
    Urgency.CARER_BREAKDOWN_NOW: "the carer has broken down now",
    Urgency.CREW_ON_SCENE: "a crew is on scene, waiting",
    Urgency.DISCHARGE_TODAY: "discharge is today",
    Urgency.DETERIORATING: "deteriorating",
    Urgency.NEW_NEED_WITHIN_DAY: "a new need to meet within a day",
    Urgency.DISCHARGE_TOMORROW: "discharge is tomorrow",
    Response.RAPID: "Rapid",
    Response.FAST: "Fast",
    Response.NORMAL: "Normal",
    Lead.NURSE: "Nurse",
    Lead.THERAPIST: "Therapist",
    Lead.SOCIAL_CARE: "Social care",
    Status.DRAFT: "draft",
    Status.RECEIVED: "received",
    Status.RECORDED: "recorded",
    Status.ALLOCATED: "allocated",
    Status.RESPONDED: "responded",
    Status.IN_SERVICE: "in service",
    Status.CLOSED: "closed",
    Status.REDIRECTED: "redirected",
    Status.CANCELLED: "cancelled",
    Source.BARS_999: "999 (BaRS)",
    UcrCondition.FALL_NO_SERIOUS_INJURY: "fall, no serious injury",
    UcrCondition.DECOMPENSATION_OF_FRAILTY: "decompensation of frailty",
    UcrCondition.REDUCED_FUNCTION: "reduced function or deconditioning",
    UcrCondition.PALLIATIVE_CRISIS: "palliative or end-of-life crisis",
    UcrCondition.URGENT_EQUIPMENT: "urgent equipment",
    UcrCondition.CONFUSION_OR_DELIRIUM: "confusion or delirium",
    UcrCondition.URGENT_CATHETER_CARE: "urgent catheter care",
    UcrCondition.URGENT_DIABETES_SUPPORT: "urgent diabetes support",
    UcrCondition.UNPAID_CARER_BREAKDOWN: "unpaid carer breakdown",
    UcrCondition.NOT_UCR: "not UCR",
    GpUpdateState.DRAFTED: "drafted",
    GpUpdateState.QUEUED: "waiting to send",
    GpUpdateState.SENT: "sent",
    GpUpdateState.ACKNOWLEDGED: "acknowledged",
    GpUpdateState.EXPIRED: "expired",
    GpUpdateState.FAILED: "failed",
    ReferrerRole.WARD_TEAM: "ward team",
    ReferrerRole.GP_OR_PRACTICE_NURSE: "GP or practice nurse",
    ReferrerRole.GP_OUT_OF_HOURS: "GP out-of-hours",
    ReferrerRole.HOSPITAL_OR_AE: "A&E or hospital staff",
    ReferrerRole.COMMUNITY_HEALTH_OR_SOCIAL_CARE: "community health or social care",
    ReferrerRole.AMBULANCE_CREW: "ambulance crew",
    ReferrerRole.CARE_HOME: "nursing or residential home",
    ReferrerRole.OTHER: "other",
    NhsNumberStatus.PRESENT_AND_VERIFIED: "present and verified",
    NhsNumberStatus.PRESENT_NOT_TRACED: "present but not traced",
    NhsNumberStatus.TRACE_REQUIRED: "trace required",
    NhsNumberStatus.TRACE_ATTEMPTED: "trace attempted (no or several matches)",
    NhsNumberStatus.TRACE_TO_BE_RESOLVED: "trace needs to be resolved",
    NhsNumberStatus.TRACE_IN_PROGRESS: "trace in progress",
    NhsNumberStatus.NOT_PRESENT_NO_TRACE: "not present, trace not required",
    NhsNumberStatus.TRACE_POSTPONED: "trace postponed (baby under six weeks)",
    NhsNumberUnavailable.NOT_KNOWN: "not known",
    NhsNumberUnavailable.OVERSEAS: "overseas patient",
    NhsNumberUnavailable.DEVOLVED_NATION: "from a devolved nation (Scotland, Wales, NI)",
    CloseOutcome.NO_FURTHER_SERVICES: "no further services",
    CloseOutcome.ONGOING_CARE_ARRANGED: "ongoing care arranged",
    CloseOutcome.ADMITTED_TO_HOSPITAL: "admitted to hospital",
    CloseOutcome.BED_BASED_CARE: "bed-based care",
    CloseOutcome.DECLINED: "declined",
    CloseOutcome.DIED: "died",
    CloseOutcome.OTHER: "other",
    # Staff roles as the rota reads them (StaffRole.NURSE shares Lead.NURSE's "Nurse").
    StaffRole.OCCUPATIONAL_THERAPIST: "OT",
    StaffRole.PHYSIOTHERAPIST: "physio",
    StaffRole.HCA: "HCA",
}


def label(member: StrEnum) -> str:
    """The words a handler reads for a vocabulary member."""
    return LABELS.get(member, member.value.replace("_", " "))


def word_for(value: str | None, enum: type[StrEnum]) -> str:
    """The handler's words for a stored value: `-` when empty, the value itself when it is not
    (or no longer) in the vocabulary, so an old row still shows what it holds."""
    if not value:
        return "-"
    try:
        return label(enum(value))
    except ValueError:
        return value


def cell_words(response: str | None, lead: str | None) -> str:
    """`Rapid/Nurse`: a matrix cell as the board and the supervisor show it."""
    return f"{word_for(response, Response)}/{word_for(lead, Lead)}"


def no_nhs_number_words(reason: str | None) -> str:
    """Why a patient has no NHS number, in the same words on every screen: "not known", or
    "not known (overseas patient)" (the reason "not known" is not said twice)."""
    if reason and reason != NhsNumberUnavailable.NOT_KNOWN.value:
        return f"not known ({word_for(reason, NhsNumberUnavailable)})"
    return "not known"
