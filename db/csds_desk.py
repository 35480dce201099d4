"""The national return (issue 19 point 3): a month's CSDS rows and the four UCR measures from them.

Mixed into `DeskService`; one transaction per action, its audit event inside.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlmodel import Session

from spr_desk.rules import Rules


class CsdsDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]
