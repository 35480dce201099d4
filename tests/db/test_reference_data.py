"""Reference data from the source documents is loaded on first start, once."""

from __future__ import annotations

from sqlmodel import Session, select

from db.desk import DeskService
from db.models import Locality, Team


def test_first_start_loads_the_seven_acht_localities_and_the_named_teams_with_roles(
    desk: DeskService,
) -> None:
    with Session(desk.engine) as session:
        localities = set(session.exec(select(Locality.name)).all())
        teams = {team.name: team for team in session.exec(select(Team)).all()}
    assert localities == {
        "Aylesbury", "Southern", "Buckingham", "Thame", "Amersham", "Wycombe", "Marlow",
        "Countywide",
    }  # fmt: skip
    assert {f"ACHT {name}" for name in localities - {"Countywide"}} < set(teams)
    assert {
        "ACHT Night Team",
        "Bucks Care Reablement",
        "Stoke Mandeville Hospital Social Work",
        "Wycombe Hospital Social Work",
        "CR&R",
    } < set(teams)
    assert teams["ACHT Night Team"].covers_night
    assert teams["ACHT Night Team"].roles == ["nurse", "hca"]
    assert "reablement_worker" in teams["Bucks Care Reablement"].roles
    assert teams["CR&R"].base == "County Hall, Aylesbury"


def test_loading_reference_data_again_adds_nothing(desk: DeskService) -> None:
    assert desk.ensure_reference_data() == 0
