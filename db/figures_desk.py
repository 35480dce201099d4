"""The supervisor's charts (issue 19 point 4): the series each chart draws, read from the referrals.

Mixed into `DeskService`. A read only: no transaction of its own to write, no audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlmodel import Session

from db import figures
from spr_desk.desk_api import DeskError
from spr_desk.figures import DEFAULT_WEEKS, ChartSeries, chart_series, read_since
from spr_desk.rules import Rules


class FiguresDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]

    def chart_series(self, *, weeks: int = DEFAULT_WEEKS) -> ChartSeries:
        """Every chart's series at the desk's now: the last `weeks` ISO weeks (this one to now
        included), the last 28 UK days, and the open queue.

        Raises:
            DeskError: `weeks` below 1.
        """
        if weeks < 1:
            raise DeskError("Show at least one week.")
        now = self.now()
        with self._read() as session:
            rows = figures.figure_rows(session=session, since=read_since(now, weeks))
        return chart_series(rows, now, weeks)
