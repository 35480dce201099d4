"""Hazard H032 (the last backup): with the desk's database ruined, the open queue is still
known. The last backup, given to `spr-desk handover`, prints the pack of every referral open
when it was taken, to paper or to an owner-only file, and changes nothing in the backup."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest
from desk_databases import opened_desk
from tests_support import crew_call, fill_demo, mode_of

from db.backup import backup_database
from spr_desk.entrypoints.cli import main


def stored(path: Path) -> tuple[int, int, int]:
    """The backup's referrals, audit events and stored handovers, read with plain sqlite3."""
    with closing(sqlite3.connect(path)) as connection:
        return tuple(
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("referral", "audit_event", "handover")
        )  # type: ignore[return-value]


def test_the_last_backup_prints_the_handover_of_every_open_referral_when_the_desk_is_down(
    tmp_path: Path, now: datetime, capsys: pytest.CaptureFixture[str]
) -> None:
    live = tmp_path / "live.db"
    backup = tmp_path / "backup.db"
    with opened_desk(f"sqlite:///{live}", now) as desk:
        fill_demo(desk, days=2)
        desk.record_referral(crew_call(desk), by="h1")
        open_then = {row.reference for row in desk.open_queue()}
        backup_database(f"sqlite:///{live}", backup, by="h1")
    assert len(open_then) > 5
    live.write_bytes(os.urandom(50_000))  # the desk's own database is lost
    kept = stored(backup)
    at = ["--at", now.isoformat(), "--db", f"sqlite:///{backup}"]

    assert main(["handover", *at, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {row["reference"] for row in rows} == open_then
    assert len(rows) == len(open_then)  # each open referral once

    pack = tmp_path / "pack.md"
    assert main(["handover", *at, "-o", str(pack)]) == 0
    assert capsys.readouterr().err == f"Wrote the handover pack to {pack}\n"
    text = pack.read_text(encoding="utf-8")
    assert text.startswith("# ") and all(f"## {ref}" in text for ref in open_then)
    assert mode_of(pack) == 0o600
    assert stored(backup) == kept  # printing the pack stores nothing in the backup
