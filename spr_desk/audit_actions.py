"""What an audit event says was done: one enumeration of the actions the desk writes, and the
words the referral's history shows for each.

The values are the strings stored in `audit_event.action` (and in every backup): they never
change. Actions formed from a status ("status:allocated", "undone: close") come from
`status_action` and `undone_action`; `label_of` reads any stored string, an old unknown one too.
"""

from __future__ import annotations

from enum import StrEnum

from spr_desk.vocabulary import Status, label


class AuditAction(StrEnum):
    # a referral
    RECORDED = "recorded"
    OVERRIDE = "override"
    LEAD_CHANGED = "lead_changed"
    NHS_NUMBER_ADDED = "nhs_number_added"
    CLAIMED = "claimed"
    CLAIM_RELEASED = "claim released"
    NOTE_ADDED = "note added"
    FOLLOW_UP_CALL = "follow-up call"
    FLAGGED_FOR_REVIEW = "flagged_for_review"
    OVERRIDE_SIGNED_OFF = "override signed off"
    # the rota and the handover
    ROTA_IMPORTED = "rota_imported"
    SHIFT_DELETED = "shift_deleted"
    HANDOVER_BUILT = "handover_built"
    HANDOVER_SBAR_EDITED = "handover_sbar_edited"
    HANDOVER_ACKNOWLEDGED = "handover_acknowledged"
    HANDOVER_ITEM_READ = "handover_item_read"
    HANDOVER_ITEM_UNREAD = "handover_item_unread"
    # users
    USER_ADDED = "user added"
    PASSWORD_CHANGED = "password changed"
    USER_ENABLED = "user enabled"
    USER_DISABLED = "user disabled"
    SIGNED_IN = "signed in"
    SIGN_IN_FAILED = "sign-in failed"
    SIGNED_OUT = "signed out"
    # the database
    BACKED_UP = "backed up"
    RESTORED = "restored"
    AUDIT_TRIGGERS_RESTORED = "audit triggers restored"
    # downtime
    DOWNTIME_PACK_BUILT = "downtime pack built"
    SHEETS_RELEASED = "paper sheets released"
    QUEUE_EXPORTED = "open queue exported"
    QUEUE_IMPORTED = "open queue imported"
    DRILL_RAN = "downtime drill ran"
    COPY_EXPORTED = "read-only copy written"
    # 999 referrals over BaRS
    BARS_RECEIVED = "999 referral received"
    BARS_UPDATED = "999 referral updated"
    BARS_REPLY_QUEUED = "999 reply queued"
    BARS_REPLY_SENT = "999 reply sent"
    BARS_REPLY_REFUSED = "999 reply refused"
    # the GP update over MESH
    GP_UPDATE_DRAFTED = "GP update drafted"
    GP_UPDATE_EDITED = "GP update edited"
    GP_UPDATE_QUEUED = "GP update queued"
    GP_UPDATE_SENT = "GP update sent"
    GP_UPDATE_ACKNOWLEDGED = "GP update acknowledged"
    GP_UPDATE_FAILED = "GP update failed"
    GP_UPDATE_EXPIRED = "GP update expired"
    # the national return
    CSDS_EXPORTED = "CSDS return exported"

    @property
    def label(self) -> str:
        """The words the referral's history shows."""
        return _LABELS[self]


