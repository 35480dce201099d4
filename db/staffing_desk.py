"""Staffing (issue 19 point 5): the call profile and the handlers on the rota, for `rota check`
and the supervisor's panel.

Mixed into `DeskService`; reads only.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from sqlmodel import Session

from db import staffing
from spr_desk.call_profile import (
    HOUR,
    ROTA_DAYS,
    WINDOW,
    StaffingTable,
    call_profile,
    staffing_table,
)
from spr_desk.rules import Rules
from spr_desk.uktime import as_local, uk_days


class StaffingDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]

    def staffing_check(
        self, *, target: float = 0.95, within_seconds: int = 60, floor: int = 1
    ) -> StaffingTable:
        """The handlers each hour of the 7 UK days from today needs for `target` of the calls
        answered within `within_seconds` (never fewer than `floor`), from the live calls of
        the last 8 weeks, beside the call handlers on the rota.

        Raises:
            ValueError: a target outside (0, 1), a negative answer time or floor.
        """
        now = self.now()
        today = as_local(now).date()
        rota_start, rota_end = uk_days(today, today + timedelta(days=ROTA_DAYS - 1))
        with self._read() as session:
            # From the whole hour before: the profile's window starts on the hour.
            calls = staffing.live_calls(session=session, start=now - WINDOW - HOUR, end=now)
            first_call = staffing.first_live_call(session=session)
            # From a week before: a day not entered yet takes that week's shape.
            shifts = staffing.call_handler_shifts(
                session=session, start=rota_start - timedelta(days=ROTA_DAYS), end=rota_end
            )
        return staffing_table(
            call_profile(calls, now=now, first_call=first_call),
            shifts,
            first_day=today,
            target=target,
            within_seconds=within_seconds,
            floor=floor,
        )
