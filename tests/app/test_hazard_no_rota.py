"""No rota, for the hazard log (H021): with no shifts on record the availability board shows every
cell as Y, and says in words, above the matrix, that this is because there is no rota (so the
handler decides); with a rota it shows no such words and its own Y and N."""

from __future__ import annotations

from io import StringIO

from call_script import settle
from rich.console import Console
from textual.widgets import Static

from db.desk import DeskService
from screens.availability import AvailabilityScreen
from spr_desk.entrypoints.bootstrap import build_app

SIZE = (120, 40)
NO_ROTA = "No shifts on the rota for the next three days: every cell is shown as Y"


def matrix_text(screen: AvailabilityScreen) -> str:
    console = Console(width=140, file=StringIO(), record=True)
    console.print(screen.query_one("#availability-matrix", Static).content)
    return console.export_text()


async def open_who_is_on(desk: DeskService) -> tuple[str, bool]:
    """The matrix as it reads, and whether the board knew a rota."""
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AvailabilityScreen) and screen.who is not None
        return matrix_text(screen), screen.who.board.rota_known


async def test_with_no_rota_the_board_says_so_above_its_all_y_matrix(
    sqlite_desk: DeskService,
) -> None:
    text, known = await open_who_is_on(sqlite_desk)
    assert not known
    assert " ".join(NO_ROTA.split()) in " ".join(text.split())
    assert "the handler decides" in " ".join(text.split())
    thame = next(line for line in text.splitlines() if line.strip().startswith("Thame"))
    assert thame.split()[1:] == ["Y"] * 9
    assert text.index("No shifts") < text.index("Thame")  # read before the matrix


async def test_with_a_rota_the_board_has_no_such_words_and_shows_its_n(
    sqlite_demo_desk: DeskService,
) -> None:
    night = DeskService(
        sqlite_demo_desk.engine,
        clock=lambda: sqlite_demo_desk.now().replace(hour=23),  # Monday 23:00
    )
    text, known = await open_who_is_on(night)
    assert known and "No shifts" not in text
    thame = next(line for line in text.splitlines() if line.strip().startswith("Thame"))
    assert "N" in thame.split()[1:]
