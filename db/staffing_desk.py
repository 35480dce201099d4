"""Staffing (issue 19 point 5): the call profile and the handlers on the rota, for `rota check`
and the supervisor's panel.

Mixed into `DeskService`; one transaction per action, its audit event inside.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlmodel import Session

from spr_desk.rules import Rules


class StaffingDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]
