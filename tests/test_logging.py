"""No patient detail reaches a log line, whatever the log level."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import Session, select
from tests_support import fill_demo

from db.desk import DeskService
from db.models import Patient
from spr_desk.vocabulary import Status


def test_no_log_line_carries_a_patient_detail(
    desk: DeskService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy quietens its own loggers to WARNING; open them up as a careless admin might.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    fill_demo(desk, days=2)
    reference = desk.open_queue()[0].reference
    if desk.summary(reference).status is Status.RECORDED:
        desk.move(reference, Status.ALLOCATED, by="h", team="ACHT Thame")
    with Session(desk.engine) as session:
        patients = session.exec(select(Patient)).all()
    assert caplog.records, "the desk logs its actions"
    logged = caplog.text
    assert "demo:" in logged
    # Statement logging was on, so the engine's hidden parameters are really being tested.
    assert "INSERT INTO referral" in logged
    for patient in patients:
        for detail in (patient.nhs_number, patient.family_name, patient.address, patient.postcode):
            assert detail not in logged