# The words the history has always shown (the value with its underscores as spaces).
_LABELS: dict[AuditAction, str] = {
    AuditAction.RECORDED: "recorded",
    AuditAction.OVERRIDE: "override",
    AuditAction.LEAD_CHANGED: "lead changed",
    AuditAction.NHS_NUMBER_ADDED: "nhs number added",
    AuditAction.CLAIMED: "claimed",
    AuditAction.CLAIM_RELEASED: "claim released",
    AuditAction.NOTE_ADDED: "note added",
    AuditAction.FOLLOW_UP_CALL: "follow-up call",
    AuditAction.FLAGGED_FOR_REVIEW: "flagged for review",
    AuditAction.OVERRIDE_SIGNED_OFF: "override signed off",
    AuditAction.ROTA_IMPORTED: "rota imported",
    AuditAction.SHIFT_DELETED: "shift deleted",
    AuditAction.HANDOVER_BUILT: "handover built",
    AuditAction.HANDOVER_SBAR_EDITED: "handover sbar edited",
    AuditAction.HANDOVER_ACKNOWLEDGED: "handover acknowledged",
    AuditAction.HANDOVER_ITEM_READ: "handover item read",
    AuditAction.HANDOVER_ITEM_UNREAD: "handover item unread",
    AuditAction.USER_ADDED: "user added",
    AuditAction.PASSWORD_CHANGED: "password changed",
    AuditAction.USER_ENABLED: "user enabled",
    AuditAction.USER_DISABLED: "user disabled",
    AuditAction.SIGNED_IN: "signed in",
    AuditAction.SIGN_IN_FAILED: "sign-in failed",
    AuditAction.SIGNED_OUT: "signed out",
    AuditAction.BACKED_UP: "backed up",
    AuditAction.RESTORED: "restored",
    AuditAction.AUDIT_TRIGGERS_RESTORED: "audit triggers restored",
    AuditAction.DOWNTIME_PACK_BUILT: "downtime pack built",
    AuditAction.SHEETS_RELEASED: "paper sheets released",
    AuditAction.QUEUE_EXPORTED: "open queue exported",
    AuditAction.QUEUE_IMPORTED: "open queue imported",
    AuditAction.DRILL_RAN: "downtime drill ran",
    AuditAction.COPY_EXPORTED: "read-only copy written",
    AuditAction.BARS_RECEIVED: "999 referral received",
    AuditAction.BARS_UPDATED: "999 referral updated",
    AuditAction.BARS_REPLY_QUEUED: "999 reply queued",
    AuditAction.BARS_REPLY_SENT: "999 reply sent",
    AuditAction.BARS_REPLY_REFUSED: "999 reply refused",
    AuditAction.GP_UPDATE_DRAFTED: "GP update drafted",
    AuditAction.GP_UPDATE_EDITED: "GP update edited",
    AuditAction.GP_UPDATE_QUEUED: "GP update queued",
    AuditAction.GP_UPDATE_SENT: "GP update sent",
    AuditAction.GP_UPDATE_ACKNOWLEDGED: "GP update acknowledged",
    AuditAction.GP_UPDATE_FAILED: "GP update failed",
    AuditAction.GP_UPDATE_EXPIRED: "GP update expired",
    AuditAction.CSDS_EXPORTED: "CSDS return exported",
}

STATUS_PREFIX = "status:"
"""A lifecycle move's action: the prefix and the new status ("status:allocated")."""

UNDONE_PREFIX = "undone:"
"""An undone milestone's action: the prefix and the milestone's words ("undone: close")."""

MILESTONE_WORDS: dict[Status, str] = {
    Status.ALLOCATED: "allocation",
    Status.RESPONDED: "first response",
    Status.IN_SERVICE: "service started",
    Status.CLOSED: "close",
}
"""The milestones an undo can take back, as its audit event names them ("undone: close")."""


def status_action(status: Status) -> str:
    """The action of a move to `status`."""
    return f"{STATUS_PREFIX}{status.value}"


def undone_action(milestone: Status) -> str:
    """The action of taking a milestone back (one of `MILESTONE_WORDS`)."""
    return f"{UNDONE_PREFIX} {MILESTONE_WORDS[milestone]}"


def moved_to(action: str) -> Status | None:
    """The status a move's action names, or None for any other action."""
    if not action.startswith(STATUS_PREFIX):
        return None
    try:
        return Status(action.removeprefix(STATUS_PREFIX))
    except ValueError:
        return None


def label_of(action: str) -> str:
    """The words for any stored action: a member's label, "→ allocated" for a move, and for a
    string this version does not write (an old one) its underscores as spaces."""
    try:
        return AuditAction(action).label
    except ValueError:
        pass
    status = moved_to(action)
    if status is not None:
        return f"→ {label(status)}"
    return action.replace(STATUS_PREFIX, "→ ").replace("_", " ")
