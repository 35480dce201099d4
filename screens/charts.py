"""The supervisor's charts: referrals by hour, weekday and day, the share met in time by week,
breaches and overrides by week, and the open queue by lead and by locality.

One chart at a time, filling the screen at every size (80x24 and up): 1-5 choose one, left and
right step through them. `t` swaps the plot for the same numbers as plain text (`spr_desk.figures.
series_text`), so every figure reads without colour and without a plot. The plots are drawn to
read in monochrome too: each series has its own marker (`█`, `░`, the letters R F N), named in
its legend, so nothing depends on telling colours apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual_plotext import PlotextPlot

from screens.context import DeskContext
from screens.desk_screen import DeskScreen
from screens.fault_words import failure_words
from screens.widgets.desk_header import DeskHeader
from spr_desk.figures import DEFAULT_WEEKS, ChartSeries, Panel, series_text, value_words

if TYPE_CHECKING:
    # A private module of textual-plotext, named for the type only: an upgrade that moves it
    # must not stop the desk from starting.
    from textual_plotext.plotext._figure import _figure_class as Plot

BAR = "hd"
"""Half blocks: neighbouring bars keep a gap between them, where full blocks run together."""
SECOND_BAR = "░"
"""The second series of a pair of bars: shaded, so it differs from the first without colour."""
LOOKS = ("solid", "shaded")
"""The pair of bars in words, for the legend (a series of all noughts draws no marker there)."""
ACROSS_BAR = "█"
"""Whole blocks for bars lying down: half blocks drew them half a row off their names."""
LINE_MARKERS = ("R", "F", "N")
"""Rapid, Fast, Normal: each line drawn in its own letter, so the lines read in monochrome."""
Y_TICKS = 4
"""About this many steps up the count axis, each a whole number."""


@dataclass(frozen=True, slots=True)
class Room:
    """The cells one panel has: across and down."""

    width: int
    height: int
    rows: int = 0
    """Bars the tallest panel of the chart has: panels side by side share their rows."""


@dataclass(frozen=True, slots=True)
class Chart:
    """One of the charts: its panels (drawn side by side) and how each is drawn."""

    title: str
    panels: Callable[[ChartSeries], tuple[Panel, ...]]
    draw: Callable[[Plot, Panel, Room], None]
    """Draws one panel on its subplot, given the cells it has."""


def count_ticks(peak: float) -> list[float]:
    """Whole-number steps from 0 to at least `peak` (a count is never 2.5)."""
    top = max(1, int(-(-peak // 1)))
    step = max(1, -(-top // Y_TICKS))
    return [float(tick) for tick in range(0, top + step, step)]


def _every(labels: Sequence[str], room: int, *, from_first: bool = False) -> list[int]:
    """Which labels fit along an axis of `room` cells, evenly spaced: their positions. The
    last (today, this week) is always among them; `from_first`, the first (hour 00) instead."""
    if not labels:
        return []
    widest = max(len(label) for label in labels)
    widest += 3 if widest > 4 else 2  # a gap between; plotext drops a tick that crowds one
    step = max(1, -(-len(labels) * widest // max(room, 1)))
    if from_first:
        return list(range(0, len(labels), step))
    return list(range(len(labels) - 1, -1, -step))[::-1]


def _axes(plot: Plot, panel: Panel, peak: float, room: int, *, from_first: bool) -> None:
    plot.title(panel.title)
    plot.xlabel(panel.axis)
    plot.ylabel(panel.unit.capitalize())
    ticks = count_ticks(peak)
    plot.ylim(0, ticks[-1])  # else plotext sets the top tick above the frame
    plot.yticks(ticks, [str(int(tick)) for tick in ticks])
    shown = _every(panel.labels, room, from_first=from_first)
    plot.xticks([float(i + 1) for i in shown], [panel.labels[i] for i in shown])


def _peak(panel: Panel) -> float:
    return max((v for series in panel.series for v in series.values if v is not None), default=0)


def draw_bars(plot: Plot, panel: Panel, room: Room, *, from_first: bool = False) -> None:
    """Upright bars (one series) or pairs of bars (two), counts on a whole-number axis; the
    labels along it from the last (today), or `from_first` (hours of the day from 00)."""
    positions = [float(i + 1) for i in range(len(panel.labels))]
    values = [[v or 0.0 for v in series.values] for series in panel.series]
    if len(values) == 1:
        plot.bar(positions, values[0], marker=BAR, width=0.6)  # the title names it
    else:
        # plotext names this keyword `labels` (the stub file says `label`) and takes a marker
        # for each series.
        grouped: Any = plot.multiple_bar
        grouped(
            positions,
            values,
            marker=[BAR, SECOND_BAR][: len(values)],
            width=0.7,
            labels=[
                f"{series.name} ({look})" for series, look in zip(panel.series, LOOKS, strict=False)
            ],
        )
    plot.xlim(0.25, len(panel.labels) + 0.75)  # the end bars whole, off the frame
    _axes(plot, panel, _peak(panel), room.width - AXIS_CELLS, from_first=from_first)


ACROSS_FRAME = 5
"""Rows a panel of bars lying down takes beyond its bars: title, frame, ticks, axis name."""


def draw_across(plot: Plot, panel: Panel, room: Room) -> None:
    """Bars lying down, one row each with its name on the left and its count at its end: for
    names too long to stand under a bar (localities, leads). The panel is as tall as its bars
    (one row each, when they fit): plotext spreads fewer bars over more rows unevenly, a bar
    half a row off its name."""
    plot.title(panel.title)
    if not panel.labels:
        plot.text("None open.", x=0.5, y=0.5)
        plot.xlim(0, 1)
        plot.ylim(0, 1)
        return
    rows = max(room.rows, len(panel.labels))
    if room.height >= rows + ACROSS_FRAME:
        plot.plotsize(room.width, rows + ACROSS_FRAME)
    # plotext counts rows up from the bottom; the largest (first) reads at the top.
    positions = [float(rows - i) for i in range(len(panel.labels))]
    values = [v or 0.0 for v in panel.series[0].values]
    ticks = count_ticks(_peak(panel) * 1.2)  # room at the end of the longest for its count
    plot.xlim(0, ticks[-1])
    plot.xticks(ticks, [str(int(tick)) for tick in ticks])
    cells = max(1, room.width - max(len(text) for text in panel.labels) - 3)
    shortest = ticks[-1] / cells  # one cell: a count of 1 beside 99 is still seen
    for position, value in zip(positions, values, strict=True):
        end = max(value, shortest) if value else 0.0
        if value:  # each bar a line one row thick: plotext's own bars lying down ran into
            # the next row (a bar of 43 drawn 99 long beside a 99)
            plot.plot([0.0, end], [position, position], marker=ACROSS_BAR, color="default")
        plot.text(
            f" {value_words(panel, value)}",
            x=end,
            y=position,
            alignment="left",
            color="default",
            background="default",
        )
    plot.yticks(positions, list(panel.labels))
    plot.ylim(0.5, rows + 0.5)
    plot.xlabel(panel.unit.capitalize())


def draw_shares(plot: Plot, panel: Panel, room: Room) -> None:
    """A line for each response, in its own letter; a week with none responded at that response
    has no point (the line breaks there), never a point at 0%."""
    for series, marker in zip(panel.series, LINE_MARKERS, strict=False):
        runs = _runs(series.values)
        for index, run in enumerate(runs):
            xs = [float(i + 1) for i, _ in run]
            ys = [value for _, value in run]
            name = series.name if index == 0 else None
            plot.plot(xs, ys, marker=marker, label=name)
        if not runs:
            # Named in the legend all the same, so a missing line reads as "no point".
            plot.plot([0.0], [-100.0], marker=marker, label=f"{series.name}: none")
    plot.title(panel.title)
    plot.xlabel(panel.axis)
    plot.ylabel(panel.unit)
    plot.ylim(0, 100)
    plot.yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    plot.xlim(0.5, len(panel.labels) + 0.5)
    shown = _every(panel.labels, room.width - AXIS_CELLS)
    plot.xticks([float(i + 1) for i in shown], [panel.labels[i] for i in shown])


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """The unbroken stretches of points, each as (position, value)."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((index, value))
    if current:
        runs.append(current)
    return runs


