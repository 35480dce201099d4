"""The desk service's work on a referral after it is recorded (mixed into `DeskService`):
milestones with the time and person given, their undo, notes and follow-up calls.

The same rules hold as in `db/desk.py`: one transaction per action, audit events inside it,
plain dataclasses out.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlmodel import Session

from spr_desk.rules import Rules


class ReferralDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]
