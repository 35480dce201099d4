"""Hazard H025: the desk's own log file (`spr-desk.log`, set up as `spr-desk` starts the desk) is
owner-only in an owner-only folder, whatever the umask, and what a working desk writes to it
names references and actions, never a patient's details."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from tests_support import crew_call, fill_demo, mode_of

from db.desk import DeskService
from db.models import Patient
from spr_desk.entrypoints.cli import _log_to_file
from spr_desk.roles import Role
from spr_desk.vocabulary import Status


@pytest.fixture
def desk_log(tmp_path: Path) -> Iterator[Path]:
    """The log file the desk sets up at start (the test's own XDG_STATE_HOME, see conftest),
    under a permissive umask; the root logger is put back as it was afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    old_umask = os.umask(0o022)
    root.handlers[:] = []  # pytest's own handlers are kept aside, not closed by basicConfig
    try:
        _log_to_file()
        yield tmp_path / "xdg-state" / "spr-desk" / "log" / "spr-desk.log"
    finally:
        os.umask(old_umask)
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)


def test_the_log_file_is_owner_only_in_an_owner_only_folder(desk_log: Path) -> None:
    assert desk_log.is_file()
    assert mode_of(desk_log) == 0o600
    assert mode_of(desk_log.parent) == 0o700


def test_a_working_desk_writes_actions_to_the_log_file_and_no_patient_detail(
    desk_log: Path, sqlite_desk: DeskService
) -> None:
    desk = sqlite_desk
    fill_demo(desk, days=2)
    reference = desk.record_referral(crew_call(desk, "Winifred", "Quartermaine"), by="h1")
    desk.move(reference.reference, Status.ALLOCATED, by="h1", team="ACHT Thame")
    desk.add_user("jsmith", Role.CALL_HANDLER, "amber lantern 7", by="admin")
    desk.sign_in("jsmith", "not the password")
    end = desk.now() + timedelta(days=1)
    assert desk.export_referrals(end - timedelta(days=4), end, io.StringIO()) > 0
    for handler in logging.getLogger().handlers:
        handler.flush()

    logged = desk_log.read_text(encoding="utf-8")
    assert reference.reference in logged and "exported" in logged  # the desk does log here
    with Session(desk.engine) as session:
        patients = session.exec(select(Patient)).all()
    assert any(patient.family_name == "Quartermaine" for patient in patients)
    for patient in patients:
        for detail in (patient.nhs_number, patient.family_name, patient.address, patient.postcode):
            if detail:
                assert detail not in logged, detail
    assert "Winifred" not in logged and "not the password" not in logged
    assert mode_of(desk_log) == 0o600
