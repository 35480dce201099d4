"""What the handler may agree for each outcome (`decide`, `initial_status`): the hazard log's
controls H001, H003, H004 and H005 (safety/hazards.toml).

No matrix cell can be chosen for an emergency or a child's redirect, whatever the reason given;
both are still recorded, as redirected. Any cell other than the recommendation, another lead at
the same response too, needs a reason. An escalated call keeps its response and due time with no
lead, and agreeing a lower response on it is a downward override held for sign-off.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spr_desk.facts import FieldError
from spr_desk.matrix import ALL_AVAILABLE, Availability, recommend
from spr_desk.referral import Decision, decide, initial_status
from spr_desk.urgency_ratchet import needs_sign_off
from spr_desk.vocabulary import Lead, Need, Outcome, RedFlag, Response, Status, Urgency

AT = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
"""A Monday afternoon in winter (GMT), far from any clock change."""
REASON = "The caller insists a nurse can see her today"
EVERY_CELL = [(response, lead) for response in Response for lead in Lead]


@pytest.mark.parametrize(("response", "lead"), EVERY_CELL)
def test_no_matrix_cell_can_be_chosen_for_an_emergency_even_with_a_reason(
    response, lead, make_facts, rules
):
    facts = make_facts(red_flags={RedFlag.STROKE_SIGNS}, urgency={Urgency.CREW_ON_SCENE})
    recommendation = recommend(facts, ALL_AVAILABLE, AT, rules)
    assert recommendation.outcome is Outcome.EMERGENCY
    with pytest.raises(FieldError, match="emergency: no matrix cell applies") as refused:
        decide(recommendation, response, lead, REASON)
    assert refused.value.field == "decision"
    assert decide(recommendation) == Decision(None, None)
    assert initial_status(recommendation) is Status.REDIRECTED


@pytest.mark.parametrize(("response", "lead"), EVERY_CELL)
def test_no_matrix_cell_can_be_chosen_for_a_child_even_with_a_reason(
    response, lead, make_facts, rules
):
    facts = make_facts(age=16, urgency={Urgency.UNSAFE_ALONE_TONIGHT})
    recommendation = recommend(facts, ALL_AVAILABLE, AT, rules)
    assert recommendation.outcome is Outcome.REDIRECT
    with pytest.raises(FieldError, match="redirect: no matrix cell applies") as refused:
        decide(recommendation, response, lead, REASON)
    assert refused.value.field == "decision"
    assert decide(recommendation) == Decision(None, None)
    assert initial_status(recommendation) is Status.REDIRECTED


@pytest.mark.parametrize("lead", [Lead.THERAPIST, Lead.SOCIAL_CARE])
@pytest.mark.parametrize("reason", ["", "   "])
def test_another_lead_at_the_same_response_needs_a_reason_too(lead, reason, make_facts, rules):
    facts = make_facts(needs={Need.MEDICATION}, urgency={Urgency.CREW_ON_SCENE})
    recommendation = recommend(facts, ALL_AVAILABLE, AT, rules)
    assert recommendation.cell == (Response.RAPID, Lead.NURSE)
    with pytest.raises(FieldError) as refused:
        decide(recommendation, Response.RAPID, lead, reason)
    assert refused.value.field == "override_reason"
    agreed = decide(recommendation, Response.RAPID, lead, f"  {REASON}  ")
    assert agreed == Decision(Response.RAPID, lead, REASON)
    assert agreed.is_override
    assert not needs_sign_off(recommendation.response, agreed.response, None)  # not lower


def test_an_escalated_call_keeps_its_response_and_due_time_and_names_no_lead(make_facts, rules):
    nobody_rapid = Availability(frozenset((Response.RAPID, lead) for lead in Lead))
    facts = make_facts(urgency={Urgency.UNSAFE_ALONE_TONIGHT})
    recommendation = recommend(facts, nobody_rapid, AT, rules)
    assert recommendation.outcome is Outcome.ESCALATE
    assert decide(recommendation) == Decision(Response.RAPID, None)
    assert initial_status(recommendation) is Status.RECORDED  # open, on the queue
    assert recommendation.due_at - AT == timedelta(hours=3)
    assert any("escalate" in reason for reason in recommendation.reasons)


def test_agreeing_a_lower_response_on_an_escalated_call_is_held_for_sign_off(make_facts, rules):
    nobody_rapid = Availability(frozenset((Response.RAPID, lead) for lead in Lead))
    facts = make_facts(urgency={Urgency.UNSAFE_ALONE_TONIGHT})
    recommendation = recommend(facts, nobody_rapid, AT, rules)
    with pytest.raises(FieldError) as refused:
        decide(recommendation, Response.FAST, Lead.NURSE)
    assert refused.value.field == "override_reason"
    agreed = decide(recommendation, Response.FAST, Lead.NURSE, REASON)
    assert needs_sign_off(recommendation.response, agreed.response, None)
