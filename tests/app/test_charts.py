"""The supervisor's charts: the desk's read against the supervisor view's figures, pictures at
80x24 and 120x40, the text toggle's numbers against the desk's series, and a refusal in words."""

from __future__ import annotations

from typing import Any

import pytest
from call_script import settle
from tests_support import context_of
from textual.pilot import Pilot
from textual.widgets import Static
from textual_plotext import PlotextPlot

from db.desk import DeskService
from screens.charts import CHARTS, ChartsScreen
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.figures import NO_LOCALITY, series_text
from spr_desk.supervision import NONE_LABEL


async def open_charts(pilot: Pilot[Any], weeks: int = 8) -> ChartsScreen:
    await settle(pilot)
    screen = ChartsScreen(context_of(pilot.app), weeks=weeks)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def test_the_desk_reads_the_open_queue_as_the_supervisor_view_does(
    demo_desk: DeskService,
) -> None:
    """On each backend: the charts' open queue and this week's referrals agree with `review`."""
    charts = demo_desk.chart_series()
    review = demo_desk.review()
    by_locality = dict(
        zip(charts.open_by_locality.labels, charts.open_by_locality.series[0].values, strict=True)
    )
    assert by_locality == {
        (NO_LOCALITY if name == NONE_LABEL else name): count
        for name, count in review.queue_by_locality
    }
    assert sum(v or 0 for v in charts.open_by_lead.series[0].values) == review.open_total
    # The demo's seven days, counted by hour of day, are the review's (it reads the same days).
    assert sum(v or 0 for v in charts.by_hour.series[0].values) >= review.week > 0
    assert charts.weeks == 8 and len(charts.met_by_week.labels) == 8


@pytest.mark.parametrize(
    ("size", "keys"),
    [((80, 24), "1"), ((80, 24), "5"), ((120, 40), "3"), ((120, 40), "4")],
    ids=["80x24-hours", "80x24-queue", "120x40-met", "120x40-breaches"],
)
def test_charts_snapshot(
    snap_compare, sqlite_demo_desk: DeskService, size: tuple[int, int], keys: str
) -> None:  # type: ignore[no-untyped-def]
    """One chart at a time, filling the screen, on frozen demo data."""

    async def opened(pilot: Pilot[None]) -> None:
        await open_charts(pilot)
        await pilot.press(keys)
        await settle(pilot)

    assert snap_compare(
        build_app(sqlite_demo_desk, user="sup1"), terminal_size=size, run_before=opened
    )


async def test_the_text_toggle_shows_the_desks_numbers(sqlite_demo_desk: DeskService) -> None:
    expected = sqlite_demo_desk.chart_series()
    app = build_app(sqlite_demo_desk, user="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_charts(pilot)
        assert screen.series == expected
        plot = screen.query_one("#charts-plot", PlotextPlot)
        text = screen.query_one("#charts-text", Static)
        assert plot.display
        await pilot.press("t")
        await settle(pilot)
        assert not plot.display and screen.query_one("#charts-text-body").display
        for number, chart in enumerate(CHARTS, start=1):
            await pilot.press(str(number))
            await settle(pilot)
            assert str(text.content).splitlines() == series_text(chart.panels(expected))
        # The last chart, read from the screen: the open queue by lead, as the desk counts it.
        shown = str(text.content)
        nurse = expected.open_by_lead.series[0].values[0]
        assert nurse and f"  Nurse        {int(nurse)}" in shown.splitlines()
        await pilot.press("right")  # round to the first
        await settle(pilot)
        assert (
            str(text.content).splitlines()[0]
            == "Referrals by hour of day, last 8 weeks (referrals)"
        )
        await pilot.press("t")
        await settle(pilot)
        assert plot.display and not screen.query_one("#charts-text-body").display
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ChartsScreen)


async def test_a_refused_read_is_said_in_words(sqlite_demo_desk: DeskService) -> None:
    app = build_app(sqlite_demo_desk, user="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_charts(pilot, weeks=0)
        caption = str(screen.query_one("#charts-caption", Static).content)
        assert caption == "Could not read the charts: Show at least one week. Press r to try again."
        assert screen.series is None
