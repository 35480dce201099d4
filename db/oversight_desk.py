"""The desk service's supervisor work (mixed into `DeskService`): responses set lower than the
facts asked for, held until a supervisor signs them off.

The same rules hold as in `db/desk.py`: one transaction per action, audit events inside it,
plain dataclasses out.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlmodel import Session


class OversightDesk:
    """Mixed into `DeskService`, which provides these."""

    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]
