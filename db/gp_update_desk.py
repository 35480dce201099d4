"""The GP update (issue 19 points 1-2): drafted, edited, queued for MESH, tracked to acknowledged.

Mixed into `DeskService`; one transaction per action, its audit event inside.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlmodel import Session

from spr_desk.rules import Rules


class GpUpdateDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]
