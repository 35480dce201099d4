"""The audit actions: stored strings that never change, and the words the history shows."""

from __future__ import annotations

import pytest

from spr_desk.audit_actions import (
    MILESTONE_WORDS,
    AuditAction,
    label_of,
    moved_to,
    status_action,
    undone_action,
)
from spr_desk.vocabulary import Status


def _old_words(action: str) -> str:
    """How the referral's history turned a stored action into words before the enumeration."""
    return action.replace("status:", "→ ").replace("_", " ")


@pytest.mark.parametrize("action", list(AuditAction))
def test_every_action_has_a_readable_label(action: AuditAction) -> None:
    assert action.label
    assert "_" not in action.label
    assert label_of(action.value) == action.label


@pytest.mark.parametrize("action", list(AuditAction))
def test_labels_are_the_words_the_history_always_showed(action: AuditAction) -> None:
    assert action.label == _old_words(action.value)


def test_values_are_the_strings_stored_in_databases_and_backups() -> None:
    stored = {
        "recorded", "override", "lead_changed", "nhs_number_added", "claimed", "claim released",
        "note added", "follow-up call", "flagged_for_review", "override signed off",
        "rota_imported", "shift_deleted", "handover_built", "handover_sbar_edited",
        "handover_acknowledged", "handover_item_read", "handover_item_unread", "user added",
        "password changed", "user enabled", "user disabled", "signed in", "sign-in failed",
        "signed out", "backed up", "restored", "audit triggers restored",
        "downtime pack built", "paper sheets released", "open queue exported",
        "open queue imported", "downtime drill ran", "read-only copy written",
        "999 referral received", "999 referral updated", "999 reply queued", "999 reply sent",
        "999 reply refused", "GP update drafted", "GP update edited", "GP update queued",
        "GP update sent", "GP update acknowledged", "GP update failed", "GP update expired",
        "CSDS return exported",
    }  # fmt: skip
    assert {action.value for action in AuditAction} == stored


@pytest.mark.parametrize("status", list(Status))
def test_a_move_is_named_by_its_status_and_read_back(status: Status) -> None:
    action = status_action(status)
    assert action == f"status:{status.value}"
    assert moved_to(action) is status
    assert label_of(action) == _old_words(action)


def test_an_undone_milestone_says_which() -> None:
    assert undone_action(Status.CLOSED) == "undone: close"
    assert undone_action(Status.RESPONDED) == "undone: first response"
    for status, words in MILESTONE_WORDS.items():
        assert label_of(undone_action(status)) == f"undone: {words}"
        assert moved_to(undone_action(status)) is None


@pytest.mark.parametrize("stored", ["status:on_hold", "some_old_action", "odd words", ""])
def test_an_unknown_stored_action_still_reads(stored: str) -> None:
    assert label_of(stored) == _old_words(stored)
    assert "_" not in label_of(stored)
    assert moved_to(stored) is None
