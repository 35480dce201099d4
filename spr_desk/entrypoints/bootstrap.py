"""The composition root: how a desk service is opened, and how the app is built around one.

The command, the tests and the benchmarks all build the app here, so this is the one place
the desk service (`db`) is handed on as the `Desk` the screens know (`spr_desk.desk_api`):
mypy checks that it is one. Heavy imports (Textual, SQLAlchemy) wait until they are called,
so `spr-desk --help` answers quickly.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from spr_desk.access import Access
from spr_desk.sign_in import IDLE_LOCK, SignedIn
from spr_desk.uktime import utc_now

if TYPE_CHECKING:
    from db.desk import DeskService
    from db.opening import Purpose
    from spr_desk.desk_api import Desk
    from spr_desk.entrypoints.app import SprDeskApp


def open_desk(url: str | None, *, purpose: Purpose = "desk") -> DeskService:
    """Engine, checks, migrations, reference data: everything a desk needs before it opens.
    A command that only reads (purpose "read") writes nothing, not even the reference data, so
    it works on a read-only file."""
    from db.desk import DeskService
    from db.opening import open_engine
    from spr_desk.desk_hours import hours_from_env

    hours = hours_from_env(os.environ)  # a bad SPR_DESK_DAY_STARTS stops here, in one line
    engine = open_engine(url, purpose=purpose)
    desk = DeskService(engine, hours=hours)
    if purpose != "read":
        desk.ensure_reference_data()
    return desk


def build_app(
    desk: DeskService | Callable[[], DeskService],
    *,
    user: str | SignedIn | None = None,
    clock: Callable[[], datetime] = utc_now,
    idle_lock: timedelta = IDLE_LOCK,
    copy_every: timedelta | None = None,
    access: Access | None = None,
) -> SprDeskApp:
    """The desk's app around `desk`, or around a way to open one (the app paints first and
    opens it in a worker). With no `user` it asks someone to sign in; a bare name is an
    administrator (tests and benchmarks). `clock` is the idle lock's; the screens read the
    desk's own. `copy_every`: how often the read-only copy is written (None: never).
    `access`: the screen-reader mode, the bell and the theme."""
    from spr_desk.entrypoints.app import SprDeskApp

    handed: Desk | Callable[[], Desk] = desk  # where DeskService is checked to be a Desk
    return SprDeskApp(
        handed, user=user, clock=clock, idle_lock=idle_lock, copy_every=copy_every, access=access
    )
