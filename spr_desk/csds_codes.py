"""The desk's vocabulary as the Community Services Data Set's codes (NHS.md section 3).

Sources: the CSDS table and column names are those of /work/shared/NHS.md section 3 (CYP101,
CYP102, CYP201), written in the lower snake case of the CSDS Technical Output Specification.
The code lists are the NHS Data Model and Dictionary's for each data element, as far as this
desk's authors know them: the reference corpus searched ("CSDS CYP101 CYP102 CYP201", "CSDS UCR
primary reason for referral") held no CSDS specification, so every list here is to be checked
against the current CSDS Technical Output Specification before a live submission. A list that
could not be confirmed says so beside it.
"""

from __future__ import annotations

from spr_desk.vocabulary import Lead, ReferrerRole, Response, Setting, UcrCondition

CYP101_COLUMNS: tuple[str, ...] = (
    "service_request_identifier",
    "referral_request_received_date",
    "referral_request_received_time",
    "source_of_referral_for_community",
    "primary_reason_for_referral_community_care",
    "priority_type_code",
    "referring_care_professional_staff_group_community_care",
    "referring_organisation_code",
    "organisation_code_provider",
    "service_discharge_date",
)
"""CYP101 Service or Team Referral: the referral (NHS.md section 3, exactly)."""

CYP102_COLUMNS: tuple[str, ...] = (
    "service_request_identifier",
    "team_unique_identifier",
    "service_or_team_type_referred_to_community_care",
    "referral_closure_date",
    "referral_rejection_date",
)
"""CYP102 Service or Team Type Referred To: the team, with its closure and rejection dates
(NHS.md names the table's content, not its columns: these are the CSDS data elements' names)."""

CYP201_COLUMNS: tuple[str, ...] = (
    "care_contact_identifier",
    "service_request_identifier",
    "care_contact_date",
    "care_contact_time",
    "attended_or_did_not_attend_code",
    "consultation_mechanism_community_care",
    "activity_location_type_code",
    "clinical_contact_duration_of_care_contact",
)
"""CYP201 Care Contact (NHS.md section 3), with the service request it belongs to (the CSDS
links a care contact to its referral by SERVICE REQUEST IDENTIFIER)."""

SOURCE_OF_REFERRAL: dict[ReferrerRole, str] = {
    ReferrerRole.GP_OR_PRACTICE_NURSE: "A1",  # General Medical Practitioner
    ReferrerRole.GP_OUT_OF_HOURS: "A3",  # Other Primary Health Care
    ReferrerRole.COMMUNITY_HEALTH_OR_SOCIAL_CARE: "A4",  # Local Authority Social Services
    ReferrerRole.HOSPITAL_OR_AE: "H1",  # Acute Secondary Care: Emergency Care Department
    ReferrerRole.WARD_TEAM: "H2",  # Acute Secondary Care: Inpatient Service
    ReferrerRole.AMBULANCE_CREW: "M4",  # Urgent and Emergency Care Ambulance Service
    ReferrerRole.CARE_HOME: "G3",  # Other Independent Sector Provider (to check)
    ReferrerRole.OTHER: "M6",  # Other Service or Agency (to check)
}
"""SOURCE OF REFERRAL FOR COMMUNITY, by who called."""

PRIORITY_TYPE: dict[Response, str] = {
    Response.RAPID: "2",  # Urgent
    Response.FAST: "2",  # Urgent
    Response.NORMAL: "1",  # Routine
}
"""PRIORITY TYPE CODE (1 Routine, 2 Urgent, 3 Two Week Wait)."""

STAFF_GROUP: dict[ReferrerRole, str] = {
    ReferrerRole.GP_OR_PRACTICE_NURSE: "01",  # Medical
    ReferrerRole.GP_OUT_OF_HOURS: "01",  # Medical
    ReferrerRole.HOSPITAL_OR_AE: "01",  # Medical
    ReferrerRole.WARD_TEAM: "02",  # Nursing
    ReferrerRole.CARE_HOME: "02",  # Nursing
    ReferrerRole.AMBULANCE_CREW: "03",  # Allied Health Professional (paramedic)
    ReferrerRole.COMMUNITY_HEALTH_OR_SOCIAL_CARE: "05",  # Social care (to check)
    ReferrerRole.OTHER: "99",  # Other (to check)
}
"""REFERRING CARE PROFESSIONAL STAFF GROUP (COMMUNITY CARE): this list could not be confirmed."""

UCR_REASON: dict[UcrCondition, str] = {
    UcrCondition.FALL_NO_SERIOUS_INJURY: "U1",
    UcrCondition.DECOMPENSATION_OF_FRAILTY: "U2",
    UcrCondition.REDUCED_FUNCTION: "U3",
    UcrCondition.PALLIATIVE_CRISIS: "U4",
    UcrCondition.URGENT_EQUIPMENT: "U5",
    UcrCondition.CONFUSION_OR_DELIRIUM: "U6",
    UcrCondition.URGENT_CATHETER_CARE: "U7",
    UcrCondition.URGENT_DIABETES_SUPPORT: "U8",
    UcrCondition.UNPAID_CARER_BREAKDOWN: "U9",
}
"""The nine 2-hour UCR conditions in PRIMARY REASON FOR REFERRAL (COMMUNITY CARE), the field
the CSDS counts 2-hour UCR referrals by. The national codes for the nine could not be found
here: these two-character codes keep the field's width and are LOCAL PLACEHOLDERS, one per
condition in the national guidance's order, to be replaced by the national ones. A Rapid
referral that is not UCR, and any other, leaves the field empty (the desk holds no reason code
for them)."""

UCR_REASON_CODES: frozenset[str] = frozenset(UCR_REASON.values())

TEAM_TYPE: dict[Lead, str] = {
    Lead.NURSE: "08",  # District / community nursing (to check)
    Lead.THERAPIST: "11",  # Community rehabilitation / therapy (to check)
    Lead.SOCIAL_CARE: "22",  # Reablement (to check)
}
"""SERVICE OR TEAM TYPE REFERRED TO (COMMUNITY CARE), by the lead: could not be confirmed."""

ATTENDED = "5"
"""ATTENDED OR DID NOT ATTEND: 5, attended on time (the desk records a first response only
when it was made)."""

FACE_TO_FACE = "01"
"""CONSULTATION MEDIUM USED: 01 face to face (a first response is a visit)."""

LOCATION_TYPE: dict[Setting, str] = {
    Setting.HOME: "A01",  # Patient's or client's home
    Setting.CARE_HOME: "G01",  # Care home (to check)
    Setting.HOSPITAL_WARD: "E02",  # Hospital ward (to check)
    Setting.EMERGENCY_DEPARTMENT: "E01",  # Emergency department (to check)
    Setting.OTHER: "X01",  # Other (to check)
}
"""ACTIVITY LOCATION TYPE CODE, by where the person was when referred."""

DEFAULT_PROVIDER = "RXQ"
"""ORGANISATION CODE (CODE OF PROVIDER): Buckinghamshire Healthcare NHS Trust's ODS code, whose
ACHT teams the desk allocates to (`reference_data.TEAMS`); `--provider` gives another."""

DEFAULT_POPULATION = 553_100
"""The referral rate's population: Buckinghamshire's usual residents at Census 2021 (ONS,
553,100), the county the seven ACHT localities cover (`CsdsDesk.population` sets another)."""
