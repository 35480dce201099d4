"""`spr-desk downtime ...` (hazards H032, H033) on a real SQLite desk: the pack printed and read
back as a person reads it (poppler renders and reads the PDF), paper sheets entered with their
written times, the unused released, the open queue handed to a neighbour, and the drill."""

from __future__ import annotations

import getpass
import json
from datetime import timedelta
from pathlib import Path

import pytest
from desk_databases import opened_desk
from pdf_text import pdf_page_count, pdf_pages_png, pdf_text
from tests_support import crew_call, mode_of

from spr_desk.downtime.paper import SheetState
from spr_desk.entrypoints.cli import main
from spr_desk.milestones import given_time_text
from spr_desk.rules import default_rules
from spr_desk.uktime import utc_now


@pytest.fixture
def demo_url(tmp_path: Path, templates: object) -> str:
    return templates.sqlite_copy("demo", tmp_path / "desk.db")  # type: ignore[attr-defined]


def test_the_demo_pack_renders_and_reads_with_every_open_referral_and_its_reserved_sheets(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "pack.pdf"
    assert main(["downtime", "pack", "--db", demo_url, "-o", str(pdf), "--sheets", "12"]) == 0
    said = capsys.readouterr().err
    assert said.startswith(f"Wrote the downtime pack to {pdf}: ") and "12 sheets reserved" in said
    assert mode_of(pdf) == 0o600
    pages = pdf_pages_png(pdf, tmp_path / "png")
    assert len(pages) == pdf_page_count(pdf) > 12 and all(p.stat().st_size > 500 for p in pages)

    text = pdf_text(pdf)
    with opened_desk(demo_url, utc_now()) as desk:
        open_now = [row.reference for row in desk.open_queue()]
        sheets = [s.reference for s in desk.reserved_sheets([SheetState.RESERVED])]
        assert len(open_now) > 20 and len(sheets) == 12
        assert [ref for ref in open_now if ref not in text] == []
        assert [ref for ref in sheets if ref not in text] == []
        assert f"rules version {default_rules().version}" in text.lower()
        live = {desk.record_referral(crew_call(desk), by="h1").reference for _ in range(15)}
        assert not live & set(sheets)  # the database never issues a reserved number


def _sheet(reference: str | None, written: str, **facts: object) -> dict[str, object]:
    return {
        "reference": reference,
        "received": written,
        "taken_by": "Night Handler",
        "caller": {"name": "Crew 12", "role": "ambulance_crew", "phone": "999"},
        "patient": {"nhs_number": "9434765919", "given_name": "Ada", "family_name": "Lovelace"},
        "facts": {"pathway": "step_up", "setting": "home", "needs": ["fall_no_injury"], **facts},
    }


def test_sheets_come_back_in_with_their_written_times_and_never_twice(
    tmp_path: Path, templates: object, capsys: pytest.CaptureFixture[str]
) -> None:
    url = templates.sqlite_copy("migrated", tmp_path / "desk.db")  # type: ignore[attr-defined]
    now = utc_now()
    with opened_desk(url, now - timedelta(hours=7)) as desk:  # printed before the outage
        pack = desk.build_downtime_pack(by="sup1", sheets=3)
    written = now - timedelta(hours=6)
    sheets = tmp_path / "sheets.json"
    sheets.write_text(
        json.dumps(
            {
                "sheets": [
                    _sheet(pack.sheets[0], given_time_text(written), urgency=["crew_on_scene"]),
                    _sheet(pack.sheets[1], given_time_text(written), urgency=["deteriorating"]),
                ]
            }
        ),
        encoding="utf-8",
    )
    assert main(["downtime", "enter", str(sheets), "--db", url]) == 0
    out = capsys.readouterr().out.splitlines()
    due_rapid = given_time_text(written.replace(second=0, microsecond=0) + timedelta(hours=3))
    assert out[0].startswith(f"{pack.sheets[0]}: received {given_time_text(written)} (as written)")
    assert f"due {due_rapid} - BREACHED ON PAPER" in out[0]
    assert "BREACHED" not in out[1] and out[2] == "Entered 2 sheets."

    assert main(["downtime", "enter", str(sheets), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "already entered" in err and "nothing was entered" in err
    assert main(["downtime", "reserved", "--db", url]) == 0
    assert capsys.readouterr().out.split()[0] == pack.sheets[2]
    assert main(["downtime", "release", "--all", "--db", url]) == 0
    assert capsys.readouterr().out == "Released 1 unused reserved references.\n"
    assert main(["downtime", "release", "--db", url]) == 2  # neither named nor --all
    with opened_desk(url, now) as desk:
        assert desk.reserved_sheets([SheetState.RESERVED]) == []
        assert len(desk.open_queue()) == 2


def test_the_open_queue_goes_to_a_neighbour_and_an_altered_file_is_refused(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    handed = tmp_path / "queue.json"
    assert main(["downtime", "export", "--db", demo_url, "-o", str(handed)]) == 0
    assert mode_of(handed) == 0o600
    neighbour = f"sqlite:///{tmp_path / 'neighbour.db'}"
    altered = tmp_path / "altered.json"
    document = json.loads(handed.read_bytes())
    document["referrals"][0]["received_at"] = "2026-11-01T09:00:00+00:00"
    altered.write_text(json.dumps(document), encoding="utf-8")
    capsys.readouterr()
    assert main(["downtime", "import", str(altered), "--db", neighbour]) == 2
    assert "altered after it was written" in capsys.readouterr().err
    assert main(["downtime", "import", str(handed), "--db", neighbour]) == 0
    count = len(document["referrals"])
    assert capsys.readouterr().out.startswith(f"Added {count} open referrals from ")
    assert main(["downtime", "import", str(handed), "--db", neighbour]) == 0
    assert "Added 0 open referrals" in (said := capsys.readouterr().out)
    assert f"{count} were already here" in said


def test_the_drill_times_the_pack_enters_the_sheets_and_reconciles(
    demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["downtime", "drill", "--db", demo_url]) == 0
    figures = dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines())
    assert figures["reconciled"] == "True"
    assert figures["sheets_entered"] == "5" and figures["still_reserved"] == "0"
    assert figures["due_not_from_paper_time"] == "0" and figures["breached_on_paper"] == "1"
    assert float(figures["pack_build_seconds"]) < 5
    with opened_desk(demo_url, utc_now()) as desk:
        drill = desk.last_drill()
        assert drill is not None and drill.figures["reconciled"] is True
        assert desk.reserved_sheets([SheetState.RESERVED]) == []  # the live desk's released
        assert desk.paper_calls() == []  # nothing entered into the live queue


def test_the_read_only_copy_is_written_owner_only(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.html"
    assert main(["downtime", "copy", "--db", demo_url, "-o", str(copy)]) == 0
    assert mode_of(copy) == 0o600
    with opened_desk(demo_url, utc_now()) as desk:
        assert all(row.reference in copy.read_text() for row in desk.open_queue())
        [event], _ = desk.audit_events(actor=getpass.getuser(), limit=5)
        assert event.action == "read-only copy written"  # a person's export is audited
