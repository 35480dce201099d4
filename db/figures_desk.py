"""The supervisor's charts (issue 19 point 4): the series each chart draws, read from the referrals.

Mixed into `DeskService`; one transaction per action, its audit event inside.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlmodel import Session

from spr_desk.rules import Rules


class FiguresDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]