def _chart_list() -> tuple[Chart, ...]:
    return (
        Chart(
            "Referrals by hour and by weekday",
            lambda series: (series.by_hour, series.by_weekday),
            lambda plot, panel, room: draw_bars(plot, panel, room, from_first=True),
        ),
        Chart(
            "Referrals by day",
            lambda series: (series.by_day,),
            draw_bars,
        ),
        Chart(
            "Responded in time, by week",
            lambda series: (series.met_by_week,),
            draw_shares,
        ),
        Chart(
            "Breaches and overrides, by week",
            lambda series: (series.breaches_and_overrides,),
            draw_bars,
        ),
        Chart(
            "Open queue by lead and locality",
            lambda series: (series.open_by_lead, series.open_by_locality),
            draw_across,
        ),
    )


CHARTS = _chart_list()


AXIS_CELLS = 5
"""What a panel's frame and count axis take of its width."""


def draw_chart(plot: Plot, chart: Chart, series: ChartSeries, width: int, height: int) -> None:
    """The chart's panels side by side on a cleared figure of `width` by `height` cells."""
    plot.clear_figure()
    panels = chart.panels(series)
    plot.subplots(1, len(panels))
    room = Room(width // len(panels), height, max(len(panel.labels) for panel in panels))
    for column, panel in enumerate(panels, start=1):
        chart.draw(plot.subplot(1, column), panel, room)


class ChartsScreen(DeskScreen):
    """The charts, read in a worker; one shown at a time, as a plot or as text."""

    CSS_PATH = "charts.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "1",
            "show(0)",
            "Chart",
            key_display=f"1-{len(CHARTS)}",
            tooltip="Choose a chart by its number",
            id="charts.chart",
        ),
        *(Binding(str(n + 1), f"show({n})", show=False) for n in range(1, len(CHARTS))),
        Binding("left", "step(-1)", "Previous", tooltip="The chart before", id="charts.previous"),
        Binding("right", "step(1)", "Next", tooltip="The chart after", id="charts.next"),
        Binding(
            "t",
            "toggle_text",
            "Text/plot",
            tooltip="The chart's numbers as text, or back to the plot",
            id="charts.text",
        ),
        Binding(
            "r", "refresh", "Refresh", tooltip="Read the figures again now", id="charts.refresh"
        ),
        Binding("escape", "back", "Back", tooltip="Back to the supervisor view", id="charts.back"),
    ]

    def __init__(self, ctx: DeskContext, weeks: int = DEFAULT_WEEKS) -> None:
        super().__init__(ctx)
        self.weeks = weeks
        self.series: ChartSeries | None = None
        self.chart = 0
        self.as_text = False

    def compose_body(self) -> ComposeResult:
        yield Static("Loading the charts...", id="charts-caption")
        yield PlotextPlot(id="charts-plot")
        with VerticalScroll(id="charts-text-body"):
            yield Static("", id="charts-text")

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Charts"
        self.query_one("#charts-text-body").display = False
        self.action_refresh()

    def action_refresh(self) -> None:
        weeks = self.weeks
        self.load(
            lambda: self.desk.chart_series(weeks=weeks),
            group="charts",
            exclusive=True,
            then=self._show,
            failed=lambda error: self._failed(failure_words(error)),
        )

    def _failed(self, words: str) -> None:
        self.query_one("#charts-caption", Static).update(
            Text(f"Could not read the charts: {words} Press r to try again.")
        )
        self.notify("Could not read the charts.", severity="error", markup=False)

    def _show(self, series: ChartSeries) -> None:
        self.series = series
        self.query_one(DeskHeader).now = series.now
        self._draw()

    def action_show(self, index: int) -> None:
        self.chart = index % len(CHARTS)
        self._draw()

    def action_step(self, by: int) -> None:
        self.action_show(self.chart + by)

    def action_toggle_text(self) -> None:
        self.as_text = not self.as_text
        self._draw()

    def shown_text(self) -> list[str]:
        """The current chart's numbers as the text view shows them."""
        if self.series is None:
            return []
        return series_text(CHARTS[self.chart].panels(self.series))

    def _draw(self) -> None:
        if self.series is None:
            return  # the caption says it is loading, or why it could not be read
        chart = CHARTS[self.chart]
        other = "the plot" if self.as_text else "numbers as text"
        self.query_one("#charts-caption", Static).update(
            Text.assemble(
                (f"{self.chart + 1} of {len(CHARTS)}: {chart.title}", "bold"),
                (f"  (t: {other})", "dim"),
            )
        )
        plot = self.query_one("#charts-plot", PlotextPlot)
        text_body = self.query_one("#charts-text-body", VerticalScroll)
        plot.display = not self.as_text
        text_body.display = self.as_text
        if self.as_text:
            self.query_one("#charts-text", Static).update(Text("\n".join(self.shown_text())))
            return
        draw_chart(plot.plt, chart, self.series, plot.size.width, plot.size.height)
        plot.refresh()

    def on_resize(self) -> None:
        # After the layout: the plot's new size is what the panels are drawn to.
        self.call_after_refresh(self._draw)

    def action_back(self) -> None:
        self.dismiss(None)
