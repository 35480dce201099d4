"""The national return (issue 19 point 3): a month's CSDS rows and the four UCR measures from them.

Mixed into `DeskService`; one transaction per action, its audit event inside.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime

from sqlmodel import Session

from db import audit
from db.csds import month_sources
from spr_desk.audit_actions import AuditAction
from spr_desk.csds import (
    CsdsReturn,
    MonthError,
    UcrMeasures,
    csds_rows,
    month_instants,
    parse_month,
    ucr_measures_of,
)
from spr_desk.csds_codes import DEFAULT_POPULATION, DEFAULT_PROVIDER
from spr_desk.desk_api import DeskError
from spr_desk.rules import Rules

log = logging.getLogger(__name__)

CSDS = "csds"
"""The audit trail's entity for the national return."""


class CsdsDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]

    population: int = DEFAULT_POPULATION
    """The referral rate's population (`csds_codes.DEFAULT_POPULATION`)."""

    def csds_return(self, month: str, *, provider: str = DEFAULT_PROVIDER) -> CsdsReturn:
        """The month's CSDS rows (`YYYY-MM`, UK local days), read in one snapshot.

        Raises:
            DeskError: `month` is not a month.
        """
        start, end = month_instants(_month(month))
        with self._read() as session:
            sources = month_sources(session=session, start=start, end=end)
        return csds_rows(sources, month.strip(), provider)

    def ucr_measures(self, month: str) -> UcrMeasures:
        """The four national UCR measures for the month, from the same rows the export writes.

        Raises:
            DeskError: `month` is not a month.
        """
        return ucr_measures_of(self.csds_return(month), self.population, now=self.now())

    def export_csds(
        self,
        month: str,
        write: Callable[[CsdsReturn], None],
        *,
        by: str,
        provider: str = DEFAULT_PROVIDER,
    ) -> CsdsReturn:
        """Read the month's rows, have `write` write them (the files), then audit the export:
        who, when, which month, how many rows. Nothing is audited when `write` fails.

        Raises:
            DeskError: `month` is not a month.
        """
        rows = self.csds_return(month, provider=provider)
        write(rows)
        counts = {
            "CYP101": len(rows.cyp101),
            "CYP102": len(rows.cyp102),
            "CYP201": len(rows.cyp201),
        }
        with self._write() as session:
            audit.record(
                session,
                AuditAction.CSDS_EXPORTED,
                by=by,
                at=self.now(),
                entity=CSDS,
                entity_id=rows.month,
                after={"month": rows.month, **counts},
                detail=f"CSDS return for {rows.month}: {rows.row_count} rows",
            )
        log.info("CSDS return for %s exported: %d rows", rows.month, rows.row_count)
        return rows


def _month(text: str) -> date:
    try:
        return parse_month(text)
    except MonthError as error:
        raise DeskError(str(error)) from None
